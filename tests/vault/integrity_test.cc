// Tampering, wrong keys and damaged files are reported as integrity or key
// errors, never as crashes or silent garbage.
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <fstream>
#include <iterator>

#include "store/sqlcipher/sqlcipher_store.h"
#include "tests/testing/raw_sqlcipher.h"
#include "tests/testing/vault_fixture.h"

namespace cvault {
namespace {

using testing::AccountService;
using testing::Auditor;

std::string ReadAll(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), {}};
}

class IntegrityTest : public testing::VaultTest {
 protected:
  std::filesystem::path VaultDb() { return dir_ / "vault" / "vault.db"; }
  SecretBytes DbKey() { return testing::VaultDbKey(dir_ / "keys", key_file_); }

  AuditVerifyReport Verify(const std::optional<AuditCheckpoint>& trusted = std::nullopt) {
    auto report = vault_->audit().Verify(Auditor(), trusted);
    EXPECT_TRUE(report.has_value()) << report.error().ToString();
    return report.value_or(AuditVerifyReport{});
  }

  void AddCustomers(int n) {
    for (int i = 0; i < n; ++i) {
      NewCustomer c;
      c.full_name = "Person " + std::to_string(i);
      c.email = "p" + std::to_string(i) + "@example.com";
      ASSERT_TRUE(vault_->customers().Create(AccountService(), c).has_value());
    }
  }

  void Sql(const std::string& sql) {
    ASSERT_EQ(testing::RunRawSql(VaultDb(), DbKey(), sql), SQLITE_OK) << sql;
  }
};

TEST_F(IntegrityTest, FreshLogVerifies) {
  AddCustomers(3);
  AuditVerifyReport r = Verify();
  EXPECT_TRUE(r.ok) << r.problem;
  EXPECT_EQ(r.entries_checked, 4u);  // vault.create + 3 creates
}

TEST_F(IntegrityTest, FlippedCiphertextByteIsAnIntegrityError) {
  CustomerId id = AddAda();
  auto store = store::OpenSqlcipherVaultStore(VaultDb(), DbKey(), false);
  ASSERT_TRUE(store.has_value()) << store.error().ToString();
  {
    auto tx = (*store)->Begin(true);
    ASSERT_TRUE(tx.has_value());
    auto row = (*tx)->GetCustomer(id.str());
    ASSERT_TRUE(row.has_value() && row->has_value());
    auto& name = (**row).fields[0];
    ASSERT_TRUE(name.has_value());
    (*name)[name->size() / 2] ^= 0x01;
    ASSERT_TRUE((*tx)->UpdateCustomer(**row).ok());
    ASSERT_TRUE((*tx)->Commit().ok());
  }
  auto record = vault_->customers().Get(AccountService(), id);
  ASSERT_FALSE(record.has_value());
  EXPECT_EQ(record.error().code(), StatusCode::kIntegrity);
  EXPECT_NE(record.error().message().find("full_name"), std::string::npos);
}

TEST_F(IntegrityTest, CiphertextMovedToAnotherColumnFailsToDecrypt) {
  CustomerId id = AddAda();
  Sql("UPDATE customers SET full_name = external_ref");
  auto record = vault_->customers().Get(AccountService(), id);
  ASSERT_FALSE(record.has_value());
  EXPECT_EQ(record.error().code(), StatusCode::kIntegrity);
}

TEST_F(IntegrityTest, CiphertextMovedToAnotherCustomerFailsToDecrypt) {
  CustomerId ada = AddAda();
  NewCustomer grace;
  grace.full_name = "Grace Hopper";
  grace.email = "grace@example.org";
  auto grace_id = vault_->customers().Create(AccountService(), grace);
  ASSERT_TRUE(grace_id.has_value());
  Sql("UPDATE customers SET full_name = (SELECT full_name FROM customers WHERE id = '" +
      ada.str() + "') WHERE id = '" + grace_id->str() + "'");
  auto record = vault_->customers().Get(AccountService(), *grace_id);
  ASSERT_FALSE(record.has_value());
  EXPECT_EQ(record.error().code(), StatusCode::kIntegrity);
}

