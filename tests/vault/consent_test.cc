// Consent records and consent-gated access through the public API.
#include <gtest/gtest.h>

#include <array>
#include <filesystem>
#include <fstream>
#include <string>
#include <string_view>

#include "tests/testing/vault_fixture.h"

namespace cvault {
namespace {

using namespace std::chrono_literals;
using testing::AccountService;
using testing::As;
using testing::Auditor;
using testing::Dpo;

AccessContext Marketing() { return As("marketing-service", "marketing"); }

class ConsentTest : public testing::VaultTest {
 protected:
  void SetUp() override {
    VaultTest::SetUp();
    auto notice = vault_->consents().RegisterNotice(
        As("dpo", "legal_compliance"), "privacy", "3", "We email offers if you agree.");
    ASSERT_TRUE(notice.has_value()) << notice.error().ToString();
    ada_ = AddAda();
  }

  ConsentGrant GrantFor(std::string purpose) {
    ConsentGrant g;
    g.purpose = std::move(purpose);
    g.notice_id = "privacy";
    g.notice_version = "3";
    g.collection_method = "checkbox";
    g.channel = "web";
    return g;
  }

  StatusOr<ConsentEvent> Grant(std::string purpose,
                               std::optional<Timestamp> expires = std::nullopt) {
    ConsentGrant g = GrantFor(std::move(purpose));
    g.expires_at = expires;
    return vault_->consents().Grant(AccountService(), ada_, g);
  }

  StatusOr<CustomerRecord> ReadAs(const AccessContext& ctx) {
    return vault_->customers().Get(ctx, ada_);
  }

  std::string LastReason() {
    auto tail = vault_->audit().Tail(Auditor(), 1);
    EXPECT_TRUE(tail.has_value() && !tail->empty());
    return tail && !tail->empty() ? tail->back().reason_code : "";
  }

  Timestamp Now() { return clock_->Now(); }

