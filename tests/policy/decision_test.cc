#include "policy/decision.h"

#include <gtest/gtest.h>

#include <array>

namespace cvault::policy {
namespace {

AccessContext Ctx(std::string role, std::string purpose) {
  return AccessContext{"principal-1", std::move(role), std::move(purpose), "", ""};
}

constexpr std::array kAllFields = {
    CustomerField::kFullName, CustomerField::kEmail,   CustomerField::kPhone,
    CustomerField::kPostalAddress, CustomerField::kCountry, CustomerField::kLanguage,
    CustomerField::kExternalRef};

class DecisionTest : public ::testing::Test {
 protected:
  AccessDecider decider_{Policy::Default()};
};

TEST_F(DecisionTest, AccountServiceReadsEveryFieldPlain) {
  Decision d = decider_.Decide(Ctx("account-service", "account_management"),
                               {action::kCustomerRead, FieldUse::kRead, kAllFields,
                                SubjectFacts{}});
  EXPECT_EQ(d.outcome, Decision::Outcome::kAllow);
  EXPECT_EQ(d.reason_code, "ok");
  ASSERT_EQ(d.returned.size(), kAllFields.size());
  for (const auto& [field, level] : d.returned) EXPECT_EQ(level, Redaction::kPlain);
}

TEST_F(DecisionTest, UnknownRoleIsDenied) {
  Decision d = decider_.Decide(Ctx("intern", "support"),
                               {action::kCustomerRead, FieldUse::kRead, kAllFields, {}});
  EXPECT_FALSE(d.allowed());
  EXPECT_EQ(d.reason_code, "unknown_role");
}

TEST_F(DecisionTest, UnknownPurposeIsDenied) {
  Decision d = decider_.Decide(Ctx("support-agent", "curiosity"),
                               {action::kCustomerRead, FieldUse::kRead, kAllFields, {}});
  EXPECT_EQ(d.reason_code, "unknown_purpose");
}

TEST_F(DecisionTest, RoleOutsideItsPurposesIsDenied) {
  Decision d = decider_.Decide(Ctx("marketing-service", "support"),
                               {action::kCustomerRead, FieldUse::kRead, kAllFields, {}});
  EXPECT_FALSE(d.allowed());
  EXPECT_EQ(d.reason_code, "role_not_permitted");
}

TEST_F(DecisionTest, ActionOutsidePurposeIsDenied) {
  Decision d = decider_.Decide(Ctx("support-agent", "support"),
                               {action::kCustomerCreate, FieldUse::kWrite, kAllFields, {}});
  EXPECT_EQ(d.reason_code, "action_not_permitted");
}

TEST_F(DecisionTest, SupportSeesContactMaskedAndIdentityPlain) {
  Decision d = decider_.Decide(Ctx("support-agent", "support"),
                               {action::kCustomerRead, FieldUse::kRead, kAllFields,
                                SubjectFacts{}});
  EXPECT_EQ(d.outcome, Decision::Outcome::kAllow);
  EXPECT_EQ(d.returned.at(CustomerField::kEmail), Redaction::kMasked);
  EXPECT_EQ(d.returned.at(CustomerField::kFullName), Redaction::kPlain);
}

TEST_F(DecisionTest, PurposeSeeingNoRequestedFieldIsDeniedAndMixedIsPartial) {
  const std::array fields = {CustomerField::kEmail};
  Decision none = decider_.Decide(Ctx("auditor", "audit"),
                                   {action::kAuditRead, FieldUse::kRead, fields, {}});
  EXPECT_FALSE(none.allowed());
  EXPECT_EQ(none.reason_code, "fields_not_permitted");
  SubjectFacts consent{false, ConsentState::kActive};
  const std::array contact = {CustomerField::kEmail, CustomerField::kPhone};
  Decision analytics = decider_.Decide(
      Ctx("marketing-service", "analytics"),
      {action::kCustomerRead, FieldUse::kRead, contact, consent});
  EXPECT_EQ(analytics.outcome, Decision::Outcome::kDeny);
  EXPECT_EQ(analytics.reason_code, "fields_not_permitted");
  Decision marketing = decider_.Decide(
      Ctx("marketing-service", "marketing"),
      {action::kCustomerRead, FieldUse::kRead, kAllFields, consent});
  EXPECT_EQ(marketing.outcome, Decision::Outcome::kPartial);
  EXPECT_EQ(marketing.reason_code, "fields_withheld");
  EXPECT_TRUE(marketing.returned.contains(CustomerField::kEmail));
  EXPECT_FALSE(marketing.returned.contains(CustomerField::kFullName));
}

TEST_F(DecisionTest, ConsentPurposeWithoutConsentIsDeniedWithReason) {
  const std::array fields = {CustomerField::kEmail};
  for (auto [state, reason] :
       {std::pair{ConsentState::kNeverGiven, "no_consent"},
        std::pair{ConsentState::kWithdrawn, "consent_withdrawn"},
        std::pair{ConsentState::kExpired, "consent_expired"}}) {
    Decision d = decider_.Decide(
        Ctx("marketing-service", "marketing"),
        {action::kCustomerRead, FieldUse::kRead, fields, SubjectFacts{false, state}});
    EXPECT_FALSE(d.allowed());
    EXPECT_EQ(d.reason_code, reason);
  }
}

TEST_F(DecisionTest, RestrictedCustomerIsDeniedExceptLegalAndDsr) {
  const std::array fields = {CustomerField::kFullName};
  SubjectFacts restricted{true, ConsentState::kNeverGiven};
  Decision support = decider_.Decide(
      Ctx("support-agent", "support"),
      {action::kCustomerRead, FieldUse::kRead, fields, restricted});
  EXPECT_EQ(support.reason_code, "restricted");
  Decision dsr = decider_.Decide(Ctx("dpo", "dsr"), {action::kCustomerRead,
                                                     FieldUse::kRead, fields,
                                                     restricted});
  EXPECT_TRUE(dsr.allowed());
}

TEST_F(DecisionTest, WriteNeedsPlainAccessToEveryWrittenField) {
  const std::array fields = {CustomerField::kEmail};
  Decision d = decider_.Decide(Ctx("dpo", "dsr"), {action::kCustomerUpdate,
                                                   FieldUse::kWrite, fields,
                                                   SubjectFacts{}});
  EXPECT_TRUE(d.allowed());
  Decision self = decider_.Decide(
      Ctx("account-service", "self_service"),
      {action::kCustomerUpdate, FieldUse::kWrite, fields, SubjectFacts{}});
  EXPECT_TRUE(self.allowed());
}

TEST_F(DecisionTest, EveryDefaultRolePurposeNamesAKnownPurpose) {
  const Policy& p = decider_.policy();
  for (const auto& [role, purposes] : p.role_purposes) {
    for (const auto& purpose : purposes) {
      EXPECT_NE(p.FindPurpose(purpose), nullptr) << role << " -> " << purpose;
    }
  }
}

}  // namespace
}  // namespace cvault::policy
