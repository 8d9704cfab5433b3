// Every way out of a vault call leaves exactly one audit entry, and a call
// that fails part-way keeps none of its writes (src/vault/audited_call.h).
// The store is made to fail the way a damaged one would: a trigger refusing
// a write, or a data key missing from the keystore, added behind the
// vault's back with the database key.
#include <gtest/gtest.h>

#include <algorithm>

#include "tests/testing/raw_sqlcipher.h"
#include "tests/testing/vault_fixture.h"

namespace cvault {
namespace {

using testing::AccountService;
using testing::Auditor;
using testing::Dpo;

class AuditedCallTest : public testing::VaultTest {
 protected:
  void VaultSql(const std::string& sql) {
    SecretBytes key = testing::VaultDbKey(dir_ / "keys", key_file_);
    ASSERT_EQ(testing::RunRawSql(dir_ / "vault" / "vault.db", key, sql), SQLITE_OK)
        << sql;
  }
  void KeystoreSql(const std::string& sql) {
    auto keyring = keys::Keyring::Open(dir_ / "keys", KeyFile{key_file_});
    ASSERT_TRUE(keyring.has_value()) << keyring.error().ToString();
    ASSERT_EQ(testing::RunRawSql(dir_ / "vault" / "keystore.db",
                                 keyring->keystore_db_key(), sql),
              SQLITE_OK)
        << sql;
  }
  // A trigger that refuses every `operation` (INSERT, UPDATE) on `table`
  // matching `when`, as a damaged store would.
  void RefuseWrites(const std::string& operation, const std::string& table,
                    const std::string& when = "1") {
    VaultSql("CREATE TRIGGER test_refuse BEFORE " + operation + " ON " + table +
             " WHEN " + when + " BEGIN SELECT RAISE(ABORT, 'refused by the test'); END;");
  }
  void AcceptWritesAgain() { VaultSql("DROP TRIGGER test_refuse;"); }

  // The whole log, oldest first (the read's own entry is not in it).
  std::vector<AuditEntry> Log() {
    auto entries = vault_->audit().Tail(Auditor(), 10000);
    EXPECT_TRUE(entries.has_value()) << entries.error().ToString();
    return entries.value_or(std::vector<AuditEntry>{});
  }
  std::vector<AuditEntry> EntriesFor(std::string_view action) {
    std::vector<AuditEntry> out;
    for (AuditEntry& e : Log()) {
      if (e.action == action) out.push_back(std::move(e));
    }
    return out;
  }
  // The call left exactly one entry for `action`, a denial with `reason`,
  // and the chain still verifies.
  void ExpectOneRefusal(std::string_view action, std::string_view reason) {
    auto entries = EntriesFor(action);
    ASSERT_EQ(entries.size(), 1u);
    EXPECT_EQ(entries[0].decision, "deny");
    EXPECT_EQ(entries[0].reason_code, reason);
    EXPECT_TRUE(entries[0].fields_returned.empty());
    ExpectChainVerifies();
  }
  void ExpectChainVerifies() {
    auto report = vault_->audit().Verify(Auditor());
    ASSERT_TRUE(report.has_value()) << report.error().ToString();
    EXPECT_TRUE(report->ok) << report->problem;
  }
  std::string NameOf(const CustomerId& id) {
    const CustomerField name[] = {CustomerField::kFullName};
    auto record = vault_->customers().Get(AccountService(), id, name);
    EXPECT_TRUE(record.has_value()) << record.error().ToString();
    if (!record) return "";
    return record->fields[CustomerField::kFullName];
  }
};

TEST_F(AuditedCallTest, UpdateWhoseEntryCannotBeWrittenKeepsNothingAndRecordsOneError) {
  CustomerId ada = AddAda();
  // The row is updated in the call's transaction; then the store refuses
  // the call's own entry, so the update must not be kept either.
  RefuseWrites("INSERT", "audit_log",
               "NEW.action = 'customer.update' AND NEW.decision = 'allow'");
  CustomerUpdate update;
  update.full_name = "Augusta Ada King";
  Status updated = vault_->customers().Update(AccountService(), ada, update);
  AcceptWritesAgain();
  EXPECT_FALSE(updated.ok());

  EXPECT_EQ(NameOf(ada), "Ada Lovelace");
  ExpectOneRefusal("customer.update", "error");
}

TEST_F(AuditedCallTest, UpdateWhoseStoreWriteFailsChangesNoFieldAndRecordsOneDenial) {
  CustomerId ada = AddAda();
  RefuseWrites("UPDATE", "customers");
  CustomerUpdate update;
  update.full_name = "Augusta Ada King";
  update.country = "FR";
  Status updated = vault_->customers().Update(AccountService(), ada, update);
  AcceptWritesAgain();
  EXPECT_FALSE(updated.ok());

  EXPECT_EQ(NameOf(ada), "Ada Lovelace");
  ExpectOneRefusal("customer.update", "store_error");
}

TEST_F(AuditedCallTest, MissingDataKeyIsAuditedOnceAsAnError) {
  CustomerId ada = AddAda();
  KeystoreSql("DELETE FROM data_keys WHERE customer_id = '" + ada.str() + "';");
  Reopen();  // the open vault still holds the key in its cache

  auto record = vault_->customers().Get(AccountService(), ada);
  ASSERT_FALSE(record.has_value());
  EXPECT_EQ(record.error().code(), StatusCode::kIntegrity);
  ExpectOneRefusal("customer.read", "error");
}

TEST_F(AuditedCallTest, StoreErrorMidCallIsAuditedOnceAsAnError) {
  CustomerId ada = AddAda();
  // Nothing in the restriction handles this error: it returns early, and
  // the call still leaves its entry.
  RefuseWrites("UPDATE", "customers");
  Status restricted = vault_->rights().Restrict(Dpo(), ada);
  AcceptWritesAgain();
  EXPECT_FALSE(restricted.ok());

  auto record = vault_->customers().Get(AccountService(), ada);
  ASSERT_TRUE(record.has_value()) << record.error().ToString();
  EXPECT_FALSE(record->restricted);
  ExpectOneRefusal("customer.restrict", "error");
  auto entries = EntriesFor("customer.restrict");
  ASSERT_FALSE(entries.empty());
  EXPECT_FALSE(entries[0].subject.empty());  // the customer was loaded first
}

TEST_F(AuditedCallTest, ConsentGrantWhoseEventCannotBeStoredKeepsNoEvent) {
  CustomerId ada = AddAda();
  ASSERT_TRUE(vault_->consents()
                  .RegisterNotice(testing::As("dpo", "legal_compliance"), "privacy", "3",
                                  "We email offers if you agree.")
                  .has_value());
  RefuseWrites("INSERT", "consent_events");
  ConsentGrant grant;
  grant.purpose = "marketing";
  grant.notice_id = "privacy";
  grant.notice_version = "3";
  grant.collection_method = "checkbox";
  grant.channel = "web";
  auto granted = vault_->consents().Grant(AccountService(), ada, grant);
  AcceptWritesAgain();
  ASSERT_FALSE(granted.has_value());

  auto history = vault_->consents().History(Auditor(), ada);
  ASSERT_TRUE(history.has_value()) << history.error().ToString();
  EXPECT_TRUE(history->empty());
  ExpectOneRefusal("consent.grant", "error");
}

}  // namespace
}  // namespace cvault
