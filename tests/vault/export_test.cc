// Data-subject exports (GDPR Art. 15/20) through the public API: the document
// matches docs/schemas/export-v1.schema.json, verifies with the vault's key
// and with no other, fails on any changed byte, holds nothing of another
// customer, lists the customer's own access log, and is decided and audited.
#include "cvault/export.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>
#include <fstream>
#include <iterator>
#include <nlohmann/json.hpp>
#include <string>
#include <valijson/adapters/nlohmann_json_adapter.hpp>
#include <valijson/schema.hpp>
#include <valijson/schema_parser.hpp>
#include <valijson/validator.hpp>
#include <vector>

#include "crypto/bytes.h"
#include "crypto/hash.h"
#include "crypto/signer.h"
#include "tests/testing/vault_fixture.h"

namespace cvault {
namespace {

using namespace std::chrono_literals;
using nlohmann::json;
using testing::AccountService;
using testing::As;
using testing::Auditor;
using testing::Dpo;

AccessContext Agent() { return As("support-agent", "support", "agent-7"); }
AccessContext RefundSvc() {
  return As("refund-service", "refund_processing", "refund-svc");
}
AccessContext SelfService(const CustomerId& principal) {
  return As("account-service", "self_service", principal.str());
}

const std::vector<std::string> kSections = {
    "identity", "consent_history", "support_tickets", "refund_cases", "purchases",
    "purposes", "retention",       "recipients",      "access_log"};

// Every schema violation of `document`, one per line; empty when it is valid.
std::string SchemaViolations(const json& document) {
  std::ifstream file(std::string(CVAULT_SOURCE_DIR) +
                     "/docs/schemas/export-v1.schema.json");
  json schema_json = json::parse(file);
  valijson::Schema schema;
  valijson::SchemaParser parser;
  valijson::adapters::NlohmannJsonAdapter schema_adapter(schema_json);
  parser.populateSchema(schema_adapter, schema);
  valijson::Validator validator(valijson::Validator::kStrongTypes);
  valijson::ValidationResults results;
  valijson::adapters::NlohmannJsonAdapter target(document);
  if (validator.validate(schema, target, &results)) return "";
  std::string out;
  valijson::ValidationResults::Error error;
  while (results.popError(error)) {
    for (const std::string& part : error.context) out += part;
    out += ": " + error.description + "\n";
  }
  return out.empty() ? "invalid" : out;
}

std::vector<std::string> Names(const json& array, const char* member) {
  std::vector<std::string> out;
  for (const json& item : array) out.push_back(item.at(member).get<std::string>());
  return out;
}

class ExportTest : public testing::VaultTest {
 protected:
  void SetUp() override {
    VaultTest::SetUp();
    auto notice = vault_->consents().RegisterNotice(
        As("dpo", "legal_compliance"), "privacy", "3", "We email offers if you agree.");
    ASSERT_TRUE(notice.has_value()) << notice.error().ToString();
    ada_ = AddAda();
    auto key = vault_->audit().SigningPublicKey(Auditor());
    ASSERT_TRUE(key.has_value()) << key.error().ToString();
    auto parsed = ParseSigningPublicKey(*key + "\n");
    ASSERT_TRUE(parsed.has_value()) << parsed.error().ToString();
    public_key_ = std::move(*parsed);
  }

  CustomerId AddCustomer(const std::string& name, const std::string& email,
                         std::optional<std::string> phone = std::nullopt) {
    NewCustomer c;
    c.full_name = name;
    c.email = email;
    c.phone = std::move(phone);
    auto id = vault_->customers().Create(AccountService(), c);
    EXPECT_TRUE(id.has_value()) << id.error().ToString();
    return id.value_or(CustomerId());
  }

  ConsentGrant MarketingGrant() {
    ConsentGrant g = testing::MarketingGrant();
    g.third_parties = {"Mailjet SAS"};
    return g;
  }