  CustomerId ada_;
};

TEST_F(ConsentTest, MarketingReadIsAllowedOnlyWhileConsentIsActive) {
  auto denied = ReadAs(Marketing());
  ASSERT_FALSE(denied.has_value());
  EXPECT_EQ(denied.error().reason_code(), "no_consent");

  ASSERT_TRUE(Grant("marketing").has_value());
  auto allowed = ReadAs(Marketing());
  ASSERT_TRUE(allowed.has_value()) << allowed.error().ToString();
  EXPECT_EQ(allowed->fields.at(CustomerField::kEmail), "ada.lovelace@example.com");
  EXPECT_FALSE(allowed->fields.contains(CustomerField::kFullName));

  ASSERT_TRUE(
      vault_->consents().Withdraw(AccountService(), ada_, "marketing").has_value());
  auto after = ReadAs(Marketing());
  ASSERT_FALSE(after.has_value());
  EXPECT_EQ(after.error().reason_code(), "consent_withdrawn");
}

TEST_F(ConsentTest, ExpiryStopsAccessWithoutANewEvent) {
  ASSERT_TRUE(Grant("marketing", Now() + 24h).has_value());
  EXPECT_TRUE(ReadAs(Marketing()).has_value());
  clock_->Advance(24h);
  auto expired = ReadAs(Marketing());
  ASSERT_FALSE(expired.has_value());
  EXPECT_EQ(expired.error().reason_code(), "consent_expired");
  auto history = vault_->consents().History(Auditor(), ada_);
  ASSERT_TRUE(history.has_value());
  EXPECT_EQ(history->size(), 1u) << "no event was needed to stop access";
}

TEST_F(ConsentTest, RenewalRestoresLapsedConsent) {
  ASSERT_TRUE(Grant("marketing", Now() + 1h).has_value());
  clock_->Advance(2h);
  ASSERT_FALSE(ReadAs(Marketing()).has_value());
  auto renewed =
      vault_->consents().Renew(AccountService(), ada_, "marketing", Now() + 48h);
  ASSERT_TRUE(renewed.has_value()) << renewed.error().ToString();
  EXPECT_EQ(renewed->type, ConsentEventType::kRenewed);
  EXPECT_TRUE(ReadAs(Marketing()).has_value());
}

// Every purpose of the default policy, read by a role allowed to use it:
// allowed with consent (where consent is the basis), denied without, after
// withdrawal, after expiry and while restricted (except legal_compliance and
// dsr), each with the right reason code in the error and the audit log.
TEST_F(ConsentTest, EveryPurposeFollowsConsentAndRestriction) {
  struct Case {
    const char* role;
    const char* purpose;
    bool consent_based;
  };
  const Case cases[] = {
      {"account-service", "account_management", false},
      {"account-service", "self_service", false},
      {"support-agent", "support", false},
      {"support-agent", "support_diagnostics", true},
      {"refund-service", "refund_processing", false},
      {"marketing-service", "marketing", true},
      {"marketing-service", "analytics", true},
      {"dpo", "legal_compliance", false},
      {"dpo", "dsr", false},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.purpose);
    AccessContext ctx = As(c.role, c.purpose);
    if (c.consent_based) {
      auto none = ReadAs(ctx);
      ASSERT_FALSE(none.has_value());
      EXPECT_EQ(none.error().reason_code(), "no_consent");
      EXPECT_EQ(LastReason(), "no_consent");

      ASSERT_TRUE(Grant(c.purpose, Now() + 1h).has_value());
      ASSERT_TRUE(ReadAs(ctx).has_value());
      std::string granted_reason = LastReason();
      EXPECT_TRUE(granted_reason == "ok" || granted_reason == "fields_withheld")
          << granted_reason;

      ASSERT_TRUE(
          vault_->consents().Withdraw(AccountService(), ada_, c.purpose).has_value());
      auto withdrawn = ReadAs(ctx);
      ASSERT_FALSE(withdrawn.has_value());
      EXPECT_EQ(withdrawn.error().reason_code(), "consent_withdrawn");
      EXPECT_EQ(LastReason(), "consent_withdrawn");

      ASSERT_TRUE(Grant(c.purpose, Now() + 1h).has_value());
      clock_->Advance(1h);
      auto expired = ReadAs(ctx);
      ASSERT_FALSE(expired.has_value());
      EXPECT_EQ(expired.error().reason_code(), "consent_expired");
      EXPECT_EQ(LastReason(), "consent_expired");
      ASSERT_TRUE(Grant(c.purpose).has_value());  // active again for the restriction step
    } else {
      auto r = ReadAs(ctx);
      ASSERT_TRUE(r.has_value()) << r.error().ToString();
    }

    ASSERT_TRUE(vault_->rights().Restrict(Dpo(), ada_).ok());
    auto restricted = ReadAs(ctx);
    bool exempt =
        std::string(c.purpose) == "legal_compliance" || std::string(c.purpose) == "dsr";
    if (exempt) {
      EXPECT_TRUE(restricted.has_value());
    } else {
      ASSERT_FALSE(restricted.has_value());
      EXPECT_EQ(restricted.error().reason_code(), "restricted");
      EXPECT_EQ(LastReason(), "restricted");
    }
    ASSERT_TRUE(vault_->rights().LiftRestriction(Dpo(), ada_, true).ok());
  }
}

TEST_F(ConsentTest, ConsentForANonConsentPurposeIsRefused) {
  auto r = Grant("support");
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(r.error().message().find("rests on contract"), std::string::npos);
}

TEST_F(ConsentTest, ImplicitConsentIsRefusedAuditedAndNotStored) {
  ConsentGrant g = GrantFor("marketing");
  g.type = ConsentType::kImplicit;
  auto r = vault_->consents().Grant(AccountService(), ada_, g);
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().code(), StatusCode::kInvalidArgument);
  EXPECT_TRUE(r.error().message().starts_with("type: ")) << r.error().message();
  EXPECT_EQ(LastReason(), "invalid_input");
  auto history = vault_->consents().History(Auditor(), ada_);
  ASSERT_TRUE(history.has_value()) << history.error().ToString();
  EXPECT_TRUE(history->empty());
  EXPECT_EQ(ReadAs(Marketing()).error().reason_code(), "no_consent");
}

