// Data-subject requests tracked to their deadlines (Rights::OpenRequest and
// friends): due dates, extension rules, fulfilment by the call that answers
// the request, closure by hand, listings, access and audit. Runs on both
// backends (the vault suite does).
#include <gtest/gtest.h>

#include <chrono>
#include <string>

#include "tests/testing/vault_fixture.h"

namespace cvault {
namespace {

using testing::AccountService;
using testing::As;
using testing::Dpo;
using testing::VaultTest;

Timestamp T(std::string_view text) {
  auto t = ParseTimestamp(text);
  EXPECT_TRUE(t.has_value()) << text;
  return t.value_or(Timestamp{});
}

class DsrRequestTest : public VaultTest {
 protected:
  void SetUp() override {
    VaultTest::SetUp();
    clock_->Set(T("2026-01-31T10:00:00Z"));
    ada_ = AddAda();
  }

  DsrRequest Open(DsrKind kind, std::optional<Timestamp> received = std::nullopt) {
    auto r = vault_->rights().OpenRequest(Dpo(), {ada_, kind, received});
    EXPECT_TRUE(r.has_value()) << r.error().ToString();
    return r.value_or(DsrRequest{});
  }

  DsrRequest Verified(DsrKind kind) {
    DsrRequest r = Open(kind);
    auto v = vault_->rights().RecordIdentityCheck(Dpo(), r.request_id, true);
    EXPECT_TRUE(v.has_value()) << v.error().ToString();
    return v.value_or(DsrRequest{});
  }

  DsrRequest Read(const std::string& id) {
    auto r = vault_->rights().GetRequest(Dpo(), id);
    EXPECT_TRUE(r.has_value()) << r.error().ToString();
    return r.value_or(DsrRequest{});
  }

