#include "domain/refund_rules.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <array>
#include <chrono>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "cvault/refund.h"
#include "cvault/status.h"

namespace cvault::domain {
namespace {

using namespace std::chrono_literals;
using ::testing::ElementsAre;
using ::testing::IsEmpty;

constexpr std::array kAllStatuses = {RefundStatus::kRequested, RefundStatus::kUnderReview,
                                     RefundStatus::kApproved,  RefundStatus::kProcessing,
                                     RefundStatus::kCompleted, RefundStatus::kFailed,
                                     RefundStatus::kDenied,    RefundStatus::kWithdrawn};

constexpr std::array kAllReasons = {RefundReason::kChangeOfMind,
                                    RefundReason::kPreference,
                                    RefundReason::kCompatibilityNotDisclosed,
                                    RefundReason::kFunctionalDefect,
                                    RefundReason::kPostUpdateIncompatibility,
                                    RefundReason::kDuplicatePurchase,
                                    RefundReason::kOther};

// --- Transitions ------------------------------------------------------------

TEST(RefundTransitionsTest, AllowedPairsAreExactlyThePolicy) {
  using S = RefundStatus;
  const std::set<std::pair<S, S>> expected = {
      {S::kRequested, S::kUnderReview}, {S::kRequested, S::kWithdrawn},
      {S::kUnderReview, S::kApproved},  {S::kUnderReview, S::kDenied},
      {S::kUnderReview, S::kWithdrawn}, {S::kApproved, S::kProcessing},
      {S::kProcessing, S::kCompleted},  {S::kProcessing, S::kFailed},
  };
  int allowed = 0;
  for (S from : kAllStatuses) {
    for (S to : kAllStatuses) {
      const bool want = expected.contains({from, to});
      EXPECT_EQ(IsAllowedTransition(from, to), want)
          << RefundStatusName(from) << " -> " << RefundStatusName(to);
      const Status status = CheckTransition(from, to);
      EXPECT_EQ(status.ok(), want)
          << RefundStatusName(from) << " -> " << RefundStatusName(to);
      if (want) {
        ++allowed;
      } else {
        EXPECT_EQ(status.code(), StatusCode::kFailedPrecondition);
      }
    }
  }
  EXPECT_EQ(allowed, 8);
}

TEST(RefundTransitionsTest, TerminalStatusesAreTheOnesNothingLeaves) {
  for (RefundStatus status : kAllStatuses) {
    const bool terminal =
        status == RefundStatus::kCompleted || status == RefundStatus::kFailed ||
        status == RefundStatus::kDenied || status == RefundStatus::kWithdrawn;
    EXPECT_EQ(IsTerminal(status), terminal) << RefundStatusName(status);
    EXPECT_EQ(AllowedTransitionsFrom(status).empty(), terminal);
  }
}

TEST(RefundTransitionsTest, RefusalSaysWhatIsAllowed) {
  const Status status =
      CheckTransition(RefundStatus::kRequested, RefundStatus::kCompleted);
  EXPECT_EQ(status.message(),
            "refund status: cannot move from requested to completed (allowed from "
            "requested: under_review, withdrawn)");
  const Status review =
      CheckTransition(RefundStatus::kUnderReview, RefundStatus::kProcessing);
  EXPECT_EQ(review.message(),
            "refund status: cannot move from under_review to processing (allowed from "
            "under_review: approved, denied, withdrawn)");
}

TEST(RefundTransitionsTest, RefusalFromATerminalStatusSaysItIsFinal) {
  const Status status = CheckTransition(RefundStatus::kDenied, RefundStatus::kApproved);
  EXPECT_EQ(status.code(), StatusCode::kFailedPrecondition);
  EXPECT_EQ(status.message(),
            "refund status: cannot move from denied to approved (allowed from denied: "
            "none, it is final)");
}

TEST(RefundTransitionsTest, StayingInTheSameStatusIsRefused) {
  for (RefundStatus status : kAllStatuses) {
    EXPECT_FALSE(IsAllowedTransition(status, status)) << RefundStatusName(status);
  }
}

// --- Names (src/common/refund_names.cc) -------------------------------------

TEST(RefundNamesTest, StatusNamesRoundTrip) {
  std::set<std::string_view> names;
  for (RefundStatus status : kAllStatuses) {
    names.insert(RefundStatusName(status));
    EXPECT_EQ(ParseRefundStatus(RefundStatusName(status)), status);
  }
  EXPECT_EQ(names.size(), kAllStatuses.size());
  EXPECT_EQ(RefundStatusName(RefundStatus::kUnderReview), "under_review");
  EXPECT_FALSE(ParseRefundStatus("Requested").has_value());
  EXPECT_FALSE(ParseRefundStatus("").has_value());
}

TEST(RefundNamesTest, ReasonNamesRoundTrip) {
  std::set<std::string_view> names;
  for (RefundReason reason : kAllReasons) {
    names.insert(RefundReasonName(reason));
    EXPECT_EQ(ParseRefundReason(RefundReasonName(reason)), reason);
  }
  EXPECT_EQ(names.size(), kAllReasons.size());
  EXPECT_EQ(RefundReasonName(RefundReason::kPostUpdateIncompatibility),
            "post_update_incompatibility");
  EXPECT_FALSE(ParseRefundReason("refund_please").has_value());
}

TEST(RefundNamesTest, OtherNamesRoundTrip) {
  for (ProductKind kind : {ProductKind::kSoftware, ProductKind::kTheme,
                           ProductKind::kPlugin, ProductKind::kEmailAccess}) {
    EXPECT_EQ(ParseProductKind(ProductKindName(kind)), kind);
  }
  EXPECT_EQ(ProductKindName(ProductKind::kEmailAccess), "email_access");
  for (FixOutcome outcome : {FixOutcome::kFixed, FixOutcome::kNotFixed,
                             FixOutcome::kWorkaround, FixOutcome::kNeedsCustomer}) {
    EXPECT_EQ(ParseFixOutcome(FixOutcomeName(outcome)), outcome);
  }
  EXPECT_EQ(FixOutcomeName(FixOutcome::kNeedsCustomer), "needs_customer");
  for (Processor processor :
       {Processor::kStripe, Processor::kPaypal, Processor::kOther}) {
    EXPECT_EQ(ParseProcessor(ProcessorName(processor)), processor);
  }
  EXPECT_FALSE(ParseProcessor("visa").has_value());
  EXPECT_EQ(TicketStateName(TicketState::kUnfixable), "unfixable");
  EXPECT_EQ(EligibilityName(Eligibility::kNotEligible), "not_eligible");
  EXPECT_EQ(EligibilityName(Eligibility::kNotYet), "not_yet");
  EXPECT_EQ(EligibilityName(Eligibility::kEligible), "eligible");
}

// --- Eligibility --------------------------------------------------------------

// Monday 2026-01-05T09:00Z.
const Timestamp kOpened =
    std::chrono::sys_days{std::chrono::year{2026} / 1 / 5} + std::chrono::hours(9);
const Timestamp kAssessed = kOpened + std::chrono::days(20);

TicketFacts Ticket(std::string id, bool substantial, TicketState state,
                   Timestamp opened_at = kOpened, int attempts = 1) {
  TicketFacts ticket;
  ticket.ticket_id = std::move(id);
  ticket.substantial = substantial;
  ticket.state = state;
  ticket.opened_at = opened_at;
  if (state != TicketState::kOpen) ticket.resolved_at = opened_at + std::chrono::days(2);
  for (int i = 0; i < attempts; ++i) {
    ticket.attempts.push_back({opened_at + std::chrono::hours(i + 1), FixOutcome::kNotFixed});
  }
  return ticket;
}

EligibilityDecision Assess(RefundReason reason, const std::vector<TicketFacts>& tickets,
                           Timestamp at = kAssessed, RefundPolicyOptions options = {}) {
  return AssessEligibility(reason, tickets, at, options);
}

TEST(RefundEligibilityTest, ChangeOfMindIsNotGrounds) {
  const auto decision = Assess(RefundReason::kChangeOfMind, {});
  EXPECT_EQ(decision.decision, Eligibility::kNotEligible);
  EXPECT_THAT(decision.reasons, ElementsAre("change_of_mind_not_grounds"));
}

TEST(RefundEligibilityTest, PreferenceIsNotGrounds) {
  const auto decision = Assess(RefundReason::kPreference, {});
  EXPECT_EQ(decision.decision, Eligibility::kNotEligible);
  EXPECT_THAT(decision.reasons, ElementsAre("preference_not_grounds"));
}

// The purchase of the assessed order, recorded at checkout (five days before
// the tickets): requirements shown, no withdrawal right.
PurchaseFacts Purchase(bool requirements_shown = true) {
  PurchaseFacts p;
  p.purchase_id = "pur_1";
  p.purchased_at = kOpened - std::chrono::days(5);
  p.recorded_at = p.purchased_at;
  p.policy_version = "2026-01";
  p.requirements_shown = requirements_shown;
  return p;
}

EligibilityDecision AssessWith(RefundReason reason, const PurchaseFacts& purchase,
                               Timestamp at = kAssessed) {
  return AssessEligibility(reason, {}, at, {}, purchase);
}

TEST(RefundEligibilityTest, CompatibilityWithoutAPurchaseRecordWaitsForIt) {
  const auto decision = Assess(RefundReason::kCompatibilityNotDisclosed, {});
  EXPECT_EQ(decision.decision, Eligibility::kNotYet);
  EXPECT_THAT(decision.reasons, ElementsAre("purchase_record_missing"));
  EXPECT_THAT(decision.evidence.purchase_id, IsEmpty());
}

TEST(RefundEligibilityTest, CompatibilityNotCommunicatedAtPurchaseIsNotGrounds) {
  // Section 2: a compatibility issue that was not communicated at purchase
  // is no ground, however long support has worked on it.
  const std::vector<TicketFacts> tickets = {
      Ticket("tkt_1", true, TicketState::kUnfixable)};
  const auto decision = AssessEligibility(RefundReason::kCompatibilityNotDisclosed, tickets,
                                          kAssessed, {}, Purchase(false));
  EXPECT_EQ(decision.decision, Eligibility::kNotEligible);
  EXPECT_THAT(decision.reasons, ElementsAre("compatibility_requirements_not_communicated"));
  EXPECT_EQ(decision.evidence.purchase_id, "pur_1");
  EXPECT_EQ(decision.evidence.policy_version_shown, "2026-01");
  EXPECT_FALSE(decision.evidence.requirements_shown);
}

TEST(RefundEligibilityTest, CompatibilityCommunicatedAtPurchaseGoesThroughSupport) {
  // The requirements were shown: the claim is that the product fails on a
  // system within them, which support checks like a functional issue.
  auto assess = [](std::vector<TicketFacts> tickets) {
    return AssessEligibility(RefundReason::kCompatibilityNotDisclosed, tickets, kAssessed,
                             {}, Purchase(true));
  };
  auto waiting = assess({});
  EXPECT_EQ(waiting.decision, Eligibility::kNotYet);
  EXPECT_THAT(waiting.reasons,
              ElementsAre("compatibility_requirements_communicated", "contact_support_first"));
  EXPECT_TRUE(waiting.evidence.requirements_shown);

  auto outside = assess({Ticket("tkt_1", false, TicketState::kOpen)});
  EXPECT_EQ(outside.decision, Eligibility::kNotEligible);
  EXPECT_THAT(outside.reasons,
              ElementsAre("compatibility_requirements_communicated", "issue_not_substantial"));

  auto unfixable = assess({Ticket("tkt_1", true, TicketState::kUnfixable)});
  EXPECT_EQ(unfixable.decision, Eligibility::kEligible);
  EXPECT_THAT(unfixable.reasons, ElementsAre("compatibility_requirements_communicated",
                                             "support_declared_unfixable"));
}

TEST(RefundEligibilityTest, APurchaseRecordedAfterTheAssessedInstantIsNotKnownYet) {
  PurchaseFacts late = Purchase(false);
  late.recorded_at = kAssessed + std::chrono::hours(1);
  const auto decision = AssessWith(RefundReason::kCompatibilityNotDisclosed, late);
  EXPECT_THAT(decision.reasons, ElementsAre("purchase_record_missing"));
}

TEST(RefundEligibilityTest, AnUnwaivedWithdrawalRightMakesAnyReasonEligibleInThePeriod) {
  PurchaseFacts eu = Purchase();
  eu.withdrawal_right = true;
  const Timestamp last_moment = eu.purchased_at + std::chrono::days(14) - 1us;
  for (RefundReason reason : {RefundReason::kChangeOfMind, RefundReason::kPreference,
                              RefundReason::kFunctionalDefect, RefundReason::kOther}) {
    const auto decision = AssessWith(reason, eu, last_moment);
    EXPECT_EQ(decision.decision, Eligibility::kEligible) << RefundReasonName(reason);
    EXPECT_THAT(decision.reasons, ElementsAre("withdrawal_right_not_waived"));
    EXPECT_TRUE(decision.evidence.withdrawal_right);
    EXPECT_FALSE(decision.evidence.withdrawal_waiver_given);
  }
  // From the 14th day on, the policy decides again.
  EXPECT_THAT(
      AssessWith(RefundReason::kChangeOfMind, eu, last_moment + 1us).reasons,
      ElementsAre("change_of_mind_not_grounds"));
}

TEST(RefundEligibilityTest, AWaiverGivenByTheAssessedInstantEndsTheWithdrawalRight) {
  PurchaseFacts eu = Purchase();
  eu.withdrawal_right = true;
  eu.waiver_at = eu.purchased_at + std::chrono::hours(1);
  const Timestamp before_waiver = eu.purchased_at + std::chrono::minutes(30);
  const auto early = AssessWith(RefundReason::kChangeOfMind, eu, before_waiver);
  EXPECT_THAT(early.reasons, ElementsAre("withdrawal_right_not_waived"));
  const auto later =
      AssessWith(RefundReason::kChangeOfMind, eu, eu.purchased_at + std::chrono::days(1));
  EXPECT_EQ(later.decision, Eligibility::kNotEligible);
  EXPECT_TRUE(later.evidence.withdrawal_waiver_given);
  // Without a statutory right a missing waiver changes nothing.
  EXPECT_THAT(AssessWith(RefundReason::kChangeOfMind, Purchase(),
                         Purchase().purchased_at + std::chrono::days(1))
                  .reasons,
              ElementsAre("change_of_mind_not_grounds"));
}

TEST(RefundEligibilityTest, DuplicatePurchaseAndOtherAreNotPolicyGrounds) {
  for (RefundReason reason : {RefundReason::kDuplicatePurchase, RefundReason::kOther}) {
    const auto decision = Assess(reason, {});
    EXPECT_EQ(decision.decision, Eligibility::kNotEligible) << RefundReasonName(reason);
    EXPECT_THAT(decision.reasons, ElementsAre("not_a_policy_ground"));
  }
}

TEST(RefundEligibilityTest, NonGroundsStayNotEligibleEvenWithAnUnfixableTicket) {
  const std::vector<TicketFacts> tickets = {
      Ticket("tkt_1", true, TicketState::kUnfixable)};
  for (RefundReason reason : {RefundReason::kChangeOfMind, RefundReason::kPreference,
                              RefundReason::kDuplicatePurchase, RefundReason::kOther}) {
    const auto decision = Assess(reason, tickets);
    EXPECT_EQ(decision.decision, Eligibility::kNotEligible) << RefundReasonName(reason);
    // The evidence is still gathered.
    EXPECT_TRUE(decision.evidence.support_declared_unfixable);
    EXPECT_THAT(decision.evidence.ticket_ids, ElementsAre("tkt_1"));
  }
}

TEST(RefundEligibilityTest, FunctionalDefectWithoutTicketsMustContactSupportFirst) {
  const auto decision = Assess(RefundReason::kFunctionalDefect, {});
  EXPECT_EQ(decision.decision, Eligibility::kNotYet);
  EXPECT_THAT(decision.reasons, ElementsAre("contact_support_first"));
  EXPECT_THAT(decision.evidence.ticket_ids, IsEmpty());
  EXPECT_FALSE(decision.evidence.clock_started_at.has_value());
  EXPECT_THAT(decision.evidence.clock_ticket_id, IsEmpty());
}

TEST(RefundEligibilityTest, PostUpdateIssueWithoutTicketsGoesThroughSupport) {
  const auto decision = Assess(RefundReason::kPostUpdateIncompatibility, {});
  EXPECT_EQ(decision.decision, Eligibility::kNotYet);
  EXPECT_THAT(decision.reasons, ElementsAre("contact_support_first",
                                            "post_update_issues_go_through_support"));
}

class FunctionalReasonTest : public ::testing::TestWithParam<RefundReason> {};

TEST_P(FunctionalReasonTest, NoSubstantialTicketIsNotEligible) {
  const auto decision =
      Assess(GetParam(), {Ticket("tkt_1", false, TicketState::kOpen),
                          Ticket("tkt_2", false, TicketState::kUnfixable)});
  EXPECT_EQ(decision.decision, Eligibility::kNotEligible);
  EXPECT_THAT(decision.reasons, ElementsAre("issue_not_substantial"));
  EXPECT_THAT(decision.evidence.ticket_ids, ElementsAre("tkt_1", "tkt_2"));
  EXPECT_THAT(decision.evidence.substantial_ticket_ids, IsEmpty());
  // Only substantial tickets count as support declaring the issue unfixable.
  EXPECT_FALSE(decision.evidence.support_declared_unfixable);
}

TEST_P(FunctionalReasonTest, UnfixableSubstantialTicketIsEligible) {
  // Declared unfixable on day 2, long before the timeframe.
  const auto decision = Assess(GetParam(),
                               {Ticket("tkt_1", true, TicketState::kFixed),
                                Ticket("tkt_2", true, TicketState::kUnfixable)},
                               kOpened + std::chrono::days(2));
  EXPECT_EQ(decision.decision, Eligibility::kEligible);
  EXPECT_THAT(decision.reasons, ElementsAre("support_declared_unfixable"));
  EXPECT_TRUE(decision.evidence.support_declared_unfixable);
}

TEST_P(FunctionalReasonTest, AllSubstantialTicketsFixedIsNotEligible) {
  const auto decision = Assess(GetParam(), {Ticket("tkt_1", true, TicketState::kFixed),
                                            Ticket("tkt_2", false, TicketState::kOpen),
                                            Ticket("tkt_3", true, TicketState::kFixed)});
  EXPECT_EQ(decision.decision, Eligibility::kNotEligible);
  EXPECT_THAT(decision.reasons, ElementsAre("issue_fixed_by_support"));
}

TEST_P(FunctionalReasonTest, OpenAfterTheTimeframeIsEligible) {
  const auto decision = Assess(GetParam(), {Ticket("tkt_1", true, TicketState::kOpen)},
                               kOpened + std::chrono::days(30));
  EXPECT_EQ(decision.decision, Eligibility::kEligible);
  EXPECT_THAT(decision.reasons, ElementsAre("unresolved_after_timeframe"));
}

TEST_P(FunctionalReasonTest, OpenWithinTheTimeframeIsNotYet) {
  const auto decision = Assess(GetParam(), {Ticket("tkt_1", true, TicketState::kOpen)},
                               kOpened + std::chrono::days(3));
  EXPECT_EQ(decision.decision, Eligibility::kNotYet);
  EXPECT_THAT(decision.reasons, ElementsAre("support_timeframe_not_elapsed"));
}

INSTANTIATE_TEST_SUITE_P(Reasons, FunctionalReasonTest,
                         ::testing::Values(RefundReason::kFunctionalDefect,
                                           RefundReason::kPostUpdateIncompatibility),
                         [](const ::testing::TestParamInfo<RefundReason>& info) {
                           return std::string(RefundReasonName(info.param));
                         });

TEST(RefundEligibilityTest, TimeframeBoundaryIsWholeDays) {
  const std::vector<TicketFacts> tickets = {Ticket("tkt_1", true, TicketState::kOpen)};
  const auto almost = Assess(RefundReason::kFunctionalDefect, tickets,
                             kOpened + std::chrono::days(13) + 23h);
  EXPECT_EQ(almost.decision, Eligibility::kNotYet);
  EXPECT_EQ(almost.evidence.days_counted, 13);
  const auto last_microsecond = Assess(RefundReason::kFunctionalDefect, tickets,
                                       kOpened + std::chrono::days(14) - 1us);
  EXPECT_EQ(last_microsecond.decision, Eligibility::kNotYet);
  const auto exactly =
      Assess(RefundReason::kFunctionalDefect, tickets, kOpened + std::chrono::days(14));
  EXPECT_EQ(exactly.decision, Eligibility::kEligible);
  EXPECT_THAT(exactly.reasons, ElementsAre("unresolved_after_timeframe"));
  EXPECT_EQ(exactly.evidence.days_counted, 14);
  EXPECT_EQ(exactly.evidence.reasonable_timeframe_days, 14);
}

TEST(RefundEligibilityTest, CustomTimeframeIsUsed) {
  RefundPolicyOptions options;
  options.reasonable_timeframe_days = 7;
  const std::vector<TicketFacts> tickets = {Ticket("tkt_1", true, TicketState::kOpen)};
  const auto day6 = Assess(RefundReason::kFunctionalDefect, tickets,
                           kOpened + std::chrono::days(6) + 23h, options);
  EXPECT_EQ(day6.decision, Eligibility::kNotYet);
  EXPECT_EQ(day6.evidence.reasonable_timeframe_days, 7);
  const auto day7 = Assess(RefundReason::kFunctionalDefect, tickets,
                           kOpened + std::chrono::days(7), options);
  EXPECT_EQ(day7.decision, Eligibility::kEligible);
  EXPECT_EQ(day7.evidence.reasonable_timeframe_days, 7);

  options.reasonable_timeframe_days = 30;
  const auto day20 = Assess(RefundReason::kFunctionalDefect, tickets, kAssessed, options);
  EXPECT_EQ(day20.decision, Eligibility::kNotYet);
  EXPECT_THAT(day20.reasons, ElementsAre("support_timeframe_not_elapsed"));
}

TEST(RefundEligibilityTest, TheClockRunsFromTheOpenTicketNotAnEarlierFixedOne) {
  // A substantial ticket fixed early, then another substantial ticket still
  // open; a minor ticket opened before both does not start the clock.
  const std::vector<TicketFacts> tickets = {
      Ticket("tkt_minor", false, TicketState::kOpen, kOpened - std::chrono::days(30), 4),
      Ticket("tkt_fixed", true, TicketState::kFixed, kOpened, 2),
      Ticket("tkt_open", true, TicketState::kOpen, kOpened + std::chrono::days(10), 3)};

  // Fourteen days after the fixed ticket, only four of the open one.
  const auto day14 =
      Assess(RefundReason::kFunctionalDefect, tickets, kOpened + std::chrono::days(14));
  EXPECT_EQ(day14.decision, Eligibility::kNotYet);
  EXPECT_THAT(day14.reasons, ElementsAre("support_timeframe_not_elapsed"));
  EXPECT_EQ(day14.evidence.clock_ticket_id, "tkt_open");
  EXPECT_EQ(day14.evidence.days_counted, 4);

  const auto day24 =
      Assess(RefundReason::kFunctionalDefect, tickets, kOpened + std::chrono::days(24));
  EXPECT_EQ(day24.decision, Eligibility::kEligible);
  EXPECT_THAT(day24.reasons, ElementsAre("unresolved_after_timeframe"));

  const EligibilityEvidence& evidence = day24.evidence;
  EXPECT_THAT(evidence.ticket_ids, ElementsAre("tkt_minor", "tkt_fixed", "tkt_open"));
  EXPECT_THAT(evidence.substantial_ticket_ids, ElementsAre("tkt_fixed", "tkt_open"));
  EXPECT_EQ(evidence.fix_attempts, 5);  // the minor ticket's attempts do not count
  EXPECT_FALSE(evidence.support_declared_unfixable);
  EXPECT_EQ(evidence.clock_ticket_id, "tkt_open");
  EXPECT_EQ(evidence.clock_started_at, kOpened + std::chrono::days(10));
  EXPECT_EQ(evidence.days_counted, 14);
  EXPECT_EQ(evidence.days_waiting_on_customer, 0);
  EXPECT_EQ(evidence.reasonable_timeframe_days, 14);
  EXPECT_EQ(day24.assessed_at, kOpened + std::chrono::days(24));
}

TEST(RefundEligibilityTest, TheOpenTicketWithTheMostTimeCountedRunsTheClock) {
  const std::vector<TicketFacts> tickets = {
      Ticket("tkt_late", true, TicketState::kOpen, kOpened + std::chrono::days(5)),
      Ticket("tkt_early", true, TicketState::kOpen, kOpened)};
  const auto decision = Assess(RefundReason::kFunctionalDefect, tickets);
  EXPECT_EQ(decision.evidence.clock_ticket_id, "tkt_early");
  EXPECT_EQ(decision.evidence.clock_started_at, kOpened);
  EXPECT_EQ(decision.evidence.days_counted, 20);
}

TEST(RefundEligibilityTest, ATicketOpenedAfterTheAssessedInstantIsNotKnownYet) {
  const std::vector<TicketFacts> tickets = {
      Ticket("tkt_1", true, TicketState::kOpen, kAssessed + 5h)};
  const auto decision = Assess(RefundReason::kFunctionalDefect, tickets);
  EXPECT_EQ(decision.decision, Eligibility::kNotYet);
  EXPECT_THAT(decision.reasons, ElementsAre("contact_support_first"));
  EXPECT_THAT(decision.evidence.ticket_ids, IsEmpty());
  EXPECT_EQ(decision.evidence.days_counted, 0);
}

TEST(RefundEligibilityTest, AsOfAMomentATicketResolvedLaterWasStillOpen) {
  TicketFacts ticket = Ticket("tkt_1", true, TicketState::kFixed, kOpened, 0);
  ticket.resolved_at = kOpened + std::chrono::days(20);
  ticket.attempts = {{kOpened + std::chrono::days(3), FixOutcome::kNotFixed},
                     {kOpened + std::chrono::days(19), FixOutcome::kFixed}};
  const std::vector<TicketFacts> tickets = {ticket};

  const auto day15 =
      Assess(RefundReason::kFunctionalDefect, tickets, kOpened + std::chrono::days(15));
  EXPECT_EQ(day15.decision, Eligibility::kEligible);
  EXPECT_THAT(day15.reasons, ElementsAre("unresolved_after_timeframe"));
  EXPECT_EQ(day15.evidence.fix_attempts, 1);  // the later attempt was not made yet

  const auto day21 =
      Assess(RefundReason::kFunctionalDefect, tickets, kOpened + std::chrono::days(21));
  EXPECT_EQ(day21.decision, Eligibility::kNotEligible);
  EXPECT_THAT(day21.reasons, ElementsAre("issue_fixed_by_support"));
  EXPECT_EQ(day21.evidence.fix_attempts, 2);
  EXPECT_THAT(day21.evidence.clock_ticket_id, IsEmpty());
}

TEST(RefundEligibilityTest, AnUnfixableDeclarationCountsOnlyFromWhenItWasMade) {
  TicketFacts ticket = Ticket("tkt_1", true, TicketState::kUnfixable, kOpened, 1);
  ticket.resolved_at = kOpened + std::chrono::days(5);
  const std::vector<TicketFacts> tickets = {ticket};

  const auto day3 =
      Assess(RefundReason::kFunctionalDefect, tickets, kOpened + std::chrono::days(3));
  EXPECT_EQ(day3.decision, Eligibility::kNotYet);
  EXPECT_FALSE(day3.evidence.support_declared_unfixable);

  const auto day5 =
      Assess(RefundReason::kFunctionalDefect, tickets, kOpened + std::chrono::days(5));
  EXPECT_EQ(day5.decision, Eligibility::kEligible);
  EXPECT_THAT(day5.reasons, ElementsAre("support_declared_unfixable"));
}

TEST(RefundEligibilityTest, TimeWaitingOnTheCustomerDoesNotCount) {
  TicketFacts ticket = Ticket("tkt_1", true, TicketState::kOpen, kOpened, 0);
  // Support asks the customer on day 2; the customer answers on day 7.
  ticket.attempts = {{kOpened + std::chrono::days(2), FixOutcome::kNeedsCustomer}};
  ticket.customer_replies = {kOpened + std::chrono::days(7)};
  const std::vector<TicketFacts> tickets = {ticket};

  const auto day5 =
      Assess(RefundReason::kFunctionalDefect, tickets, kOpened + std::chrono::days(5));
  EXPECT_EQ(day5.evidence.days_counted, 2);  // still waiting: the clock stands
  EXPECT_EQ(day5.evidence.days_waiting_on_customer, 3);

  const auto day18 =
      Assess(RefundReason::kFunctionalDefect, tickets, kOpened + std::chrono::days(18));
  EXPECT_EQ(day18.decision, Eligibility::kNotYet);
  EXPECT_EQ(day18.evidence.days_counted, 13);
  EXPECT_EQ(day18.evidence.days_waiting_on_customer, 5);

  const auto day19 =
      Assess(RefundReason::kFunctionalDefect, tickets, kOpened + std::chrono::days(19));
  EXPECT_EQ(day19.decision, Eligibility::kEligible);
  EXPECT_EQ(day19.evidence.days_counted, 14);
}

TEST(RefundEligibilityTest, SupportsNextAttemptEndsTheWaitWithoutAReply) {
  TicketFacts ticket = Ticket("tkt_1", true, TicketState::kOpen, kOpened, 0);
  ticket.attempts = {{kOpened + std::chrono::days(1), FixOutcome::kNeedsCustomer},
                     {kOpened + std::chrono::days(2), FixOutcome::kNeedsCustomer},
                     {kOpened + std::chrono::days(4), FixOutcome::kWorkaround}};
  const auto decision = Assess(RefundReason::kFunctionalDefect, {ticket},
                               kOpened + std::chrono::days(10));
  EXPECT_EQ(decision.evidence.days_waiting_on_customer, 3);
  EXPECT_EQ(decision.evidence.days_counted, 7);
  EXPECT_EQ(decision.evidence.fix_attempts, 3);
}

TEST(RefundEligibilityTest, AssessedAtIsTheAssessmentTime) {
  for (RefundReason reason : kAllReasons) {
    const auto decision = Assess(reason, {}, kAssessed);
    EXPECT_EQ(decision.assessed_at, kAssessed) << RefundReasonName(reason);
    EXPECT_EQ(decision.evidence.reasonable_timeframe_days, 14);
    EXPECT_EQ(decision.reasons.empty(), false);
  }
}

}  // namespace
}  // namespace cvault::domain
