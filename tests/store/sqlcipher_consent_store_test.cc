// Behaviour of the consent tables of the SQLCipher vault store (schema
// version 2): consent events round-trip and list in time order, as-of
// filtering, the latest event per customer, the append-only triggers,
// notices, customer counts, and the upgrade of a version 1 vault; and of
// version 5: erasure's controlled deletion of a customer's events and the
// consents that lapsed.
#include <gtest/gtest.h>

#include <cstdint>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "store/store.h"
#include "tests/testing/sqlcipher_fixture.h"
#include "tests/testing/store_rows.h"

namespace cvault::store {
namespace {

using testing::EventIds;
using testing::kNoLimit;
using testing::MakeConsentEvent;
using testing::QueryInt;
using testing::TextBytes;

void ExpectSameEvent(const ConsentEventRow& got, const ConsentEventRow& expected) {
  EXPECT_EQ(got.event_id, expected.event_id);
  EXPECT_EQ(got.consent_id, expected.consent_id);
  EXPECT_EQ(got.customer_id, expected.customer_id);
  EXPECT_EQ(got.purpose, expected.purpose);
  EXPECT_EQ(got.event_type, expected.event_type);
  EXPECT_EQ(got.time_us, expected.time_us);
  EXPECT_EQ(got.expires_at_us, expected.expires_at_us);
  EXPECT_EQ(got.previous_event_id, expected.previous_event_id);
  EXPECT_EQ(got.receipt, expected.receipt);
}

using SqlcipherConsentStoreTest = testing::SqlcipherVaultRowsFixture;

TEST_F(SqlcipherConsentStoreTest, ConsentEventsRoundTripAcrossReopen) {
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

TEST_F(SqlcipherConsentStoreTest, DuplicateEventIdIsAlreadyExists) {
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

TEST_F(SqlcipherConsentStoreTest, UnknownEventTypeIsInvalidArgument) {
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

TEST_F(SqlcipherConsentStoreTest, WritesInReadTransactionFail) {
  auto tx = Begin(false);
  EXPECT_EQ(
      tx->AppendConsentEvent(MakeConsentEvent("evt_1", "cus_a", "p", "given", 1)).code(),
      StatusCode::kFailedPrecondition);
  NoticeRow notice{"privacy", "v1", Bytes(32, 7), "text", 5};
  EXPECT_EQ(tx->InsertNotice(notice).code(), StatusCode::kFailedPrecondition);
}

TEST_F(SqlcipherConsentStoreTest, EventsListByTimeThenInsertionOrder) {
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

TEST_F(SqlcipherConsentStoreTest, ListForPurposeStopsAtAsOfInclusive) {
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

TEST_F(SqlcipherConsentStoreTest, LatestEventsPickEachCustomersLastAsOf) {
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

TEST_F(SqlcipherConsentStoreTest, TriggersRefuseUpdateDeleteAndReplace) {
  const ConsentEventRow original =
      MakeConsentEvent("evt_1", "cus_a", "marketing", "given", 100);
  AppendConsentEvents({original});
  {
    auto raw = RawConnection();
    ASSERT_NE(raw, nullptr);
    EXPECT_FALSE(raw->Execute("UPDATE consent_events SET event_type = 'withdrawn'",
                              "update a consent event")
                     .ok());
    EXPECT_FALSE(raw->Execute("UPDATE consent_events SET receipt = x'00' "
                              "WHERE event_id = 'evt_1'",
                              "update a consent event")
                     .ok());
    EXPECT_FALSE(
        raw->Execute("DELETE FROM consent_events", "delete consent events").ok());
    // REPLACE deletes without firing DELETE triggers; the INSERT guard
    // catches it.
    EXPECT_FALSE(raw->Execute("INSERT OR REPLACE INTO consent_events(event_id, "
                              "consent_id, customer_id, purpose, event_type, "
                              "time_us, receipt) VALUES('evt_1', 'c', "
                              "'cus_a', 'marketing', 'withdrawn', 1, x'')",
                              "replace a consent event")
                     .ok());
    EXPECT_FALSE(raw->Execute("INSERT OR REPLACE INTO consent_events(seq, "
                              "event_id, consent_id, customer_id, purpose, "
                              "event_type, time_us, receipt) VALUES(1, "
                              "'evt_new', 'c', 'cus_a', 'marketing', "
                              "'withdrawn', 1, x'')",
                              "replace a consent event")
                     .ok());
    EXPECT_EQ(QueryInt(*raw, "SELECT count(*) FROM consent_events"), 1);
  }
  auto tx = Begin(false);
  auto events = tx->ListConsentEvents("cus_a");
  ASSERT_TRUE(events.has_value());
  ASSERT_EQ(events->size(), 1u);
  ExpectSameEvent((*events)[0], original);
}

TEST_F(SqlcipherConsentStoreTest, NoticesRoundTripAndDuplicatesAreRefused) {
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

TEST_F(SqlcipherConsentStoreTest, CountCustomersCountsThoseCreatedByAsOf) {
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

TEST_F(SqlcipherConsentStoreTest, VersionOneVaultUpgradesOnOpen) {
  // A vault as the version 1 code left it: only migration 1, and a customer.
  {
    auto raw = RecreateWithRowsAtSchemaVersion(
        1, "INSERT INTO customers(id, created_at, updated_at) VALUES('cus_old', 10, 10)");
    ASSERT_NE(raw, nullptr);
    ASSERT_EQ(QueryInt(*raw,
                       "SELECT count(*) FROM sqlite_master "
                       "WHERE name IN ('consent_events', 'notices')"),
              0);
  }

  Reopen();
  {
    auto tx = Begin(true);
    ASSERT_NE(tx, nullptr);
    auto old = tx->GetCustomer("cus_old");
    ASSERT_TRUE(old.has_value() && old->has_value());
    auto count = tx->CountCustomers(10);
    ASSERT_TRUE(count.has_value());
    EXPECT_EQ(*count, 1u);
    ASSERT_TRUE(
        tx->AppendConsentEvent(MakeConsentEvent("evt_1", "cus_old", "p", "given", 20))
            .ok());
    ASSERT_TRUE(tx->InsertNotice({"privacy", "v1", Bytes(32, 1), "text", 20}).ok());
    ASSERT_TRUE(tx->Commit().ok());
  }
  auto raw = CloseAndExpectCurrentSchema();
  ASSERT_NE(raw, nullptr);
  // The upgraded vault carries the append-only guard too.
  EXPECT_FALSE(raw->Execute("DELETE FROM consent_events", "delete consent events").ok());
}

TEST_F(SqlcipherConsentStoreTest, DeleteConsentEventsRemovesOnlyThatCustomersEvents) {
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

TEST_F(SqlcipherConsentStoreTest, GuardIsWholeAgainAfterDeleteConsentEvents) {
  AppendConsentEvents({
      MakeConsentEvent("a1", "cus_a", "marketing", "given", 100),
      MakeConsentEvent("b1", "cus_b", "marketing", "given", 110),
  });
  {
    auto tx = Begin(true);
    ASSERT_NE(tx, nullptr);
    auto deleted = tx->DeleteConsentEvents("cus_a", kNoLimit);
    ASSERT_TRUE(deleted.has_value()) << deleted.error().ToString();
    ASSERT_EQ(*deleted, 1u);
    // The same customer's new events are protected again at once.
    ASSERT_TRUE(
        tx->AppendConsentEvent(MakeConsentEvent("a2", "cus_a", "marketing", "given", 500))
            .ok());
    ASSERT_TRUE(tx->Commit().ok());
  }
  {
    auto raw = RawConnection();
    ASSERT_NE(raw, nullptr);
    EXPECT_EQ(QueryInt(*raw, "SELECT count(*) FROM consent_erasures"), 0);
    EXPECT_FALSE(raw->Execute("DELETE FROM consent_events WHERE customer_id = 'cus_a'",
                              "delete consent events")
                     .ok());
    EXPECT_FALSE(raw->Execute("DELETE FROM consent_events WHERE customer_id = 'cus_b'",
                              "delete consent events")
                     .ok());
    EXPECT_FALSE(
        raw->Execute("DELETE FROM consent_events", "delete consent events").ok());
    EXPECT_FALSE(raw->Execute("UPDATE consent_events SET event_type = 'withdrawn'",
                              "update a consent event")
                     .ok());
    EXPECT_EQ(QueryInt(*raw, "SELECT count(*) FROM consent_events"), 2);
  }
  auto tx = Begin(false);
  auto events = tx->ListConsentEvents("cus_a");
  ASSERT_TRUE(events.has_value());
  EXPECT_EQ(EventIds(*events), std::vector<std::string>{"a2"});
}

TEST_F(SqlcipherConsentStoreTest, RolledBackDeleteConsentEventsKeepsEvents) {
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

TEST_F(SqlcipherConsentStoreTest, LapsedConsentsAreLatestGrantsPastTheirExpiry) {
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

}  // namespace
}  // namespace cvault::store
