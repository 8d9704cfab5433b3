// Two Vault objects open on one vault folder at once: each has its own
// database connections, caches and registration, exactly as two processes
// would, but their calls can be interleaved deterministically. (The
// multi-process stress test and the crash harness cover real processes.)
#include <gtest/gtest.h>

#include <fstream>
#include <optional>
#include <string>
#include <vector>

#include "keys/keyring.h"
#include "store/ledger_log.h"
#include "store/sqlcipher/embedded_backend.h"
#include "tests/vault/key_ops_fixture.h"
#include "vault/erasure_ledger.h"

namespace cvault {
namespace {

using testing::AccountService;
using testing::Auditor;
using testing::Dpo;
using testing::Operator;
using testing::PersonNumber;
using testing::SupportAgent;

class MultiOpenTest : public testing::KeyOpsTest {
 protected:
  void SetUp() override {
    KeyOpsTest::SetUp();
    auto other = Vault::Open(MakeOptions());
    ASSERT_TRUE(other.has_value()) << other.error().ToString();
    other_ = std::move(*other);
  }

  // A customer made through `vault`, checked readable through `reader`.
  CustomerId CreateThrough(Vault& vault, int n) {
    auto id = vault.customers().Create(AccountService(), PersonNumber(n));
    EXPECT_TRUE(id.has_value()) << id.error().ToString();
    return id.value_or(CustomerId());
  }

  void ExpectReadable(Vault& reader, const CustomerId& id, int n) {
    auto record = reader.customers().Get(AccountService(), id);
    ASSERT_TRUE(record.has_value()) << record.error().ToString();
    EXPECT_EQ(record->fields.at(CustomerField::kFullName), PersonNumber(n).full_name);
    auto found = reader.customers().FindByEmail(SupportAgent(), PersonNumber(n).email);
    ASSERT_TRUE(found.has_value()) << found.error().ToString();
    EXPECT_EQ(*found, id);
  }

  AuditVerifyReport VerifyWith(Vault& vault) {
    auto report = vault.audit().Verify(Auditor());
    EXPECT_TRUE(report.has_value()) << report.error().ToString();
    return report.value_or(AuditVerifyReport{});
  }

