#include "crypto/aead.h"

#include <gtest/gtest.h>
#include <sodium.h>

#include <array>
#include <cstdint>
#include <set>
#include <string>
#include <string_view>
#include <thread>
#include <utility>
#include <vector>

#include "crypto/bytes.h"
#include "crypto/sodium_init.h"
#include "cvault/secret_bytes.h"
#include "cvault/status.h"

namespace cvault::crypto {
namespace {

constexpr std::string_view kPlaintext = "alice@example.com";
constexpr std::uint32_t kKeyId = 7;
constexpr std::string_view kFieldAuthenticationFailure =
    "field ciphertext failed authentication: tampered, moved from another "
    "record or column, or wrong key";

const FieldBinding kAliceEmail{.table = "customers",
                               .column = "email",
                               .record_id = "rec_01",
                               .customer_id = "cus_A"};

FieldCipher MakeCipher(std::uint32_t key_id, SecretBytes key) {
  auto cipher = FieldCipher::Create(key_id, std::move(key));
  if (!cipher.has_value()) {
    ADD_FAILURE() << cipher.error().ToString();
    std::abort();
  }
  return std::move(*cipher);
}

Bytes EncryptOrDie(const FieldCipher& cipher, std::string_view plaintext,
                   const FieldBinding& binding) {
  auto envelope = cipher.Encrypt(AsBytes(plaintext), binding);
  if (!envelope.has_value()) {
    ADD_FAILURE() << envelope.error().ToString();
    std::abort();
  }
  return std::move(*envelope);
}

std::span<const std::uint8_t> NonceOf(const Bytes& envelope) {
  return std::span<const std::uint8_t>(envelope).subspan(kEnvelopeHeaderSize,
                                                         kEnvelopeNonceSize);
}

class FieldCipherTest : public ::testing::Test {
 protected:
  FieldCipher cipher_ = MakeCipher(kKeyId, SecretBytes::Random(kAeadKeySize));
};

TEST(FieldCipherCreateTest, CreateWithWrongKeySizeFails) {
  for (std::size_t size : {0, 1, 16, 31, 33, 64}) {
    auto cipher = FieldCipher::Create(kKeyId, SecretBytes::Random(size));
    ASSERT_FALSE(cipher.has_value()) << "key size " << size;
    EXPECT_EQ(cipher.error().code(), StatusCode::kInvalidArgument);
  }
}

TEST_F(FieldCipherTest, EncryptThenDecryptRoundTrips) {
  const Bytes envelope = EncryptOrDie(cipher_, kPlaintext, kAliceEmail);
  auto plaintext = cipher_.Decrypt(envelope, kAliceEmail);
  ASSERT_TRUE(plaintext.has_value()) << plaintext.error().ToString();
  EXPECT_EQ(plaintext->RevealAsText(), kPlaintext);
  EXPECT_EQ(cipher_.key_id(), kKeyId);
}

TEST_F(FieldCipherTest, EmptyPlaintextRoundTrips) {
  const Bytes envelope = EncryptOrDie(cipher_, "", kAliceEmail);
  EXPECT_EQ(envelope.size(), kEnvelopeOverhead);
  auto plaintext = cipher_.Decrypt(envelope, kAliceEmail);
  ASSERT_TRUE(plaintext.has_value()) << plaintext.error().ToString();
  EXPECT_TRUE(plaintext->empty());
}

TEST_F(FieldCipherTest, LargePlaintextRoundTrips) {
  const std::string large(1 << 20, 'x');
  const Bytes envelope = EncryptOrDie(cipher_, large, kAliceEmail);
  auto plaintext = cipher_.Decrypt(envelope, kAliceEmail);
  ASSERT_TRUE(plaintext.has_value()) << plaintext.error().ToString();
  EXPECT_EQ(plaintext->RevealAsText(), large);
}

TEST_F(FieldCipherTest, CiphertextDoesNotContainPlaintext) {
  const Bytes envelope = EncryptOrDie(cipher_, kPlaintext, kAliceEmail);
  const std::string_view envelope_text(
      reinterpret_cast<const char*>(envelope.data()), envelope.size());
  EXPECT_EQ(envelope_text.find(kPlaintext), std::string_view::npos);
}

TEST(FieldCipherFormatTest, EnvelopeHasDocumentedLayout) {
  const FieldCipher cipher =
      MakeCipher(0x01020304, SecretBytes::Random(kAeadKeySize));
  const Bytes envelope = EncryptOrDie(cipher, kPlaintext, kAliceEmail);
  ASSERT_EQ(envelope.size(), 1 + 4 + 24 + kPlaintext.size() + 16);
  EXPECT_EQ(envelope[0], 0x01);
  EXPECT_EQ(envelope[1], 0x01);
  EXPECT_EQ(envelope[2], 0x02);
  EXPECT_EQ(envelope[3], 0x03);
  EXPECT_EQ(envelope[4], 0x04);
  auto key_id = EnvelopeKeyId(envelope);
  ASSERT_TRUE(key_id.has_value()) << key_id.error().ToString();
  EXPECT_EQ(*key_id, 0x01020304u);
}

// Builds an envelope with libsodium directly, following
// docs/ciphertext-format.md, so a change to the codec that would strand stored
// ciphertext fails here.
TEST(FieldCipherFormatTest, DecryptsEnvelopeBuiltFromTheDocumentedFormat) {
  EnsureSodiumInitialized();
  Bytes key(kAeadKeySize);
  for (std::size_t i = 0; i < key.size(); ++i)
    key[i] = static_cast<std::uint8_t>(i);
  const Bytes nonce(kEnvelopeNonceSize, 0xA5);
  const Bytes header = {0x01, 0x00, 0x00, 0x01, 0x2C};  // key id 300

  Bytes associated_data = header;
  for (std::string_view value :
       {kAliceEmail.table, kAliceEmail.column, kAliceEmail.record_id,
        kAliceEmail.customer_id}) {
    const auto size = static_cast<std::uint32_t>(value.size());
    associated_data.insert(associated_data.end(),
                           {static_cast<std::uint8_t>(size >> 24),
                            static_cast<std::uint8_t>(size >> 16),
                            static_cast<std::uint8_t>(size >> 8),
                            static_cast<std::uint8_t>(size)});
    associated_data.insert(associated_data.end(), value.begin(), value.end());
  }
  Bytes sealed(kPlaintext.size() + kEnvelopeTagSize);
  unsigned long long sealed_size = 0;
  ASSERT_EQ(crypto_aead_xchacha20poly1305_ietf_encrypt(
                sealed.data(), &sealed_size,
                reinterpret_cast<const unsigned char*>(kPlaintext.data()),
                kPlaintext.size(), associated_data.data(),
                associated_data.size(), nullptr, nonce.data(), key.data()),
            0);
  Bytes envelope = header;
  envelope.insert(envelope.end(), nonce.begin(), nonce.end());
  envelope.insert(envelope.end(), sealed.begin(), sealed.end());

  const FieldCipher cipher = MakeCipher(300, SecretBytes::CopyFrom(key));
  auto plaintext = cipher.Decrypt(envelope, kAliceEmail);
  ASSERT_TRUE(plaintext.has_value()) << plaintext.error().ToString();
  EXPECT_EQ(plaintext->RevealAsText(), kPlaintext);
}

TEST_F(FieldCipherTest, DecryptWithFlippedByteFails) {
  const Bytes envelope = EncryptOrDie(cipher_, kPlaintext, kAliceEmail);
  for (std::size_t i = 0; i < envelope.size(); ++i) {
    for (std::uint8_t mask : {0x01, 0x80}) {
      Bytes tampered = envelope;
      tampered[i] ^= mask;
      auto plaintext = cipher_.Decrypt(tampered, kAliceEmail);
      ASSERT_FALSE(plaintext.has_value()) << "flipped byte " << i;
      if (i == 0) {
        EXPECT_EQ(plaintext.error().code(), StatusCode::kIntegrity);
        EXPECT_NE(plaintext.error().message().find("malformed"),
                  std::string::npos);
      } else if (i < kEnvelopeHeaderSize) {
        EXPECT_EQ(plaintext.error().code(), StatusCode::kKeyFailure);
      } else {
        EXPECT_EQ(plaintext.error().code(), StatusCode::kIntegrity);
        EXPECT_EQ(plaintext.error().message(), kFieldAuthenticationFailure);
      }
    }
  }
}

TEST_F(FieldCipherTest, DecryptTruncatedEnvelopeFails) {
  const Bytes envelope = EncryptOrDie(cipher_, kPlaintext, kAliceEmail);
  for (std::size_t size = 0; size < envelope.size(); ++size) {
    const std::span<const std::uint8_t> truncated(envelope.data(), size);
    auto plaintext = cipher_.Decrypt(truncated, kAliceEmail);
    ASSERT_FALSE(plaintext.has_value()) << "truncated to " << size;
    EXPECT_EQ(plaintext.error().code(), StatusCode::kIntegrity);
    if (size < kEnvelopeOverhead) {
      EXPECT_NE(plaintext.error().message().find("malformed"),
                std::string::npos);
    }
  }
}

TEST_F(FieldCipherTest, DecryptWithAppendedByteFails) {
  Bytes envelope = EncryptOrDie(cipher_, kPlaintext, kAliceEmail);
  envelope.push_back(0);
  auto plaintext = cipher_.Decrypt(envelope, kAliceEmail);
  ASSERT_FALSE(plaintext.has_value());
  EXPECT_EQ(plaintext.error().code(), StatusCode::kIntegrity);
}

TEST_F(FieldCipherTest, DecryptWithUnknownFormatByteIsMalformed) {
  Bytes envelope = EncryptOrDie(cipher_, kPlaintext, kAliceEmail);
  envelope[0] = 0x02;
  auto plaintext = cipher_.Decrypt(envelope, kAliceEmail);
  ASSERT_FALSE(plaintext.has_value());
  EXPECT_EQ(plaintext.error().code(), StatusCode::kIntegrity);
  EXPECT_NE(
      plaintext.error().message().find("ciphertext envelope is malformed"),
      std::string::npos);
}

TEST_F(FieldCipherTest, CiphertextMovedToAnotherTableFails) {
  const Bytes envelope = EncryptOrDie(cipher_, kPlaintext, kAliceEmail);
  FieldBinding moved = kAliceEmail;
  moved.table = "support_tickets";
  auto plaintext = cipher_.Decrypt(envelope, moved);
  ASSERT_FALSE(plaintext.has_value());
  EXPECT_EQ(plaintext.error().code(), StatusCode::kIntegrity);
  EXPECT_EQ(plaintext.error().message(), kFieldAuthenticationFailure);
}

TEST_F(FieldCipherTest, CiphertextMovedToAnotherColumnFails) {
  const Bytes envelope = EncryptOrDie(cipher_, kPlaintext, kAliceEmail);
  FieldBinding moved = kAliceEmail;
  moved.column = "phone";
  auto plaintext = cipher_.Decrypt(envelope, moved);
  ASSERT_FALSE(plaintext.has_value());
  EXPECT_EQ(plaintext.error().code(), StatusCode::kIntegrity);
  EXPECT_EQ(plaintext.error().message(), kFieldAuthenticationFailure);
}

TEST_F(FieldCipherTest, CiphertextMovedToAnotherRecordFails) {
  const Bytes envelope = EncryptOrDie(cipher_, kPlaintext, kAliceEmail);
  FieldBinding moved = kAliceEmail;
  moved.record_id = "rec_02";
  auto plaintext = cipher_.Decrypt(envelope, moved);
  ASSERT_FALSE(plaintext.has_value());
  EXPECT_EQ(plaintext.error().code(), StatusCode::kIntegrity);
}

TEST_F(FieldCipherTest, CiphertextMovedToAnotherCustomerFails) {
  const Bytes envelope = EncryptOrDie(cipher_, kPlaintext, kAliceEmail);
  FieldBinding moved = kAliceEmail;
  moved.customer_id = "cus_B";
  auto plaintext = cipher_.Decrypt(envelope, moved);
  ASSERT_FALSE(plaintext.has_value());
  EXPECT_EQ(plaintext.error().code(), StatusCode::kIntegrity);
}

TEST_F(FieldCipherTest, BindingValuesAreLengthPrefixedNotConcatenated) {
  const FieldBinding original{
      .table = "ab", .column = "c", .record_id = "r", .customer_id = "cus_A"};
  const Bytes envelope = EncryptOrDie(cipher_, kPlaintext, original);
  FieldBinding shifted = original;
  shifted.table = "a";
  shifted.column = "bc";
  EXPECT_FALSE(cipher_.Decrypt(envelope, shifted).has_value());

  FieldBinding shifted_tail = original;
  shifted_tail.record_id = "rc";
  shifted_tail.customer_id = "us_A";
  EXPECT_FALSE(cipher_.Decrypt(envelope, shifted_tail).has_value());
}

TEST_F(FieldCipherTest, DecryptWithWrongKeyFails) {
  const Bytes envelope = EncryptOrDie(cipher_, kPlaintext, kAliceEmail);
  const FieldCipher other =
      MakeCipher(kKeyId, SecretBytes::Random(kAeadKeySize));
  auto plaintext = other.Decrypt(envelope, kAliceEmail);
  ASSERT_FALSE(plaintext.has_value());
  EXPECT_EQ(plaintext.error().code(), StatusCode::kIntegrity);
  EXPECT_EQ(plaintext.error().message(), kFieldAuthenticationFailure);
}

TEST(FieldCipherKeyIdTest, DecryptUnderOtherKeyIdIsKeyFailure) {
  const SecretBytes key = SecretBytes::Random(kAeadKeySize);
  const FieldCipher seven = MakeCipher(7, key.Clone());
  const FieldCipher eight = MakeCipher(8, key.Clone());
  const Bytes envelope = EncryptOrDie(seven, kPlaintext, kAliceEmail);
  auto plaintext = eight.Decrypt(envelope, kAliceEmail);
  ASSERT_FALSE(plaintext.has_value());
  EXPECT_EQ(plaintext.error().code(), StatusCode::kKeyFailure);
  EXPECT_NE(
      plaintext.error().message().find("encrypted under key 7, this key is 8"),
      std::string::npos)
      << plaintext.error().message();
}

TEST(FieldCipherKeyIdTest, RelabelledKeyIdFailsAuthentication) {
  // The header is authenticated: rewriting the key id to match another
  // cipher holding the same key bytes must not decrypt.
  const SecretBytes key = SecretBytes::Random(kAeadKeySize);
  const FieldCipher seven = MakeCipher(7, key.Clone());
  const FieldCipher eight = MakeCipher(8, key.Clone());
  Bytes envelope = EncryptOrDie(seven, kPlaintext, kAliceEmail);
  envelope[4] = 8;
  auto plaintext = eight.Decrypt(envelope, kAliceEmail);
  ASSERT_FALSE(plaintext.has_value());
  EXPECT_EQ(plaintext.error().code(), StatusCode::kIntegrity);
}

TEST_F(FieldCipherTest, EncryptingTheSameValueTwiceUsesFreshNonces) {
  std::set<Bytes> nonces;
  std::set<Bytes> envelopes;
  for (int i = 0; i < 1000; ++i) {
    const Bytes envelope = EncryptOrDie(cipher_, kPlaintext, kAliceEmail);
    const auto nonce = NonceOf(envelope);
    nonces.emplace(nonce.begin(), nonce.end());
    envelopes.insert(envelope);
  }
  EXPECT_EQ(nonces.size(), 1000u);
  EXPECT_EQ(envelopes.size(), 1000u);
}

TEST_F(FieldCipherTest, EncryptManyRoundTripsEachField) {
  const std::vector<std::string_view> values = {
      "Alice Example", "alice@example.com", "+4915112345678", ""};
  const std::vector<FieldBinding> bindings = {
      {"customers", "full_name", "rec_01", "cus_A"},
      {"customers", "email", "rec_01", "cus_A"},
      {"customers", "phone", "rec_01", "cus_A"},
      {"customers", "address", "rec_01", "cus_A"}};
  std::vector<std::span<const std::uint8_t>> plaintexts;
  for (std::string_view value : values) plaintexts.push_back(AsBytes(value));

  auto envelopes = cipher_.EncryptMany(plaintexts, bindings);
  ASSERT_TRUE(envelopes.has_value()) << envelopes.error().ToString();
  ASSERT_EQ(envelopes->size(), values.size());
  for (std::size_t i = 0; i < values.size(); ++i) {
    auto plaintext = cipher_.Decrypt((*envelopes)[i], bindings[i]);
    ASSERT_TRUE(plaintext.has_value()) << plaintext.error().ToString();
    EXPECT_EQ(plaintext->RevealAsText(), values[i]);
  }
}

TEST_F(FieldCipherTest, EncryptManyUsesDistinctNonces) {
  const std::vector<std::span<const std::uint8_t>> plaintexts(
      16, AsBytes(kPlaintext));
  const std::vector<FieldBinding> bindings(16, kAliceEmail);
  std::set<Bytes> nonces;
  for (int call = 0; call < 50; ++call) {
    auto envelopes = cipher_.EncryptMany(plaintexts, bindings);
    ASSERT_TRUE(envelopes.has_value()) << envelopes.error().ToString();
    for (const Bytes& envelope : *envelopes) {
      const auto nonce = NonceOf(envelope);
      nonces.emplace(nonce.begin(), nonce.end());
    }
  }
  EXPECT_EQ(nonces.size(), 16u * 50u);
}

TEST_F(FieldCipherTest, EncryptManySwappedCiphertextsFail) {
  const std::vector<std::span<const std::uint8_t>> plaintexts = {
      AsBytes("alice@example.com"), AsBytes("+4915112345678")};
  const std::vector<FieldBinding> bindings = {
      {"customers", "email", "rec_01", "cus_A"},
      {"customers", "phone", "rec_01", "cus_A"}};
  auto envelopes = cipher_.EncryptMany(plaintexts, bindings);
  ASSERT_TRUE(envelopes.has_value()) << envelopes.error().ToString();
  EXPECT_FALSE(cipher_.Decrypt((*envelopes)[0], bindings[1]).has_value());
  EXPECT_FALSE(cipher_.Decrypt((*envelopes)[1], bindings[0]).has_value());
}

TEST_F(FieldCipherTest, EncryptManyWithMismatchedCountsFails) {
  const std::vector<std::span<const std::uint8_t>> plaintexts(
      2, AsBytes(kPlaintext));
  const std::vector<FieldBinding> bindings(3, kAliceEmail);
  auto envelopes = cipher_.EncryptMany(plaintexts, bindings);
  ASSERT_FALSE(envelopes.has_value());
  EXPECT_EQ(envelopes.error().code(), StatusCode::kInvalidArgument);
}

TEST_F(FieldCipherTest, EncryptManyOfNoFieldsIsEmpty) {
  auto envelopes = cipher_.EncryptMany({}, {});
  ASSERT_TRUE(envelopes.has_value()) << envelopes.error().ToString();
  EXPECT_TRUE(envelopes->empty());
}

// Counts randombytes_buf calls while delegating to the system CSPRNG.
int g_random_buf_calls = 0;
const char* CountingName() { return "cvault_test_counting"; }
std::uint32_t CountingRandom() {
  return randombytes_sysrandom_implementation.random();
}
void CountingBuf(void* buf, std::size_t size) {
  ++g_random_buf_calls;
  randombytes_sysrandom_implementation.buf(buf, size);
}
randombytes_implementation g_counting_random = {
    .implementation_name = CountingName,
    .random = CountingRandom,
    .stir = nullptr,
    .uniform = nullptr,
    .buf = CountingBuf,
    .close = nullptr,
};

TEST_F(FieldCipherTest, EncryptManyDrawsAllNoncesWithOneRandomCall) {
  const std::vector<std::span<const std::uint8_t>> plaintexts(
      8, AsBytes(kPlaintext));
  const std::vector<FieldBinding> bindings(8, kAliceEmail);
  // libsodium cannot report its current implementation, only its name; the
  // test can only put back the system one it replaces.
  if (std::string_view(randombytes_implementation_name()) != "sysrandom") {
    GTEST_SKIP() << "libsodium is not using randombytes_sysrandom";
  }
  g_random_buf_calls = 0;
  randombytes_set_implementation(&g_counting_random);
  auto envelopes = cipher_.EncryptMany(plaintexts, bindings);
  randombytes_set_implementation(&randombytes_sysrandom_implementation);
  ASSERT_TRUE(envelopes.has_value()) << envelopes.error().ToString();
  EXPECT_EQ(g_random_buf_calls, 1);
}

TEST_F(FieldCipherTest, ErrorMessagesNeverContainPlaintextOrKey) {
  const SecretBytes key = SecretBytes::Random(kAeadKeySize);
  const FieldCipher cipher = MakeCipher(kKeyId, key.Clone());
  const FieldCipher other_id = MakeCipher(kKeyId + 1, key.Clone());
  Bytes envelope = EncryptOrDie(cipher, kPlaintext, kAliceEmail);

  std::vector<Status> failures;
  FieldBinding moved = kAliceEmail;
  moved.column = "phone";
  failures.push_back(cipher.Decrypt(envelope, moved).error());
  failures.push_back(other_id.Decrypt(envelope, kAliceEmail).error());
  failures.push_back(
      cipher.Decrypt(std::span(envelope).first(10), kAliceEmail).error());
  envelope.back() ^= 1;
  failures.push_back(cipher.Decrypt(envelope, kAliceEmail).error());

  const std::string plaintext_hex = ToHex(AsBytes(kPlaintext));
  const std::string key_hex = ToHex(key.Reveal());
  for (const Status& failure : failures) {
    const std::string text = failure.ToString();
    EXPECT_EQ(text.find(kPlaintext), std::string::npos) << text;
    EXPECT_EQ(text.find(plaintext_hex), std::string::npos) << text;
    EXPECT_EQ(text.find(key_hex), std::string::npos) << text;
  }
}

TEST_F(FieldCipherTest, MovedFromCipherFailsInsteadOfCrashing) {
  FieldCipher moved_to = std::move(cipher_);
  // NOLINTNEXTLINE(bugprone-use-after-move): the point of the test.
  auto envelope = cipher_.Encrypt(AsBytes(kPlaintext), kAliceEmail);
  ASSERT_FALSE(envelope.has_value());
  EXPECT_EQ(envelope.error().code(), StatusCode::kInvalidArgument);
  EXPECT_TRUE(moved_to.Encrypt(AsBytes(kPlaintext), kAliceEmail).has_value());
}

TEST_F(FieldCipherTest, OneCipherServesManyThreads) {
  std::vector<std::thread> threads;
  std::array<bool, 4> all_round_tripped{};
  for (std::size_t t = 0; t < all_round_tripped.size(); ++t) {
    threads.emplace_back([this, t, &all_round_tripped] {
      bool ok = true;
      for (int i = 0; i < 200; ++i) {
        auto envelope = cipher_.Encrypt(AsBytes(kPlaintext), kAliceEmail);
        if (!envelope.has_value()) {
          ok = false;
          break;
        }
        auto plaintext = cipher_.Decrypt(*envelope, kAliceEmail);
        ok = ok && plaintext.has_value() &&
             plaintext->RevealAsText() == kPlaintext;
      }
      all_round_tripped[t] = ok;
    });
  }
  for (std::thread& thread : threads) thread.join();
  for (bool ok : all_round_tripped) EXPECT_TRUE(ok);
}

TEST(EnvelopeKeyIdTest, MalformedEnvelopeFails) {
  const Bytes short_envelope(kEnvelopeOverhead - 1, 0x01);
  auto key_id = EnvelopeKeyId(short_envelope);
  ASSERT_FALSE(key_id.has_value());
  EXPECT_EQ(key_id.error().code(), StatusCode::kIntegrity);

  Bytes unknown_format(kEnvelopeOverhead, 0);
  unknown_format[0] = 0x7F;
  EXPECT_FALSE(EnvelopeKeyId(unknown_format).has_value());
}

// Key wrapping ---------------------------------------------------------------

const Bytes kWrapContext = {'d', 'e', 'k', ':', 'c', 'u', 's', '_', 'A'};

TEST(SealWithKeyTest, SealThenOpenRoundTrips) {
  const SecretBytes kek = SecretBytes::Random(kAeadKeySize);
  const SecretBytes data_key = SecretBytes::Random(32);
  auto sealed = SealWithKey(kek, 3, data_key.Reveal(), kWrapContext);
  ASSERT_TRUE(sealed.has_value()) << sealed.error().ToString();
  EXPECT_EQ(sealed->size(), kEnvelopeOverhead + 32);
  EXPECT_EQ(EnvelopeKeyId(*sealed).value_or(0), 3u);

  auto opened = OpenWithKey(kek, 3, *sealed, kWrapContext);
  ASSERT_TRUE(opened.has_value()) << opened.error().ToString();
  EXPECT_TRUE(*opened == data_key);
}

TEST(SealWithKeyTest, OpenWithOtherAssociatedDataFails) {
  const SecretBytes kek = SecretBytes::Random(kAeadKeySize);
  auto sealed = SealWithKey(kek, 3, AsBytes("secret"), kWrapContext);
  ASSERT_TRUE(sealed.has_value()) << sealed.error().ToString();
  const Bytes other_context = {'d', 'e', 'k', ':', 'c', 'u', 's', '_', 'B'};
  auto opened = OpenWithKey(kek, 3, *sealed, other_context);
  ASSERT_FALSE(opened.has_value());
  EXPECT_EQ(opened.error().code(), StatusCode::kIntegrity);
}

TEST(SealWithKeyTest, OpenWithWrongKeyFails) {
  auto sealed = SealWithKey(SecretBytes::Random(kAeadKeySize), 3,
                            AsBytes("secret"), kWrapContext);
  ASSERT_TRUE(sealed.has_value()) << sealed.error().ToString();
  auto opened =
      OpenWithKey(SecretBytes::Random(kAeadKeySize), 3, *sealed, kWrapContext);
  ASSERT_FALSE(opened.has_value());
  EXPECT_EQ(opened.error().code(), StatusCode::kIntegrity);
}

TEST(SealWithKeyTest, OpenUnderOtherKeyIdIsKeyFailure) {
  const SecretBytes kek = SecretBytes::Random(kAeadKeySize);
  auto sealed = SealWithKey(kek, 3, AsBytes("secret"), kWrapContext);
  ASSERT_TRUE(sealed.has_value()) << sealed.error().ToString();
  auto opened = OpenWithKey(kek, 4, *sealed, kWrapContext);
  ASSERT_FALSE(opened.has_value());
  EXPECT_EQ(opened.error().code(), StatusCode::kKeyFailure);
}

TEST(SealWithKeyTest, OpenWithFlippedByteFails) {
  const SecretBytes kek = SecretBytes::Random(kAeadKeySize);
  auto sealed = SealWithKey(kek, 3, AsBytes("secret"), kWrapContext);
  ASSERT_TRUE(sealed.has_value()) << sealed.error().ToString();
  for (std::size_t i = 0; i < sealed->size(); ++i) {
    Bytes tampered = *sealed;
    tampered[i] ^= 0x01;
    EXPECT_FALSE(OpenWithKey(kek, 3, tampered, kWrapContext).has_value())
        << "flipped byte " << i;
  }
}

TEST(SealWithKeyTest, SealWithWrongKeySizeFails) {
  auto sealed =
      SealWithKey(SecretBytes::Random(16), 3, AsBytes("secret"), kWrapContext);
  ASSERT_FALSE(sealed.has_value());
  EXPECT_EQ(sealed.error().code(), StatusCode::kInvalidArgument);
}

TEST(SealWithKeyTest, OpenWithWrongKeySizeFails) {
  const Bytes envelope(kEnvelopeOverhead, 0x01);
  auto opened = OpenWithKey(SecretBytes(), 3, envelope, kWrapContext);
  ASSERT_FALSE(opened.has_value());
  EXPECT_EQ(opened.error().code(), StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace cvault::crypto
