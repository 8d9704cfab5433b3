// Behaviour of the pending erasures of the SQLCipher vault store (schema
// version 6): rows round-trip, a customer is listed at most once, listing in
// insertion order up to a limit, deletion, read-only transactions; the
// listings across customers (latest consent events, lapsed consents, due
// refunds) leaving a listed customer out until the row goes; and the upgrade
// of a version 5 vault.
#include <gtest/gtest.h>

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "store/store.h"
#include "tests/testing/sqlcipher_fixture.h"
#include "tests/testing/store_rows.h"

namespace cvault::store {
namespace {

using testing::IdsOf;
using testing::kNoLimit;
using testing::MakeConsentEvent;
using testing::MakePendingErasure;
using testing::MakeRefund;
using testing::QueryInt;

std::vector<std::string> CustomerIds(const std::vector<PendingErasureRow>& rows) {
  return IdsOf(rows, &PendingErasureRow::customer_id);
}

void ExpectSamePending(const PendingErasureRow& got, const PendingErasureRow& expected) {
  EXPECT_EQ(got.customer_id, expected.customer_id);
  EXPECT_EQ(got.erasure_id, expected.erasure_id);
  EXPECT_EQ(got.hold_id, expected.hold_id);
  EXPECT_EQ(got.erased_at_us, expected.erased_at_us);
}

class SqlcipherPendingErasureStoreTest : public testing::SqlcipherVaultRowsFixture {
 protected:
  std::vector<std::string> PendingIds(std::size_t limit) {
    return ListIds([&](VaultTransaction& tx) { return tx.ListPendingErasures(limit); },
                   &PendingErasureRow::customer_id);
  }

  // Deletes the customer's pending erasure and commits; how many rows went.
  std::size_t CommitDeletePending(std::string_view customer_id) {
    return CommitDelete(
        [&](VaultTransaction& tx) { return tx.DeletePendingErasure(customer_id); });
  }

