// Operations::Check: a sound vault checks clean, with every record counted;
// damage no ordinary call reads (a field nobody asked for, a blind index, a
// ticket, a wrapped key, a page) is found and named by place and id, never
// by value.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <fstream>
#include <iterator>

#include "tests/testing/raw_sqlcipher.h"
#include "tests/testing/vault_fixture.h"

namespace cvault {
namespace {

using ::testing::HasSubstr;
using testing::AccountService;
using testing::SupportAgent;

AccessContext Operator() { return testing::As("operator", "operations"); }

const Product kPlugin{ProductKind::kPlugin, "seo-booster-2"};

class CheckTest : public testing::VaultTest {
 protected:
  void SetUp() override {
    VaultTest::SetUp();
    ada_ = AddAda();
    for (int i = 0; i < 30; ++i) {
      NewCustomer c;
      c.full_name = "Person " + std::to_string(i);
      c.email = "p" + std::to_string(i) + "@example.com";
      c.phone = "+4420718387" + std::to_string(10 + i);
      ASSERT_TRUE(vault_->customers().Create(AccountService(), c).has_value());
    }
    GrantMarketing(ada_);
    NewTicket t;
    t.customer = ada_;
    t.product = kPlugin;
    t.summary = "Plugin crashes the checkout page";
    auto ticket = vault_->support().OpenTicket(SupportAgent(), t);
    ASSERT_TRUE(ticket.has_value()) << ticket.error().ToString();
    ticket_ = *ticket;
    RecordPurchase(ada_, "ORD-2026-000123", kPlugin);
  }

  CheckReport Check() {
    auto report = vault_->operations().Check(Operator());
    EXPECT_TRUE(report.has_value()) << report.error().ToString();
    return report.value_or(CheckReport{});
  }

  // Every problem as "where id: problem", one per line.
  static std::string Problems(const CheckReport& report) {
    std::string out;
    for (const CheckProblem& p : report.problems) {
      out += p.where + " " + p.record_id + ": " + p.problem + "\n";
    }
    return out;
  }

  CustomerId ada_;
  std::string ticket_;
};

TEST_F(CheckTest, ASoundVaultChecksCleanAndCountsEveryRecord) {
  const CheckReport report = Check();
  EXPECT_TRUE(report.ok) << Problems(report);
  EXPECT_EQ(report.problems_found, 0u);
  EXPECT_EQ(report.customers, 31u);
  // Ada's seven fields, and name, email and phone of the others.
  EXPECT_EQ(report.fields, 7u + 30u * 3u);
  EXPECT_EQ(report.indexes, 62u);
  EXPECT_EQ(report.consent_events, 1u);
  EXPECT_EQ(report.cases, 2u);  // the ticket and the purchase record
  EXPECT_GT(report.audit_entries, 31u);
  const std::vector<AuditEntry> tail = Tail(1);  // read before its own entry
  ASSERT_EQ(tail.size(), 1u);
  EXPECT_EQ(tail[0].action, "vault.check");
  EXPECT_EQ(tail[0].decision, "allow");
  EXPECT_EQ(tail[0].reason_code, "ok");
}

// Found by the disk-full tests: once this open had read the erasure ledger
// (any erasure does), the check's own reading of it from the start was
// refused as out of order, and every later check reported damage.
TEST_F(CheckTest, AVaultThatHasErasedChecksCleanFromTheSameOpen) {
  NewCustomer g;
  g.full_name = "Grace Hopper";
  g.email = "grace.hopper@example.com";
  auto grace = vault_->customers().Create(AccountService(), g);
  ASSERT_TRUE(grace.has_value()) << grace.error().ToString();
  for (const CustomerId& id : {ada_, *grace}) {
    auto erased = vault_->rights().Erase(testing::Dpo(), id);
    ASSERT_TRUE(erased.has_value()) << erased.error().ToString();
    const CheckReport report = Check();
    EXPECT_TRUE(report.ok) << Problems(report);
  }
  EXPECT_EQ(Check().ledger_entries, 2u);
}

TEST_F(CheckTest, OnlyTheOperatorMayRunIt) {
  auto denied = vault_->operations().Check(SupportAgent());
  ASSERT_FALSE(denied.has_value());
  EXPECT_EQ(denied.error().code(), StatusCode::kPermissionDenied);
  auto auditor = vault_->operations().Check(testing::Auditor());
  ASSERT_FALSE(auditor.has_value());
  EXPECT_EQ(auditor.error().code(), StatusCode::kPermissionDenied);
}

// The damage below is made in the SQLCipher files: embedded only.
class CheckDamageTest : public CheckTest {
 protected:
  std::filesystem::path VaultDb() { return dir_ / "vault" / "vault.db"; }
  std::filesystem::path KeystoreDb() { return dir_ / "vault" / "keystore.db"; }

