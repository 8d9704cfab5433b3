// Who may run the key operations and what they leave behind: every run is
// audited and the chain verifies, only the operator may start one, the
// operator reads no personal field, and a zero batch is refused.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "keys/keyring.h"
#include "keys/root_key.h"
#include "tests/vault/key_ops_fixture.h"

namespace cvault {
namespace {

using testing::AccountService;
using testing::As;
using testing::Auditor;
using testing::Dpo;
using testing::KeyOpsTest;
using testing::Operator;
using testing::Person;
using testing::RefundSvc;
using testing::SupportAgent;

TEST_F(KeyOpsTest, EveryKeyOperationIsAuditedAndTheChainVerifies) {
  std::vector<Person> people = AddPeople(8, 4);
  const std::filesystem::path new_key = dir_ / "new-root.key";
  ASSERT_TRUE(keys::WriteNewKeyFile(new_key).ok());
  ASSERT_TRUE(vault_->operations().RotateKek(Operator(), {}, 3).has_value());
  ASSERT_TRUE(vault_->operations().Reseal(Operator(), KeyFile{new_key}).ok());
  ASSERT_TRUE(vault_->operations().RekeyDatabases(Operator()).ok());
  ASSERT_TRUE(vault_->operations().RotateBlindIndex(Operator(), {}, 3).has_value());

  EXPECT_EQ(KeyAuditTrail(), (std::vector<std::pair<std::string, std::string>>{
                                 {"keys.rotate_kek", "started"},
                                 {"keys.rotate_kek", "completed"},
                                 {"keys.reseal", "resealed"},
                                 {"keys.rekey_db", "rekeyed"},
                                 {"keys.rotate_index", "started"},
                                 {"keys.rotate_index", "completed"}}));
  auto tail = vault_->audit().Tail(Auditor(), 100);
  ASSERT_TRUE(tail.has_value());
  int key_entries = 0;
  for (const AuditEntry& e : *tail) {
    if (!e.action.starts_with("keys.")) continue;
    ++key_entries;
    EXPECT_EQ(e.principal_id, "ops-1");
    EXPECT_EQ(e.role, "operator");
    EXPECT_EQ(e.purpose, "operations");
    EXPECT_TRUE(e.subject.empty()) << e.action << " names a customer";
    EXPECT_TRUE(e.fields_returned.empty()) << e.action << " returned personal fields";
  }
  EXPECT_EQ(key_entries, 6);
  auto report = vault_->audit().Verify(Auditor());
  ASSERT_TRUE(report.has_value()) << report.error().ToString();
  EXPECT_TRUE(report->ok) << report->problem;

  vault_.reset();
  auto reopened = Vault::Open(OptionsWithRoot(KeyFile{new_key}));
  ASSERT_TRUE(reopened.has_value()) << reopened.error().ToString();
  vault_ = std::move(*reopened);
  report = vault_->audit().Verify(Auditor());
  ASSERT_TRUE(report.has_value()) << report.error().ToString();
  EXPECT_TRUE(report->ok) << report->problem;
  ExpectLookupsWork(people);
  ExpectNoPersonalDataLogged(people);
}

TEST_F(KeyOpsTest, OnlyTheOperatorMayRunKeyOperations) {
  std::vector<Person> people = AddPeople(4, 2);
  auto before = ReadAll(people);
  const SecretBytes vault_key = OpenKeyring().vault_db_key().Clone();
  const std::filesystem::path new_key = dir_ / "new-root.key";
  ASSERT_TRUE(keys::WriteNewKeyFile(new_key).ok());
  const std::vector<AccessContext> others = {
      Dpo(),     AccountService(), As("dpo", "legal_compliance"),   SupportAgent(),
      Auditor(), RefundSvc(),      As("operator", "audit", "ops-1")};
  for (const AccessContext& ctx : others) {
    SCOPED_TRACE(ctx.role + "/" + ctx.purpose);
    Operations& ops = vault_->operations();
    auto kek = ops.RotateKek(ctx, {}, 5);
    ASSERT_FALSE(kek.has_value());
    EXPECT_EQ(kek.error().code(), StatusCode::kPermissionDenied);
    auto index = ops.RotateBlindIndex(ctx, {}, 5);
    ASSERT_FALSE(index.has_value());
    EXPECT_EQ(index.error().code(), StatusCode::kPermissionDenied);
    EXPECT_EQ(ops.Reseal(ctx, KeyFile{new_key}, PassphraseCost::kTestingOnly).code(),
              StatusCode::kPermissionDenied);
    EXPECT_EQ(ops.RekeyDatabases(ctx).code(), StatusCode::kPermissionDenied);
    auto backup = ops.Backup(ctx, dir_ / "backup");
    ASSERT_FALSE(backup.has_value());
    EXPECT_EQ(backup.error().code(), StatusCode::kPermissionDenied);
    EXPECT_FALSE(std::filesystem::exists(dir_ / "backup"));
  }
  // Nothing changed: the same keys, sealed under the same root key.
  keys::Keyring keyring = OpenKeyring();
  EXPECT_EQ(keyring.kek_versions(), std::vector<std::uint32_t>{1});
  EXPECT_EQ(keyring.blind_index_versions(), std::vector<std::uint32_t>{1});
  EXPECT_EQ(keyring.pending_vault_db_key(), nullptr);
  EXPECT_TRUE(std::ranges::equal(keyring.vault_db_key().Reveal(), vault_key.Reveal()));
  EXPECT_EQ(KeyringOpenCode(KeyFile{new_key}), StatusCode::kKeyFailure);
  // Each refusal is audited as a denial.
  auto denied = KeyAuditTrail("deny");
  EXPECT_EQ(denied.size(), 4 * others.size());
  EXPECT_TRUE(KeyAuditTrail("allow").empty());
  Reopen();
  EXPECT_EQ(ReadAll(people), before);
  ExpectLookupsWork(people);
  EXPECT_EQ(DataKeysByKek(), (std::map<std::uint32_t, std::uint64_t>{{1, 6}}));
}

TEST_F(KeyOpsTest, OperatorSeesNoPersonalField) {
  std::vector<Person> people = AddPeople(2);
  Customers& customers = vault_->customers();
  auto record = customers.Get(Operator(), people[0].id);
  ASSERT_FALSE(record.has_value());
  EXPECT_EQ(record.error().code(), StatusCode::kPermissionDenied);
  auto country =
      customers.Get(Operator(), people[0].id, std::vector{CustomerField::kCountry});
  ASSERT_FALSE(country.has_value());
  EXPECT_EQ(country.error().code(), StatusCode::kPermissionDenied);
  auto found = customers.FindByEmail(Operator(), people[0].data.email);
  ASSERT_FALSE(found.has_value());
  EXPECT_EQ(found.error().code(), StatusCode::kPermissionDenied);
  auto by_phone = customers.FindByPhone(Operator(), *people[0].data.phone);
  ASSERT_FALSE(by_phone.has_value());
  EXPECT_EQ(by_phone.error().code(), StatusCode::kPermissionDenied);
  auto ids = customers.ListIds(Operator());
  ASSERT_FALSE(ids.has_value());
  EXPECT_EQ(ids.error().code(), StatusCode::kPermissionDenied);
  auto exported = vault_->rights().Export(Operator(), people[0].id);
  ASSERT_FALSE(exported.has_value());
  EXPECT_EQ(exported.error().code(), StatusCode::kPermissionDenied);
  // What the operator is allowed works, and returns counts and versions only.
  auto kek = vault_->operations().RotateKek(Operator());
  ASSERT_TRUE(kek.has_value()) << kek.error().ToString();
  EXPECT_EQ(kek->rewrapped, 2u);
}

TEST_F(KeyOpsTest, ZeroBatchIsInvalidArgumentAndChangesNothing) {
  std::vector<Person> people = AddPeople(2);
  auto kek = vault_->operations().RotateKek(Operator(), {}, 0);
  ASSERT_FALSE(kek.has_value());
  EXPECT_EQ(kek.error().code(), StatusCode::kInvalidArgument);
  auto index = vault_->operations().RotateBlindIndex(Operator(), {}, 0);
  ASSERT_FALSE(index.has_value());
  EXPECT_EQ(index.error().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(OpenKeyring().kek_versions(), std::vector<std::uint32_t>{1});
  EXPECT_EQ(OpenKeyring().blind_index_versions(), std::vector<std::uint32_t>{1});
  // batch 1 is the smallest that works.
  auto one = vault_->operations().RotateKek(Operator(), {}, 1);
  ASSERT_TRUE(one.has_value()) << one.error().ToString();
  EXPECT_EQ(one->rewrapped, 2u);
  ExpectLookupsWork(people);
}

}  // namespace
}  // namespace cvault
