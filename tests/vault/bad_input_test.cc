// The committed bad-input corpus (tests/badinput/corpus.jsonl) through the
// library API: every case is refused with the expected status code and a
// message that names the field and never echoes the value, and afterwards
// the vault holds exactly what it held before (a digest of the customer's
// decrypted export, less its access log, and the customer list), with the
// audit chain one entry longer (the audited refusal).
#include <gtest/gtest.h>

#include <charconv>
#include <map>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "tests/testing/bad_input_corpus.h"
#include "tests/testing/vault_fixture.h"

namespace cvault {
namespace {

using testing::AccountService;
using testing::BadCase;
using testing::Auditor;
using testing::Dpo;
using testing::RefundService;
using testing::SupportAgent;

std::int64_t ToInt64(const std::string& text) {
  std::int64_t n = 0;
  std::from_chars(text.data(), text.data() + text.size(), n);
  return n;
}

const Product kPlugin{ProductKind::kPlugin, "seo-booster-2"};

class BadInputTest : public testing::VaultTest {
 protected:
  void SetUp() override {
    VaultTest::SetUp();
    ada_ = AddAda();
    GrantMarketing(ada_);
    NewTicket t;
    t.customer = ada_;
    t.product = kPlugin;
    t.summary = "Plugin crashes the checkout page";
    t.substantial = true;
    auto ticket = vault_->support().OpenTicket(SupportAgent(), t);
    ASSERT_TRUE(ticket.has_value()) << ticket.error().ToString();
    RecordPurchase(ada_, "ORD-2026-000123", kPlugin);
    NewRefundCase r;
    r.customer = ada_;
    r.order_ref = "ORD-2026-000123";
    r.product = kPlugin;
    r.reason = RefundReason::kDuplicatePurchase;
    auto opened = vault_->refunds().Open(RefundService(), r);
    ASSERT_TRUE(opened.has_value()) << opened.error().ToString();
    case_id_ = *opened;
    for (auto [to, note] : {std::pair{RefundStatus::kUnderReview, ""},
                            std::pair{RefundStatus::kApproved, "charged twice"},
                            std::pair{RefundStatus::kProcessing, ""}}) {
      ASSERT_TRUE(vault_->refunds().Transition(RefundService(), case_id_, to, note).ok());
    }
  }

  // What the vault holds, in full: the customer list and Ada's export
  // without its access log (which grows with every audited call about her)
  // and without what each export makes anew. Taken around each target's
  // cases.
  std::string FullDigest() {
    auto doc = vault_->rights().Export(Dpo(), ada_);
    if (!doc) return "unreadable";
    auto j = nlohmann::json::parse(*doc);
    j["sections"].erase("access_log");
    for (const char* key : {"export_id", "generated_at", "manifest", "signature"}) j.erase(key);
    return QuickDigest() + j.dump();
  }

  // The same, cheaper, taken around each case: the customer list, Ada's
  // fields, her consent events and the refund case's payments and notices.
  std::string QuickDigest() {
    auto ids = vault_->customers().ListIds(AccountService());
    auto ada = vault_->customers().Get(AccountService(), ada_);
    auto consents = vault_->consents().History(AccountService(), ada_);
    auto refund = vault_->refunds().Get(RefundService(), case_id_);
    if (!ids || !ada || !consents || !refund) return "unreadable";
    std::string out;
    for (const CustomerId& id : *ids) out += id.str() + ",";
    for (const auto& [field, value] : ada->fields) out += value + ",";
    for (const ConsentEvent& e : *consents) out += e.event_id + ",";
    out += std::to_string(refund->payments.size()) + "," +
           std::to_string(refund->notices.size()) + "," +
           std::to_string(refund->history.size());
    return out;
  }

  // The newest audit entry (reading it is audited after the read).
  AuditEntry Last() {
    auto tail = vault_->audit().Tail(Auditor(), 1);
    EXPECT_TRUE(tail.has_value() && tail->size() == 1u);
    return tail && !tail->empty() ? tail->back() : AuditEntry{};
  }