  std::unique_ptr<Vault> other_;
};

TEST_F(MultiOpenTest, InterleavedWritesFromTwoOpensMakeOneAuditChain) {
  // checkpoint_every = 10: the due points fall to both opens in turn.
  for (int i = 0; i < 30; ++i) {
    Vault& writer = i % 2 == 0 ? *vault_ : *other_;
    CreateThrough(writer, i);
  }
  // Both close (a closing checkpoint only once the newest is old).
  ASSERT_TRUE(other_->Close().ok());
  other_.reset();
  Reopen();
  AuditVerifyReport report = VerifyWith(*vault_);
  EXPECT_TRUE(report.ok) << report.problem;
  // vault.create, 30 creates, two recover/verify-free opens: 31 entries
  // before this verify, and at least the checkpoints at 10, 20, 30.
  EXPECT_EQ(report.entries_checked, 31u);
  EXPECT_GE(report.checkpoints_checked, 3u);
}

TEST_F(MultiOpenTest, KekRotationInOneOpenIsHonouredByCreatesInTheOther) {
  std::vector<std::pair<CustomerId, int>> made;
  for (int i = 0; i < 6; ++i) made.emplace_back(CreateThrough(*vault_, i), i);
  // The other open has cached the keyring (it created a customer) before
  // the rotation starts.
  made.emplace_back(CreateThrough(*other_, 100), 100);
  int n = 200;
  auto between_batches = [&](const JobProgress&) {
    made.emplace_back(CreateThrough(*other_, n), n);
    ++n;
  };
  auto rotated = vault_->operations().RotateKek(Operator(), between_batches, /*batch=*/2);
  ASSERT_TRUE(rotated.has_value()) << rotated.error().ToString();
  EXPECT_FALSE(rotated->retired.empty());
  // After the old KEK is gone, the other open still creates under the new.
  made.emplace_back(CreateThrough(*other_, 300), 300);

  // Every customer reads through both opens and through a fresh one.
  other_.reset();
  Reopen();
  for (const auto& [id, number] : made) ExpectReadable(*vault_, id, number);
  auto again = vault_->operations().RotateKek(Operator(), nullptr, 100);
  ASSERT_TRUE(again.has_value()) << again.error().ToString();
  EXPECT_FALSE(again->resumed) << "keys were left under a retired KEK";
}

TEST_F(MultiOpenTest, IndexRotationInOneOpenIsHonouredByTheOther) {
  std::vector<std::pair<CustomerId, int>> made;
  for (int i = 0; i < 6; ++i) made.emplace_back(CreateThrough(*vault_, i), i);
  made.emplace_back(CreateThrough(*other_, 100), 100);  // caches the indexers
  int n = 200;
  auto between_batches = [&](const JobProgress&) {
    made.emplace_back(CreateThrough(*other_, n), n);
    ExpectReadable(*other_, made.front().first, made.front().second);
    ++n;
  };
  auto rotated = vault_->operations().RotateBlindIndex(Operator(), between_batches, 2);
  ASSERT_TRUE(rotated.has_value()) << rotated.error().ToString();
  made.emplace_back(CreateThrough(*other_, 300), 300);
  for (const auto& [id, number] : made) ExpectReadable(*other_, id, number);
  other_.reset();
  Reopen();
  for (const auto& [id, number] : made) ExpectReadable(*vault_, id, number);
}

TEST_F(MultiOpenTest, AKeyDutyRunningInOneOpenMakesTheOtherBusy) {
  for (int i = 0; i < 4; ++i) CreateThrough(*vault_, i);
  std::optional<Status> seen;
  auto between_batches = [&](const JobProgress& p) {
    if (seen || p.done == 0) return;
    auto other = other_->operations().RotateKek(Operator(), nullptr, 100);
    seen = other.has_value() ? Status::Ok() : other.error();
  };
  auto rotated = vault_->operations().RotateKek(Operator(), between_batches, 1);
  ASSERT_TRUE(rotated.has_value()) << rotated.error().ToString();
  ASSERT_TRUE(seen.has_value());
  EXPECT_EQ(seen->code(), StatusCode::kBusy) << seen->ToString();
  EXPECT_EQ(seen->reason_code(), "job_running");
  // Once it is done, the other open may run one.
  auto next = other_->operations().RotateKek(Operator(), nullptr, 100);
  EXPECT_TRUE(next.has_value()) << next.error().ToString();
}

TEST_F(MultiOpenTest, ErasuresFromBothOpensKeepOneLedgerSequence) {
  std::vector<CustomerId> ids;
  for (int i = 0; i < 4; ++i) ids.push_back(CreateThrough(*vault_, i));
  ASSERT_TRUE(vault_->rights().Erase(Dpo(), ids[0]).has_value());
  ASSERT_TRUE(other_->rights().Erase(Dpo(), ids[1]).has_value());
  ASSERT_TRUE(vault_->rights().Erase(Dpo(), ids[2]).has_value());
  other_.reset();
  Reopen();  // fails if the ledger's lines are out of sequence
  for (int i = 0; i < 3; ++i) {
    auto gone = vault_->customers().Get(AccountService(), ids[i]);
    ASSERT_FALSE(gone.has_value());
    EXPECT_EQ(gone.error().code(), StatusCode::kNotFound);
  }
  ExpectReadable(*vault_, ids[3], 3);
}

TEST_F(MultiOpenTest, AnErasureLeftInTheLedgerByADeadWriterIsFinishedFirst) {
  CustomerId victim = CreateThrough(*vault_, 1);
  CustomerId next = CreateThrough(*vault_, 2);
  {
    // What a process that died between its ledger line and its commit
    // leaves: a line the vault has not applied.
    auto keyring = keys::Keyring::Open(dir_ / "keys", KeyFile{key_file_});
    ASSERT_TRUE(keyring.has_value());
    auto log = store::OpenFileLedgerLog(dir_ / "vault" / store::kEmbeddedLedgerFile);
    auto ledger = internal::ErasureLedger::Open(*log, keyring->erasure_ledger_key());
    ASSERT_TRUE(ledger.has_value()) << ledger.error().ToString();
    internal::LedgerEntry entry;
    entry.id = "era_00000000000000000000000000000001";
    entry.subject = ledger->SubjectOf(victim.str());
    entry.at_us = 1;
    ASSERT_TRUE(ledger->Append(entry).has_value());
  }
  // The other open, which read the ledger before the line existed.
  auto erased = other_->rights().Erase(Dpo(), next);
  ASSERT_TRUE(erased.has_value()) << erased.error().ToString();
  for (const CustomerId& id : {victim, next}) {
    auto gone = vault_->customers().Get(AccountService(), id);
    ASSERT_FALSE(gone.has_value());
    EXPECT_EQ(gone.error().code(), StatusCode::kNotFound);
  }
  other_.reset();
  Reopen();
  EXPECT_TRUE(VerifyWith(*vault_).ok);
}

TEST_F(MultiOpenTest, RestoreWhileAnotherOpenHoldsTheVaultIsBusyAndNamesIt) {
  CreateThrough(*vault_, 1);
  const std::filesystem::path backup = dir_ / "backup";
  ASSERT_TRUE(vault_->operations().Backup(Operator(), backup).has_value());
  vault_.reset();  // `other_` stays open
  RestoreResult result;
  auto restored = Vault::Restore(MakeOptions(), backup, Operator(), &result);
  ASSERT_FALSE(restored.has_value());
  EXPECT_EQ(restored.error().code(), StatusCode::kBusy) << restored.error().ToString();
  EXPECT_NE(restored.error().message().find("pid=" + std::to_string(::getpid())),
            std::string::npos)
      << restored.error().message();
  other_.reset();
  restored = Vault::Restore(MakeOptions(), backup, Operator(), &result);
  EXPECT_TRUE(restored.has_value()) << restored.error().ToString();
}

TEST_F(MultiOpenTest, RekeyWhileAnotherOpenHoldsTheVaultIsBusy) {
  CreateThrough(*vault_, 1);
  Status rekeyed = vault_->operations().RekeyDatabases(Operator());
  EXPECT_EQ(rekeyed.code(), StatusCode::kBusy) << rekeyed.ToString();
  other_.reset();
  rekeyed = vault_->operations().RekeyDatabases(Operator());
  EXPECT_TRUE(rekeyed.ok()) << rekeyed.ToString();
  Reopen();
  EXPECT_TRUE(VerifyWith(*vault_).ok);
}

TEST_F(MultiOpenTest, AKeyDutyLeaseLeftByADeadProcessIsTakenOverAtOnce) {
  CreateThrough(*vault_, 1);
  // What a rotation killed mid-way leaves: its holder file, no longer
  // locked, and an unexpired lease naming it.
  const std::string dead = "999999-deadbeef0000";
  std::ofstream(dir_ / "vault" / "holders" / dead) << "pid=999999\n";
  const std::string far_future = std::to_string(clock_->Now().time_since_epoch().count() +
                                                3600LL * 1000 * 1000);
  ASSERT_EQ(testing::RunRawSql(dir_ / "vault" / "vault.db",
                               testing::VaultDbKey(dir_ / "keys", key_file_),
                               "INSERT OR REPLACE INTO meta(key, value) VALUES("
                               "'lease.key_duty', '" + dead + " " + far_future + "');"),
            SQLITE_OK);
  auto rotated = other_->operations().RotateKek(Operator(), nullptr, 100);
  ASSERT_TRUE(rotated.has_value()) << rotated.error().ToString();
  EXPECT_FALSE(std::filesystem::exists(dir_ / "vault" / "holders" / dead));
}

TEST_F(MultiOpenTest, AHolderFileLeftByADeadProcessDoesNotBlockARestore) {
  CreateThrough(*vault_, 1);
  const std::filesystem::path backup = dir_ / "backup";
  ASSERT_TRUE(vault_->operations().Backup(Operator(), backup).has_value());
  vault_.reset();
  other_.reset();
  std::ofstream(dir_ / "vault" / "holders" / "999999-deadbeef0001") << "pid=999999\n";
  auto restored = Vault::Restore(MakeOptions(), backup, Operator(), nullptr);
  EXPECT_TRUE(restored.has_value()) << restored.error().ToString();
}

TEST_F(MultiOpenTest, AfterAResealElsewhereKeyDutiesAreRefusedUntilReopened) {
  CustomerId ada = CreateThrough(*vault_, 1);
  const std::filesystem::path new_key = dir_ / "new-root.key";
  ASSERT_TRUE(keys::WriteNewKeyFile(new_key).ok());
  ASSERT_TRUE(vault_->operations().Reseal(Operator(), KeyFile{new_key}).ok());
  // The other open still works with the keys it holds...
  ExpectReadable(*other_, ada, 1);
  ExpectReadable(*other_, CreateThrough(*other_, 2), 2);
  // ...but would save the keyring under the old root key: refused.
  auto rotated = other_->operations().RotateKek(Operator(), nullptr, 100);
  ASSERT_FALSE(rotated.has_value());
  EXPECT_EQ(rotated.error().code(), StatusCode::kKeyFailure) << rotated.error().ToString();
  EXPECT_EQ(rotated.error().reason_code(), "keyring_resealed");
  // The resealing open may, and the file then still opens with the new key.
  rotated = vault_->operations().RotateKek(Operator(), nullptr, 100);
  ASSERT_TRUE(rotated.has_value()) << rotated.error().ToString();
  other_.reset();
  vault_.reset();
  Options o = MakeOptions();
  o.root_key = KeyFile{new_key};
  auto reopened = Vault::Open(std::move(o));
  ASSERT_TRUE(reopened.has_value()) << reopened.error().ToString();
  ExpectReadable(**reopened, ada, 1);
}

}  // namespace
}  // namespace cvault
