#include "crypto/signer.h"

#include <gtest/gtest.h>

#include <string>

#include "crypto/bytes.h"
#include "cvault/secret_bytes.h"

namespace cvault::crypto {
namespace {

Signer MakeSigner(const SecretBytes& seed) {
  auto signer = Signer::FromSeed(seed);
  if (!signer.has_value()) {
    ADD_FAILURE() << signer.error().ToString();
    std::abort();
  }
  return std::move(*signer);
}

Bytes HexOrDie(std::string_view hex) {
  auto bytes = FromHex(hex);
  if (!bytes.has_value()) std::abort();
  return std::move(*bytes);
}

const std::string_view kCheckpoint = "checkpoint 42 head=0e5751c0";

TEST(SignerTest, FromSeedWithWrongSizeFails) {
  for (std::size_t size : {0, 16, 31, 33, 64}) {
    auto signer = Signer::FromSeed(SecretBytes::Random(size));
    ASSERT_FALSE(signer.has_value()) << "seed size " << size;
    EXPECT_EQ(signer.error().code(), StatusCode::kInvalidArgument);
  }
}

// RFC 8032 section 7.1, TEST 1 (empty message).
TEST(SignerTest, MatchesRfc8032TestVector) {
  const Signer signer = MakeSigner(SecretBytes::CopyFrom(HexOrDie(
      "9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60")));
  EXPECT_EQ(ToHex(signer.public_key()),
            "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a");
  const Bytes signature = signer.Sign({});
  EXPECT_EQ(ToHex(signature),
            "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555f"
            "b8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b");
  EXPECT_TRUE(VerifySignature(signer.public_key(), {}, signature));
}

TEST(SignerTest, SignatureVerifies) {
  const Signer signer = MakeSigner(SecretBytes::Random(32));
  const Bytes signature = signer.Sign(AsBytes(kCheckpoint));
  EXPECT_EQ(signature.size(), kSignatureSize);
  EXPECT_EQ(signer.public_key().size(), kSignaturePublicKeySize);
  EXPECT_TRUE(
      VerifySignature(signer.public_key(), AsBytes(kCheckpoint), signature));
}

TEST(SignerTest, SameSeedGivesSameKeyPair) {
  const SecretBytes seed = SecretBytes::Random(32);
  const Signer a = MakeSigner(seed);
  const Signer b = MakeSigner(seed);
  EXPECT_EQ(a.public_key(), b.public_key());
  EXPECT_EQ(a.Sign(AsBytes(kCheckpoint)), b.Sign(AsBytes(kCheckpoint)));
  EXPECT_NE(a.public_key(), MakeSigner(SecretBytes::Random(32)).public_key());
}

TEST(SignerTest, TamperedMessageFailsVerification) {
  const Signer signer = MakeSigner(SecretBytes::Random(32));
  const Bytes signature = signer.Sign(AsBytes(kCheckpoint));
  std::string tampered(kCheckpoint);
  tampered.back() ^= 1;
  EXPECT_FALSE(
      VerifySignature(signer.public_key(), AsBytes(tampered), signature));
  EXPECT_FALSE(VerifySignature(signer.public_key(),
                               AsBytes(kCheckpoint.substr(1)), signature));
}

TEST(SignerTest, SignatureWithFlippedByteFailsVerification) {
  const Signer signer = MakeSigner(SecretBytes::Random(32));
  const Bytes signature = signer.Sign(AsBytes(kCheckpoint));
  for (std::size_t i = 0; i < signature.size(); ++i) {
    Bytes tampered = signature;
    tampered[i] ^= 0x01;
    EXPECT_FALSE(
        VerifySignature(signer.public_key(), AsBytes(kCheckpoint), tampered))
        << "flipped byte " << i;
  }
}

TEST(SignerTest, OtherPublicKeyFailsVerification) {
  const Signer signer = MakeSigner(SecretBytes::Random(32));
  const Signer other = MakeSigner(SecretBytes::Random(32));
  const Bytes signature = signer.Sign(AsBytes(kCheckpoint));
  EXPECT_FALSE(
      VerifySignature(other.public_key(), AsBytes(kCheckpoint), signature));
}

TEST(SignerTest, WronglySizedInputsFailVerification) {
  const Signer signer = MakeSigner(SecretBytes::Random(32));
  Bytes signature = signer.Sign(AsBytes(kCheckpoint));
  const Bytes short_key(signer.public_key().begin(),
                        signer.public_key().end() - 1);
  EXPECT_FALSE(VerifySignature(short_key, AsBytes(kCheckpoint), signature));
  signature.push_back(0);
  EXPECT_FALSE(
      VerifySignature(signer.public_key(), AsBytes(kCheckpoint), signature));
  EXPECT_FALSE(VerifySignature({}, AsBytes(kCheckpoint), {}));
}

}  // namespace
}  // namespace cvault::crypto