  // What each listing across customers returns, read in one transaction:
  // the customers of the latest marketing events as of 1'000 and of the
  // consents lapsed by 1'000, and the ids of the refunds due by 1'000.
  struct Listed {
    std::vector<std::string> latest;
    std::vector<std::string> lapsed;
    std::vector<std::string> due;
  };
  Listed ListAcrossCustomers() {
    Listed listed;
    auto tx = Begin(false);
    if (tx == nullptr) return listed;
    auto latest = tx->LatestConsentEvents("marketing", 1'000);
    EXPECT_TRUE(latest.has_value()) << latest.error().ToString();
    if (latest.has_value()) listed.latest = IdsOf(*latest, &ConsentEventRow::customer_id);
    auto lapsed = tx->ListLapsedConsents(1'000);
    EXPECT_TRUE(lapsed.has_value()) << lapsed.error().ToString();
    if (lapsed.has_value()) listed.lapsed = IdsOf(*lapsed, &ConsentEventRow::customer_id);
    auto due = tx->ListDueRefunds(1'000);
    EXPECT_TRUE(due.has_value()) << due.error().ToString();
    if (due.has_value()) listed.due = testing::CaseIds(*due);
    return listed;
  }
};

TEST_F(SqlcipherPendingErasureStoreTest, PendingErasureRoundTripsAcrossReopen) {
  PendingErasureRow held = MakePendingErasure("cus_a", 1'700'000'000'000'000);
  PendingErasureRow unheld = MakePendingErasure("cus_b", 20);
  unheld.hold_id.clear();  // no refunds to hold: empty stays empty
  InsertPendingErasures({held, unheld});
  Reopen();

  auto tx = Begin(false);
  ASSERT_NE(tx, nullptr);
  for (const PendingErasureRow& expected : {held, unheld}) {
    auto got = tx->GetPendingErasure(expected.customer_id);
    ASSERT_TRUE(got.has_value()) << got.error().ToString();
    ASSERT_TRUE(got->has_value()) << expected.customer_id;
    ExpectSamePending(**got, expected);
  }
  auto missing = tx->GetPendingErasure("cus_missing");
  ASSERT_TRUE(missing.has_value()) << missing.error().ToString();
  EXPECT_FALSE(missing->has_value());
}

TEST_F(SqlcipherPendingErasureStoreTest, RepeatedCustomerIsAlreadyExists) {
  auto tx = Begin(true);
  ASSERT_NE(tx, nullptr);
  ASSERT_TRUE(tx->InsertPendingErasure(MakePendingErasure("cus_dup", 100)).ok());
  PendingErasureRow second = MakePendingErasure("cus_dup", 200);
  second.erasure_id = "era_second";
  Status again = tx->InsertPendingErasure(second);
  EXPECT_EQ(again.code(), StatusCode::kAlreadyExists);
  EXPECT_NE(again.message().find("erasure"), std::string::npos);
  EXPECT_EQ(again.message().find("cus_dup"), std::string::npos);
  // A refused insert does not spoil the transaction.
  ASSERT_TRUE(tx->InsertPendingErasure(MakePendingErasure("cus_next", 300)).ok());
  ASSERT_TRUE(tx->Commit().ok());

  auto read = Begin(false);
  ASSERT_NE(read, nullptr);
  auto got = read->GetPendingErasure("cus_dup");
  ASSERT_TRUE(got.has_value() && got->has_value());
  ExpectSamePending(**got,
                    MakePendingErasure("cus_dup", 100));  // the first insert stands
  auto listed = read->ListPendingErasures(kNoLimit);
  ASSERT_TRUE(listed.has_value()) << listed.error().ToString();
  EXPECT_EQ(CustomerIds(*listed), (std::vector<std::string>{"cus_dup", "cus_next"}));
}

TEST_F(SqlcipherPendingErasureStoreTest, ListIsInsertionOrderUpToTheLimit) {
  // Neither the ids nor the erasure times are in insertion order.
  InsertPendingErasures(
      {MakePendingErasure("cus_c", 300), MakePendingErasure("cus_a", 100)});
  InsertPendingErasures({MakePendingErasure("cus_b", 200)});

  EXPECT_EQ(PendingIds(kNoLimit), (std::vector<std::string>{"cus_c", "cus_a", "cus_b"}));
  EXPECT_EQ(PendingIds(3), (std::vector<std::string>{"cus_c", "cus_a", "cus_b"}));
  EXPECT_EQ(PendingIds(2), (std::vector<std::string>{"cus_c", "cus_a"}));
  EXPECT_EQ(PendingIds(1), std::vector<std::string>{"cus_c"});
  EXPECT_TRUE(PendingIds(0).empty());

  auto tx = Begin(false);
  ASSERT_NE(tx, nullptr);
  auto listed = tx->ListPendingErasures(kNoLimit);
  ASSERT_TRUE(listed.has_value()) << listed.error().ToString();
  ASSERT_EQ(listed->size(), 3u);
  ExpectSamePending((*listed)[1], MakePendingErasure("cus_a", 100));
}

TEST_F(SqlcipherPendingErasureStoreTest, DeleteRemovesOnlyThatCustomer) {
  InsertPendingErasures({MakePendingErasure("cus_c", 300),
                         MakePendingErasure("cus_a", 100),
                         MakePendingErasure("cus_b", 200)});
  EXPECT_EQ(CommitDeletePending("cus_a"), 1u);
  EXPECT_EQ(CommitDeletePending("cus_a"), 0u);
  EXPECT_EQ(CommitDeletePending("cus_nobody"), 0u);
  EXPECT_EQ(PendingIds(kNoLimit), (std::vector<std::string>{"cus_c", "cus_b"}));

  // Recorded again, the customer is the newest pending erasure.
  InsertPendingErasures({MakePendingErasure("cus_a", 400)});
  EXPECT_EQ(PendingIds(kNoLimit), (std::vector<std::string>{"cus_c", "cus_b", "cus_a"}));

  auto tx = Begin(false);
  ASSERT_NE(tx, nullptr);
  auto got = tx->GetPendingErasure("cus_a");
  ASSERT_TRUE(got.has_value() && got->has_value());
  EXPECT_EQ((*got)->erased_at_us, 400);
}

TEST_F(SqlcipherPendingErasureStoreTest, WritesInReadTransactionFail) {
  InsertPendingErasures({MakePendingErasure("cus_a", 100)});
  auto tx = Begin(false);
  ASSERT_NE(tx, nullptr);
  EXPECT_EQ(tx->InsertPendingErasure(MakePendingErasure("cus_b", 200)).code(),
            StatusCode::kFailedPrecondition);
  auto deleted = tx->DeletePendingErasure("cus_a");
  ASSERT_FALSE(deleted.has_value());
  EXPECT_EQ(deleted.error().code(), StatusCode::kFailedPrecondition);

  auto still = tx->GetPendingErasure("cus_a");
  ASSERT_TRUE(still.has_value());
  EXPECT_TRUE(still->has_value());
  auto listed = tx->ListPendingErasures(kNoLimit);
  ASSERT_TRUE(listed.has_value()) << listed.error().ToString();
  EXPECT_EQ(CustomerIds(*listed), std::vector<std::string>{"cus_a"});
}

TEST_F(SqlcipherPendingErasureStoreTest, ListingsLeaveOutCustomersPendingErasure) {
  {
    auto tx = Begin(true);
    ASSERT_NE(tx, nullptr);
    // Every customer has a marketing consent that lapsed at 500.
    for (const char* customer : {"cus_a", "cus_b", "cus_c"}) {
      const std::string id = customer;
      ConsentEventRow event =
          MakeConsentEvent("evt_" + id, id, "marketing", "given", 100, 500);
      event.consent_id = "con_" + id;
      event.receipt = Bytes{0x01};
      ASSERT_TRUE(tx->AppendConsentEvent(event).ok());
    }
    // cus_b has a refund due on each count alone and one due on both; each
    // side of ListDueRefunds' OR must leave it out.
    for (CaseRow refund : {
             MakeRefund("rfd_a", "cus_a", 10, 200, std::nullopt),
             MakeRefund("rfd_b_processing", "cus_b", 10, 200, std::nullopt),
             MakeRefund("rfd_b_update", "cus_b", 10, std::nullopt, 200),
             MakeRefund("rfd_b_both", "cus_b", 10, 200, 200),
             MakeRefund("rfd_c", "cus_c", 10, std::nullopt, 200),
         }) {
      refund.status = "approved";
      refund.document = Bytes{0x02};
      ASSERT_TRUE(tx->InsertCase(refund).ok()) << refund.case_id;
    }
    ASSERT_TRUE(tx->Commit().ok());
  }
  const std::vector<std::string> all_customers = {"cus_a", "cus_b", "cus_c"};
  const std::vector<std::string> all_refunds = {"rfd_a", "rfd_b_processing",
                                                "rfd_b_update", "rfd_b_both", "rfd_c"};
  Listed before = ListAcrossCustomers();
  ASSERT_EQ(before.latest, all_customers);
  ASSERT_EQ(before.lapsed, all_customers);
  ASSERT_EQ(before.due, all_refunds);

  InsertPendingErasures({MakePendingErasure("cus_b", 700)});
  Listed pending = ListAcrossCustomers();
  EXPECT_EQ(pending.latest, (std::vector<std::string>{"cus_a", "cus_c"}));
  EXPECT_EQ(pending.lapsed, (std::vector<std::string>{"cus_a", "cus_c"}));
  EXPECT_EQ(pending.due, (std::vector<std::string>{"rfd_a", "rfd_c"}));

  // The customer's own rows are still there for the sweep.
  {
    auto tx = Begin(false);
    ASSERT_NE(tx, nullptr);
    auto events = tx->CountConsentEvents("cus_b");
    ASSERT_TRUE(events.has_value());
    EXPECT_EQ(*events, 1u);
    auto refunds = tx->CountCases("cus_b", "refund");
    ASSERT_TRUE(refunds.has_value());
    EXPECT_EQ(*refunds, 3u);
  }

  ASSERT_EQ(CommitDeletePending("cus_b"), 1u);
  Listed after = ListAcrossCustomers();
  EXPECT_EQ(after.latest, all_customers);
  EXPECT_EQ(after.lapsed, all_customers);
  EXPECT_EQ(after.due, all_refunds);
}

TEST_F(SqlcipherPendingErasureStoreTest, VersionFiveVaultUpgradesOnOpen) {
  // A vault as the version 5 code left it: a customer with a consent event
  // and a due refund, and a retention hold.
  {
    auto raw = RecreateWithRowsAtSchemaVersion(
        5,
        "INSERT INTO customers(id, created_at, updated_at) VALUES('cus_old', 10, 10);"
        "INSERT INTO consent_events(event_id, consent_id, customer_id, purpose, "
        "event_type, time_us, receipt) VALUES('evt_old', 'con_old', 'cus_old', "
        "'marketing', 'given', 10, x'01');"
        "INSERT INTO cases(case_id, kind, customer_id, status, opened_at_us, "
        "updated_at_us, processing_due_at_us, retention_class, document) "
        "VALUES('rfd_old', 'refund', 'cus_old', 'approved', 10, 10, 30, 2, x'03');"
        "INSERT INTO retention_holds(hold_id, erasure_id, jurisdiction, "
        "legal_reason, created_at, until_us) "
        "VALUES('hld_old', 'era_old', 'DE', 'tax law', 10, 900)");
    ASSERT_NE(raw, nullptr);
    ASSERT_EQ(QueryInt(*raw,
                       "SELECT count(*) FROM sqlite_master "
                       "WHERE name = 'erasures_pending'"),
              0);
  }

  Reopen();
  {
    auto tx = Begin(true);
    ASSERT_NE(tx, nullptr);
    auto old = tx->GetCustomer("cus_old");
    ASSERT_TRUE(old.has_value() && old->has_value());
    auto hold = tx->GetHold("hld_old");
    ASSERT_TRUE(hold.has_value() && hold->has_value());
    EXPECT_EQ((*hold)->until_us, 900);
    auto events = tx->CountConsentEvents("cus_old");
    ASSERT_TRUE(events.has_value()) << events.error().ToString();
    EXPECT_EQ(*events, 1u);
    auto due = tx->ListDueRefunds(30);
    ASSERT_TRUE(due.has_value()) << due.error().ToString();
    ASSERT_EQ(due->size(), 1u);
    EXPECT_EQ((*due)[0].case_id, "rfd_old");

    auto none = tx->ListPendingErasures(kNoLimit);
    ASSERT_TRUE(none.has_value()) << none.error().ToString();
    EXPECT_TRUE(none->empty());
    ASSERT_TRUE(tx->InsertPendingErasure(MakePendingErasure("cus_old", 40)).ok());
    auto hidden = tx->ListDueRefunds(30);
    ASSERT_TRUE(hidden.has_value()) << hidden.error().ToString();
    EXPECT_TRUE(hidden->empty());
    ASSERT_TRUE(tx->Commit().ok());
  }
  EXPECT_EQ(PendingIds(kNoLimit), std::vector<std::string>{"cus_old"});

  auto raw = CloseAndExpectCurrentSchema();
  ASSERT_NE(raw, nullptr);
  EXPECT_EQ(QueryInt(*raw, "SELECT count(*) FROM erasures_pending"), 1);
  EXPECT_EQ(QueryInt(*raw, "SELECT count(*) FROM cases"), 1);
  // The consent guard of version 5 survives the upgrade.
  EXPECT_FALSE(raw->Execute("DELETE FROM consent_events", "delete consent events").ok());
  EXPECT_EQ(QueryInt(*raw, "SELECT count(*) FROM consent_events"), 1);
}

}  // namespace
}  // namespace cvault::store
