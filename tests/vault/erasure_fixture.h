// The fixture of the erasure tests (erasure_test.cc, erasure_purge_test.cc):
// a vault with two customers, Ada and Grace, a registered privacy notice, and
// helpers that give Ada a history (a consent, a ticket, a paid-out refund
// case) and erase her.
#ifndef CVAULT_TESTS_VAULT_ERASURE_FIXTURE_H_
#define CVAULT_TESTS_VAULT_ERASURE_FIXTURE_H_

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <optional>
#include <string>
#include <string_view>

#include "keys/keyring.h"
#include "tests/testing/vault_fixture.h"

namespace cvault::testing {

class ErasureTest : public VaultTest {
 protected:
  static AccessContext Agent() { return As("support-agent", "support", "agent-7"); }
  static AccessContext RefundSvc() {
    return As("refund-service", "refund_processing", "refund-svc");
  }
  static AccessContext Operator() { return As("operator", "operations", "ops-1"); }
  static AccessContext Legal() { return As("dpo", "legal_compliance"); }

  static const GroupErasure* GroupNamed(const ErasureResult& r, std::string_view name) {
    for (const GroupErasure& g : r.groups) {
      if (g.group == name) return &g;
    }
    return nullptr;
  }

  static std::string ReadText(const std::filesystem::path& file) {
    std::ifstream in(file, std::ios::binary);
    return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  }

  void SetUp() override {
    VaultTest::SetUp();
    auto notice = vault_->consents().RegisterNotice(Legal(), "privacy", "3",
                                                    "We email offers if you agree.");
    ASSERT_TRUE(notice.has_value()) << notice.error().ToString();
    ada_ = AddAda();
    NewCustomer grace;
    grace.full_name = "Grace Hopper";
    grace.email = "grace.hopper@example.com";
    grace.phone = "+1 202 555 0143";
    grace.country = "US";
    auto g = vault_->customers().Create(AccountService(), grace);
    ASSERT_TRUE(g.has_value()) << g.error().ToString();
    grace_ = *g;
  }

  ConsentGrant Marketing(std::optional<Timestamp> expires = std::nullopt) {
    ConsentGrant g = testing::MarketingGrant();
    g.expires_at = expires;
    return g;
  }

  // A ticket, a consent, a purchase record and a paid-out refund case for Ada.
  void GiveAdaHistory() {
    ASSERT_TRUE(vault_->consents().Grant(AccountService(), ada_, Marketing()).has_value());
    NewTicket t;
    t.customer = ada_;
    t.product = {ProductKind::kPlugin, "seo-booster-2"};
    t.summary = "Checkout page breaks for Ada after activation";
    t.substantial = true;
    auto ticket = vault_->support().OpenTicket(Agent(), t);
    ASSERT_TRUE(ticket.has_value()) << ticket.error().ToString();
    ticket_ = *ticket;
    ASSERT_TRUE(vault_->support().Resolve(Agent(), ticket_, TicketState::kUnfixable).ok());
    NewRefundCase r;
    r.customer = ada_;
    r.order_ref = "ORD-2026-000123";
    r.product = {ProductKind::kPlugin, "seo-booster-2"};
    r.reason = RefundReason::kFunctionalDefect;
    r.ticket_ids = {ticket_};
    auto refund = vault_->refunds().Open(RefundSvc(), r);
    ASSERT_TRUE(refund.has_value()) << refund.error().ToString();
    refund_ = *refund;
    ASSERT_TRUE(vault_->refunds().Assess(RefundSvc(), refund_).has_value());
    for (RefundStatus to : {RefundStatus::kUnderReview, RefundStatus::kApproved}) {
      ASSERT_TRUE(
          vault_->refunds().Transition(RefundSvc(), refund_, to, "Ada was told by phone").ok());
    }
    purchase_ = RecordPurchase(ada_, r.order_ref, r.product);
    ASSERT_TRUE(vault_->refunds()
                    .AttachPayment(RefundSvc(), refund_,
                                   testing::StripeRefund(4900, "re_3N8f2kLkdIwHu7ix0Zq1aB2d"))
                    .ok());
    ASSERT_TRUE(vault_->refunds().Notify(RefundSvc(), refund_, "email", "refund-approved").ok());
  }

  ErasureResult EraseAda() {
    auto result = vault_->rights().Erase(Dpo(), ada_);
    EXPECT_TRUE(result.has_value()) << result.error().ToString();
    return result.value_or(ErasureResult{});
  }

  keys::Keyring OpenKeyring() {
    auto keyring = keys::Keyring::Open(dir_ / "keys", KeyFile{key_file_});
    EXPECT_TRUE(keyring.has_value());
    return std::move(*keyring);
  }

  CustomerId ada_;
  CustomerId grace_;
  std::string ticket_;
  std::string refund_;
  std::string purchase_;  // the refunded order's purchase record
};


}  // namespace cvault::testing

#endif  // CVAULT_TESTS_VAULT_ERASURE_FIXTURE_H_
