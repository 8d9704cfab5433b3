// An erasure's outcome is the one its call reports. One that failed after
// its ledger line was written is withdrawn from the ledger, so no later
// replay (at the next open, or before the next erasure) carries it out
// behind the caller's back; one that reported success stays done.
//
// Embedded only (tests/CMakeLists.txt): the failure is a trigger in the raw
// vault database, which has no PostgreSQL counterpart here.
#include <gtest/gtest.h>

#include <cstddef>
#include <string>

#include "tests/testing/raw_sqlcipher.h"
#include "tests/vault/erasure_fixture.h"

namespace cvault {
namespace {

using testing::AccountService;
using testing::Auditor;
using testing::ErasureTest;

std::size_t CountOf(const std::string& text, const std::string& what) {
  std::size_t n = 0;
  for (auto at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) {
    ++n;
  }
  return n;
}

class ErasureOutcomeTest : public ErasureTest {
 protected:
  // Runs `sql` on the closed vault's database, then opens the vault again.
  void RunOnVaultDb(const std::string& sql) {
    vault_.reset();
    const SecretBytes key = testing::VaultDbKey(dir_ / "keys", key_file_);
    ASSERT_EQ(testing::RunRawSql(dir_ / "vault" / "vault.db", key, sql), SQLITE_OK);
    Reopen();
  }

  // The vault refuses to delete a customer row, as a full disk would at
  // that step of an erasure: after its ledger line, before its commit.
  void RefuseCustomerDeletes() {
    RunOnVaultDb(
        "CREATE TRIGGER test_refuse BEFORE DELETE ON customers BEGIN SELECT "
        "RAISE(ABORT, 'test: the store is full'); END;");
  }

  std::string Ledger() { return ReadText(dir_ / "vault" / "erasure-ledger.jsonl"); }
};

TEST_F(ErasureOutcomeTest, AnErasureThatFailedAfterItsLedgerLineIsNotCarriedOutLater) {
  GiveAdaHistory();
  RefuseCustomerDeletes();
  auto failed = vault_->rights().Erase(testing::Dpo(), ada_);
  ASSERT_FALSE(failed.has_value());
  EXPECT_EQ(failed.error().reason_code(), "erasure_failed") << failed.error().ToString();
  const std::string ledger = Ledger();
  EXPECT_EQ(CountOf(ledger, "\"kind\":\"erasure\""), 1u);
  EXPECT_EQ(CountOf(ledger, "\"kind\":\"erasure_withdrawn\""), 1u)
      << "the failed erasure's line is withdrawn";

  // Neither the next open nor the next erasure carries it out.
  RunOnVaultDb("DROP TRIGGER test_refuse;");
  ASSERT_TRUE(vault_->customers().Get(AccountService(), ada_).has_value());
  auto g = vault_->rights().Erase(testing::Dpo(), grace_);
  ASSERT_TRUE(g.has_value()) << g.error().ToString();
  Reopen();
  auto ada = vault_->customers().Get(AccountService(), ada_);
  ASSERT_TRUE(ada.has_value()) << ada.error().ToString();
  EXPECT_EQ(vault_->customers().Get(AccountService(), grace_).error().code(),
            StatusCode::kNotFound);

  // Asked again, it is carried out, and stays so.
  auto erased = vault_->rights().Erase(testing::Dpo(), ada_);
  ASSERT_TRUE(erased.has_value()) << erased.error().ToString();
  Reopen();
  EXPECT_EQ(vault_->customers().Get(AccountService(), ada_).error().code(),
            StatusCode::kNotFound);
  auto verified = vault_->audit().Verify(Auditor());
  ASSERT_TRUE(verified.has_value()) << verified.error().ToString();
  EXPECT_TRUE(verified->ok) << verified->problem;
}

TEST_F(ErasureOutcomeTest, AWithdrawnErasureIsNotReplayedIntoARestoredBackup) {
  auto backup = vault_->operations().Backup(Operator(), dir_ / "backup");
  ASSERT_TRUE(backup.has_value()) << backup.error().ToString();
  RefuseCustomerDeletes();
  auto failed = vault_->rights().Erase(testing::Dpo(), ada_);
  ASSERT_FALSE(failed.has_value());
  EXPECT_EQ(failed.error().reason_code(), "erasure_failed") << failed.error().ToString();
  vault_.reset();

  RestoreResult restored;
  auto vault = Vault::Restore(MakeOptions(), dir_ / "backup", Operator(), &restored);
  ASSERT_TRUE(vault.has_value()) << vault.error().ToString();
  vault_ = std::move(*vault);
  EXPECT_EQ(restored.customers_erased, 0u);
  EXPECT_TRUE(vault_->customers().Get(AccountService(), ada_).has_value());
}

}  // namespace
}  // namespace cvault
