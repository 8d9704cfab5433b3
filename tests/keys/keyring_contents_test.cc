#include "keys/keyring_contents.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

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