TEST_F(IntegrityTest, EditedAuditEntryIsNamed) {
  AddCustomers(4);
  Sql("UPDATE audit_log SET decision = 'deny' WHERE sequence = 3");
  AuditVerifyReport r = Verify();
  EXPECT_FALSE(r.ok);
  EXPECT_EQ(r.first_bad_sequence, 3u);
  EXPECT_NE(r.problem.find("altered"), std::string::npos) << r.problem;
}

TEST_F(IntegrityTest, FlippedAuditHashByteIsDetected) {
  AddCustomers(4);
  Sql("UPDATE audit_log SET previous_hash = zeroblob(32) WHERE sequence = 4");
  AuditVerifyReport r = Verify();
  EXPECT_FALSE(r.ok);
  EXPECT_EQ(r.first_bad_sequence, 4u);
}

TEST_F(IntegrityTest, DeletedAuditEntryIsDetected) {
  AddCustomers(4);
  Sql("DELETE FROM audit_log WHERE sequence = 2");
  AuditVerifyReport r = Verify();
  EXPECT_FALSE(r.ok);
  EXPECT_EQ(r.first_bad_sequence, 2u);
}

TEST_F(IntegrityTest, ReorderedAuditEntriesAreDetected) {
  AddCustomers(4);
  Sql("UPDATE audit_log SET sequence = 100 WHERE sequence = 2;"
      "UPDATE audit_log SET sequence = 2 WHERE sequence = 3;"
      "UPDATE audit_log SET sequence = 3 WHERE sequence = 100;");
  AuditVerifyReport r = Verify();
  EXPECT_FALSE(r.ok);
  EXPECT_EQ(r.first_bad_sequence, 2u);
}

TEST_F(IntegrityTest, TruncationIsDetectedAgainstAnExportedCheckpoint) {
  AddCustomers(3);
  auto cp = vault_->audit().Checkpoint(Auditor());
  ASSERT_TRUE(cp.has_value()) << cp.error().ToString();
  auto parsed = CheckpointFromJson(CheckpointToJson(*cp));
  ASSERT_TRUE(parsed.has_value());
  EXPECT_TRUE(Verify(*parsed).ok);

  // With the vault closed, an attacker holding the database key drops the
  // tail of the log and every checkpoint.
  vault_.reset();
  Sql("DELETE FROM audit_log WHERE sequence >= " + std::to_string(cp->sequence - 1) +
      "; DELETE FROM audit_checkpoints;");
  // The next open notices the entries missing (vault/audit-head)...
  auto noticed = Vault::Open(MakeOptions());
  ASSERT_FALSE(noticed.has_value());
  EXPECT_EQ(noticed.error().code(), StatusCode::kIntegrity);
  EXPECT_NE(noticed.error().message().find("committed transactions are missing"),
            std::string::npos)
      << noticed.error().ToString();
  // ...unless the attacker removes that file too.
  std::filesystem::remove(dir_ / "vault" / "audit-head");
  auto reopened = Vault::Open(MakeOptions());
  ASSERT_TRUE(reopened.has_value());
  vault_ = std::move(*reopened);
  EXPECT_TRUE(Verify().ok) << "without the exported checkpoint the cut is invisible";
  AuditVerifyReport r = Verify(*parsed);
  EXPECT_FALSE(r.ok);
  EXPECT_NE(r.problem.find("truncated"), std::string::npos) << r.problem;
}

TEST_F(IntegrityTest, ALogRewrittenUnderTheRecordedHeadFailsTheOpen) {
  AddCustomers(3);
  const std::uint64_t head = Tail(1).back().sequence + 1;  // the Tail read's own entry
  vault_.reset();
  // Another entry under the last committed sequence, as after a rollback to
  // an older copy that was then written again.
  Sql("UPDATE audit_log SET entry_hash = zeroblob(32) WHERE sequence = " +
      std::to_string(head));
  auto reopened = Vault::Open(MakeOptions());
  ASSERT_FALSE(reopened.has_value());
  EXPECT_EQ(reopened.error().code(), StatusCode::kIntegrity);
  EXPECT_NE(reopened.error().message().find("audit entry " + std::to_string(head) +
                                            " is not the one this vault committed"),
            std::string::npos)
      << reopened.error().ToString();
}

