// Conformance of every storage backend (tests/testing/store_backends.h) to
// the consent part of the VaultTransaction contract (store/store.h): events
// round-trip and list by time then insertion order, as-of filtering, the
// latest event per customer, notices, customer counts, erasure's deletion of
// a customer's events, and the consents that lapsed.
#include <gtest/gtest.h>

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "cvault/status.h"
#include "store/store.h"
#include "tests/testing/store_backends.h"
#include "tests/testing/store_rows.h"

namespace cvault::store {
namespace {

using testing::EventIds;
using testing::ExpectSameEvent;
using testing::kNoLimit;
using testing::MakeConsentEvent;
using testing::TextBytes;

using ConsentConformanceTest =
    testing::VaultRowsFixture<testing::VaultStoreConformanceFixture>;

TEST_P(ConsentConformanceTest, ConsentEventsRoundTripAcrossReopen) {
  ConsentEventRow given =
      MakeConsentEvent("evt_1", "cus_a", "marketing_email", "given", 100);
  given.expires_at_us = 1'000'000;
  ConsentEventRow withdrawn =
      MakeConsentEvent("evt_2", "cus_a", "marketing_email", "withdrawn", 200);
  withdrawn.previous_event_id = "evt_1";
  withdrawn.receipt = Bytes();  // empty stays empty
  AppendConsentEvents({given, withdrawn});
  Reopen();

  auto tx = Begin(false);
  auto events = tx->ListConsentEvents("cus_a");
  ASSERT_TRUE(events.has_value()) << events.error().ToString();
  ASSERT_EQ(events->size(), 2u);
  ExpectSameEvent((*events)[0], given);
  ExpectSameEvent((*events)[1], withdrawn);
  EXPECT_FALSE((*events)[1].expires_at_us.has_value());

  auto none = tx->ListConsentEvents("cus_nobody");
  ASSERT_TRUE(none.has_value());
  EXPECT_TRUE(none->empty());
}

TEST_P(ConsentConformanceTest, DuplicateEventIdIsAlreadyExists) {
  auto tx = Begin(true);
  ASSERT_TRUE(
      tx->AppendConsentEvent(MakeConsentEvent("evt_dup", "cus_a", "p", "given", 1)).ok());
  Status again =
      tx->AppendConsentEvent(MakeConsentEvent("evt_dup", "cus_b", "q", "given", 2));
  EXPECT_EQ(again.code(), StatusCode::kAlreadyExists);
  EXPECT_NE(again.message().find("consent event"), std::string::npos);
  EXPECT_EQ(again.message().find("evt_dup"), std::string::npos);
  // A refused append does not spoil the transaction.
  ASSERT_TRUE(
      tx->AppendConsentEvent(MakeConsentEvent("evt_next", "cus_a", "p", "renewed", 3))
          .ok());
  ASSERT_TRUE(tx->Commit().ok());
  auto read = Begin(false);
  auto events = read->ListConsentEvents("cus_a");
  ASSERT_TRUE(events.has_value());
  EXPECT_EQ(EventIds(*events), (std::vector<std::string>{"evt_dup", "evt_next"}));
  auto other = read->ListConsentEvents("cus_b");
  ASSERT_TRUE(other.has_value());
  EXPECT_TRUE(other->empty());
}

TEST_P(ConsentConformanceTest, ASecondSuccessorOfOneEventIsAConflict) {
  ConsentEventRow given = MakeConsentEvent("evt_1", "cus_a", "marketing", "given", 100);
  ConsentEventRow withdrawn =
      MakeConsentEvent("evt_2", "cus_a", "marketing", "withdrawn", 200);
  withdrawn.consent_id = given.consent_id;
  withdrawn.previous_event_id = "evt_1";
  AppendConsentEvents({given, withdrawn});
  // A writer that read the chain before evt_2 was added extends it again.
  ConsentEventRow renewed = MakeConsentEvent("evt_3", "cus_a", "marketing", "renewed", 210);
  renewed.consent_id = given.consent_id;
  renewed.previous_event_id = "evt_1";
  {
    auto tx = Begin(true);
    const Status forked = tx->AppendConsentEvent(renewed);
    EXPECT_EQ(forked.code(), StatusCode::kConflict) << forked.ToString();
    // Following the chain's real head is fine.
    renewed.previous_event_id = "evt_2";
    EXPECT_TRUE(tx->AppendConsentEvent(renewed).ok());
    ASSERT_TRUE(tx->Commit().ok());
  }
  auto tx = Begin(false);
  auto events = tx->ListConsentEvents("cus_a");
  ASSERT_TRUE(events.has_value());
  EXPECT_EQ(EventIds(*events), (std::vector<std::string>{"evt_1", "evt_2", "evt_3"}));
}

TEST_P(ConsentConformanceTest, UnknownEventTypeIsInvalidArgument) {
  auto tx = Begin(true);
  Status appended =
      tx->AppendConsentEvent(MakeConsentEvent("evt_1", "cus_a", "p", "revoked", 1));
  EXPECT_EQ(appended.code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(appended.message().find("revoked"), std::string::npos);
  for (const char* type : {"given", "withdrawn", "renewed", "expired"}) {
    EXPECT_TRUE(tx->AppendConsentEvent(
                      MakeConsentEvent(std::string("evt_") + type, "cus_a", "p", type, 1))
                    .ok())
        << type;
  }
}

TEST_P(ConsentConformanceTest, WritesInReadTransactionFail) {
  auto tx = Begin(false);
  EXPECT_EQ(
      tx->AppendConsentEvent(MakeConsentEvent("evt_1", "cus_a", "p", "given", 1)).code(),
      StatusCode::kFailedPrecondition);
  NoticeRow notice{"privacy", "v1", Bytes(32, 7), "text", 5};
  EXPECT_EQ(tx->InsertNotice(notice).code(), StatusCode::kFailedPrecondition);
}

TEST_P(ConsentConformanceTest, EventsListByTimeThenInsertionOrder) {
  // Appended out of time order; evt_b, evt_c and evt_d share a timestamp.
  AppendConsentEvents({
      MakeConsentEvent("evt_e", "cus_a", "analytics", "renewed", 300),
      MakeConsentEvent("evt_b", "cus_a", "marketing", "given", 200),
      MakeConsentEvent("evt_c", "cus_a", "analytics", "given", 200),
      MakeConsentEvent("evt_a", "cus_a", "marketing", "given", 100),
      MakeConsentEvent("evt_x", "cus_other", "marketing", "given", 150),
  });
  AppendConsentEvents(
      {MakeConsentEvent("evt_d", "cus_a", "marketing", "withdrawn", 200)});

  auto tx = Begin(false);
  auto events = tx->ListConsentEvents("cus_a");
  ASSERT_TRUE(events.has_value()) << events.error().ToString();
  EXPECT_EQ(EventIds(*events),
            (std::vector<std::string>{"evt_a", "evt_b", "evt_c", "evt_d", "evt_e"}));

  auto marketing = tx->ListConsentEventsFor("cus_a", "marketing", 1'000);
  ASSERT_TRUE(marketing.has_value()) << marketing.error().ToString();
  EXPECT_EQ(EventIds(*marketing), (std::vector<std::string>{"evt_a", "evt_b", "evt_d"}));
}

TEST_P(ConsentConformanceTest, ListForPurposeStopsAtAsOfInclusive) {
  AppendConsentEvents({
      MakeConsentEvent("evt_1", "cus_a", "marketing", "given", 100),
      MakeConsentEvent("evt_2", "cus_a", "marketing", "withdrawn", 200),
      MakeConsentEvent("evt_3", "cus_a", "marketing", "given", 300),
      MakeConsentEvent("evt_4", "cus_a", "analytics", "given", 150),
      MakeConsentEvent("evt_5", "cus_b", "marketing", "given", 50),
  });
  auto tx = Begin(false);
  const auto ids_as_of = [&](std::int64_t as_of_us) {
    auto events = tx->ListConsentEventsFor("cus_a", "marketing", as_of_us);
    EXPECT_TRUE(events.has_value()) << events.error().ToString();
    return events.has_value() ? EventIds(*events) : std::vector<std::string>{};
  };
  EXPECT_TRUE(ids_as_of(99).empty());
  EXPECT_EQ(ids_as_of(100), std::vector<std::string>{"evt_1"});
  EXPECT_EQ(ids_as_of(299), (std::vector<std::string>{"evt_1", "evt_2"}));
  EXPECT_EQ(ids_as_of(300), (std::vector<std::string>{"evt_1", "evt_2", "evt_3"}));
  auto events = tx->ListConsentEventsFor("cus_a", "marketing", 300);
  ASSERT_TRUE(events.has_value());
  ASSERT_EQ(events->size(), 3u);
  EXPECT_EQ((*events)[2].receipt, TextBytes("receipt-ciphertext-evt_3"));
}

TEST_P(ConsentConformanceTest, LatestEventsPickEachCustomersLastAsOf) {
  ConsentEventRow expiring = MakeConsentEvent("a2", "cus_a", "marketing", "given", 200);
  expiring.expires_at_us = 9'000;
  expiring.previous_event_id = "a1";
  AppendConsentEvents({
      MakeConsentEvent("c1", "cus_c", "marketing", "given", 100),
      MakeConsentEvent("a1", "cus_a", "marketing", "given", 100),
      expiring,
      MakeConsentEvent("a3", "cus_a", "marketing", "withdrawn", 400),
      MakeConsentEvent("a_other", "cus_a", "analytics", "withdrawn", 250),
      // cus_b has two events at the same time: the later append wins.
      MakeConsentEvent("b1", "cus_b", "marketing", "given", 200),
      MakeConsentEvent("b2", "cus_b", "marketing", "withdrawn", 200),
      // cus_d's only marketing event is in the future of every as_of below.
      MakeConsentEvent("d1", "cus_d", "marketing", "given", 5'000),
      MakeConsentEvent("e1", "cus_e", "analytics", "given", 100),
  });
  auto tx = Begin(false);

  auto at_300 = tx->LatestConsentEvents("marketing", 300);
  ASSERT_TRUE(at_300.has_value()) << at_300.error().ToString();
  EXPECT_EQ(EventIds(*at_300), (std::vector<std::string>{"a2", "b2", "c1"}));
  ASSERT_EQ(at_300->size(), 3u);
  ConsentEventRow expected_a2 = expiring;
  expected_a2.receipt.clear();  // reports never read receipts
  ExpectSameEvent((*at_300)[0], expected_a2);
  for (const ConsentEventRow& row : *at_300) {
    EXPECT_TRUE(row.receipt.empty()) << row.event_id;
  }

  auto at_400 = tx->LatestConsentEvents("marketing", 400);
  ASSERT_TRUE(at_400.has_value());
  EXPECT_EQ(EventIds(*at_400), (std::vector<std::string>{"a3", "b2", "c1"}));

  auto at_150 = tx->LatestConsentEvents("marketing", 150);
  ASSERT_TRUE(at_150.has_value());
  EXPECT_EQ(EventIds(*at_150), (std::vector<std::string>{"a1", "c1"}));

  auto before_all = tx->LatestConsentEvents("marketing", 99);
  ASSERT_TRUE(before_all.has_value());
  EXPECT_TRUE(before_all->empty());

  auto analytics = tx->LatestConsentEvents("analytics", 10'000);
  ASSERT_TRUE(analytics.has_value());
  EXPECT_EQ(EventIds(*analytics), (std::vector<std::string>{"a_other", "e1"}));

  auto unknown = tx->LatestConsentEvents("no_such_purpose", 10'000);
  ASSERT_TRUE(unknown.has_value());
  EXPECT_TRUE(unknown->empty());
}

TEST_P(ConsentConformanceTest, NoticesRoundTripAndDuplicatesAreRefused) {
  const NoticeRow v1{"privacy-policy", "2024-01", Bytes(32, 0xab),
                     "We keep your data safe.", 1'700'000'000'000'000};
  const NoticeRow v2{"privacy-policy", "2024-06", Bytes(32, 0xcd),
                     "We keep your data safer.", 1'710'000'000'000'000};
  {
    auto tx = Begin(true);
    ASSERT_TRUE(tx->InsertNotice(v1).ok());
    ASSERT_TRUE(tx->InsertNotice(v2).ok()) << "a new version is a new notice";
    NoticeRow changed = v1;
    changed.text = "Different text under the same version.";
    Status again = tx->InsertNotice(changed);
    EXPECT_EQ(again.code(), StatusCode::kAlreadyExists);
    EXPECT_EQ(again.message().find("privacy-policy"), std::string::npos);
    EXPECT_EQ(again.message().find("2024-01"), std::string::npos);
    ASSERT_TRUE(tx->Commit().ok());
  }
  Reopen();
  auto tx = Begin(false);
  auto got = tx->GetNotice("privacy-policy", "2024-01");
  ASSERT_TRUE(got.has_value()) << got.error().ToString();
  ASSERT_TRUE(got->has_value());
  EXPECT_EQ((*got)->notice_id, v1.notice_id);
  EXPECT_EQ((*got)->version, v1.version);
  EXPECT_EQ((*got)->text_sha256, v1.text_sha256);
  EXPECT_EQ((*got)->text, v1.text) << "the first registration stands";
  EXPECT_EQ((*got)->registered_at_us, v1.registered_at_us);

  auto missing = tx->GetNotice("privacy-policy", "2099-01");
  ASSERT_TRUE(missing.has_value());
  EXPECT_FALSE(missing->has_value());
}

TEST_P(ConsentConformanceTest, CountCustomersCountsThoseCreatedByAsOf) {
  auto tx = Begin(true);
  auto empty = tx->CountCustomers(1'000);
  ASSERT_TRUE(empty.has_value()) << empty.error().ToString();
  EXPECT_EQ(*empty, 0u);
  int n = 0;
  for (std::int64_t created : {100, 200, 200, 300}) {
    CustomerRow row;
    row.id = "cus_" + std::to_string(n++);
    row.created_at_us = created;
    row.updated_at_us = created;
    ASSERT_TRUE(tx->InsertCustomer(row).ok());
  }
  for (const auto& [as_of, expected] :
       std::vector<std::pair<std::int64_t, std::uint64_t>>{
           {99, 0}, {100, 1}, {199, 1}, {200, 3}, {300, 4}, {1'000, 4}}) {
    auto count = tx->CountCustomers(as_of);
    ASSERT_TRUE(count.has_value()) << count.error().ToString();
    EXPECT_EQ(*count, expected) << "as of " << as_of;
  }
}

TEST_P(ConsentConformanceTest, DeleteConsentEventsRemovesOnlyThatCustomersEvents) {
  AppendConsentEvents({
      MakeConsentEvent("a1", "cus_a", "marketing", "given", 100),
      MakeConsentEvent("b1", "cus_b", "marketing", "given", 110),
      MakeConsentEvent("a2", "cus_a", "marketing", "withdrawn", 200),
      MakeConsentEvent("a3", "cus_a", "analytics", "given", 300),
  });
  {
    auto tx = Begin(true);
    ASSERT_NE(tx, nullptr);
    auto deleted = tx->DeleteConsentEvents("cus_a", kNoLimit);
    ASSERT_TRUE(deleted.has_value()) << deleted.error().ToString();
    EXPECT_EQ(*deleted, 3u);
    auto again = tx->DeleteConsentEvents("cus_a", kNoLimit);
    ASSERT_TRUE(again.has_value()) << again.error().ToString();
    EXPECT_EQ(*again, 0u);
    auto nobody = tx->DeleteConsentEvents("cus_nobody", kNoLimit);
    ASSERT_TRUE(nobody.has_value());
    EXPECT_EQ(*nobody, 0u);
    ASSERT_TRUE(tx->Commit().ok());
  }
  Reopen();
  auto tx = Begin(false);
  auto erased = tx->ListConsentEvents("cus_a");
  ASSERT_TRUE(erased.has_value());
  EXPECT_TRUE(erased->empty());
  auto kept = tx->ListConsentEvents("cus_b");
  ASSERT_TRUE(kept.has_value());
  EXPECT_EQ(EventIds(*kept), std::vector<std::string>{"b1"});
}

TEST_P(ConsentConformanceTest, RolledBackDeleteConsentEventsKeepsEvents) {
  AppendConsentEvents({MakeConsentEvent("a1", "cus_a", "marketing", "given", 100)});
  {
    auto tx = Begin(true);
    ASSERT_NE(tx, nullptr);
    auto deleted = tx->DeleteConsentEvents("cus_a", kNoLimit);
    ASSERT_TRUE(deleted.has_value());
    EXPECT_EQ(*deleted, 1u);
  }  // no Commit
  auto tx = Begin(false);
  auto events = tx->ListConsentEvents("cus_a");
  ASSERT_TRUE(events.has_value());
  EXPECT_EQ(EventIds(*events), std::vector<std::string>{"a1"});
  auto deleted = tx->DeleteConsentEvents("cus_a", kNoLimit);
  ASSERT_FALSE(deleted.has_value()) << "a read transaction never deletes";
  EXPECT_EQ(deleted.error().code(), StatusCode::kFailedPrecondition);
}

TEST_P(ConsentConformanceTest, LapsedConsentsAreLatestGrantsPastTheirExpiry) {
  AppendConsentEvents({
      // Lapsed at 1'000: given, expired at 500, nothing since.
      MakeConsentEvent("a_mkt", "cus_a", "marketing", "given", 100, 500),
      // Withdrawn after being given: nothing to lapse.
      MakeConsentEvent("a_an1", "cus_a", "analytics", "given", 100, 500),
      MakeConsentEvent("a_an2", "cus_a", "analytics", "withdrawn", 300),
      // Lapsed, appended after marketing but listed before it (purpose order).
      MakeConsentEvent("a_bill", "cus_a", "billing", "renewed", 200, 900),
      // Renewed later with a future expiry: lapses only at 5'000.
      MakeConsentEvent("b_mkt1", "cus_b", "marketing", "given", 100, 500),
      MakeConsentEvent("b_mkt2", "cus_b", "marketing", "renewed", 400, 5'000),
      // Already marked expired: not listed again.
      MakeConsentEvent("b_an1", "cus_b", "analytics", "given", 100, 500),
      MakeConsentEvent("b_an2", "cus_b", "analytics", "expired", 600),
      // No expiry at all.
      MakeConsentEvent("c_mkt", "cus_c", "marketing", "given", 100),
      // Expiry in the future of 1'000, reached exactly at 2'000.
      MakeConsentEvent("c_an", "cus_c", "analytics", "given", 100, 2'000),
      // Same time: the later append is the latest.
      MakeConsentEvent("d_mkt1", "cus_d", "marketing", "given", 50, 100),
      MakeConsentEvent("d_mkt2", "cus_d", "marketing", "withdrawn", 50),
      MakeConsentEvent("d_an1", "cus_d", "analytics", "withdrawn", 50),
      MakeConsentEvent("d_an2", "cus_d", "analytics", "given", 50, 100),
      // Appended out of time order: time decides, not insertion.
      MakeConsentEvent("e_mkt_late", "cus_e", "marketing", "renewed", 400, 10'000),
      MakeConsentEvent("e_mkt_early", "cus_e", "marketing", "given", 100, 200),
  });
  auto tx = Begin(false);
  ASSERT_NE(tx, nullptr);
  const auto lapsed_ids = [&](std::int64_t at_us) {
    auto lapsed = tx->ListLapsedConsents(at_us);
    EXPECT_TRUE(lapsed.has_value()) << lapsed.error().ToString();
    return lapsed.has_value() ? EventIds(*lapsed) : std::vector<std::string>{};
  };
  EXPECT_TRUE(lapsed_ids(99).empty());
  EXPECT_EQ(lapsed_ids(100), std::vector<std::string>{"d_an2"});
  EXPECT_EQ(lapsed_ids(1'000), (std::vector<std::string>{"a_bill", "a_mkt", "d_an2"}));
  EXPECT_EQ(lapsed_ids(2'000),
            (std::vector<std::string>{"a_bill", "a_mkt", "c_an", "d_an2"}));
  EXPECT_EQ(lapsed_ids(5'000),
            (std::vector<std::string>{"a_bill", "a_mkt", "b_mkt2", "c_an", "d_an2"}));

  auto lapsed = tx->ListLapsedConsents(1'000);
  ASSERT_TRUE(lapsed.has_value());
  ASSERT_EQ(lapsed->size(), 3u);
  ConsentEventRow expected =
      MakeConsentEvent("a_mkt", "cus_a", "marketing", "given", 100, 500);
  expected.receipt.clear();  // the receipt is never read
  ExpectSameEvent((*lapsed)[1], expected);
  for (const ConsentEventRow& row : *lapsed) {
    EXPECT_TRUE(row.receipt.empty()) << row.event_id;
  }
}

INSTANTIATE_TEST_SUITE_P(Backends, ConsentConformanceTest,
                         ::testing::ValuesIn(testing::StoreBackends()),
                         testing::StoreBackendName);

}  // namespace
}  // namespace cvault::store