  // Consents (given, then withdrawn), a ticket with a fix attempt and a
  // refund case with a payment reference and an update to the customer.
  void GiveAdaAHistory() {
    ASSERT_TRUE(vault_->consents().Grant(AccountService(), ada_, MarketingGrant()));
    clock_->Advance(1h);
    ASSERT_TRUE(vault_->consents().Withdraw(AccountService(), ada_, "marketing"));
    NewTicket t;
    t.customer = ada_;
    t.product = {ProductKind::kPlugin, "seo-booster-2"};
    t.summary = "Plugin crashes the checkout page after activation";
    t.substantial = true;
    auto ticket = vault_->support().OpenTicket(Agent(), t);
    ASSERT_TRUE(ticket.has_value()) << ticket.error().ToString();
    ticket_ = *ticket;
    ASSERT_TRUE(
        vault_->support()
            .RecordAttempt(Agent(), ticket_, FixOutcome::kNotFixed, "cleared caches")
            .ok());
    NewRefundCase r;
    r.customer = ada_;
    r.order_ref = "ORD-2026-000123";
    r.product = t.product;
    r.reason = RefundReason::kFunctionalDefect;
    r.ticket_ids = {ticket_};
    auto refund = vault_->refunds().Open(RefundSvc(), r);
    ASSERT_TRUE(refund.has_value()) << refund.error().ToString();
    refund_ = *refund;
    purchase_ = RecordPurchase(ada_, r.order_ref, r.product);
    ASSERT_TRUE(vault_->refunds()
                    .AttachPayment(RefundSvc(), refund_, testing::StripeRefund(4900, {}))
                    .ok());
    ASSERT_TRUE(
        vault_->refunds().Notify(RefundSvc(), refund_, "email", "refund-received").ok());
    ASSERT_TRUE(vault_->refunds().Assess(RefundSvc(), refund_).has_value());
    ASSERT_TRUE(vault_->refunds()
                    .Transition(RefundSvc(), refund_, RefundStatus::kUnderReview, "")
                    .ok());
  }

  std::string ExportAs(const AccessContext& ctx, const CustomerId& id) {
    auto document = vault_->rights().Export(ctx, id);
    EXPECT_TRUE(document.has_value()) << document.error().ToString();
    return document.value_or("");
  }

  ExportVerification Verify(std::string_view document) {
    auto report = VerifyExport(document, public_key_);
    EXPECT_TRUE(report.has_value()) << report.error().ToString();
    return report.value_or(ExportVerification{});
  }

  std::vector<AuditEntry> WholeLog() {
    auto entries = vault_->audit().Tail(Auditor(), 10000);
    EXPECT_TRUE(entries.has_value());
    return entries.value_or(std::vector<AuditEntry>{});
  }

  // The entry of the last call (Tail's own entry follows what it reads).
  AuditEntry LastEntry() {
    auto tail = vault_->audit().Tail(Auditor(), 1);
    EXPECT_TRUE(tail.has_value() && tail->size() == 1);
    return tail && tail->size() == 1 ? tail->back() : AuditEntry{};
  }