TEST_F(IntegrityTest, ADamagedAuditHeadFileFailsTheOpenNamingIt) {
  vault_.reset();
  std::ofstream(dir_ / "vault" / "audit-head", std::ios::trunc) << "not a head record\n";
  auto reopened = Vault::Open(MakeOptions());
  ASSERT_FALSE(reopened.has_value());
  EXPECT_EQ(reopened.error().code(), StatusCode::kIntegrity);
  EXPECT_NE(reopened.error().message().find("audit-head"), std::string::npos)
      << reopened.error().ToString();
  std::filesystem::remove(dir_ / "vault" / "audit-head");
  EXPECT_TRUE(Vault::Open(MakeOptions()).has_value()) << "without the file the vault opens";
}

TEST_F(IntegrityTest, ForkedLogIsDetectedAgainstAnExportedCheckpoint) {
  AddCustomers(2);
  auto cp = vault_->audit().Checkpoint(Auditor());
  ASSERT_TRUE(cp.has_value());
  Sql("UPDATE audit_log SET reason_code = 'forged' WHERE sequence = " +
      std::to_string(cp->sequence) + "; DELETE FROM audit_checkpoints;");
  AuditVerifyReport r = Verify(*cp);
  EXPECT_FALSE(r.ok);
  EXPECT_EQ(r.first_bad_sequence, cp->sequence);
}

TEST_F(IntegrityTest, ForgedCheckpointSignatureIsDetected) {
  AddCustomers(2);
  auto cp = vault_->audit().Checkpoint(Auditor());
  ASSERT_TRUE(cp.has_value());
  AuditCheckpoint forged = *cp;
  forged.sequence -= 1;
  AuditVerifyReport r = Verify(forged);
  EXPECT_FALSE(r.ok);
  EXPECT_NE(r.problem.find("signed"), std::string::npos) << r.problem;
}

TEST_F(IntegrityTest, CheckpointsAreWrittenEveryNEntries) {
  AddCustomers(25);  // checkpoint_every = 10 in the fixture
  AuditVerifyReport r = Verify();
  EXPECT_TRUE(r.ok);
  // The first entry's (no checkpoint existed yet), then 10 and 20.
  EXPECT_EQ(r.checkpoints_checked, 3u);
}

// A tool process opens, makes one call and closes: while the newest
// checkpoint is younger than checkpoint_interval, none of them adds one;
// once it is older, the next call (or close) does, once.
TEST_F(IntegrityTest, ShortLivedOpensAddNoCheckpointUntilTheNewestIsOld) {
  AddCustomers(1);
  auto reopen = [this] {
    vault_.reset();
    Options o = MakeOptions();
    o.checkpoint_every = 1000;  // only the interval at work
    auto vault = Vault::Open(std::move(o));
    ASSERT_TRUE(vault.has_value()) << vault.error().ToString();
    vault_ = std::move(*vault);
  };
  auto one_call = [this] {
    ASSERT_TRUE(vault_->customers().ListIds(AccountService()).has_value());
  };
  reopen();
  const std::uint64_t before = Verify().checkpoints_checked;
  for (int i = 0; i < 5; ++i) {
    reopen();
    one_call();
  }
  EXPECT_EQ(Verify().checkpoints_checked, before);

  clock_->Advance(std::chrono::minutes(6));  // past the default 5 minutes
  reopen();
  one_call();
  reopen();
  one_call();
  AuditVerifyReport r = Verify();
  EXPECT_TRUE(r.ok) << r.problem;
  EXPECT_EQ(r.checkpoints_checked, before + 1);
}