TEST_F(ConsentTest, ConsentAgainstAnUnknownNoticeVersionIsRefused) {
  ConsentGrant g = GrantFor("marketing");
  g.notice_version = "4";
  auto r = vault_->consents().Grant(AccountService(), ada_, g);
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(r.error().message().find("not registered"), std::string::npos);
  EXPECT_EQ(LastReason(), "unknown_notice");
}

TEST_F(ConsentTest, WithdrawWithoutActiveConsentIsRefused) {
  auto r = vault_->consents().Withdraw(AccountService(), ada_, "marketing");
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().code(), StatusCode::kFailedPrecondition);
}

TEST_F(ConsentTest, HistoryHoldsEveryEventAsAReceipt) {
  ASSERT_TRUE(Grant("marketing").has_value());
  clock_->Advance(1h);
  ASSERT_TRUE(
      vault_->consents().Withdraw(AccountService(), ada_, "marketing").has_value());
  auto history = vault_->consents().History(Auditor(), ada_);
  ASSERT_TRUE(history.has_value()) << history.error().ToString();
  ASSERT_EQ(history->size(), 2u);
  const ConsentEvent& given = (*history)[0];
  const ConsentEvent& withdrawn = (*history)[1];
  EXPECT_EQ(given.type, ConsentEventType::kGiven);
  EXPECT_EQ(given.controller, "XPereozz");
  EXPECT_EQ(given.purpose_category, "Marketing");
  EXPECT_EQ(given.legal_basis, "consent");
  EXPECT_EQ(given.notice_sha256.size(), 64u);
  EXPECT_EQ(given.collection_method, "checkbox");
  EXPECT_EQ(given.actor, "customer");
  EXPECT_EQ(given.pii_categories,
            (std::vector<std::string>{"contact", "marketing_profile"}));
  EXPECT_TRUE(given.previous_event_id.empty());
  EXPECT_EQ(withdrawn.type, ConsentEventType::kWithdrawn);
  EXPECT_EQ(withdrawn.previous_event_id, given.event_id);
  EXPECT_EQ(withdrawn.consent_id, given.consent_id);
}

TEST_F(ConsentTest, WithdrawalRecordsItsOwnMethodAndChannel) {
  ASSERT_TRUE(Grant("marketing").has_value());  // checkbox on the web
  ConsentWithdrawal w;
  w.purpose = "marketing";
  w.collection_method = "verbal";
  w.channel = "phone";
  w.actor = "agent-9";
  auto withdrawn = vault_->consents().Withdraw(AccountService(), ada_, w);
  ASSERT_TRUE(withdrawn.has_value()) << withdrawn.error().ToString();
  EXPECT_EQ(withdrawn->collection_method, "verbal");
  EXPECT_EQ(withdrawn->channel, "phone");
  EXPECT_EQ(withdrawn->actor, "agent-9");

  // As stored, not only as returned: history and export read it back.
  auto history = vault_->consents().History(Auditor(), ada_);
  ASSERT_TRUE(history.has_value()) << history.error().ToString();
  ASSERT_EQ(history->size(), 2u);
  EXPECT_EQ((*history)[0].collection_method, "checkbox");
  EXPECT_EQ((*history)[0].channel, "web");
  EXPECT_EQ((*history)[1].type, ConsentEventType::kWithdrawn);
  EXPECT_EQ((*history)[1].collection_method, "verbal");
  EXPECT_EQ((*history)[1].channel, "phone");
  EXPECT_EQ((*history)[1].notice_id, "privacy");  // the rest is the grant's
  auto exported = vault_->rights().Export(Dpo(), ada_);
  ASSERT_TRUE(exported.has_value()) << exported.error().ToString();
  EXPECT_NE(exported->find("\"verbal\""), std::string::npos);
  EXPECT_NE(exported->find("\"phone\""), std::string::npos);
}

