// Conformance of every storage backend (tests/testing/store_backends.h) to
// the case part of the VaultTransaction contract (store/store.h): tickets and
// refunds round-trip, updates replace only what may change, listings by
// customer and kind, due refunds at their boundaries, read-only transactions,
// and erasure's deletion of a customer's cases and reassignment of a case to
// a retention hold.
#include <gtest/gtest.h>

#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <vector>

#include "cvault/status.h"
#include "store/store.h"
#include "tests/testing/store_backends.h"
#include "tests/testing/store_rows.h"

namespace cvault::store {
namespace {

using testing::CaseIds;
using testing::kNoLimit;
using testing::MakeRefund;
using testing::MakeTicket;
using testing::TextBytes;

void ExpectSameCase(const CaseRow& got, const CaseRow& expected) {
  EXPECT_EQ(got.case_id, expected.case_id);
  EXPECT_EQ(got.kind, expected.kind);
  EXPECT_EQ(got.customer_id, expected.customer_id);
  EXPECT_EQ(got.status, expected.status);
  EXPECT_EQ(got.opened_at_us, expected.opened_at_us);
  EXPECT_EQ(got.updated_at_us, expected.updated_at_us);
  EXPECT_EQ(got.processing_due_at_us, expected.processing_due_at_us);
  EXPECT_EQ(got.update_due_at_us, expected.update_due_at_us);
  EXPECT_EQ(got.retention_class, expected.retention_class);
  EXPECT_EQ(got.document, expected.document);
}

using CaseConformanceTest =
    testing::VaultRowsFixture<testing::VaultStoreConformanceFixture>;

TEST_P(CaseConformanceTest, TicketAndRefundRoundTripAcrossReopen) {
  CaseRow ticket = MakeTicket("tkt_1", "cus_a", 100);
  ticket.updated_at_us = 150;
  ticket.document = Bytes();  // empty stays empty
  const CaseRow refund = MakeRefund("rfd_1", "cus_a", 200, 5'000, 6'000);
  const CaseRow open_refund = MakeRefund("rfd_2", "cus_a", 300, std::nullopt,
                                         std::numeric_limits<std::int64_t>::max());
  InsertCases({ticket, refund, open_refund});
  Reopen();

  auto tx = Begin(false);
  ASSERT_NE(tx, nullptr);
  for (const CaseRow& expected : {ticket, refund, open_refund}) {
    auto got = tx->GetCase(expected.case_id);
    ASSERT_TRUE(got.has_value()) << got.error().ToString();
    ASSERT_TRUE(got->has_value()) << expected.case_id;
    ExpectSameCase(**got, expected);
  }
  auto missing = tx->GetCase("rfd_missing");
  ASSERT_TRUE(missing.has_value()) << missing.error().ToString();
  EXPECT_FALSE(missing->has_value());
}

TEST_P(CaseConformanceTest, DuplicateCaseIdIsAlreadyExists) {
  auto tx = Begin(true);
  ASSERT_NE(tx, nullptr);
  ASSERT_TRUE(tx->InsertCase(MakeTicket("tkt_dup", "cus_a", 1)).ok());
  Status again = tx->InsertCase(MakeRefund("tkt_dup", "cus_b", 2, 10, 20));
  EXPECT_EQ(again.code(), StatusCode::kAlreadyExists);
  EXPECT_NE(again.message().find("case"), std::string::npos);
  EXPECT_EQ(again.message().find("tkt_dup"), std::string::npos);
  EXPECT_EQ(again.message().find("cus_b"), std::string::npos);
  // A refused insert does not spoil the transaction.
  ASSERT_TRUE(tx->InsertCase(MakeTicket("tkt_next", "cus_a", 3)).ok());
  ASSERT_TRUE(tx->Commit().ok());

  auto read = Begin(false);
  ASSERT_NE(read, nullptr);
  auto got = read->GetCase("tkt_dup");
  ASSERT_TRUE(got.has_value() && got->has_value());
  EXPECT_EQ((*got)->kind, "ticket") << "the first insert stands";
  EXPECT_EQ((*got)->customer_id, "cus_a");
  auto other = read->ListCases("cus_b", "refund");
  ASSERT_TRUE(other.has_value());
  EXPECT_TRUE(other->empty());
}

TEST_P(CaseConformanceTest, UnknownKindIsInvalidArgument) {
  auto tx = Begin(true);
  ASSERT_NE(tx, nullptr);
  CaseRow row = MakeTicket("chg_1", "cus_a", 1);
  row.kind = "chargeback";
  Status inserted = tx->InsertCase(row);
  EXPECT_EQ(inserted.code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(inserted.message().find("chargeback"), std::string::npos);
  auto got = tx->GetCase("chg_1");
  ASSERT_TRUE(got.has_value());
  EXPECT_FALSE(got->has_value());
}

TEST_P(CaseConformanceTest, PurchaseRecordsAreCasesOfTheirOwnKind) {
  CaseRow purchase = MakeTicket("pur_1", "cus_a", 100);
  purchase.kind = "purchase";
  purchase.status = "recorded";
  InsertCases({purchase, MakeRefund("rfd_1", "cus_a", 110, 500, std::nullopt)});
  Reopen();
  {
    auto tx = Begin(true);
    ASSERT_NE(tx, nullptr);
    auto listed = tx->ListCases("cus_a", "purchase");
    ASSERT_TRUE(listed.has_value()) << listed.error().ToString();
    ASSERT_EQ(CaseIds(*listed), std::vector<std::string>{"pur_1"});
    ExpectSameCase(listed->front(), purchase);
    auto counted = tx->CountCases("cus_a", "purchase");
    ASSERT_TRUE(counted.has_value());
    EXPECT_EQ(*counted, 1u);
    auto deleted = tx->DeleteCases("cus_a", "purchase", kNoLimit);
    ASSERT_TRUE(deleted.has_value()) << deleted.error().ToString();
    EXPECT_EQ(*deleted, 1u);
    ASSERT_TRUE(tx->Commit().ok());
  }
  auto tx = Begin(false);
  ASSERT_NE(tx, nullptr);
  auto refunds = tx->ListCases("cus_a", "refund");
  ASSERT_TRUE(refunds.has_value());
  EXPECT_EQ(CaseIds(*refunds), std::vector<std::string>{"rfd_1"});
}

TEST_P(CaseConformanceTest, UpdateReplacesOnlyWhatMayChange) {
  const CaseRow original = MakeRefund("rfd_1", "cus_a", 100, std::nullopt, 900);
  InsertCases({original});

  CaseRow approved = original;
  approved.status = "approved";
  approved.updated_at_us = 400;
  approved.processing_due_at_us = 2'000;
  approved.update_due_at_us = std::nullopt;  // cleared back to NULL
  approved.retention_class = 3;
  approved.document = TextBytes("refund-ciphertext-approved");
  // Columns that never change: the update must ignore these.
  CaseRow attempt = approved;
  attempt.kind = "ticket";
  attempt.customer_id = "cus_other";
  attempt.opened_at_us = 999;
  {
    auto tx = Begin(true);
    ASSERT_NE(tx, nullptr);
    Status updated = tx->UpdateCase(attempt);
    ASSERT_TRUE(updated.ok()) << updated.ToString();
    ASSERT_TRUE(tx->Commit().ok());
  }
  Reopen();

  auto tx = Begin(false);
  ASSERT_NE(tx, nullptr);
  auto got = tx->GetCase("rfd_1");
  ASSERT_TRUE(got.has_value()) << got.error().ToString();
  ASSERT_TRUE(got->has_value());
  ExpectSameCase(**got, approved);
  auto refunds = tx->ListCases("cus_a", "refund");
  ASSERT_TRUE(refunds.has_value());
  EXPECT_EQ(CaseIds(*refunds), std::vector<std::string>{"rfd_1"});
}

TEST_P(CaseConformanceTest, UpdateOfMissingCaseIsNotFound) {
  InsertCases({MakeTicket("tkt_1", "cus_a", 100)});
  auto tx = Begin(true);
  ASSERT_NE(tx, nullptr);
  Status updated = tx->UpdateCase(MakeTicket("tkt_missing", "cus_a", 100));
  EXPECT_EQ(updated.code(), StatusCode::kNotFound);
  EXPECT_EQ(updated.message().find("tkt_missing"), std::string::npos);
  auto missing = tx->GetCase("tkt_missing");
  ASSERT_TRUE(missing.has_value());
  EXPECT_FALSE(missing->has_value()) << "an update never inserts";
}

TEST_P(CaseConformanceTest, ListCasesOldestFirstFilteredByCustomerAndKind) {
  InsertCases({
      MakeTicket("tkt_a1", "cus_a", 100),
      MakeRefund("rfd_a1", "cus_a", 110, std::nullopt, 500),
      MakeTicket("tkt_b1", "cus_b", 120),
      MakeTicket("tkt_a2", "cus_a", 130),
  });
  InsertCases({
      MakeRefund("rfd_a2", "cus_a", 140, 600, std::nullopt),
      MakeTicket("tkt_a3", "cus_a", 150),
  });
  {
    // Updating the oldest ticket does not move it to the end.
    CaseRow touched = MakeTicket("tkt_a1", "cus_a", 100);
    touched.status = "waiting_on_customer";
    touched.updated_at_us = 1'000;
    auto tx = Begin(true);
    ASSERT_NE(tx, nullptr);
    ASSERT_TRUE(tx->UpdateCase(touched).ok());
    ASSERT_TRUE(tx->Commit().ok());
  }

  auto tx = Begin(false);
  ASSERT_NE(tx, nullptr);
  auto tickets = tx->ListCases("cus_a", "ticket");
  ASSERT_TRUE(tickets.has_value()) << tickets.error().ToString();
  EXPECT_EQ(CaseIds(*tickets), (std::vector<std::string>{"tkt_a1", "tkt_a2", "tkt_a3"}));
  ASSERT_EQ(tickets->size(), 3u);
  EXPECT_EQ((*tickets)[0].status, "waiting_on_customer");
  EXPECT_EQ((*tickets)[1].document, TextBytes("ticket-ciphertext-tkt_a2"));

  auto refunds = tx->ListCases("cus_a", "refund");
  ASSERT_TRUE(refunds.has_value());
  EXPECT_EQ(CaseIds(*refunds), (std::vector<std::string>{"rfd_a1", "rfd_a2"}));

  auto other = tx->ListCases("cus_b", "ticket");
  ASSERT_TRUE(other.has_value());
  EXPECT_EQ(CaseIds(*other), std::vector<std::string>{"tkt_b1"});
  auto none = tx->ListCases("cus_b", "refund");
  ASSERT_TRUE(none.has_value());
  EXPECT_TRUE(none->empty());
  auto nobody = tx->ListCases("cus_nobody", "ticket");
  ASSERT_TRUE(nobody.has_value());
  EXPECT_TRUE(nobody->empty());
}

TEST_P(CaseConformanceTest, DueRefundsIncludeTheDueInstantAndSkipNulls) {
  CaseRow ticket = MakeTicket("tkt_due", "cus_a", 1);
  ticket.processing_due_at_us = 100;  // tickets are never due refunds
  ticket.update_due_at_us = 100;
  InsertCases({
      MakeRefund("rfd_processing", "cus_a", 2, 200, std::nullopt),
      ticket,
      MakeRefund("rfd_update", "cus_b", 3, std::nullopt, 300),
      MakeRefund("rfd_never", "cus_a", 4, std::nullopt, std::nullopt),
      // Due on both counts: listed once.
      MakeRefund("rfd_both", "cus_c", 5, 250, 150),
      MakeRefund("rfd_late_update", "cus_a", 6, 400, 1'000),
  });

  EXPECT_TRUE(DueRefundIds(149).empty());
  EXPECT_EQ(DueRefundIds(150), std::vector<std::string>{"rfd_both"});
  EXPECT_EQ(DueRefundIds(199), std::vector<std::string>{"rfd_both"});
  EXPECT_EQ(DueRefundIds(200), (std::vector<std::string>{"rfd_processing", "rfd_both"}));
  EXPECT_EQ(DueRefundIds(300),
            (std::vector<std::string>{"rfd_processing", "rfd_update", "rfd_both"}));
  EXPECT_EQ(DueRefundIds(400), (std::vector<std::string>{"rfd_processing", "rfd_update",
                                                         "rfd_both", "rfd_late_update"}));
  EXPECT_EQ(DueRefundIds(std::numeric_limits<std::int64_t>::max()),
            (std::vector<std::string>{"rfd_processing", "rfd_update", "rfd_both",
                                      "rfd_late_update"}));

  auto tx = Begin(false);
  ASSERT_NE(tx, nullptr);
  auto due = tx->ListDueRefunds(300);
  ASSERT_TRUE(due.has_value()) << due.error().ToString();
  ASSERT_EQ(due->size(), 3u);
  CaseRow expected_update = MakeRefund("rfd_update", "cus_b", 3, std::nullopt, 300);
  expected_update.document.clear();  // the scheduler never reads documents
  ExpectSameCase((*due)[1], expected_update);
  for (const CaseRow& row : *due) {
    EXPECT_TRUE(row.document.empty()) << row.case_id;
  }
}

TEST_P(CaseConformanceTest, WritesInReadTransactionFail) {
  InsertCases({MakeTicket("tkt_1", "cus_a", 1)});
  auto tx = Begin(false);
  ASSERT_NE(tx, nullptr);
  EXPECT_EQ(tx->InsertCase(MakeTicket("tkt_2", "cus_a", 2)).code(),
            StatusCode::kFailedPrecondition);
  CaseRow closed = MakeTicket("tkt_1", "cus_a", 1);
  closed.status = "closed";
  EXPECT_EQ(tx->UpdateCase(closed).code(), StatusCode::kFailedPrecondition);
  auto got = tx->GetCase("tkt_1");
  ASSERT_TRUE(got.has_value() && got->has_value());
  EXPECT_EQ((*got)->status, "open");
  auto absent = tx->GetCase("tkt_2");
  ASSERT_TRUE(absent.has_value());
  EXPECT_FALSE(absent->has_value());
}

TEST_P(CaseConformanceTest, DeleteCasesRemovesOneKindOfOneCustomer) {
  InsertCases({
      MakeTicket("tkt_a1", "cus_a", 100),
      MakeRefund("rfd_a1", "cus_a", 110, 500, std::nullopt),
      MakeTicket("tkt_b1", "cus_b", 120),
      MakeTicket("tkt_a2", "cus_a", 130),
  });
  {
    auto tx = Begin(true);
    ASSERT_NE(tx, nullptr);
    auto deleted = tx->DeleteCases("cus_a", "ticket", kNoLimit);
    ASSERT_TRUE(deleted.has_value()) << deleted.error().ToString();
    EXPECT_EQ(*deleted, 2u);
    auto again = tx->DeleteCases("cus_a", "ticket", kNoLimit);
    ASSERT_TRUE(again.has_value());
    EXPECT_EQ(*again, 0u);
    auto misspelt = tx->DeleteCases("cus_a", "tickets", kNoLimit);
    ASSERT_FALSE(misspelt.has_value());
    EXPECT_EQ(misspelt.error().code(), StatusCode::kInvalidArgument);
    ASSERT_TRUE(tx->Commit().ok());
  }
  Reopen();
  auto tx = Begin(false);
  ASSERT_NE(tx, nullptr);
  auto tickets = tx->ListCases("cus_a", "ticket");
  ASSERT_TRUE(tickets.has_value());
  EXPECT_TRUE(tickets->empty());
  auto gone = tx->GetCase("tkt_a1");
  ASSERT_TRUE(gone.has_value());
  EXPECT_FALSE(gone->has_value());
  auto refunds = tx->ListCases("cus_a", "refund");
  ASSERT_TRUE(refunds.has_value());
  EXPECT_EQ(CaseIds(*refunds), std::vector<std::string>{"rfd_a1"});
  auto other = tx->ListCases("cus_b", "ticket");
  ASSERT_TRUE(other.has_value());
  EXPECT_EQ(CaseIds(*other), std::vector<std::string>{"tkt_b1"});
  auto in_read = tx->DeleteCases("cus_b", "ticket", kNoLimit);
  ASSERT_FALSE(in_read.has_value());
  EXPECT_EQ(in_read.error().code(), StatusCode::kFailedPrecondition);
}

TEST_P(CaseConformanceTest, ReassignMovesTheCaseAndReplacesItsDocument) {
  const CaseRow original = MakeRefund("rfd_1", "cus_a", 100, 2'000, std::nullopt);
  InsertCases({original, MakeRefund("rfd_2", "cus_a", 110, std::nullopt, 900)});

  CaseRow held = original;
  held.customer_id = "hld_1";
  held.status = "completed";
  held.updated_at_us = 700;
  held.processing_due_at_us = std::nullopt;
  held.retention_class = 4;
  held.document = TextBytes("refund-ciphertext-under-hold");
  CaseRow attempt = held;
  attempt.kind = "ticket";     // never changes
  attempt.opened_at_us = 999;  // never changes
  {
    auto tx = Begin(true);
    ASSERT_NE(tx, nullptr);
    Status reassigned = tx->ReassignCase(attempt);
    ASSERT_TRUE(reassigned.ok()) << reassigned.ToString();
    Status missing = tx->ReassignCase(MakeTicket("tkt_missing", "hld_1", 1));
    EXPECT_EQ(missing.code(), StatusCode::kNotFound);
    EXPECT_EQ(missing.message().find("tkt_missing"), std::string::npos);
    ASSERT_TRUE(tx->Commit().ok());
  }
  Reopen();
  auto tx = Begin(false);
  ASSERT_NE(tx, nullptr);
  auto got = tx->GetCase("rfd_1");
  ASSERT_TRUE(got.has_value() && got->has_value());
  ExpectSameCase(**got, held);
  auto under_hold = tx->ListCases("hld_1", "refund");
  ASSERT_TRUE(under_hold.has_value());
  EXPECT_EQ(CaseIds(*under_hold), std::vector<std::string>{"rfd_1"});
  auto left = tx->ListCases("cus_a", "refund");
  ASSERT_TRUE(left.has_value());
  EXPECT_EQ(CaseIds(*left), std::vector<std::string>{"rfd_2"});
  auto absent = tx->GetCase("tkt_missing");
  ASSERT_TRUE(absent.has_value());
  EXPECT_FALSE(absent->has_value()) << "a reassignment never inserts";
  EXPECT_EQ(tx->ReassignCase(held).code(), StatusCode::kFailedPrecondition);
}

TEST_P(CaseConformanceTest, UpdateOrReassignFromAStaleReadIsAConflict) {
  InsertCases({MakeRefund("rfd_1", "cus_a", 100, std::nullopt, 900)});
  CaseRow read;
  {
    auto tx = Begin(false);
    auto got = tx->GetCase("rfd_1");
    ASSERT_TRUE(got.has_value() && got->has_value());
    read = **got;
  }
  CaseRow approved = read;
  approved.status = "approved";
  {
    auto tx = Begin(true);
    ASSERT_TRUE(tx->UpdateCase(approved).ok());
    ASSERT_TRUE(tx->Commit().ok());
  }
  // Two more writers that read before the approval.
  CaseRow rejected = read;
  rejected.status = "rejected";
  CaseRow held = read;
  held.customer_id = "hld_1";
  {
    auto tx = Begin(true);
    const Status update = tx->UpdateCase(rejected);
    EXPECT_EQ(update.code(), StatusCode::kConflict) << update.ToString();
    const Status reassign = tx->ReassignCase(held);
    EXPECT_EQ(reassign.code(), StatusCode::kConflict) << reassign.ToString();
  }
  auto tx = Begin(false);
  auto got = tx->GetCase("rfd_1");
  ASSERT_TRUE(got.has_value() && got->has_value());
  EXPECT_EQ((*got)->status, "approved");
  EXPECT_EQ((*got)->customer_id, "cus_a");
  EXPECT_NE((*got)->version, read.version);
}

INSTANTIATE_TEST_SUITE_P(Backends, CaseConformanceTest,
                         ::testing::ValuesIn(testing::StoreBackends()),
                         testing::StoreBackendName);

}  // namespace
}  // namespace cvault::store