TEST_F(IntegrityTest, ZeroIntervalCheckpointsAtEveryClose) {
  AddCustomers(1);
  const std::uint64_t before = Verify().checkpoints_checked;
  vault_.reset();
  Options o = MakeOptions();
  o.checkpoint_interval = std::chrono::seconds(0);
  auto vault = Vault::Open(std::move(o));
  ASSERT_TRUE(vault.has_value());
  ASSERT_TRUE((*vault)->customers().ListIds(AccountService()).has_value());
  ASSERT_TRUE((*vault)->Close().ok());
  vault->reset();
  Reopen();
  EXPECT_EQ(Verify().checkpoints_checked, before + 1);
}

TEST_F(IntegrityTest, WrongKeyFileIsAKeyFailure) {
  vault_.reset();
  std::filesystem::path other = dir_ / "other.key";
  ASSERT_TRUE(keys::WriteNewKeyFile(other).ok());
  Options o = MakeOptions();
  o.root_key = KeyFile{other};
  auto vault = Vault::Open(std::move(o));
  ASSERT_FALSE(vault.has_value());
  EXPECT_EQ(vault.error().code(), StatusCode::kKeyFailure);
}

TEST_F(IntegrityTest, KeyringReadableByOthersIsRefused) {
  vault_.reset();
  ASSERT_EQ(chmod((dir_ / "keys" / "keyring.cvk").c_str(), 0644), 0);
  auto vault = Vault::Open(MakeOptions());
  ASSERT_FALSE(vault.has_value());
  EXPECT_EQ(vault.error().code(), StatusCode::kKeyFailure);
  EXPECT_NE(vault.error().message().find("chmod 600"), std::string::npos)
      << vault.error().message();
}

TEST_F(IntegrityTest, KeyringOfAnotherVaultIsRefused) {
  vault_.reset();
  testing::TempDir other;
  Options o = MakeOptions();
  o.vault_dir = other / "vault";
  o.keys_dir = other / "keys";
  ASSERT_TRUE(Vault::Create(std::move(o)).has_value());
  Options mixed = MakeOptions();
  mixed.keys_dir = other / "keys";
  auto vault = Vault::Open(std::move(mixed));
  ASSERT_FALSE(vault.has_value());
  EXPECT_EQ(vault.error().code(), StatusCode::kKeyFailure);
}

TEST_F(IntegrityTest, DamagedDatabaseFileIsReportedNotCrashed) {
  AddCustomers(50);
  vault_.reset();
  std::filesystem::path db = VaultDb();
  std::string bytes = ReadAll(db);
  ASSERT_GT(bytes.size(), 3 * 4096u);
  // One flipped byte in every page but the first: whatever is read fails.
  for (std::size_t page = 4096; page < bytes.size(); page += 4096) bytes[page + 100] ^= 0x5a;
  std::ofstream(db, std::ios::binary | std::ios::trunc) << bytes;
  auto vault = Vault::Open(MakeOptions());
  if (vault.has_value()) {
    auto ids = (*vault)->customers().ListIds(AccountService());
    ASSERT_FALSE(ids.has_value());
    EXPECT_TRUE(ids.error().code() == StatusCode::kIntegrity ||
                ids.error().code() == StatusCode::kKeyFailure)
        << ids.error().ToString();
  } else {
    EXPECT_TRUE(vault.error().code() == StatusCode::kIntegrity ||
                vault.error().code() == StatusCode::kKeyFailure)
        << vault.error().ToString();
  }
}

TEST_F(IntegrityTest, RawFilesHoldNoReadablePersonalData) {
  AddAda();
  vault_.reset();  // checkpoint the WAL into the main file
  for (const auto& entry : std::filesystem::recursive_directory_iterator(dir_ / "vault")) {
    if (!entry.is_regular_file()) continue;
    std::string bytes = ReadAll(entry.path());
    for (const char* needle : {"ada.lovelace@example.com", "Lovelace", "2071838750",
                               "St James", "acct-1815"}) {
      EXPECT_EQ(bytes.find(needle), std::string::npos)
          << entry.path().filename() << " holds a readable value";
    }
  }
}

}  // namespace
}  // namespace cvault