TEST_F(ConsentTest, WithdrawalWithoutItsOwnMeansIsRecordedAsComingThroughTheApi) {
  ASSERT_TRUE(Grant("marketing").has_value());
  auto withdrawn = vault_->consents().Withdraw(AccountService(), ada_, "marketing");
  ASSERT_TRUE(withdrawn.has_value()) << withdrawn.error().ToString();
  EXPECT_EQ(withdrawn->collection_method, "api");
  EXPECT_EQ(withdrawn->channel, "api");
}

TEST_F(ConsentTest, WithdrawalWithAnUnknownMethodOrChannelIsRefused) {
  ASSERT_TRUE(Grant("marketing").has_value());
  ConsentWithdrawal w;
  w.purpose = "marketing";
  w.collection_method = "telepathy";
  w.channel = "phone";
  auto bad_method = vault_->consents().Withdraw(AccountService(), ada_, w);
  ASSERT_FALSE(bad_method.has_value());
  EXPECT_EQ(bad_method.error().code(), StatusCode::kInvalidArgument);
  EXPECT_TRUE(bad_method.error().message().starts_with("collection method:"));
  EXPECT_EQ(LastReason(), "invalid_input");
  w.collection_method = "verbal";
  w.channel = "";
  auto bad_channel = vault_->consents().Withdraw(AccountService(), ada_, w);
  ASSERT_FALSE(bad_channel.has_value());
  EXPECT_TRUE(bad_channel.error().message().starts_with("channel:"));
  // Nothing was withdrawn.
  EXPECT_TRUE(ReadAs(Marketing()).has_value());
}

TEST_F(ConsentTest, StatusAsOfAPastInstantUsesOnlyEarlierEvents) {
  Timestamp before = Now();
  clock_->Advance(1h);
  ASSERT_TRUE(Grant("marketing").has_value());
  Timestamp granted = Now();
  clock_->Advance(1h);
  ASSERT_TRUE(
      vault_->consents().Withdraw(AccountService(), ada_, "marketing").has_value());
  auto status_of = [&](std::optional<Timestamp> at) {
    auto states = vault_->consents().Status(Auditor(), ada_, at);
    EXPECT_TRUE(states.has_value());
    for (const ConsentState& s : states.value_or(std::vector<ConsentState>{})) {
      if (s.purpose == "marketing") return s.status;
    }
    return ConsentStatus::kNeverGiven;
  };
  EXPECT_EQ(status_of(before), ConsentStatus::kNeverGiven);
  EXPECT_EQ(status_of(granted), ConsentStatus::kActive);
  EXPECT_EQ(status_of(std::nullopt), ConsentStatus::kWithdrawn);
}

TEST_F(ConsentTest, ReportCountsEveryStatusWithoutDecrypting) {
  std::vector<CustomerId> ids;
  for (int i = 0; i < 4; ++i) {
    NewCustomer c;
    c.full_name = "Customer " + std::to_string(i);
    c.email = "r" + std::to_string(i) + "@example.com";
    auto id = vault_->customers().Create(AccountService(), c);
    ASSERT_TRUE(id.has_value());
    ids.push_back(*id);
  }
  auto grant = [&](const CustomerId& id, std::optional<Timestamp> expires) {
    ConsentGrant g = GrantFor("marketing");
    g.expires_at = expires;
    ASSERT_TRUE(vault_->consents().Grant(AccountService(), id, g).has_value());
  };
  grant(ids[0], std::nullopt);
  grant(ids[1], std::nullopt);
  ASSERT_TRUE(
      vault_->consents().Withdraw(AccountService(), ids[1], "marketing").has_value());
  grant(ids[2], Now() + 1h);
  clock_->Advance(2h);
  auto report = vault_->consents().Report(Auditor(), "marketing");
  ASSERT_TRUE(report.has_value()) << report.error().ToString();
  EXPECT_EQ(report->active, 1u);
  EXPECT_EQ(report->withdrawn, 1u);
  EXPECT_EQ(report->expired, 1u);
  EXPECT_EQ(report->never_given, 2u);  // ids[3] and Ada

  auto refused = vault_->consents().Report(Marketing(), "marketing");
  ASSERT_FALSE(refused.has_value());
  EXPECT_EQ(refused.error().code(), StatusCode::kPermissionDenied);
}

