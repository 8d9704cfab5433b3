// The purge job (holds past their end, lapsed consents), the erasure
// ledger and backup/restore through the public API: a restored backup must
// not bring an erased customer back.
#include <gtest/gtest.h>

#include "tests/testing/raw_sqlcipher.h"
#include "tests/vault/erasure_fixture.h"

namespace cvault {
namespace {

using namespace std::chrono_literals;
using testing::AccountService;
using testing::Auditor;
using testing::Dpo;
using testing::ErasureTest;

TEST_F(ErasureTest, PurgeShredsExpiredHoldsAndExpiresLapsedConsents) {
  GiveAdaHistory();
  ErasureResult r = EraseAda();
  ASSERT_TRUE(
      vault_->consents().Grant(AccountService(), grace_, Marketing(clock_->Now() + 24h))
          .has_value());
  clock_->Advance(48h);
  auto early = vault_->rights().Purge(Operator());
  ASSERT_TRUE(early.has_value()) << early.error().ToString();
  EXPECT_EQ(early->erasures_swept, 1u);
  EXPECT_EQ(early->holds_expired, 0u);
  EXPECT_EQ(early->consents_expired, 1u);
  EXPECT_TRUE(vault_->refunds().Get(Legal(), refund_).has_value()) << "hold not over yet";
  auto history = vault_->consents().History(Dpo(), grace_);
  ASSERT_TRUE(history.has_value());
  ASSERT_EQ(history->size(), 2u);
  EXPECT_EQ(history->back().type, ConsentEventType::kExpired);
  EXPECT_EQ(history->back().actor, "cvault-purge");

  clock_->Set(*GroupNamed(r, "financial")->retained_until + 1s);
  auto late = vault_->rights().Purge(Dpo());
  ASSERT_TRUE(late.has_value()) << late.error().ToString();
  EXPECT_EQ(late->holds_expired, 1u);
  EXPECT_EQ(late->records_shredded, 2u) << "the refund case and the purchase record";
  EXPECT_EQ(late->consents_expired, 0u) << "already recorded";
  EXPECT_EQ(vault_->refunds().Get(Legal(), refund_).error().code(), StatusCode::kNotFound);
  EXPECT_EQ(vault_->refunds().GetPurchase(Legal(), purchase_).error().code(),
            StatusCode::kNotFound);
  EXPECT_EQ(vault_->rights().Purge(AccountService()).error().code(),
            StatusCode::kPermissionDenied);
  auto report = vault_->audit().Verify(Auditor());
  ASSERT_TRUE(report.has_value());
  EXPECT_TRUE(report->ok) << report->problem;
}

// Embedded only: the store is made to refuse the customer's row, so the
// create leaves its data key behind, as a crash between the keystore's
// commit and the vault's would.
TEST_F(ErasureTest, PurgeRemovesKeysLeftByACreateThatNeverCommittedOnceTheyAreOld) {
  vault_.reset();
  ASSERT_EQ(testing::RunRawSql(dir_ / "vault" / "vault.db",
                               testing::VaultDbKey(dir_ / "keys", key_file_),
                               "CREATE TRIGGER test_refuse BEFORE INSERT ON customers BEGIN "
                               "SELECT RAISE(ABORT, 'refused by the test'); END;"),
            SQLITE_OK);
  Reopen();
  NewCustomer lost = Ada();
  lost.email = "lost@example.org";
  ASSERT_FALSE(vault_->customers().Create(AccountService(), lost).has_value());
  // Young: perhaps a create still in flight in another process.
  auto young = vault_->rights().Purge(Operator());
  ASSERT_TRUE(young.has_value()) << young.error().ToString();
  EXPECT_EQ(young->orphan_keys_removed, 0u);
  clock_->Advance(11min);
  auto old = vault_->rights().Purge(Operator());
  ASSERT_TRUE(old.has_value()) << old.error().ToString();
  EXPECT_EQ(old->orphan_keys_removed, 1u);
  auto again = vault_->rights().Purge(Operator());
  ASSERT_TRUE(again.has_value());
  EXPECT_EQ(again->orphan_keys_removed, 0u);
  // The customers' own keys are untouched.
  EXPECT_TRUE(vault_->customers().Get(AccountService(), ada_).has_value());
  EXPECT_TRUE(vault_->customers().Get(AccountService(), grace_).has_value());
  auto entries = vault_->audit().Tail(Auditor(), 50);
  ASSERT_TRUE(entries.has_value());
  EXPECT_EQ(std::count_if(entries->begin(), entries->end(),
                          [](const AuditEntry& e) { return e.reason_code == "orphans_removed"; }),
            1);
}

TEST_F(ErasureTest, TheLedgerHoldsNoPersonalDataAndDetectsTampering) {
  GiveAdaHistory();
  EraseAda();
  vault_.reset();
  const auto ledger = dir_ / "vault" / "erasure-ledger.jsonl";
  const std::string text = ReadText(ledger);
  ASSERT_FALSE(text.empty());
  EXPECT_EQ(text.find(ada_.str()), std::string::npos);
  EXPECT_EQ(text.find("ada.lovelace"), std::string::npos);
  EXPECT_EQ(text.find("Lovelace"), std::string::npos);
  Reopen();  // an intact ledger opens
  vault_.reset();

  std::string altered = text;
  altered[altered.find("\"at_us\":") + 9] ^= 1;  // one digit of the time
  { std::ofstream(ledger, std::ios::binary | std::ios::trunc) << altered; }
  auto opened = Vault::Open(MakeOptions());
  ASSERT_FALSE(opened.has_value());
  EXPECT_EQ(opened.error().code(), StatusCode::kIntegrity);
  EXPECT_NE(opened.error().message().find("line 1"), std::string::npos);

  std::filesystem::remove(ledger);
  opened = Vault::Open(MakeOptions());
  ASSERT_FALSE(opened.has_value());
  EXPECT_EQ(opened.error().code(), StatusCode::kIntegrity) << "a deleted ledger is noticed";
}

TEST_F(ErasureTest, RestoringABackupFromBeforeAnErasureDoesNotBringTheCustomerBack) {
  GiveAdaHistory();
  auto backup = vault_->operations().Backup(Operator(), dir_ / "backup");
  ASSERT_TRUE(backup.has_value()) << backup.error().ToString();
  EXPECT_EQ(backup->ledger_entries, 0u);
  EraseAda();
  vault_.reset();

  RestoreResult restored;
  auto vault = Vault::Restore(MakeOptions(), dir_ / "backup", Operator(), &restored);
  ASSERT_TRUE(vault.has_value()) << vault.error().ToString();
  vault_ = std::move(*vault);
  EXPECT_EQ(restored.ledger_replayed, 1u);
  EXPECT_EQ(restored.customers_erased, 1u);
  EXPECT_EQ(vault_->customers().Get(AccountService(), ada_).error().code(),
            StatusCode::kNotFound);
  EXPECT_EQ(vault_->customers().FindByEmail(AccountService(), "ada.lovelace@example.com")
                .error()
                .code(),
            StatusCode::kNotFound);
  EXPECT_TRUE(vault_->customers().Get(AccountService(), grace_).has_value());
  auto kept = vault_->refunds().Get(Legal(), refund_);
  ASSERT_TRUE(kept.has_value()) << kept.error().ToString();
  EXPECT_FALSE(kept->retention_hold.empty());
  auto report = vault_->audit().Verify(Auditor());
  ASSERT_TRUE(report.has_value());
  EXPECT_TRUE(report->ok) << report->problem;
  auto tail = vault_->audit().Tail(Auditor(), 20);
  ASSERT_TRUE(tail.has_value());
  std::vector<std::string> actions;
  for (const AuditEntry& e : *tail) actions.push_back(e.action + "/" + e.reason_code);
  EXPECT_NE(std::find(actions.begin(), actions.end(), "dsr.erase/erased_ledger_replay"),
            actions.end());
  EXPECT_NE(std::find(actions.begin(), actions.end(), "vault.restore/restored_ledger_replayed"),
            actions.end());

  // Opening again replays nothing more.
  Reopen();
  EXPECT_TRUE(vault_->customers().Get(AccountService(), grace_).has_value());

  // Erasure, replay and restore logged ids and counts, never what was erased.
  const std::string logged = sink_->Text();
  EXPECT_NE(logged.find("replayed 1 erasure ledger entries"), std::string::npos) << logged;
  for (const char* value : {"Lovelace", "ada.lovelace@example.com", "+44", "ORD-2026-000123",
                            "Checkout page breaks"}) {
    EXPECT_EQ(logged.find(value), std::string::npos) << value;
  }
}

TEST_F(ErasureTest, RestoreRefusesAnAlteredBackupAndOtherRoles) {
  auto backup = vault_->operations().Backup(Operator(), dir_ / "backup");
  ASSERT_TRUE(backup.has_value()) << backup.error().ToString();
  EXPECT_EQ(vault_->operations().Backup(Operator(), dir_ / "backup").error().code(),
            StatusCode::kAlreadyExists);
  EXPECT_EQ(vault_->operations().Backup(Dpo(), dir_ / "other").error().code(),
            StatusCode::kPermissionDenied);
  vault_.reset();

  EXPECT_EQ(Vault::Restore(MakeOptions(), dir_ / "backup", Dpo()).error().code(),
            StatusCode::kPermissionDenied);
  {
    std::fstream f(dir_ / "backup" / "keystore.db",
                   std::ios::in | std::ios::out | std::ios::binary);
    f.seekp(5000);
    f.put('\x5a');
  }
  auto restored = Vault::Restore(MakeOptions(), dir_ / "backup", Operator());
  ASSERT_FALSE(restored.has_value());
  EXPECT_EQ(restored.error().code(), StatusCode::kIntegrity);
  EXPECT_NE(restored.error().message().find("keystore.db"), std::string::npos);
  // Nothing was replaced: the vault still opens.
  Reopen();
}

}  // namespace
}  // namespace cvault