  CustomerId ada_;
  std::string ticket_;
  std::string refund_;
  std::string purchase_;
  std::vector<std::uint8_t> public_key_;
};

TEST_F(ExportTest, FullExportMatchesTheSchemaAndHoldsEverySection) {
  GiveAdaAHistory();
  std::string text = ExportAs(Dpo(), ada_);
  json doc = json::parse(text);
  EXPECT_EQ(SchemaViolations(doc), "");
  // The schema has teeth: a missing section or a stray member is refused.
  json missing = doc;
  missing["sections"].erase("access_log");
  EXPECT_NE(SchemaViolations(missing), "");
  json stray = doc;
  stray["sections"]["identity"]["data"]["shoe_size"] = "42";
  EXPECT_NE(SchemaViolations(stray), "");

  EXPECT_EQ(doc["schema"], "cvault.export/v1");
  EXPECT_EQ(doc["customer_id"], ada_.str());
  const json& s = doc["sections"];
  const json& identity = s["identity"]["data"];
  EXPECT_EQ(identity["full_name"], "Ada Lovelace");
  EXPECT_EQ(identity["email"], "ada.lovelace@example.com");
  EXPECT_EQ(identity["postal_address"], "12 St James's Square\nLondon");
  EXPECT_EQ(identity["external_ref"], "acct-1815");

  const json& consents = s["consent_history"]["data"];
  ASSERT_EQ(consents.size(), 2u);
  EXPECT_EQ(consents[0]["type"], "given");
  EXPECT_EQ(consents[1]["type"], "withdrawn");
  EXPECT_EQ(consents[1]["previous_event_id"], consents[0]["event_id"]);
  EXPECT_EQ(consents[0]["time"], "2026-01-15T09:00:00.000000Z");

  const json& tickets = s["support_tickets"]["data"];
  ASSERT_EQ(tickets.size(), 1u);
  EXPECT_EQ(tickets[0]["ticket_id"], ticket_);
  ASSERT_EQ(tickets[0]["attempts"].size(), 1u);
  EXPECT_EQ(tickets[0]["attempts"][0]["note"], "cleared caches");

  const json& refunds = s["refund_cases"]["data"];
  ASSERT_EQ(refunds.size(), 1u);
  EXPECT_EQ(refunds[0]["case_id"], refund_);
  EXPECT_EQ(refunds[0]["status"], "under_review");
  ASSERT_EQ(refunds[0]["history"].size(), 1u);
  EXPECT_EQ(refunds[0]["payments"][0]["charge_id"], "ch_3N8f2kLkdIwHu7ix0Zq1aB2c");
  EXPECT_EQ(refunds[0]["notices"][0]["template_id"], "refund-received");
  EXPECT_EQ(refunds[0]["assessment"]["decision"], "not_yet");

  const json& purchases = s["purchases"]["data"];
  ASSERT_EQ(purchases.size(), 1u);
  EXPECT_EQ(purchases[0]["purchase_id"], purchase_);
  EXPECT_EQ(purchases[0]["order_ref"], "ORD-2026-000123");
  EXPECT_EQ(purchases[0]["charge"]["amount_minor"], 4900);
  EXPECT_EQ(purchases[0]["policy_version"], "2026-01");
  EXPECT_EQ(purchases[0]["requirements_shown"], true);
  EXPECT_EQ(purchases[0]["withdrawal_waiver"], nullptr);

  // Withdrawn consent: marketing no longer applies, its recipient stays named.
  std::vector<std::string> purposes = Names(s["purposes"]["data"], "name");
  EXPECT_EQ(std::count(purposes.begin(), purposes.end(), "marketing"), 0);
  EXPECT_EQ(std::count(purposes.begin(), purposes.end(), "support"), 1);
  EXPECT_EQ(std::count(purposes.begin(), purposes.end(), "refund_processing"), 1);
  EXPECT_EQ(Names(s["recipients"]["data"]["third_parties"], "name"),
            std::vector<std::string>{"Mailjet SAS"});
  const json& retention = s["retention"]["data"];
  ASSERT_EQ(retention.size(), 5u);
  EXPECT_EQ(retention[4]["field_group"], "financial");
  EXPECT_EQ(retention[4]["period_years"], 10);
}

TEST_F(ExportTest, ADocumentWithoutThePurchasesSectionIsStillShapedAsV1) {
  // Written before purchase records existed: eight sections. Dropping the
  // section here breaks the signature, but not the document's shape.
  json doc = json::parse(ExportAs(Dpo(), ada_));
  doc["sections"].erase("purchases");
  doc["manifest"]["sections"].erase("purchases");
  ExportVerification report = Verify(doc.dump());
  EXPECT_FALSE(report.ok);
  EXPECT_EQ(report.failed_part, "signature") << report.problem;
  EXPECT_EQ(report.sections_verified.size(), kSections.size() - 1);
}

TEST_F(ExportTest, SectionsAreMarkedPortableOrAccessOnly) {
  json s = json::parse(ExportAs(Dpo(), ada_))["sections"];
  std::vector<std::string> portable;
  for (const std::string& name : kSections) {
    if (s[name]["portable"].get<bool>()) portable.push_back(name);
  }
  EXPECT_EQ(portable,
            (std::vector<std::string>{"identity", "consent_history", "support_tickets"}));
  EXPECT_EQ(s["consent_history"]["legal_basis"], "consent");
  EXPECT_EQ(s["refund_cases"]["legal_basis"], "legal_obligation");
  EXPECT_EQ(s["purchases"]["legal_basis"], "legal_obligation");
}

TEST_F(ExportTest, ActiveConsentMakesItsPurposeApply) {
  ASSERT_TRUE(vault_->consents().Grant(AccountService(), ada_, MarketingGrant()));
  json s = json::parse(ExportAs(Dpo(), ada_))["sections"];
  std::vector<std::string> purposes = Names(s["purposes"]["data"], "name");
  EXPECT_EQ(std::count(purposes.begin(), purposes.end(), "marketing"), 1);
  std::vector<std::string> roles =
      Names(s["recipients"]["data"]["internal_roles"], "role");
  EXPECT_EQ(std::count(roles.begin(), roles.end(), "marketing-service"), 1);
}

TEST_F(ExportTest, VerifiesWithTheVaultsSigningKey) {
  GiveAdaAHistory();
  std::string text = ExportAs(Dpo(), ada_);
  ExportVerification report = Verify(text);
  EXPECT_TRUE(report.ok) << report.failed_part << ": " << report.problem;
  EXPECT_EQ(report.customer_id, ada_.str());
  EXPECT_EQ(report.sections_verified, kSections);
  EXPECT_EQ(report.generated_at, json::parse(text)["generated_at"]);
  // The key is the one that signs audit checkpoints.
  auto checkpoint = vault_->audit().Checkpoint(Auditor());
  ASSERT_TRUE(checkpoint.has_value());
  auto key = vault_->audit().SigningPublicKey(Dpo());
  ASSERT_TRUE(key.has_value());
  EXPECT_EQ(checkpoint->public_key, *key);
}

TEST_F(ExportTest, VerificationWithAnotherKeyFails) {
  std::string text = ExportAs(Dpo(), ada_);
  auto other = crypto::Signer::FromSeed(SecretBytes::Random(crypto::kSignerSeedSize));
  ASSERT_TRUE(other.has_value());
  auto report = VerifyExport(text, other->public_key());
  ASSERT_TRUE(report.has_value());
  EXPECT_FALSE(report->ok);
  EXPECT_EQ(report->failed_part, "signature");
}

TEST_F(ExportTest, VerificationWithAWronglySizedKeyIsAnError) {
  std::string text = ExportAs(Dpo(), ada_);
  std::vector<std::uint8_t> short_key(31, 7);
  auto report = VerifyExport(text, short_key);
  ASSERT_FALSE(report.has_value());
  EXPECT_EQ(report.error().code(), StatusCode::kInvalidArgument);
  EXPECT_FALSE(ParseSigningPublicKey("not a key").has_value());
  EXPECT_FALSE(ParseSigningPublicKey(std::string(64, 'g')).has_value());
}

TEST_F(ExportTest, EveryChangedByteFailsVerification) {
  std::string text = ExportAs(Dpo(), ada_);
  ASSERT_TRUE(Verify(text).ok);
  // Every position, each with one of four bit patterns in turn: a low bit
  // (digits and letters), the ASCII case bit (hex digits), the top bit
  // (invalid UTF-8) and a middle bit (punctuation into letters).
  constexpr std::uint8_t kMasks[] = {0x01, 0x20, 0x80, 0x04};
  std::size_t still_verifying = 0;
  for (std::size_t i = 0; i < text.size(); ++i) {
    std::uint8_t mask = kMasks[i % std::size(kMasks)];
    std::string changed = text;
    changed[i] = static_cast<char>(static_cast<std::uint8_t>(changed[i]) ^ mask);
    if (VerifyExport(changed, public_key_).value_or(ExportVerification{}).ok) {
      ++still_verifying;
      ADD_FAILURE() << "byte " << i << " ^ " << int{mask} << " still verifies";
    }
  }
  EXPECT_EQ(still_verifying, 0u);
  EXPECT_FALSE(Verify(text + "\n").ok);
  EXPECT_FALSE(Verify(" " + text).ok);
  EXPECT_FALSE(Verify(text.substr(0, text.size() - 1)).ok);
  EXPECT_EQ(Verify(json::parse(text).dump(2)).failed_part, "document");
}

TEST_F(ExportTest, ChangedSectionIsNamedAndReSignedManifestFailsTheSignature) {
  std::string text = ExportAs(Dpo(), ada_);
  json doc = json::parse(text);
  doc["sections"]["identity"]["data"]["email"] = "someone.else@example.com";
  ExportVerification changed = Verify(doc.dump());
  EXPECT_FALSE(changed.ok);
  EXPECT_EQ(changed.failed_part, "section:identity");
  EXPECT_EQ(changed.sections_verified.size(), kSections.size() - 1);

  // A forger who also fixes the manifest's hash still lacks the signing key.
  std::string section = doc["sections"]["identity"].dump();
  doc["manifest"]["sections"]["identity"] =
      crypto::ToHex(crypto::Sha256(crypto::AsBytes(section)));
  ExportVerification forged = Verify(doc.dump());
  EXPECT_FALSE(forged.ok);
  EXPECT_EQ(forged.failed_part, "signature");
  EXPECT_EQ(forged.sections_verified, kSections);

  // The same signature bytes in upper-case hex are still a changed file.
  json upper = json::parse(text);
  std::string value = upper["signature"]["value"];
  std::transform(value.begin(), value.end(), value.begin(),
                 [](char c) { return static_cast<char>(std::toupper(c)); });
  upper["signature"]["value"] = value;
  EXPECT_EQ(Verify(upper.dump()).failed_part, "signature");

  json renamed = json::parse(text);
  renamed["export_id"] = "exp_aaaaaaaaaaaaaaaaaaaaaaaaaa";
  EXPECT_EQ(Verify(renamed.dump()).failed_part, "signature");
  json unsigned_doc = json::parse(text);
  unsigned_doc.erase("signature");
  EXPECT_EQ(Verify(unsigned_doc.dump()).failed_part, "document");
}

TEST_F(ExportTest, SigningPublicKeyNeedsARoleActingForItsPurpose) {
  auto key = vault_->audit().SigningPublicKey(As("support-agent", "dsr"));
  ASSERT_FALSE(key.has_value());
  EXPECT_EQ(key.error().reason_code(), "role_not_permitted");
  AuditEntry entry = LastEntry();
  EXPECT_EQ(entry.action, "keys.public");
  EXPECT_EQ(entry.decision, "deny");
}

TEST_F(ExportTest, DpoMayExportAnyCustomer) {
  CustomerId bob = AddCustomer("Bob Brown", "bob.brown@example.com");
  EXPECT_TRUE(Verify(ExportAs(Dpo(), bob)).ok);
  EXPECT_TRUE(Verify(ExportAs(Dpo(), ada_)).ok);
}

TEST_F(ExportTest, SelfServiceMayExportOwnData) {
  std::string text = ExportAs(SelfService(ada_), ada_);
  EXPECT_TRUE(Verify(text).ok);
  EXPECT_EQ(json::parse(text)["customer_id"], ada_.str());
}

TEST_F(ExportTest, SelfServiceExportOfAnotherCustomerIsDeniedAsNotOwnData) {
  CustomerId bob = AddCustomer("Bob Brown", "bob.brown@example.com");
  auto denied = vault_->rights().Export(SelfService(bob), ada_);
  ASSERT_FALSE(denied.has_value());
  EXPECT_EQ(denied.error().code(), StatusCode::kPermissionDenied);
  EXPECT_EQ(denied.error().reason_code(), "not_own_data");
  AuditEntry entry = LastEntry();
  EXPECT_EQ(entry.action, "dsr.export");
  EXPECT_EQ(entry.decision, "deny");
  EXPECT_EQ(entry.reason_code, "not_own_data");
  EXPECT_TRUE(entry.fields_returned.empty());

  // An unknown id gets the same answer: nothing about existence leaks.
  auto unknown = vault_->rights().Export(SelfService(bob), CustomerId::Generate());
  ASSERT_FALSE(unknown.has_value());
  EXPECT_EQ(unknown.error().reason_code(), "not_own_data");
}

TEST_F(ExportTest, SupportAgentIsDenied) {
  auto denied = vault_->rights().Export(Agent(), ada_);
  ASSERT_FALSE(denied.has_value());
  EXPECT_EQ(denied.error().code(), StatusCode::kPermissionDenied);
  EXPECT_EQ(denied.error().reason_code(), "action_not_permitted");
  EXPECT_EQ(LastEntry().decision, "deny");
}

TEST_F(ExportTest, UnknownCustomerIsNotFoundForTheDpo) {
  auto missing = vault_->rights().Export(Dpo(), CustomerId::Generate());
  ASSERT_FALSE(missing.has_value());
  EXPECT_EQ(missing.error().code(), StatusCode::kNotFound);
}

TEST_F(ExportTest, RestrictedCustomerCanStillExportOwnData) {
  ASSERT_TRUE(vault_->rights().Restrict(Dpo(), ada_).ok());
  std::string text = ExportAs(SelfService(ada_), ada_);
  json doc = json::parse(text);
  EXPECT_TRUE(doc["sections"]["identity"]["data"]["restricted"].get<bool>());
  // Only the purposes a restriction leaves open still apply.
  EXPECT_EQ(Names(doc["sections"]["purposes"]["data"], "name"),
            (std::vector<std::string>{"dsr", "legal_compliance"}));
}

TEST_F(ExportTest, ExportNeverHoldsAnotherCustomersData) {
  GiveAdaAHistory();
  std::vector<CustomerId> others;
  std::vector<std::string> other_values;
  for (int i = 0; i < 30; ++i) {
    std::string n = std::to_string(100 + i);
    std::string name = "Grace Hopper-" + n;
    std::string email = "grace." + n + "@example.org";
    // Customer 0 shares Ada's phone: a lookup by phone matches both.
    std::optional<std::string> phone;
    if (i == 0) phone = "+44 20 7183 8750";
    CustomerId id = AddCustomer(name, email, phone);
    NewTicket t;
    t.customer = id;
    t.product = {ProductKind::kTheme, "theme-" + n};
    t.summary = "Layout broken for customer " + n;
    auto ticket = vault_->support().OpenTicket(Agent(), t);
    ASSERT_TRUE(ticket.has_value());
    ASSERT_TRUE(vault_->customers().Get(Agent(), id).has_value());
    others.push_back(id);
    other_values.insert(other_values.end(), {id.str(), name, email, *ticket, t.summary});
  }
  auto both = vault_->customers().FindByPhone(Agent(), "+442071838750");
  ASSERT_TRUE(both.has_value());
  ASSERT_EQ(both->size(), 2u);
  // Another customer trying to export Ada's data is logged about Ada.
  ASSERT_FALSE(vault_->rights().Export(SelfService(others[3]), ada_).has_value());

  std::string text = ExportAs(Dpo(), ada_);
  EXPECT_TRUE(Verify(text).ok);
  for (const std::string& value : other_values) {
    EXPECT_EQ(text.find(value), std::string::npos) << value;
  }
  // No other customer's pseudonym either: entries carry no subject.
  const std::string ada_pseudonym = LastEntry().subject;
  ASSERT_FALSE(ada_pseudonym.empty());
  for (const AuditEntry& entry : WholeLog()) {
    if (entry.subject.empty() || entry.subject == ada_pseudonym) continue;
    if (entry.subject.find(',') != std::string::npos) continue;
    EXPECT_EQ(text.find(entry.subject), std::string::npos) << entry.sequence;
  }
  json log = json::parse(text)["sections"]["access_log"]["data"];
  std::vector<std::string> principals = Names(log, "principal_id");
  EXPECT_EQ(std::count(principals.begin(), principals.end(), "another_customer"), 1);
  std::vector<std::string> actions = Names(log, "action");
  EXPECT_EQ(std::count(actions.begin(), actions.end(), "customer.find"), 1);

  // And each of the others' exports holds nothing of Ada.
  std::string bobs = ExportAs(Dpo(), others[5]);
  for (const std::string& value :
       {ada_.str(), std::string("Ada Lovelace"), std::string("ada.lovelace@example.com"),
        ticket_, refund_}) {
    EXPECT_EQ(bobs.find(value), std::string::npos) << value;
  }
}

TEST_F(ExportTest, AccessLogListsTheEntriesAboutTheCustomerAndOnlyThose) {
  CustomerId bob = AddCustomer("Bob Brown", "bob.brown@example.com");
  ASSERT_TRUE(vault_->customers().Get(Agent(), ada_).has_value());
  ASSERT_TRUE(vault_->customers().Get(Agent(), bob).has_value());
  ASSERT_TRUE(vault_->customers().FindByEmail(Agent(), "ada.lovelace@example.com"));
  ASSERT_FALSE(vault_->customers().Get(As("marketing-service", "marketing"), ada_));
  ASSERT_TRUE(vault_->customers().Get(RefundSvc(), bob).has_value());
  clock_->Advance(1min);

  std::string text = ExportAs(Dpo(), ada_);
  AuditEntry export_entry = LastEntry();
  ASSERT_EQ(export_entry.action, "dsr.export");
  const std::string& pseudonym = export_entry.subject;
  ASSERT_FALSE(pseudonym.empty());
  std::vector<std::uint64_t> expected;
  for (const AuditEntry& entry : WholeLog()) {
    if (entry.subject == pseudonym && entry.sequence < export_entry.sequence) {
      expected.push_back(entry.sequence);
    }
  }
  json log = json::parse(text)["sections"]["access_log"]["data"];
  std::vector<std::uint64_t> listed;
  for (const json& entry : log) listed.push_back(entry["sequence"].get<std::uint64_t>());
  EXPECT_EQ(listed, expected);
  EXPECT_EQ(Names(log, "action"),
            (std::vector<std::string>{"customer.create", "customer.read", "customer.find",
                                      "customer.read"}));
  EXPECT_EQ(log[1]["principal_id"], "agent-7");
  EXPECT_EQ(log[1]["purpose"], "support");
  EXPECT_EQ(log[3]["decision"], "deny");
  EXPECT_EQ(log[3]["reason_code"], "no_consent");
  EXPECT_FALSE(log[1]["fields_returned"].empty());
}

TEST_F(ExportTest, ExportIsAuditedAndTheNextExportListsIt) {
  std::string first = ExportAs(Dpo(), ada_);
  AuditEntry entry = LastEntry();
  EXPECT_EQ(entry.action, "dsr.export");
  EXPECT_EQ(entry.decision, "allow");
  EXPECT_EQ(entry.purpose, "dsr");
  EXPECT_EQ(entry.fields_returned, kSections);
  EXPECT_FALSE(entry.subject.empty());
  std::vector<std::string> first_actions =
      Names(json::parse(first)["sections"]["access_log"]["data"], "action");
  EXPECT_EQ(std::count(first_actions.begin(), first_actions.end(), "dsr.export"), 0);

  std::string second = ExportAs(Dpo(), ada_);
  json log = json::parse(second)["sections"]["access_log"]["data"];
  ASSERT_FALSE(log.empty());
  EXPECT_EQ(log.back()["action"], "dsr.export");
  EXPECT_EQ(log.back()["sequence"].get<std::uint64_t>(), entry.sequence);
  EXPECT_NE(json::parse(first)["export_id"], json::parse(second)["export_id"]);
}

}  // namespace
}  // namespace cvault
