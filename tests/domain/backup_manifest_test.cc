// ParseBackupManifest: a cvault.backup/v1 manifest with its members' types,
// or an integrity error naming the member; never an exception.
#include "domain/backup_manifest.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>

namespace cvault::domain {
namespace {

using ::testing::HasSubstr;

std::string Manifest(const std::string& format = "\"cvault.backup/v1\"",
                     const std::string& size = "245760") {
  return "{\"format\": " + format +
         ", \"vault_id\": \"0a1b\", \"vault_db_key\": \"c2d3\", \"keystore_db_key\": \"e4f5\","
         " \"created_at\": \"2026-12-07T08:30:00Z\", \"kek_versions\": [1],"
         " \"files\": {\"vault.db\": {\"blake2b256\": \"99aa\", \"size\": " +
         size + "}}}";
}

TEST(BackupManifestTest, AManifestParsesWithEveryMember) {
  auto m = ParseBackupManifest(Manifest());
  ASSERT_TRUE(m.has_value()) << m.error().ToString();
  EXPECT_EQ(m->vault_id, "0a1b");
  EXPECT_EQ(m->vault_db_key, "c2d3");
  EXPECT_EQ(m->keystore_db_key, "e4f5");
  ASSERT_EQ(m->files.size(), 1u);
  EXPECT_EQ(m->files.at("vault.db").blake2b256, "99aa");
  EXPECT_EQ(m->files.at("vault.db").size, 245760u);
}

TEST(BackupManifestTest, MembersOfTheWrongTypeAreIntegrityErrorsNamingThem) {
  const struct {
    std::string text;
    std::string names;
  } cases[] = {
      {Manifest("5"), "not a cvault.backup/v1 manifest"},
      {Manifest("\"cvault.backup/v0\""), "not a cvault.backup/v1 manifest"},
      {Manifest("\"cvault.backup/v1\"", "\"245760\""), "size"},
      {Manifest("\"cvault.backup/v1\"", "-1"), "size"},
      {"{\"format\": \"cvault.backup/v1\", \"vault_id\": 7}", "vault_id"},
      {"{\"format\": \"cvault.backup/v1\", \"vault_id\": \"a\", \"vault_db_key\": \"b\","
       " \"keystore_db_key\": \"c\", \"files\": []}",
       "files"},
      {"[]", "not a cvault.backup/v1 manifest"},
      {"{", "not a cvault.backup/v1 manifest"},
  };
  for (const auto& c : cases) {
    auto m = ParseBackupManifest(c.text);
    ASSERT_FALSE(m.has_value()) << c.text;
    EXPECT_EQ(m.error().code(), StatusCode::kIntegrity) << c.text;
    EXPECT_THAT(m.error().message(), HasSubstr(c.names)) << c.text;
  }
}

}  // namespace
}  // namespace cvault::domain
