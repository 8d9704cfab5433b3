// Customers::Import: every record checked and audited as Create does, a
// refused record neither stops nor half-writes the others, and a batch the
// store refuses is retried one record at a time.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "tests/testing/card_numbers.h"
#include "tests/testing/raw_sqlcipher.h"
#include "tests/testing/vault_fixture.h"

namespace cvault {
namespace {

using testing::AccountService;
using testing::Auditor;
using testing::SupportAgent;

NewCustomer Person(int n) {
  NewCustomer c;
  c.full_name = "Import Person " + std::to_string(n);
  c.email = "person" + std::to_string(n) + "@example.org";
  if (n % 2 == 0) c.country = "DE";
  return c;
}

class ImportTest : public testing::VaultTest {
 protected:
  void ExpectLogVerifies() {
    auto report = vault_->audit().Verify(Auditor());
    ASSERT_TRUE(report.has_value()) << report.error().ToString();
    EXPECT_TRUE(report->ok) << report->problem;
  }
};

TEST_F(ImportTest, EveryRecordIsCreatedWithItsOwnKeyAndEntry) {
  std::vector<NewCustomer> records;
  for (int n = 0; n < 5; ++n) records.push_back(Person(n));
  auto report = vault_->customers().Import(AccountService(), records, {}, /*batch=*/2);
  ASSERT_TRUE(report.has_value()) << report.error().ToString();
  EXPECT_EQ(report->created, 5u);
  EXPECT_EQ(report->rejected, 0u);
  EXPECT_TRUE(report->stopped.ok());
  ASSERT_EQ(report->outcomes.size(), 5u);
  for (std::size_t i = 0; i < 5; ++i) {
    const ImportOutcome& outcome = report->outcomes[i];
    ASSERT_TRUE(outcome.status.ok()) << outcome.status.ToString();
    ASSERT_TRUE(outcome.id.has_value());
    auto record = vault_->customers().Get(AccountService(), *outcome.id);
    ASSERT_TRUE(record.has_value()) << record.error().ToString();
    EXPECT_EQ(record->fields.at(CustomerField::kEmail), records[i].email);
    EXPECT_EQ(record->fields.contains(CustomerField::kCountry), i % 2 == 0);
  }
  // One customer.create entry per record, each under its own pseudonym,
  // all with the import's one request id.
  std::vector<AuditEntry> entries = Tail(10);
  std::vector<AuditEntry> creates;
  for (const AuditEntry& e : entries) {
    if (e.action == "customer.create") creates.push_back(e);
  }
  ASSERT_EQ(creates.size(), 5u);
  for (std::size_t i = 0; i < creates.size(); ++i) {
    EXPECT_EQ(creates[i].decision, "allow");
    EXPECT_FALSE(creates[i].subject.empty());
    EXPECT_EQ(creates[i].request_id, creates[0].request_id);
    for (std::size_t j = 0; j < i; ++j) EXPECT_NE(creates[i].subject, creates[j].subject);
  }
  EXPECT_EQ(creates[1].fields_returned, (std::vector<std::string>{"full_name", "email"}));
  ExpectLogVerifies();
}

TEST_F(ImportTest, RefusedRecordsNeitherStopNorHalfWriteTheOthers) {
  AddAda();
  std::vector<NewCustomer> records = {Person(1), Person(2), Person(3), Person(4),
                                      Person(5), Person(6)};
  records[1].email = "not an address";
  records[2].postal_address = "card 4111 1111 1111 1111";
  records[3].email = "PERSON1@example.org";  // an earlier record of this import
  records[4].email = "ada.lovelace@example.com";  // already in the vault
  auto report = vault_->customers().Import(AccountService(), records, {}, /*batch=*/4);
  ASSERT_TRUE(report.has_value()) << report.error().ToString();
  EXPECT_EQ(report->created, 2u);
  EXPECT_EQ(report->rejected, 4u);
  const auto& o = report->outcomes;
  ASSERT_EQ(o.size(), 6u);
  EXPECT_TRUE(o[0].id.has_value());
  EXPECT_TRUE(o[5].id.has_value());
  EXPECT_EQ(o[1].status.code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(o[1].field, CustomerField::kEmail);
  EXPECT_EQ(o[1].status.reason_code(), "invalid_input");
  EXPECT_EQ(o[2].status.code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(o[2].field, CustomerField::kPostalAddress);
  for (int i : {3, 4}) {
    EXPECT_EQ(o[i].status.code(), StatusCode::kAlreadyExists);
    EXPECT_EQ(o[i].field, CustomerField::kEmail);
    EXPECT_EQ(o[i].status.reason_code(), "email_taken");
    EXPECT_TRUE(o[i].status.message().starts_with("email:"));
  }
  for (int i : {1, 2, 3, 4}) EXPECT_FALSE(o[i].id.has_value());
  // No message or log line carries a refused value.
  std::string messages = sink_->Text();
  for (const ImportOutcome& outcome : o) messages += outcome.status.ToString();
  for (const char* value : {"not an address", "PERSON1", "ada.lovelace"}) {
    EXPECT_EQ(messages.find(value), std::string::npos) << value;
  }
  EXPECT_FALSE(testing::ContainsTestCardNumber(messages));
  // Each refusal is a deny entry naming its reason; nothing else of it.
  std::vector<AuditEntry> entries = Tail(6);
  ASSERT_EQ(entries.size(), 6u);
  EXPECT_EQ(entries[1].decision, "deny");
  EXPECT_EQ(entries[1].reason_code, "invalid_input");
  EXPECT_EQ(entries[1].fields_requested, (std::vector<std::string>{"email"}));
  EXPECT_EQ(entries[4].reason_code, "email_taken");
  EXPECT_TRUE(entries[4].subject.empty());
  EXPECT_TRUE(entries[4].fields_returned.empty());
  EXPECT_EQ(CountCustomers(), 3u);
  ExpectLogVerifies();
}

TEST_F(ImportTest, ARoleThatMayNotCreateGetsADenialPerRecordAndNothingIsWritten) {
  std::vector<NewCustomer> records = {Person(1), Person(2)};
  auto report = vault_->customers().Import(SupportAgent(), records);
  ASSERT_TRUE(report.has_value()) << report.error().ToString();
  EXPECT_EQ(report->created, 0u);
  EXPECT_EQ(report->rejected, 2u);
  for (const ImportOutcome& outcome : report->outcomes) {
    EXPECT_EQ(outcome.status.code(), StatusCode::kPermissionDenied);
  }
  std::vector<AuditEntry> entries = Tail(2);
  ASSERT_EQ(entries.size(), 2u);
  EXPECT_EQ(entries[0].decision, "deny");
  EXPECT_EQ(entries[1].decision, "deny");
  EXPECT_EQ(CountCustomers(), 0u);
}

TEST_F(ImportTest, ABadContextOrBatchFailsTheWholeImportBeforeAnyWrite) {
  std::vector<NewCustomer> records = {Person(1)};
  AccessContext bad = AccountService();
  bad.principal_id = "person1@example.org has spaces";
  auto refused = vault_->customers().Import(bad, records);
  ASSERT_FALSE(refused.has_value());
  EXPECT_EQ(refused.error().code(), StatusCode::kInvalidArgument);
  auto zero = vault_->customers().Import(AccountService(), records, {}, /*batch=*/0);
  ASSERT_FALSE(zero.has_value());
  EXPECT_EQ(zero.error().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(CountCustomers(), 0u);
}

TEST_F(ImportTest, ProgressFollowsEachBatch) {
  std::vector<NewCustomer> records;
  for (int n = 0; n < 5; ++n) records.push_back(Person(n));
  std::vector<std::uint64_t> done;
  auto report = vault_->customers().Import(
      AccountService(), records,
      [&](const JobProgress& p) {
        EXPECT_EQ(p.stage, "import");
        EXPECT_EQ(p.total, 5u);
        done.push_back(p.done);
      },
      /*batch=*/2);
  ASSERT_TRUE(report.has_value());
  EXPECT_EQ(done, (std::vector<std::uint64_t>{2, 4, 5}));
}

TEST_F(ImportTest, TheImportedCustomersAreFoundAndReadAfterAReopen) {
  std::vector<NewCustomer> records = {Person(7), Person(8)};
  auto report = vault_->customers().Import(AccountService(), records);
  ASSERT_TRUE(report.has_value());
  Reopen();
  auto found = vault_->customers().FindByEmail(AccountService(), "person8@example.org");
  ASSERT_TRUE(found.has_value()) << found.error().ToString();
  EXPECT_EQ(*found, report->outcomes[1].id);
}

// Embedded only: the store is made to refuse inserts past a point.
TEST_F(ImportTest, ABatchTheStoreRefusesGoesOneByOneAndStopsAtTheFirstFailure) {
  vault_.reset();
  const SecretBytes key = testing::VaultDbKey(dir_ / "keys", key_file_);
  ASSERT_EQ(testing::RunRawSql(dir_ / "vault" / "vault.db", key,
                               "CREATE TRIGGER test_refuse BEFORE INSERT ON customers WHEN "
                               "(SELECT count(*) FROM customers) >= 3 BEGIN SELECT "
                               "RAISE(ABORT, 'test: the store is full'); END;"),
            SQLITE_OK);
  Reopen();
  std::vector<NewCustomer> records;
  for (int n = 0; n < 6; ++n) records.push_back(Person(n));
  records[1].email = "broken";
  auto report = vault_->customers().Import(AccountService(), records, {}, /*batch=*/10);
  ASSERT_TRUE(report.has_value()) << report.error().ToString();
  // The batch of six rolled back; one by one, records 0, 2, 3 went in, 1
  // was refused, and 4 hit the store's refusal, which stopped the import.
  EXPECT_FALSE(report->stopped.ok());
  EXPECT_EQ(report->created, 3u);
  EXPECT_EQ(report->rejected, 1u);
  const auto& o = report->outcomes;
  ASSERT_EQ(o.size(), 6u);
  EXPECT_TRUE(o[0].id && o[2].id && o[3].id);
  EXPECT_EQ(o[1].field, CustomerField::kEmail);
  for (int i : {4, 5}) {
    EXPECT_FALSE(o[i].id.has_value());
    EXPECT_EQ(o[i].status.code(), report->stopped.code());
  }
  EXPECT_EQ(CountCustomers(), 3u);
  // The keys minted for the rolled-back attempts are gone already: only
  // the three customers' keys remain.
  vault_.reset();
  auto keyring = keys::Keyring::Open(dir_ / "keys", KeyFile{key_file_});
  ASSERT_TRUE(keyring.has_value());
  EXPECT_EQ(testing::RunRawSql(dir_ / "vault" / "keystore.db", keyring->keystore_db_key(),
                               "CREATE TEMP TABLE key_count(n CHECK (n = 3)); "
                               "INSERT INTO key_count SELECT count(*) FROM data_keys;"),
            SQLITE_OK);
}

}  // namespace
}  // namespace cvault