  Status Run(const BadCase& c) {
    const std::string& v = c.value;
    const std::string& t = c.target;
    if (t.starts_with("customer.")) {
      NewCustomer n;
      n.full_name = "Test Person";
      n.email = "test.person@example.org";
      if (t == "customer.full_name") n.full_name = v;
      if (t == "customer.email") n.email = v;
      if (t == "customer.phone") n.phone = v;
      if (t == "customer.country") n.country = v;
      if (t == "customer.language") n.language = v;
      if (t == "customer.postal_address") n.postal_address = v;
      if (t == "customer.external_ref") n.external_ref = v;
      return StatusOf(vault_->customers().Create(AccountService(), n));
    }
    if (t.starts_with("ticket.")) {
      NewTicket n;
      n.customer = ada_;
      n.product = kPlugin;
      n.summary = "Another crash";
      if (t == "ticket.summary") n.summary = v;
      if (t == "ticket.product_sku") n.product.sku = v;
      if (t.ends_with("opened_at_us")) {
        n.opened_at = Timestamp(std::chrono::microseconds(ToInt64(v)));
      }
      const AccessContext ctx = t == "ticket.import_opened_at_us"
                                    ? testing::As("operator", "operations")
                                    : SupportAgent();
      return StatusOf(vault_->support().OpenTicket(ctx, n));
    }
    if (t == "refund.order_ref") {
      NewRefundCase n;
      n.customer = ada_;
      n.order_ref = v;
      n.product = kPlugin;
      n.reason = RefundReason::kFunctionalDefect;
      return StatusOf(vault_->refunds().Open(RefundService(), n));
    }
    if (t.starts_with("payment.")) {
      PaymentReference p = testing::StripeRefund(100, std::nullopt);
      if (t == "payment.charge_id") p.charge_id = v;
      if (t == "payment.currency") p.currency = v;
      if (t == "payment.amount_minor") p.amount_minor = ToInt64(v);
      return vault_->refunds().AttachPayment(
          testing::As("refund-service", "refund_processing", "refund-payer"), case_id_, p);
    }
    if (t == "notice.template_id") {
      return vault_->refunds().Notify(RefundService(), case_id_, "email", v);
    }
    if (t == "notice.channel") {
      return vault_->refunds().Notify(RefundService(), case_id_, v, "refund-update");
    }
    if (t.starts_with("consent.")) {
      ConsentGrant g = testing::MarketingGrant();
      if (t == "consent.purpose") g.purpose = v;
      if (t == "consent.actor") g.actor = v;
      return StatusOf(vault_->consents().Grant(AccountService(), ada_, g));
    }
    if (t.starts_with("context.")) {
      AccessContext ctx = AccountService();
      if (t == "context.role") ctx.role = v;
      if (t == "context.purpose") ctx.purpose = v;
      if (t == "context.principal_id") ctx.principal_id = v;
      return StatusOf(vault_->customers().Get(ctx, ada_));
    }
    if (t == "dsr.request_id") {
      return StatusOf(vault_->rights().GetRequest(Dpo(), v));
    }
    return Status::Internal("no such target in the test: " + t);
  }

  CustomerId ada_;
  std::string case_id_;
};

TEST_F(BadInputTest, EveryCaseIsRefusedNamingTheFieldAndChangesNothing) {
  const std::vector<BadCase> corpus = testing::LoadBadInputCorpus();
  ASSERT_GE(corpus.size(), 200u);
  std::map<std::string, int> checked;
  std::string target;
  std::string full;
  auto end_target = [&] {
    if (!target.empty()) {
      EXPECT_TRUE(FullDigest() == full) << target << ": contents changed";
    }
  };
  for (const BadCase& c : corpus) {
    SCOPED_TRACE(c.target + " / " + c.cls);
    ASSERT_TRUE(testing::BadInputFieldNames().contains(c.target));
    if (c.target != target) {
      end_target();
      target = c.target;
      full = FullDigest();
    }
    const std::string before = QuickDigest();
    const std::uint64_t head = Last().sequence;  // the Tail read is entry head + 1
    const Status s = Run(c);
    EXPECT_EQ(StatusCodeName(s.code()), c.expect) << s.ToString();
    const std::string names = testing::BadInputNames(c);
    EXPECT_NE(s.message().find(names), std::string::npos) << s.ToString();
    if (c.value.size() >= 3) {
      EXPECT_EQ(s.ToString().find(c.value), std::string::npos) << "the value is echoed";
    }
    const AuditEntry refusal = Last();
    EXPECT_EQ(refusal.sequence, head + 2) << "one audited refusal";
    EXPECT_EQ(refusal.decision, "deny");
    EXPECT_TRUE(QuickDigest() == before) << "the vault's contents changed";
    ++checked[c.target];
  }
  end_target();
  EXPECT_EQ(checked.size(), testing::BadInputFieldNames().size()) << "every target has cases";
  auto verified = vault_->audit().Verify(Auditor());
  ASSERT_TRUE(verified.has_value());
  EXPECT_TRUE(verified->ok) << verified->problem;
  const std::string logged = sink_->Text();
  EXPECT_EQ(logged.find("4111111111111111"), std::string::npos);
  EXPECT_EQ(logged.find("DROP TABLE"), std::string::npos);
}

}  // namespace
}  // namespace cvault
