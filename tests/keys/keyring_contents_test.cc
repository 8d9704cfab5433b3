#include "keys/keyring_contents.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace cvault::keys {
namespace {

using ::testing::HasSubstr;

std::vector<std::uint8_t> ToVector(const SecretBytes& bytes) {
  return {bytes.Reveal().begin(), bytes.Reveal().end()};
}

// tag | u32 BE length | value
void AppendEntry(std::vector<std::uint8_t>& out, std::uint8_t tag,
                 std::vector<std::uint8_t> value) {
  out.push_back(tag);
  const auto n = static_cast<std::uint32_t>(value.size());
  for (int shift = 24; shift >= 0; shift -= 8) {
    out.push_back(static_cast<std::uint8_t>(n >> shift));
  }
  out.insert(out.end(), value.begin(), value.end());
}

void ExpectDamaged(const std::vector<std::uint8_t>& bytes, std::string_view what) {
  StatusOr<KeyringContents> parsed = ParseKeyringContents(bytes);
  ASSERT_FALSE(parsed.has_value()) << what;
  EXPECT_EQ(parsed.error().code(), StatusCode::kIntegrity) << what;
  EXPECT_THAT(parsed.error().message(), HasSubstr("keyring file is damaged")) << what;
}

// As ExpectDamaged, and the message names the problem.
void ExpectDamagedSaying(const std::vector<std::uint8_t>& bytes,
                         std::string_view detail) {
  ExpectDamaged(bytes, detail);
  StatusOr<KeyringContents> parsed = ParseKeyringContents(bytes);
  if (!parsed.has_value()) {
    EXPECT_THAT(parsed.error().message(), HasSubstr(std::string(detail)));
  }
}

// The TLV without its entries of `tag`.
std::vector<std::uint8_t> WithoutEntries(const std::vector<std::uint8_t>& bytes,
                                         KeyringTag tag) {
  std::vector<std::uint8_t> out;
  std::size_t at = 0;
  while (at + 5 <= bytes.size()) {
    std::uint32_t length = 0;
    for (std::size_t i = 1; i <= 4; ++i) length = (length << 8) | bytes[at + i];
    const std::size_t end = at + 5 + length;
    if (bytes[at] != static_cast<std::uint8_t>(tag)) {
      out.insert(out.end(), bytes.begin() + static_cast<long>(at),
                 bytes.begin() + static_cast<long>(end));
    }
    at = end;
  }
  return out;
}

KeyringContents ContentsWithPendingRekey() {
  KeyringContents c = GenerateKeyringContents(false, 1);
  c.pending_vault_db_key = SecretBytes::Random(32);
  c.pending_keystore_db_key = SecretBytes::Random(32);
  return c;
}

TEST(KeyringContentsTest, SerializeThenParseKeepsEveryValueAndVersion) {
  KeyringContents c = GenerateKeyringContents(/*development=*/true, -42);
  c.keks.emplace(7, SecretBytes::Random(32));
  c.primary_kek_version = 7;
  c.blind_index_roots.emplace(2, SecretBytes::Random(32));
  c.blind_index_version = 2;
  const SecretBytes bytes = SerializeKeyringContents(c);

  StatusOr<KeyringContents> parsed = ParseKeyringContents(bytes.Reveal());
  ASSERT_TRUE(parsed.has_value()) << parsed.error().ToString();
  EXPECT_EQ(parsed->created_at_us, -42);
  EXPECT_EQ(parsed->vault_id, c.vault_id);
  EXPECT_TRUE(parsed->development);
  ASSERT_EQ(parsed->keks.size(), 2u);
  EXPECT_TRUE(parsed->keks.at(1) == c.keks.at(1));
  EXPECT_TRUE(parsed->keks.at(7) == c.keks.at(7));
  EXPECT_EQ(parsed->primary_kek_version, 7u);
  EXPECT_TRUE(parsed->vault_db_key == c.vault_db_key);
  EXPECT_TRUE(parsed->keystore_db_key == c.keystore_db_key);
  EXPECT_EQ(parsed->blind_index_roots.size(), 2u);
  EXPECT_EQ(parsed->blind_index_version, 2u);
  EXPECT_TRUE(parsed->audit_signing_seeds.at(1) == c.audit_signing_seeds.at(1));
  EXPECT_EQ(parsed->audit_signing_version, 1u);
  // The encoding is canonical: serialising the parsed contents gives the
  // same bytes.
  EXPECT_TRUE(SerializeKeyringContents(*parsed) == bytes);
}

TEST(KeyringContentsTest, SerializeThenParseKeepsLedgerKeyAndPendingDbKeys) {
  const KeyringContents c = ContentsWithPendingRekey();
  const SecretBytes bytes = SerializeKeyringContents(c);
  StatusOr<KeyringContents> parsed = ParseKeyringContents(bytes.Reveal());
  ASSERT_TRUE(parsed.has_value()) << parsed.error().ToString();
  EXPECT_TRUE(parsed->erasure_ledger_key == c.erasure_ledger_key);
  EXPECT_TRUE(parsed->pending_vault_db_key == c.pending_vault_db_key);
  EXPECT_TRUE(parsed->pending_keystore_db_key == c.pending_keystore_db_key);
  EXPECT_TRUE(parsed->vault_db_key == c.vault_db_key);
  EXPECT_TRUE(SerializeKeyringContents(*parsed) == bytes);
}

TEST(KeyringContentsTest, ContentsWithoutPendingRekeyParseWithoutPendingKeys) {
  const KeyringContents c = GenerateKeyringContents(false, 1);
  const auto bytes = ToVector(SerializeKeyringContents(c));
  // No pending entry is written at all.
  EXPECT_EQ(WithoutEntries(bytes, KeyringTag::kPendingVaultDbKey), bytes);
  EXPECT_EQ(WithoutEntries(bytes, KeyringTag::kPendingKeystoreDbKey), bytes);
  StatusOr<KeyringContents> parsed = ParseKeyringContents(bytes);
  ASSERT_TRUE(parsed.has_value()) << parsed.error().ToString();
  EXPECT_TRUE(parsed->pending_vault_db_key.empty());
  EXPECT_TRUE(parsed->pending_keystore_db_key.empty());
  EXPECT_TRUE(parsed->erasure_ledger_key == c.erasure_ledger_key);
}

TEST(KeyringContentsTest, GeneratedContentsHaveARandomLedgerKeyAndNoPendingKeys) {
  const KeyringContents a = GenerateKeyringContents(false, 0);
  const KeyringContents b = GenerateKeyringContents(false, 0);
  EXPECT_EQ(a.erasure_ledger_key.size(), kKeyringKeySize);
  EXPECT_FALSE(a.erasure_ledger_key == b.erasure_ledger_key);
  EXPECT_FALSE(a.erasure_ledger_key == a.vault_db_key);
  EXPECT_TRUE(a.pending_vault_db_key.empty());
  EXPECT_TRUE(a.pending_keystore_db_key.empty());
}

TEST(KeyringContentsTest, LedgerKeyOfWrongSizeIsDamaged) {
  for (std::size_t size : {std::size_t{0}, std::size_t{31}, std::size_t{33}}) {
    KeyringContents c = GenerateKeyringContents(false, 1);
    c.erasure_ledger_key = SecretBytes::Random(size);
    ExpectDamagedSaying(ToVector(SerializeKeyringContents(c)),
                        "entry 12 has a bad value");
  }
}

TEST(KeyringContentsTest, MissingLedgerKeyIsDamaged) {
  const auto bytes =
      ToVector(SerializeKeyringContents(GenerateKeyringContents(false, 1)));
  ExpectDamagedSaying(WithoutEntries(bytes, KeyringTag::kErasureLedgerKey),
                      "entry 12 is missing");
}

TEST(KeyringContentsTest, RepeatedLedgerKeyIsDamaged) {
  auto bytes = ToVector(SerializeKeyringContents(GenerateKeyringContents(false, 1)));
  AppendEntry(bytes, static_cast<std::uint8_t>(KeyringTag::kErasureLedgerKey),
              std::vector<std::uint8_t>(32, 7));
  ExpectDamagedSaying(bytes, "entry 12 appears twice");
}

TEST(KeyringContentsTest, LonePendingDbKeyIsDamaged) {
  const auto both = ToVector(SerializeKeyringContents(ContentsWithPendingRekey()));
  ExpectDamagedSaying(WithoutEntries(both, KeyringTag::kPendingKeystoreDbKey),
                      "pending database keys");
  ExpectDamagedSaying(WithoutEntries(both, KeyringTag::kPendingVaultDbKey),
                      "pending database keys");
}

TEST(KeyringContentsTest, PendingDbKeyOfWrongSizeIsDamaged) {
  KeyringContents vault = ContentsWithPendingRekey();
  vault.pending_vault_db_key = SecretBytes::Random(16);
  ExpectDamagedSaying(ToVector(SerializeKeyringContents(vault)),
                      "entry 13 has a bad value");
  KeyringContents keystore = ContentsWithPendingRekey();
  keystore.pending_keystore_db_key = SecretBytes::Random(64);
  ExpectDamagedSaying(ToVector(SerializeKeyringContents(keystore)),
                      "entry 14 has a bad value");
}

TEST(KeyringContentsTest, RepeatedPendingDbKeyIsDamaged) {
  auto bytes = ToVector(SerializeKeyringContents(ContentsWithPendingRekey()));
  AppendEntry(bytes, static_cast<std::uint8_t>(KeyringTag::kPendingVaultDbKey),
              std::vector<std::uint8_t>(32, 7));
  ExpectDamagedSaying(bytes, "entry 13 appears twice");
}

TEST(KeyringContentsTest, TagAfterTheLastKnownOneIsDamaged) {
  auto bytes = ToVector(SerializeKeyringContents(GenerateKeyringContents(false, 1)));
  AppendEntry(bytes, 15, std::vector<std::uint8_t>(32, 7));
  ExpectDamagedSaying(bytes, "unknown entry 15");
}

TEST(KeyringContentsTest, GeneratedContentsAreFreshEachTime) {
  const KeyringContents a = GenerateKeyringContents(false, 0);
  const KeyringContents b = GenerateKeyringContents(false, 0);
  EXPECT_NE(a.vault_id, b.vault_id);
  EXPECT_FALSE(a.vault_db_key == b.vault_db_key);
  EXPECT_FALSE(a.keks.at(1) == b.keks.at(1));
}

TEST(KeyringContentsTest, EveryTruncationIsDamaged) {
  const auto bytes =
      ToVector(SerializeKeyringContents(GenerateKeyringContents(false, 1)));
  for (std::size_t size = 0; size < bytes.size(); ++size) {
    ExpectDamaged({bytes.begin(), bytes.begin() + static_cast<long>(size)}, "truncated");
  }
}

TEST(KeyringContentsTest, UnknownTagIsDamaged) {
  auto bytes = ToVector(SerializeKeyringContents(GenerateKeyringContents(false, 1)));
  AppendEntry(bytes, 200, {1, 2, 3});
  ExpectDamaged(bytes, "unknown tag");
}

TEST(KeyringContentsTest, RepeatedSingleEntryIsDamaged) {
  auto bytes = ToVector(SerializeKeyringContents(GenerateKeyringContents(false, 1)));
  AppendEntry(bytes, static_cast<std::uint8_t>(KeyringTag::kDevelopment), {0});
  ExpectDamaged(bytes, "repeated development flag");
}

TEST(KeyringContentsTest, DuplicateKekVersionIsDamaged) {
  auto bytes = ToVector(SerializeKeyringContents(GenerateKeyringContents(false, 1)));
  std::vector<std::uint8_t> kek = {0, 0, 0, 1};
  kek.resize(36, 9);
  AppendEntry(bytes, static_cast<std::uint8_t>(KeyringTag::kKek), kek);
  ExpectDamaged(bytes, "duplicate KEK version");
}

TEST(KeyringContentsTest, PrimaryKekVersionWithoutKekIsDamaged) {
  KeyringContents c = GenerateKeyringContents(false, 1);
  c.primary_kek_version = 2;
  ExpectDamaged(ToVector(SerializeKeyringContents(c)), "missing primary KEK");
}

TEST(KeyringContentsTest, WrongKeyLengthIsDamaged) {
  KeyringContents c = GenerateKeyringContents(false, 1);
  c.vault_db_key = SecretBytes::Random(31);
  ExpectDamaged(ToVector(SerializeKeyringContents(c)), "short database key");
}

TEST(KeyringContentsTest, EmptyInputIsDamaged) { ExpectDamaged({}, "empty"); }

}  // namespace
}  // namespace cvault::keys