TEST_F(ConsentTest, OnlyThePolicysRolesRecordAndReadConsent) {
  auto by_support = vault_->consents().Grant(As("support-agent", "support"), ada_,
                                             GrantFor("marketing"));
  ASSERT_FALSE(by_support.has_value());
  EXPECT_EQ(by_support.error().reason_code(), "action_not_permitted");
  ASSERT_TRUE(vault_->consents().Grant(Dpo(), ada_, GrantFor("marketing")).has_value());
  auto history_by_marketing = vault_->consents().History(Marketing(), ada_);
  ASSERT_FALSE(history_by_marketing.has_value());
  EXPECT_EQ(history_by_marketing.error().code(), StatusCode::kPermissionDenied);
  auto notice_by_account =
      vault_->consents().RegisterNotice(AccountService(), "terms", "1", "Terms.");
  ASSERT_FALSE(notice_by_account.has_value());
}

TEST_F(ConsentTest, RestrictedCustomerCanStillWithdraw) {
  ASSERT_TRUE(Grant("marketing").has_value());
  ASSERT_TRUE(vault_->rights().Restrict(Dpo(), ada_).ok());
  EXPECT_TRUE(
      vault_->consents().Withdraw(AccountService(), ada_, "marketing").has_value());
  auto grant = Grant("marketing");
  ASSERT_FALSE(grant.has_value());
  EXPECT_EQ(grant.error().reason_code(), "restricted");
}

TEST_F(ConsentTest, ConsentRecordsStayAuditableWhileRestricted) {
  ASSERT_TRUE(Grant("marketing").has_value());
  ASSERT_TRUE(vault_->rights().Restrict(Dpo(), ada_).ok());
  auto history = vault_->consents().History(Auditor(), ada_);
  ASSERT_TRUE(history.has_value()) << history.error().ToString();
  EXPECT_EQ(history->size(), 1u);
  EXPECT_TRUE(vault_->consents().Status(Auditor(), ada_).has_value());
  EXPECT_FALSE(vault_->customers().Get(Marketing(), ada_).has_value());
}

TEST_F(ConsentTest, LiftingARestrictionNeedsTheCustomerInformed) {
  ASSERT_TRUE(vault_->rights().Restrict(Dpo(), ada_).ok());
  Status s = vault_->rights().LiftRestriction(Dpo(), ada_, /*customer_informed=*/false);
  EXPECT_EQ(s.code(), StatusCode::kFailedPrecondition);
  ASSERT_TRUE(vault_->rights().LiftRestriction(Dpo(), ada_, true).ok());
  EXPECT_EQ(LastReason(), "restriction_lifted_customer_informed");
}

TEST_F(ConsentTest, DuplicateNoticeVersionIsRefused) {
  auto again = vault_->consents().RegisterNotice(As("dpo", "legal_compliance"), "privacy",
                                                 "3", "Different text.");
  ASSERT_FALSE(again.has_value());
  EXPECT_EQ(again.error().code(), StatusCode::kAlreadyExists);
}

}  // namespace
}  // namespace cvault

