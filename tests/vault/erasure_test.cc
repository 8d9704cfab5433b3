// Erasure (GDPR Art. 17) through the public API: the result per field
// group, what callers see afterwards, the retention hold, and what the raw
// files still hold. The raw-file test decrypts every page of both databases
// with their keys, as someone holding the keyring could, and looks for
// anything of the erased customer after the erasure and after the purge's
// sweep.
#include <gtest/gtest.h>

#include "keys/keyring.h"
#include "store/sqlcipher/sqlcipher_store.h"
#include "tests/testing/sqlcipher_pages.h"
#include "tests/vault/erasure_fixture.h"

namespace cvault {
namespace {

using namespace std::chrono_literals;
using testing::AccountService;
using testing::Auditor;
using testing::Dpo;
using testing::ErasureTest;

TEST_F(ErasureTest, ResultListsEveryGroupWithTheHoldForFinancialRecords) {
  GiveAdaHistory();
  const Timestamp now = clock_->Now();
  ErasureResult r = EraseAda();
  EXPECT_TRUE(r.erasure_id.starts_with("era_"));
  EXPECT_EQ(r.customer, ada_);
  ASSERT_EQ(r.groups.size(), 6u);
  const GroupErasure* identity = GroupNamed(r, "identity");
  ASSERT_NE(identity, nullptr);
  EXPECT_EQ(identity->outcome, ErasureOutcome::kErased);
  EXPECT_EQ(identity->records, 4u);  // name, country, language, external ref
  EXPECT_EQ(GroupNamed(r, "contact")->records, 3u);
  EXPECT_EQ(GroupNamed(r, "marketing_profile")->outcome, ErasureOutcome::kNoneHeld);
  EXPECT_EQ(GroupNamed(r, "support_evidence")->outcome, ErasureOutcome::kErased);
  EXPECT_EQ(GroupNamed(r, "support_evidence")->records, 1u);
  EXPECT_EQ(GroupNamed(r, "consent_records")->records, 1u);
  const GroupErasure* financial = GroupNamed(r, "financial");
  ASSERT_NE(financial, nullptr);
  EXPECT_EQ(financial->outcome, ErasureOutcome::kRetained);
  EXPECT_EQ(financial->records, 2u);  // the refund case and the order's purchase record
  EXPECT_NE(financial->legal_reason.find("Art. 17(3)(b)"), std::string::npos);
  ASSERT_TRUE(financial->retained_until.has_value());
  // GB has no rule of its own: the default ten years, to the day.
  auto until = std::chrono::floor<std::chrono::days>(*financial->retained_until);
  auto expected = std::chrono::year_month_day(std::chrono::floor<std::chrono::days>(now));
  expected = std::chrono::year_month_day(expected.year() + std::chrono::years(10),
                                         expected.month(), expected.day());
  EXPECT_EQ(std::chrono::year_month_day(until), expected);
  EXPECT_TRUE(financial->hold_id.starts_with("hld_"));
}

TEST_F(ErasureTest, EveryCallAboutTheCustomerAnswersNotFoundAfterwards) {
  GiveAdaHistory();
  EraseAda();
  EXPECT_EQ(vault_->customers().Get(AccountService(), ada_).error().code(),
            StatusCode::kNotFound);
  EXPECT_EQ(vault_->customers().FindByEmail(AccountService(), "ada.lovelace@example.com")
                .error()
                .code(),
            StatusCode::kNotFound);
  auto by_phone = vault_->customers().FindByPhone(Agent(), "+44 20 7183 8750");
  EXPECT_FALSE(by_phone.has_value());
  EXPECT_EQ(vault_->rights().Export(Dpo(), ada_).error().code(), StatusCode::kNotFound);
  EXPECT_EQ(vault_->consents().History(Dpo(), ada_).error().code(), StatusCode::kNotFound);
  EXPECT_EQ(vault_->support().GetTicket(Agent(), ticket_).error().code(),
            StatusCode::kNotFound);
  EXPECT_EQ(vault_->rights().Erase(Dpo(), ada_).error().code(), StatusCode::kNotFound);
  // The other customer is untouched.
  EXPECT_TRUE(vault_->customers().Get(AccountService(), grace_).has_value());
  auto report = vault_->audit().Verify(Auditor());
  ASSERT_TRUE(report.has_value());
  EXPECT_TRUE(report->ok) << report->problem;
}

TEST_F(ErasureTest, TheKeptRefundRecordIsMinimisedReadOnlyAndOnlyForLegalPurposes) {
  GiveAdaHistory();
  ErasureResult r = EraseAda();
  auto kept = vault_->refunds().Get(Legal(), refund_);
  ASSERT_TRUE(kept.has_value()) << kept.error().ToString();
  EXPECT_EQ(kept->retention_hold, GroupNamed(r, "financial")->hold_id);
  EXPECT_TRUE(kept->customer.str().empty());
  EXPECT_EQ(kept->order_ref, "ORD-2026-000123");
  ASSERT_EQ(kept->payments.size(), 1u);
  EXPECT_EQ(kept->payments[0].refund_id, "re_3N8f2kLkdIwHu7ix0Zq1aB2d");
  EXPECT_EQ(kept->payments[0].amount_minor, 4900);
  EXPECT_EQ(kept->status, RefundStatus::kApproved);
  ASSERT_EQ(kept->history.size(), 2u);
  for (const StatusChange& c : kept->history) EXPECT_TRUE(c.note.empty());
  EXPECT_TRUE(kept->ticket_ids.empty());
  EXPECT_TRUE(kept->notices.empty());
  EXPECT_FALSE(kept->last_assessment.has_value());

  auto for_refunds = vault_->refunds().Get(RefundSvc(), refund_);
  ASSERT_FALSE(for_refunds.has_value());
  EXPECT_EQ(for_refunds.error().reason_code(), "retention_hold");
  // Paying the approved refund is the one write left (RefundDutiesTest);
  // anything else is refused.
  Status write = vault_->refunds().Notify(RefundSvc(), refund_, "email", "refund-update");
  EXPECT_EQ(write.reason_code(), "retention_hold");
  EXPECT_EQ(vault_->refunds().Assess(RefundSvc(), refund_).error().reason_code(),
            "retention_hold");
}

TEST_F(ErasureTest, RetentionFollowsTheCustomersJurisdiction) {
  vault_.reset();
  Options o = MakeOptions();
  o.retention.financial_years_by_country = {{"GB", 6}};
  auto reopened = Vault::Open(std::move(o));
  ASSERT_TRUE(reopened.has_value()) << reopened.error().ToString();
  vault_ = std::move(*reopened);
  GiveAdaHistory();
  const auto start = std::chrono::year_month_day(
      std::chrono::floor<std::chrono::days>(clock_->Now()));
  ErasureResult r = EraseAda();
  const GroupErasure* financial = GroupNamed(r, "financial");
  ASSERT_NE(financial, nullptr);
  ASSERT_TRUE(financial->retained_until.has_value());
  auto until = std::chrono::year_month_day(
      std::chrono::floor<std::chrono::days>(*financial->retained_until));
  EXPECT_EQ(until.year(), start.year() + std::chrono::years(6));
}

TEST_F(ErasureTest, OnlyTheDpoMayEraseAndEveryAttemptIsAudited) {
  auto denied = vault_->rights().Erase(AccountService(), ada_);
  ASSERT_FALSE(denied.has_value());
  EXPECT_EQ(denied.error().code(), StatusCode::kPermissionDenied);
  EXPECT_EQ(vault_->rights().Erase(Operator(), ada_).error().code(),
            StatusCode::kPermissionDenied);
  EXPECT_TRUE(vault_->customers().Get(AccountService(), ada_).has_value());
  EraseAda();
  auto tail = vault_->audit().Tail(Auditor(), 3);
  ASSERT_TRUE(tail.has_value());
  ASSERT_GE(tail->size(), 2u);
  const AuditEntry& last = tail->back();
  EXPECT_EQ(last.action, "dsr.erase");
  EXPECT_EQ(last.decision, "allow");
  EXPECT_EQ(last.reason_code, "erased");
}

TEST_F(ErasureTest, RestrictedCustomersCanBeErased) {
  ASSERT_TRUE(vault_->rights().Restrict(Dpo(), ada_).ok());
  EraseAda();
  EXPECT_EQ(vault_->customers().Get(Dpo(), ada_).error().code(), StatusCode::kNotFound);
}

TEST_F(ErasureTest, AuditEntriesNoLongerLinkToTheCustomer) {
  GiveAdaHistory();
  auto before = vault_->audit().Tail(Auditor(), 1000);
  ASSERT_TRUE(before.has_value());
  std::string pseudonym;
  for (const AuditEntry& e : *before) {
    if (e.action == "customer.create") { pseudonym = e.subject; break; }
  }
  ASSERT_FALSE(pseudonym.empty());
  EraseAda();
  vault_.reset();
  keys::Keyring keyring = OpenKeyring();
  auto key_store = store::OpenSqlcipherKeyStore(dir_ / "vault" / "keystore.db",
                                                keyring.keystore_db_key(), false);
  ASSERT_TRUE(key_store.has_value());
  auto tx = (*key_store)->Begin(false);
  ASSERT_TRUE(tx.has_value());
  for (int cls : {1, 2}) {
    auto key = (*tx)->GetDataKey(ada_.str(), cls);
    ASSERT_TRUE(key.has_value());
    EXPECT_FALSE(key->has_value()) << "class " << cls << " key survived";
  }
  auto grace_key = (*tx)->GetDataKey(grace_.str(), 1);
  ASSERT_TRUE(grace_key.has_value());
  EXPECT_TRUE(grace_key->has_value());
  // The pseudonym key was derived from the shredded data key; the id never
  // appears in the log itself.
  Reopen();
  auto after = vault_->audit().Tail(Auditor(), 1000);
  ASSERT_TRUE(after.has_value());
  for (const AuditEntry& e : *after) {
    EXPECT_EQ(e.subject.find(ada_.str()), std::string::npos);
  }
}

TEST_F(ErasureTest, RawFilesHoldNothingDecryptableOfTheCustomer) {
  GiveAdaHistory();
  vault_.reset();
  keys::Keyring keyring = OpenKeyring();
  // What of Ada the files hold before. `now`: her row's ciphertexts and
  // index entries and her wrapped data keys, which the erasure itself
  // destroys. `swept`: her ticket, consent receipts and refund case as
  // stored, keyless after the erasure and gone after the purge's sweep.
  std::vector<std::vector<std::uint8_t>> now;
  std::vector<std::vector<std::uint8_t>> swept;
  {
    auto vs = store::OpenSqlcipherVaultStore(dir_ / "vault" / "vault.db",
                                             keyring.vault_db_key(), false);
    ASSERT_TRUE(vs.has_value());
    auto tx = (*vs)->Begin(false);
    ASSERT_TRUE(tx.has_value());
    auto row = (*tx)->GetCustomer(ada_.str());
    ASSERT_TRUE(row.has_value() && row->has_value());
    for (const auto& field : (*row)->fields) {
      if (field) now.push_back(*field);
    }
    now.push_back(*(*row)->email_index);
    now.push_back(*(*row)->phone_index);
    for (const char* kind : {"ticket", "refund"}) {
      auto cases = (*tx)->ListCases(ada_.str(), kind);
      ASSERT_TRUE(cases.has_value());
      ASSERT_EQ(cases->size(), 1u);
      swept.push_back(cases->front().document);
    }
    auto events = (*tx)->ListConsentEvents(ada_.str());
    ASSERT_TRUE(events.has_value());
    for (const auto& e : *events) swept.push_back(e.receipt);
    auto ks = store::OpenSqlcipherKeyStore(dir_ / "vault" / "keystore.db",
                                           keyring.keystore_db_key(), false);
    ASSERT_TRUE(ks.has_value());
    auto ktx = (*ks)->Begin(false);
    ASSERT_TRUE(ktx.has_value());
    for (int cls : {1, 2}) {
      auto key = (*ktx)->GetDataKey(ada_.str(), cls);
      ASSERT_TRUE(key.has_value() && key->has_value());
      now.push_back((*key)->wrapped);
    }
  }
  auto found = [](const std::string& plain,
                  const std::vector<std::vector<std::uint8_t>>& traces) {
    std::vector<std::size_t> hits;
    for (std::size_t i = 0; i < traces.size(); ++i) {
      if (testing::Contains(plain, traces[i])) hits.push_back(i);
    }
    return hits;
  };
  const std::string id(ada_.str());
  auto decrypted = [&] {
    return testing::DecryptDatabaseFiles(dir_ / "vault" / "vault.db",
                                         keyring.vault_db_key().Reveal()) +
           testing::DecryptDatabaseFiles(dir_ / "vault" / "keystore.db",
                                         keyring.keystore_db_key().Reveal());
  };
  // The decryption works: before erasure, every trace is found.
  std::string plain = decrypted();
  ASSERT_NE(plain.find("CREATE TABLE customers"), std::string::npos);
  ASSERT_EQ(found(plain, now).size(), now.size());
  ASSERT_EQ(found(plain, swept).size(), swept.size());
  ASSERT_NE(plain.find(id), std::string::npos);

  // The erasure: her row, indexes and keys are gone from every page. What
  // is left waits for the sweep with no key to open it.
  Reopen();
  EraseAda();
  vault_.reset();
  plain = decrypted();
  ASSERT_NE(plain.find(grace_.str()), std::string::npos) << "control: Grace is still there";
  EXPECT_EQ(found(plain, now), std::vector<std::size_t>{}) << "traces the erasure destroys";
  EXPECT_EQ(found(plain, swept).size(), swept.size()) << "left for the sweep";

  // The purge's sweep: nothing of hers is left, not even her id.
  Reopen();
  auto purge = vault_->rights().Purge(Operator());
  ASSERT_TRUE(purge.has_value()) << purge.error().ToString();
  EXPECT_EQ(purge->erasures_swept, 1u);
  vault_.reset();
  plain = decrypted();
  ASSERT_NE(plain.find(grace_.str()), std::string::npos) << "control: Grace is still there";
  EXPECT_EQ(found(plain, now), std::vector<std::size_t>{});
  EXPECT_EQ(found(plain, swept), std::vector<std::size_t>{}) << "traces the sweep removes";
  EXPECT_EQ(plain.find(id), std::string::npos) << "the customer id survived";
}

TEST_F(ErasureTest, UntilTheSweepTheCustomersRowsAreUnreadableAndUnlisted) {
  GiveAdaHistory();
  ASSERT_TRUE(vault_->consents().Grant(AccountService(), grace_, Marketing()).has_value());
  ErasureResult r = EraseAda();
  // Nothing about Ada reaches a caller: her ticket is not found, her
  // refund case reads minimised under the hold, and listings across
  // customers leave her out.
  EXPECT_EQ(vault_->support().GetTicket(Agent(), ticket_).error().code(),
            StatusCode::kNotFound);
  auto report = vault_->consents().Report(Auditor(), "marketing");
  ASSERT_TRUE(report.has_value()) << report.error().ToString();
  EXPECT_EQ(report->active, 1u) << "Grace only";
  EXPECT_EQ(report->never_given, 0u);
  auto overdue = vault_->refunds().Overdue(RefundSvc(), clock_->Now() + 24h * 365);
  ASSERT_TRUE(overdue.has_value()) << overdue.error().ToString();
  EXPECT_TRUE(overdue->empty()) << overdue->front().case_id;
  auto held = vault_->refunds().Get(Legal(), refund_);
  ASSERT_TRUE(held.has_value()) << held.error().ToString();
  EXPECT_EQ(held->retention_hold, GroupNamed(r, "financial")->hold_id);
  EXPECT_TRUE(held->notices.empty());

  auto purge = vault_->rights().Purge(Operator());
  ASSERT_TRUE(purge.has_value()) << purge.error().ToString();
  EXPECT_EQ(purge->erasures_swept, 1u);
  EXPECT_EQ(purge->rows_swept, 4u)
      << "a ticket and a consent deleted, a refund case and a purchase record moved";
  auto again = vault_->rights().Purge(Operator());
  ASSERT_TRUE(again.has_value());
  EXPECT_EQ(again->erasures_swept, 0u);
  EXPECT_EQ(again->rows_swept, 0u);
  // The same minimised record, now stored minimised under the hold.
  auto kept = vault_->refunds().Get(Legal(), refund_);
  ASSERT_TRUE(kept.has_value()) << kept.error().ToString();
  EXPECT_EQ(kept->retention_hold, held->retention_hold);
  EXPECT_EQ(kept->order_ref, held->order_ref);
  ASSERT_EQ(kept->payments.size(), 1u);
  EXPECT_EQ(kept->payments[0].refund_id, "re_3N8f2kLkdIwHu7ix0Zq1aB2d");
  EXPECT_EQ(vault_->refunds().Get(RefundSvc(), refund_).error().reason_code(),
            "retention_hold");
  auto tail = vault_->audit().Tail(Auditor(), 20);
  ASSERT_TRUE(tail.has_value());
  bool sweep_audited = false;
  for (const AuditEntry& e : *tail) {
    EXPECT_EQ(e.subject.find(ada_.str()), std::string::npos);
    if (e.action == "dsr.erase_sweep") {
      sweep_audited = true;
      EXPECT_EQ(e.subject, r.erasure_id);
    }
  }
  EXPECT_TRUE(sweep_audited);
  auto verified = vault_->audit().Verify(Auditor());
  ASSERT_TRUE(verified.has_value());
  EXPECT_TRUE(verified->ok) << verified->problem;
}

TEST_F(ErasureTest, TheSweepWorksInBatchesThroughManyRecords) {
  // More consent events than one sweep transaction takes (500).
  for (int i = 0; i < 260; ++i) {
    ASSERT_TRUE(vault_->consents().Grant(AccountService(), ada_, Marketing()).has_value());
    ASSERT_TRUE(vault_->consents().Withdraw(AccountService(), ada_, "marketing").has_value());
  }
  ErasureResult r = EraseAda();
  EXPECT_EQ(GroupNamed(r, "consent_records")->records, 520u);
  auto purge = vault_->rights().Purge(Operator());
  ASSERT_TRUE(purge.has_value()) << purge.error().ToString();
  EXPECT_EQ(purge->erasures_swept, 1u);
  EXPECT_EQ(purge->rows_swept, 520u);
}


TEST_F(ErasureTest, ErasureWithNothingButTheIdentity) {
  ErasureResult r = vault_->rights().Erase(Dpo(), grace_).value_or(ErasureResult{});
  ASSERT_EQ(r.groups.size(), 6u);
  EXPECT_EQ(GroupNamed(r, "financial")->outcome, ErasureOutcome::kNoneHeld);
  EXPECT_EQ(GroupNamed(r, "support_evidence")->outcome, ErasureOutcome::kNoneHeld);
  EXPECT_EQ(GroupNamed(r, "contact")->records, 2u);  // email, phone
}


}  // namespace
}  // namespace cvault