  CustomerId ada_;
};

TEST_F(DsrRequestTest, ARequestIsDueOneCalendarMonthAfterReceiptClampedToTheMonthsEnd) {
  // Received 31 January: February has no 31st, so it is due on its last day.
  DsrRequest r = Open(DsrKind::kAccess);
  EXPECT_TRUE(r.request_id.starts_with("dsr_"));
  EXPECT_EQ(r.status, DsrStatus::kOpen);
  EXPECT_EQ(r.identity, IdentityCheck::kPending);
  EXPECT_EQ(r.received_at, T("2026-01-31T10:00:00Z"));
  EXPECT_EQ(r.due_at, T("2026-02-28T10:00:00Z"));
  EXPECT_FALSE(r.overdue);
  // A letter opened today that arrived earlier runs from its receipt.
  DsrRequest earlier = Open(DsrKind::kErasure, T("2026-01-10T08:00:00Z"));
  EXPECT_EQ(earlier.due_at, T("2026-02-10T08:00:00Z"));
}

TEST_F(DsrRequestTest, AReceiptInTheFutureOrBeforeTheGdprIsRefusedAndNothingIsStored) {
  auto future = vault_->rights().OpenRequest(
      Dpo(), {ada_, DsrKind::kAccess, T("2026-02-01T00:00:00Z")});
  ASSERT_FALSE(future.has_value());
  EXPECT_EQ(future.error().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(future.error().message().find("received at"), std::string::npos);
  auto ancient = vault_->rights().OpenRequest(
      Dpo(), {ada_, DsrKind::kAccess, T("2017-12-31T00:00:00Z")});
  ASSERT_FALSE(ancient.has_value());
  EXPECT_EQ(ancient.error().code(), StatusCode::kInvalidArgument);
  DsrListing all;
  all.include_closed = true;
  auto listed = vault_->rights().ListRequests(Dpo(), all);
  ASSERT_TRUE(listed.has_value());
  EXPECT_TRUE(listed->empty());
}

TEST_F(DsrRequestTest, TheOverdueListShowsOpenRequestsPastTheirDueTimeEarliestFirst) {
  DsrRequest later = Open(DsrKind::kAccess);                             // due 28 Feb
  DsrRequest sooner = Open(DsrKind::kErasure, T("2026-01-05T00:00:00Z"));  // due 5 Feb
  DsrListing overdue;
  overdue.overdue_only = true;
  overdue.at = T("2026-02-06T00:00:00Z");
  auto listed = vault_->rights().ListRequests(Dpo(), overdue);
  ASSERT_TRUE(listed.has_value()) << listed.error().ToString();
  ASSERT_EQ(listed->size(), 1u);
  EXPECT_EQ((*listed)[0].request_id, sooner.request_id);
  EXPECT_TRUE((*listed)[0].overdue);

  auto open = vault_->rights().ListRequests(Dpo(), {false, false, std::nullopt,
                                                    T("2026-02-06T00:00:00Z")});
  ASSERT_TRUE(open.has_value());
  ASSERT_EQ(open->size(), 2u);
  EXPECT_EQ((*open)[0].request_id, sooner.request_id);
  EXPECT_EQ((*open)[1].request_id, later.request_id);
  EXPECT_FALSE((*open)[1].overdue);
}

TEST_F(DsrRequestTest, AnExtensionAddsTwoMonthsOnceAndOnlyWithinTheFirstMonth) {
  DsrRequest r = Open(DsrKind::kAccess);
  auto extended =
      vault_->rights().ExtendRequest(Dpo(), r.request_id, DsrExtension::kComplexity);
  ASSERT_TRUE(extended.has_value()) << extended.error().ToString();
  EXPECT_EQ(extended->due_at, T("2026-04-30T10:00:00Z"));
  EXPECT_EQ(extended->extension, DsrExtension::kComplexity);
  EXPECT_EQ(extended->extended_at, clock_->Now());
  auto again =
      vault_->rights().ExtendRequest(Dpo(), r.request_id, DsrExtension::kNumberOfRequests);
  ASSERT_FALSE(again.has_value());
  EXPECT_EQ(again.error().reason_code(), "already_extended");

  DsrRequest late = Open(DsrKind::kAccess);
  clock_->Set(T("2026-03-01T00:00:00Z"));  // past its first month (28 Feb)
  auto too_late =
      vault_->rights().ExtendRequest(Dpo(), late.request_id, DsrExtension::kComplexity);
  ASSERT_FALSE(too_late.has_value());
  EXPECT_EQ(too_late.error().reason_code(), "extension_too_late");
  EXPECT_EQ(Read(late.request_id).due_at, T("2026-02-28T10:00:00Z"));
  EXPECT_TRUE(Read(late.request_id).overdue);
}

TEST_F(DsrRequestTest, AnExportNamingTheRequestFulfilsItOnlyOnceTheIdentityIsVerified) {
  DsrRequest r = Open(DsrKind::kAccess);
  auto unverified = vault_->rights().Export(Dpo(), ada_, r.request_id);
  ASSERT_FALSE(unverified.has_value());
  EXPECT_EQ(unverified.error().reason_code(), "identity_not_verified");
  EXPECT_EQ(Read(r.request_id).status, DsrStatus::kOpen);

  ASSERT_TRUE(vault_->rights().RecordIdentityCheck(Dpo(), r.request_id, true).has_value());
  auto document = vault_->rights().Export(Dpo(), ada_, r.request_id);
  ASSERT_TRUE(document.has_value()) << document.error().ToString();
  DsrRequest done = Read(r.request_id);
  EXPECT_EQ(done.status, DsrStatus::kFulfilled);
  EXPECT_TRUE(done.outcome_ref.starts_with("exp_"));
  EXPECT_NE(document->find(done.outcome_ref), std::string::npos);
  EXPECT_EQ(done.closed_at, clock_->Now());
  // A fulfilled request cannot be fulfilled again.
  auto twice = vault_->rights().Export(Dpo(), ada_, r.request_id);
  ASSERT_FALSE(twice.has_value());
  EXPECT_EQ(twice.error().reason_code(), "request_closed");
}

TEST_F(DsrRequestTest, ACallThatDoesNotAnswerTheRequestIsRefusedAndChangesNothing) {
  DsrRequest erasure = Verified(DsrKind::kErasure);
  auto exported = vault_->rights().Export(Dpo(), ada_, erasure.request_id);
  ASSERT_FALSE(exported.has_value());
  EXPECT_EQ(exported.error().reason_code(), "request_mismatch");
  auto restricted = vault_->rights().Restrict(Dpo(), ada_, erasure.request_id);
  EXPECT_EQ(restricted.reason_code(), "request_mismatch");
  auto ada = vault_->customers().Get(Dpo(), ada_);
  ASSERT_TRUE(ada.has_value());
  EXPECT_FALSE(ada->restricted);

  // Another customer's request.
  auto grace = vault_->customers().Create(
      AccountService(), {"Grace Hopper", "grace@example.com", {}, {}, "US", {}, {}});
  ASSERT_TRUE(grace.has_value()) << grace.error().ToString();
  auto erased = vault_->rights().Erase(Dpo(), *grace, erasure.request_id);
  ASSERT_FALSE(erased.has_value());
  EXPECT_EQ(erased.error().reason_code(), "request_mismatch");
  EXPECT_TRUE(vault_->customers().Get(Dpo(), *grace).has_value());
  EXPECT_EQ(Read(erasure.request_id).status, DsrStatus::kOpen);

  // An id of the wrong shape never reaches the store or the log.
  auto bad = vault_->rights().Export(Dpo(), ada_, "4111 1111 1111 1111");
  ASSERT_FALSE(bad.has_value());
  EXPECT_EQ(bad.error().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(bad.error().message().find("4111"), std::string::npos);
  for (const AuditEntry& e : Tail(3)) {
    for (const std::string& f : e.fields_requested) EXPECT_EQ(f.find("4111"), std::string::npos);
  }
}

TEST_F(DsrRequestTest, AnErasureFulfilsItsRequestAndTheRecordOutlivesTheCustomer) {
  DsrRequest r = Verified(DsrKind::kErasure);
  auto erased = vault_->rights().Erase(Dpo(), ada_, r.request_id);
  ASSERT_TRUE(erased.has_value()) << erased.error().ToString();
  Reopen();
  DsrRequest done = Read(r.request_id);
  EXPECT_EQ(done.status, DsrStatus::kFulfilled);
  EXPECT_EQ(done.outcome_ref, erased->erasure_id);
  EXPECT_EQ(done.customer, ada_);
}

TEST_F(DsrRequestTest, ARestrictionFulfilsItsRequestEvenWhenAlreadyInPlace) {
  DsrRequest first = Verified(DsrKind::kRestriction);
  ASSERT_TRUE(vault_->rights().Restrict(Dpo(), ada_, first.request_id).ok());
  DsrRequest done = Read(first.request_id);
  EXPECT_EQ(done.status, DsrStatus::kFulfilled);
  EXPECT_TRUE(done.outcome_ref.starts_with("req_")) << done.outcome_ref;

  DsrRequest second = Verified(DsrKind::kRestriction);
  ASSERT_TRUE(vault_->rights().Restrict(Dpo(), ada_, second.request_id).ok());
  EXPECT_EQ(Read(second.request_id).status, DsrStatus::kFulfilled);
  // Without a request, restricting twice is still refused.
  EXPECT_EQ(vault_->rights().Restrict(Dpo(), ada_).reason_code(), "already_restricted");
}

TEST_F(DsrRequestTest, ClosingByHandFollowsTheKindAndTheIdentityCheck) {
  DsrRequest access = Verified(DsrKind::kAccess);
  auto by_hand = vault_->rights().CloseRequest(Dpo(), access.request_id,
                                               {DsrStatus::kFulfilled, std::nullopt, ""});
  ASSERT_FALSE(by_hand.has_value());
  EXPECT_EQ(by_hand.error().reason_code(), "fulfilled_by_call");

  DsrRequest rectification = Open(DsrKind::kRectification);
  auto unverified = vault_->rights().CloseRequest(
      Dpo(), rectification.request_id, {DsrStatus::kFulfilled, std::nullopt, "CRM-4411"});
  ASSERT_FALSE(unverified.has_value());
  EXPECT_EQ(unverified.error().reason_code(), "identity_not_verified");
  ASSERT_TRUE(
      vault_->rights().RecordIdentityCheck(Dpo(), rectification.request_id, true).has_value());
  auto fixed = vault_->rights().CloseRequest(
      Dpo(), rectification.request_id, {DsrStatus::kFulfilled, std::nullopt, "CRM-4411"});
  ASSERT_TRUE(fixed.has_value()) << fixed.error().ToString();
  EXPECT_EQ(fixed->outcome_ref, "CRM-4411");

  DsrRequest objection = Open(DsrKind::kObjection);
  auto no_reason = vault_->rights().CloseRequest(Dpo(), objection.request_id,
                                                 {DsrStatus::kRefused, std::nullopt, ""});
  ASSERT_FALSE(no_reason.has_value());
  EXPECT_EQ(no_reason.error().code(), StatusCode::kInvalidArgument);
  ASSERT_TRUE(vault_->rights().RecordIdentityCheck(Dpo(), objection.request_id, false)
                  .has_value());
  auto refused = vault_->rights().CloseRequest(
      Dpo(), objection.request_id,
      {DsrStatus::kRefused, DsrRefusal::kIdentityNotVerified, ""});
  ASSERT_TRUE(refused.has_value()) << refused.error().ToString();
  EXPECT_EQ(refused->refusal, DsrRefusal::kIdentityNotVerified);
  EXPECT_EQ(refused->identity, IdentityCheck::kFailed);

  // A card number as the reference is refused by name, never echoed.
  DsrRequest withdrawn = Open(DsrKind::kPortability);
  auto card = vault_->rights().CloseRequest(
      Dpo(), withdrawn.request_id, {DsrStatus::kWithdrawn, std::nullopt, "4111-1111-1111-1111"});
  ASSERT_FALSE(card.has_value());
  EXPECT_NE(card.error().message().find("outcome reference"), std::string::npos);
  EXPECT_EQ(card.error().message().find("4111"), std::string::npos);
  ASSERT_TRUE(vault_->rights()
                  .CloseRequest(Dpo(), withdrawn.request_id,
                                {DsrStatus::kWithdrawn, std::nullopt, ""})
                  .has_value());
  // Closed requests leave the open list, and stay in the full one.
  auto open = vault_->rights().ListRequests(Dpo());
  ASSERT_TRUE(open.has_value());
  ASSERT_EQ(open->size(), 1u);
  EXPECT_EQ((*open)[0].request_id, access.request_id);
  DsrListing all;
  all.include_closed = true;
  all.customer = ada_;
  EXPECT_EQ(vault_->rights().ListRequests(Dpo(), all)->size(), 4u);
}

TEST_F(DsrRequestTest, AnErasureRequestForACustomerAlreadyErasedIsClosedByNamingThatErasure) {
  DsrRequest first = Verified(DsrKind::kErasure);
  DsrRequest duplicate = Verified(DsrKind::kErasure);
  auto erased = vault_->rights().Erase(Dpo(), ada_, first.request_id);
  ASSERT_TRUE(erased.has_value()) << erased.error().ToString();
  auto unnamed = vault_->rights().CloseRequest(Dpo(), duplicate.request_id,
                                               {DsrStatus::kFulfilled, std::nullopt, ""});
  ASSERT_FALSE(unnamed.has_value());
  EXPECT_EQ(unnamed.error().code(), StatusCode::kInvalidArgument);
  auto closed = vault_->rights().CloseRequest(
      Dpo(), duplicate.request_id, {DsrStatus::kFulfilled, std::nullopt, erased->erasure_id});
  ASSERT_TRUE(closed.has_value()) << closed.error().ToString();
  EXPECT_EQ(closed->outcome_ref, erased->erasure_id);
}

TEST_F(DsrRequestTest, OnlyTheDpoTracksRequestsAndEveryStepIsAudited) {
  auto agent = vault_->rights().OpenRequest(testing::SupportAgent(),
                                            {ada_, DsrKind::kAccess, std::nullopt});
  ASSERT_FALSE(agent.has_value());
  EXPECT_EQ(agent.error().code(), StatusCode::kPermissionDenied);
  auto listed = vault_->rights().ListRequests(As("dpo", "legal_compliance"));
  ASSERT_FALSE(listed.has_value());
  EXPECT_EQ(listed.error().code(), StatusCode::kPermissionDenied);

  DsrRequest r = Open(DsrKind::kAccess);
  ASSERT_TRUE(vault_->rights()
                  .ExtendRequest(Dpo(), r.request_id, DsrExtension::kNumberOfRequests)
                  .has_value());
  std::vector<AuditEntry> tail = Tail(2);
  ASSERT_EQ(tail.size(), 2u);
  EXPECT_EQ(tail[0].action, "dsr.request.open");
  EXPECT_EQ(tail[0].reason_code, "opened");
  EXPECT_FALSE(tail[0].subject.empty());
  EXPECT_EQ(tail[1].action, "dsr.request.extend");
  EXPECT_EQ(tail[1].reason_code, "extended_number_of_requests");
  ASSERT_EQ(tail[1].fields_requested.size(), 1u);
  EXPECT_EQ(tail[1].fields_requested[0], "request=" + r.request_id);

  auto unknown = vault_->rights().GetRequest(Dpo(), "dsr_aaaaaaaaaaaaaaaaaaaaaaaaaa");
  ASSERT_FALSE(unknown.has_value());
  EXPECT_EQ(unknown.error().code(), StatusCode::kNotFound);
}

}  // namespace
}  // namespace cvault