  void VaultSql(const std::string& sql) {
    ASSERT_EQ(testing::RunRawSql(VaultDb(), testing::VaultDbKey(dir_ / "keys", key_file_), sql),
              SQLITE_OK)
        << sql;
  }
  void KeystoreSql(const std::string& sql) {
    auto keyring = keys::Keyring::Open(dir_ / "keys", KeyFile{key_file_});
    ASSERT_TRUE(keyring.has_value());
    ASSERT_EQ(testing::RunRawSql(KeystoreDb(), keyring->keystore_db_key(), sql), SQLITE_OK)
        << sql;
  }
  static std::string Quoted(const std::string& s) { return "'" + s + "'"; }
};

TEST_F(CheckDamageTest, AFieldNobodyReadsIsFoundByCustomerAndField) {
  // The external reference: no ordinary call here reads it.
  VaultSql("UPDATE customers SET external_ref = full_name WHERE id = " + Quoted(ada_.str()));
  const CheckReport report = Check();
  EXPECT_FALSE(report.ok);
  EXPECT_EQ(report.problems_found, 1u) << Problems(report);
  EXPECT_THAT(Problems(report), HasSubstr("customers " + ada_.str() + ": external_ref does not decrypt"));
  EXPECT_THAT(Problems(report), ::testing::Not(HasSubstr("Lovelace")));
  const std::vector<AuditEntry> tail = Tail(1);
  ASSERT_EQ(tail.size(), 1u);
  EXPECT_EQ(tail[0].action, "vault.check");
  EXPECT_EQ(tail[0].reason_code, "damage_found");
}

TEST_F(CheckDamageTest, ABlindIndexThatNoLongerMatchesItsValueIsFound) {
  VaultSql("UPDATE customers SET email_index = randomblob(32), phone_index = NULL WHERE id = " +
           Quoted(ada_.str()));
  const std::string problems = Problems(Check());
  EXPECT_THAT(problems, HasSubstr(ada_.str() + ": the email blind index does not match"));
  EXPECT_THAT(problems, HasSubstr(ada_.str() + ": the phone blind index does not match"));
}

TEST_F(CheckDamageTest, ADamagedTicketAndAMissingFinancialKeyAreFound) {
  VaultSql("UPDATE cases SET document = substr(document, 1, length(document) - 1) || x'00' "
           "WHERE case_id = " + Quoted(ticket_));
  KeystoreSql("DELETE FROM data_keys WHERE retention_class = 2");
  const std::string problems = Problems(Check());
  EXPECT_THAT(problems, HasSubstr("cases " + ticket_ + ": the ticket does not decrypt"));
  EXPECT_THAT(problems, HasSubstr("keystore " + ada_.str() + ": the financial data key is missing"));
}

TEST_F(CheckDamageTest, AWrappedKeyThatDoesNotUnwrapIsFound) {
  KeystoreSql("UPDATE data_keys SET wrapped = substr(wrapped, 1, length(wrapped) - 1) || x'00' "
              "WHERE customer_id = " + Quoted(ada_.str()));
  vault_.reset();  // the key cache would hide it from the field check
  Reopen();
  const std::string problems = Problems(Check());
  EXPECT_THAT(problems, HasSubstr("keystore " + ada_.str() + ": the data key does not unwrap"));
}

TEST_F(CheckDamageTest, AFlippedByteInAPageNoCallReadsIsFound) {
  // Many customers, so that most pages hold no one the calls below read.
  for (int i = 0; i < 300; ++i) {
    NewCustomer c;
    c.full_name = "Filler " + std::to_string(i);
    c.email = "filler" + std::to_string(i) + "@example.com";
    c.postal_address = std::string(200, 'x');
    ASSERT_TRUE(vault_->customers().Create(AccountService(), c).has_value());
  }
  vault_.reset();  // everything in the main file
  std::string bytes;
  {
    std::ifstream in(VaultDb(), std::ios::binary);
    bytes.assign(std::istreambuf_iterator<char>(in), {});
  }
  const std::size_t pages = bytes.size() / 4096;
  ASSERT_GT(pages, 40u);
  // A byte flipped in a page from the middle on that opening the vault and
  // reading Ada do not need (a page they need is found by them).
  for (std::size_t page = pages / 2; page < pages / 2 + 8 && !vault_; ++page) {
    std::string damaged = bytes;
    damaged[page * 4096 + 2000] ^= 0x5a;
    std::ofstream(VaultDb(), std::ios::binary | std::ios::trunc) << damaged;
    auto vault = Vault::Open(MakeOptions());
    if (vault && (*vault)->customers().Get(AccountService(), ada_)) {
      vault_ = std::move(*vault);
    } else {
      if (vault) vault->reset();  // closed before the file is put back
      std::ofstream(VaultDb(), std::ios::binary | std::ios::trunc) << bytes;
    }
  }
  ASSERT_TRUE(vault_) << "every page tried was one that opening or reading Ada needs";
  const CheckReport report = Check();
  EXPECT_FALSE(report.ok);
  EXPECT_THAT(Problems(report), HasSubstr("vault.db"));
}

}  // namespace
}  // namespace cvault
