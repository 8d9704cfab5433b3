// Card numbers never get in: every free-text and identifier field that
// reaches storage or the audit log, through the public API, refuses a card
// number in every form a person might type it (dots, double spaces, spaced
// dashes, slashes, no-break spaces, fullwidth and Arabic-Indic digits, ...).
// Each refusal names the field, quotes none of the value, writes nothing and
// is audited once, without the value.
//
// Phone and country are not here: a country is two letters, and a phone
// number is E.164 of at most 15 digits, which is checked as such and not
// screened (a genuine 13 to 15 digit number would fail one time in ten).
#include <gtest/gtest.h>

#include <cstdint>
#include <functional>
#include <nlohmann/json.hpp>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "tests/testing/card_numbers.h"
#include "tests/testing/vault_fixture.h"

namespace cvault {
namespace {

using testing::AccountService;
using testing::As;
using testing::Dpo;
using testing::RefundService;
using testing::SupportAgent;

AccessContext NoticeAuthor() { return As("dpo", "legal_compliance"); }

// One way of writing a test card number.
struct CardForm {
  std::string name;
  std::string value;
  std::string digits;  // the card number in ASCII
};

const std::vector<CardForm>& CardForms() {
  static const std::vector<CardForm> forms = {
      {"dots", "4111.1111.1111.1111", "4111111111111111"},
      {"double spaces", "4111  1111  1111  1111", "4111111111111111"},
      {"spaced dashes", "4111 - 1111 - 1111 - 1111", "4111111111111111"},
      {"slashes", "4111/1111/1111/1111", "4111111111111111"},
      {"underscores", "5555_5555_5555_4444", "5555555555554444"},
      {"colons", "5555:5555:5555:4444", "5555555555554444"},
      {"no-break spaces", "4111\u00a01111\u00a01111\u00a01111", "4111111111111111"},
      {"narrow no-break spaces", "5555\u202f5555\u202f5555\u202f4444",
       "5555555555554444"},
      {"figure spaces", "3782\u2007822463\u200710005", "378282246310005"},
      {"zero-width spaces", "4111\u200b1111\u200b1111\u200b1111", "4111111111111111"},
      {"en dashes", "3782\u2013822463\u201310005", "378282246310005"},
      {"fullwidth digits",
       "\uff14\uff11\uff11\uff11\uff11\uff11\uff11\uff11\uff11\uff11\uff11\uff11\uff11"
       "\uff11\uff11\uff11",
       "4111111111111111"},
      {"Arabic-Indic digits",
       "\u0664\u0661\u0661\u0661 \u0661\u0661\u0661\u0661 \u0661\u0661\u0661\u0661 "
       "\u0661\u0661\u0661\u0661",
       "4111111111111111"},
      {"extended Arabic-Indic digits",
       "\u06f5\u06f5\u06f5\u06f5\u06f5\u06f5\u06f5\u06f5\u06f5\u06f5\u06f5\u06f5\u06f4"
       "\u06f4\u06f4\u06f4",
       "5555555555554444"},
      {"Devanagari digits",
       "\u0969\u096d\u096e\u0968 \u096e\u0968\u0968\u096a\u096c\u0969 "
       "\u0967\u0966\u0966\u0966\u096b",
       "378282246310005"},
      {"mixed", "4111 \u0661\u0661\u0661\u0661-\uff11\uff11\uff11\uff11.1111",
       "4111111111111111"},
  };
  return forms;
}

// What a field's write needs: the vault and the records it changes.
struct Scene {
  Vault& vault;
  CustomerId ada;
  std::string ticket;
  std::string refund;
};

struct FieldCase {
  std::string label;   // the test's name
  std::string field;   // as the error names it
  std::string action;  // the refusal's audit entry
  std::string reason;
  std::function<Status(Scene&, const std::string&)> write;
};

// --- writes -----------------------------------------------------------------

// A new customer (not Ada: her email is taken) with one field set to `value`.
NewCustomer NewCustomerWith(void (*set)(NewCustomer&, const std::string&),
                            const std::string& value) {
  NewCustomer c = testing::AdaLovelace();
  c.email = "grace.hopper@example.com";
  set(c, value);
  return c;
}

FieldCase CreateCustomer(std::string field,
                         void (*set)(NewCustomer&, const std::string&)) {
  return {"create_" + field, field, "customer.create", "invalid_input",
          [set](Scene& s, const std::string& value) {
            return StatusOf(s.vault.customers().Create(AccountService(),
                                                       NewCustomerWith(set, value)));
          }};
}

FieldCase UpdateCustomer(std::string field,
                         void (*set)(CustomerUpdate&, const std::string&)) {
  return {"update_" + field, field, "customer.update", "invalid_input",
          [set](Scene& s, const std::string& value) {
            CustomerUpdate u;
            set(u, value);
            return s.vault.customers().Update(AccountService(), s.ada, u);
          }};
}

FieldCase ImportCustomer(std::string field,
                         void (*set)(NewCustomer&, const std::string&)) {
  return {"import_" + field, field, "customer.create", "invalid_input",
          [set](Scene& s, const std::string& value) {
            const NewCustomer c = NewCustomerWith(set, value);
            auto report = s.vault.customers().Import(AccountService(), std::span(&c, 1));
            if (!report) return report.error();
            return report->outcomes.at(0).status;
          }};
}

FieldCase Payment(std::string label, std::string field, Processor processor,
                  std::optional<std::string> PaymentReference::*id) {
  return {"payment_" + label, field, "refund.attach_payment", "invalid_input",
          [processor, id](Scene& s, const std::string& value) {
            PaymentReference p;
            p.processor = processor;
            if (processor == Processor::kStripe)
              p.charge_id = "ch_3N8f2kLkdIwHu7ix0Zq1aB2c";
            if (processor == Processor::kPaypal) p.capture_id = "8MC585209K746392H";
            p.*id = value;
            p.amount_minor = 4900;
            p.currency = "EUR";
            return s.vault.refunds().AttachPayment(RefundService(), s.refund, p);
          }};
}

FieldCase Grant(std::string label, std::string field,
                void (*set)(ConsentGrant&, const std::string&)) {
  return {"grant_" + label, field, "consent.grant", "invalid_input",
          [set](Scene& s, const std::string& value) {
            ConsentGrant g = testing::MarketingGrant();
            set(g, value);
            return StatusOf(s.vault.consents().Grant(AccountService(), s.ada, g));
          }};
}

FieldCase Purchase(std::string label, std::string field,
                   void (*set)(NewPurchase&, const std::string&)) {
  return {"purchase_" + label, field, "refund.record_purchase", "invalid_input",
          [set](Scene& s, const std::string& value) {
            NewPurchase p = testing::PurchaseOf(s.ada, "ORD-2026-000900",
                                                {ProductKind::kTheme, "aurora-theme"},
                                                Timestamp{});
            set(p, value);
            return StatusOf(s.vault.refunds().RecordPurchase(RefundService(), p));
          }};
}

FieldCase Context(std::string label, std::string field,
                  void (*set)(AccessContext&, const std::string&)) {
  return {"context_" + label, field, "customer.list", "invalid_context",
          [set](Scene& s, const std::string& value) {
            AccessContext ctx = AccountService();
            set(ctx, value);
            return StatusOf(s.vault.customers().ListIds(ctx));
          }};
}

std::vector<FieldCase> Fields() {
  using V = const std::string&;
  return {
      CreateCustomer("full_name", [](NewCustomer& c, V v) { c.full_name = v; }),
      CreateCustomer("email", [](NewCustomer& c, V v) { c.email = v; }),
      CreateCustomer("postal_address", [](NewCustomer& c, V v) { c.postal_address = v; }),
      CreateCustomer("external_ref", [](NewCustomer& c, V v) { c.external_ref = v; }),
      CreateCustomer("language", [](NewCustomer& c, V v) { c.language = v; }),
      UpdateCustomer("full_name", [](CustomerUpdate& u, V v) { u.full_name = v; }),
      UpdateCustomer("email", [](CustomerUpdate& u, V v) { u.email = v; }),
      UpdateCustomer("postal_address",
                     [](CustomerUpdate& u, V v) { u.postal_address = v; }),
      UpdateCustomer("external_ref", [](CustomerUpdate& u, V v) { u.external_ref = v; }),
      UpdateCustomer("language", [](CustomerUpdate& u, V v) { u.language = v; }),
      ImportCustomer("full_name", [](NewCustomer& c, V v) { c.full_name = v; }),
      ImportCustomer("external_ref", [](NewCustomer& c, V v) { c.external_ref = v; }),
      {"ticket_summary", "summary", "support.open", "invalid_input",
       [](Scene& s, V v) {
         NewTicket t{s.ada, {ProductKind::kPlugin, "seo-booster-2"}, v, true, {}};
         return StatusOf(s.vault.support().OpenTicket(SupportAgent(), t));
       }},
      {"ticket_sku", "sku", "support.open", "invalid_input",
       [](Scene& s, V v) {
         NewTicket t{s.ada, {ProductKind::kPlugin, v}, "Checkout crashes", true, {}};
         return StatusOf(s.vault.support().OpenTicket(SupportAgent(), t));
       }},
      {"fix_attempt_note", "note", "support.attempt", "invalid_input",
       [](Scene& s, V v) {
         return s.vault.support().RecordAttempt(SupportAgent(), s.ticket,
                                                FixOutcome::kNotFixed, v);
       }},
      {"refund_order_ref", "order reference", "refund.open", "invalid_input",
       [](Scene& s, V v) {
         NewRefundCase r{
             s.ada, v, {ProductKind::kTheme, "dark-mode"}, RefundReason::kOther, {}};
         return StatusOf(s.vault.refunds().Open(RefundService(), r));
       }},
      {"refund_sku", "sku", "refund.open", "invalid_input",
       [](Scene& s, V v) {
         NewRefundCase r{s.ada,
                         "ORD-2026-000123",
                         {ProductKind::kTheme, v},
                         RefundReason::kOther,
                         {}};
         return StatusOf(s.vault.refunds().Open(RefundService(), r));
       }},
      {"status_change_note", "note", "refund.transition", "invalid_input",
       [](Scene& s, V v) {
         return s.vault.refunds().Transition(RefundService(), s.refund,
                                             RefundStatus::kUnderReview, v);
       }},
      Payment("other_charge_id", "charge id", Processor::kOther,
              &PaymentReference::charge_id),
      Payment("other_payment_intent_id", "payment intent id", Processor::kOther,
              &PaymentReference::payment_intent_id),
      Payment("other_refund_id", "refund id", Processor::kOther,
              &PaymentReference::refund_id),
      Payment("other_capture_id", "capture id", Processor::kOther,
              &PaymentReference::capture_id),
      Payment("stripe_charge_id", "charge id", Processor::kStripe,
              &PaymentReference::charge_id),
      Payment("stripe_payment_intent_id", "payment intent id", Processor::kStripe,
              &PaymentReference::payment_intent_id),
      Payment("stripe_refund_id", "refund id", Processor::kStripe,
              &PaymentReference::refund_id),
      Payment("paypal_capture_id", "capture id", Processor::kPaypal,
              &PaymentReference::capture_id),
      Payment("paypal_refund_id", "refund id", Processor::kPaypal,
              &PaymentReference::refund_id),
      Purchase("order_ref", "order reference", [](NewPurchase& p, V v) { p.order_ref = v; }),
      Purchase("sku", "sku", [](NewPurchase& p, V v) { p.product.sku = v; }),
      Purchase("charge_id", "charge id", [](NewPurchase& p, V v) { p.charge.charge_id = v; }),
      Purchase("policy_version", "policy version",
               [](NewPurchase& p, V v) { p.policy_version = v; }),
      Purchase("system_requirements", "system requirements",
               [](NewPurchase& p, V v) { p.system_requirements = v; }),
      Purchase("waiver_method", "waiver method",
               [](NewPurchase& p, V v) { p.withdrawal_waiver = WithdrawalWaiver{{}, v}; }),
      {"notice_channel", "channel", "refund.notify", "invalid_input",
       [](Scene& s, V v) {
         return s.vault.refunds().Notify(RefundService(), s.refund, v, "refund-received");
       }},
      {"notice_template_id", "template id", "refund.notify", "invalid_input",
       [](Scene& s, V v) {
         return s.vault.refunds().Notify(RefundService(), s.refund, "email", v);
       }},
      {"register_notice_id", "notice id", "notice.register", "invalid_input",
       [](Scene& s, V v) {
         return StatusOf(
             s.vault.consents().RegisterNotice(NoticeAuthor(), v, "1", "Text"));
       }},
      {"register_notice_version", "notice version", "notice.register", "invalid_input",
       [](Scene& s, V v) {
         return StatusOf(
             s.vault.consents().RegisterNotice(NoticeAuthor(), "terms", v, "Text"));
       }},
      {"register_notice_text", "notice text", "notice.register", "invalid_input",
       [](Scene& s, V v) {
         return StatusOf(
             s.vault.consents().RegisterNotice(NoticeAuthor(), "terms", "1", v));
       }},
      Grant("notice_id", "notice id", [](ConsentGrant& g, V v) { g.notice_id = v; }),
      Grant("notice_version", "notice version",
            [](ConsentGrant& g, V v) { g.notice_version = v; }),
      Grant("collection_method", "collection method",
            [](ConsentGrant& g, V v) { g.collection_method = v; }),
      Grant("channel", "channel", [](ConsentGrant& g, V v) { g.channel = v; }),
      Grant("language", "language", [](ConsentGrant& g, V v) { g.language = v; }),
      Grant("pii_categories", "pii categories",
            [](ConsentGrant& g, V v) {
              g.pii_categories = {"contact", v};
            }),
      Grant("third_parties", "third parties",
            [](ConsentGrant& g, V v) {
              g.third_parties = {"Mailer Ltd", v};
            }),
      Grant("actor", "actor", [](ConsentGrant& g, V v) { g.actor = v; }),
      Grant("purpose", "purpose", [](ConsentGrant& g, V v) { g.purpose = v; }),
      {"withdraw_actor", "actor", "consent.withdraw", "invalid_input",
       [](Scene& s, V v) {
         return StatusOf(
             s.vault.consents().Withdraw(AccountService(), s.ada, "marketing", v));
       }},
      {"withdraw_purpose", "purpose", "consent.withdraw", "invalid_input",
       [](Scene& s, V v) {
         return StatusOf(s.vault.consents().Withdraw(AccountService(), s.ada, v));
       }},
      {"renew_actor", "actor", "consent.renew", "invalid_input",
       [](Scene& s, V v) {
         return StatusOf(s.vault.consents().Renew(AccountService(), s.ada, "marketing",
                                                  std::nullopt, v));
       }},
      {"report_purpose", "purpose", "consent.report", "invalid_input",
       [](Scene& s, V v) {
         return StatusOf(s.vault.consents().Report(testing::Auditor(), v));
       }},
      Context("principal_id", "principal id",
              [](AccessContext& c, V v) { c.principal_id = v; }),
      Context("role", "role", [](AccessContext& c, V v) { c.role = v; }),
      Context("purpose", "purpose", [](AccessContext& c, V v) { c.purpose = v; }),
      Context("request_id", "request id",
              [](AccessContext& c, V v) { c.request_id = v; }),
      Context("reason", "reason", [](AccessContext& c, V v) { c.reason = v; }),
  };
}

class CardScreenTest : public testing::VaultTest,
                       public ::testing::WithParamInterface<FieldCase> {
 protected:
  void SetUp() override {
    VaultTest::SetUp();
    ada_ = AddAda();
    auto notice = vault_->consents().RegisterNotice(NoticeAuthor(), "privacy", "3",
                                                    "We email offers if you agree.");
    ASSERT_TRUE(notice.has_value()) << notice.error().ToString();
    auto grant =
        vault_->consents().Grant(AccountService(), ada_, testing::MarketingGrant());
    ASSERT_TRUE(grant.has_value()) << grant.error().ToString();
    NewTicket t{
        ada_, {ProductKind::kPlugin, "seo-booster-2"}, "Checkout crashes", true, {}};
    auto ticket = vault_->support().OpenTicket(SupportAgent(), t);
    ASSERT_TRUE(ticket.has_value()) << ticket.error().ToString();
    ticket_ = *ticket;
    NewRefundCase r{ada_,
                    "ORD-2026-000123",
                    {ProductKind::kPlugin, "seo-booster-2"},
                    RefundReason::kOther,
                    {ticket_}};
    auto refund = vault_->refunds().Open(RefundService(), r);
    ASSERT_TRUE(refund.has_value()) << refund.error().ToString();
    refund_ = *refund;
  }

  // Everything the vault holds about its customers that a refused write
  // could have changed: how many there are, and Ada's identity, consent
  // history, tickets and refund cases as her export shows them.
  std::string Holdings() {
    auto document = vault_->rights().Export(Dpo(), ada_);
    EXPECT_TRUE(document.has_value()) << document.error().ToString();
    if (!document) return "";
    const nlohmann::json sections = nlohmann::json::parse(*document)["sections"];
    std::string holdings = std::to_string(CountCustomers());
    for (const char* name :
         {"identity", "consent_history", "support_tickets", "refund_cases"}) {
      holdings += "\n" + sections[name].dump();
    }
    return holdings;
  }

  std::uint64_t LastSequence() {
    std::vector<AuditEntry> last = Tail(1);
    return last.empty() ? 0 : last.back().sequence;
  }

  CustomerId ada_;
  std::string ticket_;
  std::string refund_;
};

TEST_P(CardScreenTest, EveryFormOfACardNumberIsRefusedAndAuditedWithoutTheValue) {
  const FieldCase& tc = GetParam();
  Scene scene{*vault_, ada_, ticket_, refund_};
  const std::string before = Holdings();
  for (const CardForm& form : CardForms()) {
    SCOPED_TRACE(form.name);
    // Tail is audited too: its own entry follows the one it returns.
    const std::uint64_t refusal_sequence = LastSequence() + 2;

    const Status status = tc.write(scene, form.value);

    EXPECT_EQ(status.code(), StatusCode::kInvalidArgument) << status.ToString();
    EXPECT_TRUE(
        status.message().starts_with(tc.field + ": looks like a payment card number"))
        << status.message();
    EXPECT_EQ(status.message().find(form.value), std::string::npos);
    EXPECT_FALSE(testing::QuotesDigitsOf(status.message(), form.digits))
        << status.message();

    const std::vector<AuditEntry> last = Tail(1);
    ASSERT_EQ(last.size(), 1u);
    const AuditEntry& refusal = last[0];
    EXPECT_EQ(refusal.sequence, refusal_sequence) << "exactly one entry for the call";
    EXPECT_EQ(refusal.action, tc.action);
    EXPECT_EQ(refusal.decision, "deny");
    EXPECT_EQ(refusal.reason_code, tc.reason);
    std::vector<std::string> texts = {refusal.principal_id, refusal.role,
                                      refusal.purpose,      refusal.subject,
                                      refusal.request_id,   refusal.reason_code};
    texts.insert(texts.end(), refusal.fields_requested.begin(),
                 refusal.fields_requested.end());
    for (const std::string& text : texts) {
      EXPECT_FALSE(testing::ContainsTestCardNumber(text)) << text;
      EXPECT_EQ(text.find(form.value), std::string::npos) << text;
    }
  }
  EXPECT_EQ(Holdings(), before) << "a refused write changed the vault";
  EXPECT_FALSE(testing::ContainsTestCardNumber(sink_->Text()));
}

INSTANTIATE_TEST_SUITE_P(EveryField, CardScreenTest, ::testing::ValuesIn(Fields()),
                         [](const ::testing::TestParamInfo<FieldCase>& info) {
                           return info.param.label;
                         });

}  // namespace
}  // namespace cvault