namespace cvault {
namespace {

class PolicyFileTest : public testing::VaultTest {};

// A policy that lets account management see contact fields `contact`
// ("plain" or "masked").
std::string AccountPolicy(std::string_view contact) {
  std::string text = R"(version = 1
[controller]
name = "Test Shop"
jurisdiction = "DE"
[roles]
account-service = ["account_management"]
auditor = ["audit"]
[purposes.account_management]
legal_basis = "contract"
category = "Core Function"
actions = ["customer.create", "customer.read"]
fields = { identity = "plain", contact = "masked" }
[purposes.audit]
legal_basis = "legal_obligation"
category = "Legal Compliance"
actions = ["audit.read", "audit.verify"]
)";
  const std::string masked = "contact = \"masked\"";
  text.replace(text.find(masked), masked.size(), "contact = \"" + std::string(contact) + "\"");
  return text;
}

// Replaces `file` the way an operator's deployment does: a new file renamed
// over the old one.
void ReplaceFile(const std::filesystem::path& file, const std::string& text) {
  const std::filesystem::path tmp = file.string() + ".new";
  std::ofstream(tmp) << text;
  std::filesystem::rename(tmp, file);
}

TEST_F(PolicyFileTest, APolicyFileReplacesTheDefault) {
  std::filesystem::path file = dir_ / "policy.toml";
  std::ofstream(file) << AccountPolicy("masked");
  CustomerId id = AddAda();
  vault_.reset();
  Options o = MakeOptions();
  o.policy_file = file;
  auto vault = Vault::Open(std::move(o));
  ASSERT_TRUE(vault.has_value()) << vault.error().ToString();
  auto record = (*vault)->customers().Get(testing::AccountService(), id);
  ASSERT_TRUE(record.has_value());
  EXPECT_EQ(record->fields.at(CustomerField::kEmail), "a***@example.com");
  auto found = (*vault)->customers().FindByEmail(testing::AccountService(),
                                                 "ada.lovelace@example.com");
  ASSERT_FALSE(found.has_value());
  EXPECT_EQ(found.error().reason_code(), "action_not_permitted");
}

TEST_F(PolicyFileTest, AChangedPolicyFileReachesAnOpenVaultAtItsNextCall) {
  std::filesystem::path file = dir_ / "policy.toml";
  ReplaceFile(file, AccountPolicy("plain"));
  CustomerId id = AddAda();
  vault_.reset();
  Options o = MakeOptions();
  o.policy_file = file;
  auto vault = Vault::Open(std::move(o));
  ASSERT_TRUE(vault.has_value()) << vault.error().ToString();
  auto plain = (*vault)->customers().Get(testing::AccountService(), id);
  ASSERT_TRUE(plain.has_value()) << plain.error().ToString();
  EXPECT_EQ(plain->fields.at(CustomerField::kEmail), "ada.lovelace@example.com");

  ReplaceFile(file, AccountPolicy("masked"));
  auto masked = (*vault)->customers().Get(testing::AccountService(), id);
  ASSERT_TRUE(masked.has_value()) << masked.error().ToString();
  EXPECT_EQ(masked->fields.at(CustomerField::kEmail), "a***@example.com");

  // A broken replacement refuses every call (fail closed) until it is fixed.
  ReplaceFile(file, "version = 1\n[roles]\nauditor = [\"nope\"]\n");
  auto refused = (*vault)->customers().Get(testing::AccountService(), id);
  ASSERT_FALSE(refused.has_value());
  EXPECT_EQ(refused.error().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(refused.error().reason_code(), "policy_unloadable");
  EXPECT_NE(refused.error().message().find("policy.toml:"), std::string::npos)
      << refused.error().message();
  ReplaceFile(file, AccountPolicy("plain"));
  auto again = (*vault)->customers().Get(testing::AccountService(), id);
  ASSERT_TRUE(again.has_value()) << again.error().ToString();
  EXPECT_EQ(again->fields.at(CustomerField::kEmail), "ada.lovelace@example.com");
}

TEST_F(PolicyFileTest, ABadPolicyFileFailsOpenInsteadOfFallingBack) {
  std::filesystem::path file = dir_ / "policy.toml";
  std::ofstream(file) << "version = 1\n[roles]\nauditor = [\"nope\"]\n";
  vault_.reset();
  Options o = MakeOptions();
  o.policy_file = file;
  auto vault = Vault::Open(std::move(o));
  ASSERT_FALSE(vault.has_value());
  EXPECT_EQ(vault.error().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(vault.error().message().find("policy.toml:"), std::string::npos)
      << vault.error().message();
}

}  // namespace
}  // namespace cvault
