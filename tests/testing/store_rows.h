// Rows for the vault store tests of every backend: builders that fill a row's
// columns from its id, the ids that listings are compared by, and fixture
// helpers that write, list and delete rows in transactions of their own.
#ifndef CVAULT_TESTS_TESTING_STORE_ROWS_H_
#define CVAULT_TESTS_TESTING_STORE_ROWS_H_

#include <gtest/gtest.h>

#include <cstddef>
#include <cstdint>
#include <limits>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "cvault/status.h"
#include "store/store.h"

namespace cvault::testing {

// The row limit that means every row.
inline constexpr std::size_t kNoLimit = std::numeric_limits<std::size_t>::max();

// The bytes of `text`, standing in for ciphertext and blind indexes.
inline store::Bytes TextBytes(std::string_view text) {
  return store::Bytes(text.begin(), text.end());
}

// A case opened and last updated at `opened_at_us`: an "open" ticket of
// retention class 1, or a "requested" refund of class 2; its document is
// "<kind>-ciphertext-<case_id>".
inline store::CaseRow MakeCase(const std::string& case_id, const std::string& kind,
                               const std::string& customer_id,
                               std::int64_t opened_at_us) {
  store::CaseRow row;
  row.case_id = case_id;
  row.kind = kind;
  row.customer_id = customer_id;
  row.status = kind == "refund" ? "requested" : "open";
  row.opened_at_us = opened_at_us;
  row.updated_at_us = opened_at_us;
  row.retention_class = kind == "refund" ? 2 : 1;
  row.document = TextBytes(kind + "-ciphertext-" + case_id);
  return row;
}

// MakeCase for a ticket.
inline store::CaseRow MakeTicket(const std::string& case_id,
                                 const std::string& customer_id,
                                 std::int64_t opened_at_us) {
  return MakeCase(case_id, "ticket", customer_id, opened_at_us);
}

// MakeCase for a refund, with its due times.
inline store::CaseRow MakeRefund(const std::string& case_id,
                                 const std::string& customer_id,
                                 std::int64_t opened_at_us,
                                 std::optional<std::int64_t> processing_due_at_us,
                                 std::optional<std::int64_t> update_due_at_us) {
  store::CaseRow row = MakeCase(case_id, "refund", customer_id, opened_at_us);
  row.processing_due_at_us = processing_due_at_us;
  row.update_due_at_us = update_due_at_us;
  return row;
}

// The first event of the consent "con_<customer_id>_<purpose>", with the
// receipt "receipt-ciphertext-<event_id>".
inline store::ConsentEventRow MakeConsentEvent(
    const std::string& event_id, const std::string& customer_id,
    const std::string& purpose, const std::string& event_type, std::int64_t time_us,
    std::optional<std::int64_t> expires_at_us = std::nullopt) {
  store::ConsentEventRow row;
  row.event_id = event_id;
  row.consent_id = "con_" + customer_id + "_" + purpose;
  row.customer_id = customer_id;
  row.purpose = purpose;
  row.event_type = event_type;
  row.time_us = time_us;
  row.expires_at_us = expires_at_us;
  row.receipt = TextBytes("receipt-ciphertext-" + event_id);
  return row;
}

// A German tax-law hold created at 1'000 by the erasure "era_<hold_id>".
inline store::HoldRow MakeHold(const std::string& hold_id, std::int64_t until_us) {
  store::HoldRow row;
  row.hold_id = hold_id;
  row.erasure_id = "era_" + hold_id;
  row.jurisdiction = "DE";
  row.legal_reason = "refund records kept for tax law";
  row.created_at_us = 1'000;
  row.until_us = until_us;
  return row;
}

// The erasure "era_<customer_id>", its refunds under the hold "hld_<customer_id>".
inline store::PendingErasureRow MakePendingErasure(const std::string& customer_id,
                                                   std::int64_t erased_at_us) {
  store::PendingErasureRow row;
  row.customer_id = customer_id;
  row.erasure_id = "era_" + customer_id;
  row.hold_id = "hld_" + customer_id;
  row.erased_at_us = erased_at_us;
  return row;
}

// Audit entry `sequence` of a refund service's partial read about `subject`,
// chained by stand-in hashes: previous_hash is 32 bytes of sequence - 1,
// entry_hash 32 bytes of sequence.
inline store::AuditRow MakeAudit(std::uint64_t sequence,
                                 std::string subject = "abcdef0123") {
  store::AuditRow row;
  row.sequence = sequence;
  row.time_us = 1'000 + static_cast<std::int64_t>(sequence);
  row.principal_id = "svc-refunds";
  row.role = "refund-service";
  row.action = "customer.read";
  row.purpose = "refund_processing";
  row.subject = std::move(subject);
  // Indexed under each name of a comma-joined list, as the audit writer does.
  for (std::size_t start = 0; start < row.subject.size();) {
    std::size_t comma = row.subject.find(',', start);
    if (comma == std::string::npos) comma = row.subject.size();
    if (comma > start) row.subjects.push_back(row.subject.substr(start, comma - start));
    start = comma + 1;
  }
  row.fields_requested = "full_name,email";
  row.fields_returned = "full_name";
  row.decision = "partial";
  row.reason_code = "ok";
  row.request_id = "req-" + std::to_string(sequence);
  row.previous_hash = store::Bytes(32, static_cast<std::uint8_t>(sequence - 1));
  row.entry_hash = store::Bytes(32, static_cast<std::uint8_t>(sequence));
  return row;
}

// An unrestricted customer with every field, the email index
// "email-index-<email>" and the phone index every such customer shares.
inline store::CustomerRow MakeCustomer(const std::string& id, const std::string& email) {
  store::CustomerRow row;
  row.id = id;
  row.created_at_us = 1'700'000'000'000'000;
  row.updated_at_us = 1'700'000'000'000'001;
  row.restricted = false;
  for (std::size_t i = 0; i < store::kCustomerFieldCount; ++i) {
    row.fields[i] = TextBytes("ciphertext-" + std::to_string(i) + "-" + id);
  }
  row.email_index = TextBytes("email-index-" + email);
  row.phone_index = TextBytes("phone-index-shared");
  return row;
}

// The `id` column of each row, in order.
template <class Row>
std::vector<std::string> IdsOf(const std::vector<Row>& rows, std::string Row::*id) {
  std::vector<std::string> ids;
  for (const Row& row : rows) ids.push_back(row.*id);
  return ids;
}

// The case_id of each row.
inline std::vector<std::string> CaseIds(const std::vector<store::CaseRow>& rows) {
  return IdsOf(rows, &store::CaseRow::case_id);
}

// The event_id of each row.
inline std::vector<std::string> EventIds(
    const std::vector<store::ConsentEventRow>& rows) {
  return IdsOf(rows, &store::ConsentEventRow::event_id);
}

// Every column of an audit row but its sequence.
inline void ExpectSameAuditFields(const store::AuditRow& got,
                                  const store::AuditRow& expected) {
  EXPECT_EQ(got.time_us, expected.time_us);
  EXPECT_EQ(got.principal_id, expected.principal_id);
  EXPECT_EQ(got.role, expected.role);
  EXPECT_EQ(got.action, expected.action);
  EXPECT_EQ(got.purpose, expected.purpose);
  EXPECT_EQ(got.subject, expected.subject);
  EXPECT_EQ(got.fields_requested, expected.fields_requested);
  EXPECT_EQ(got.fields_returned, expected.fields_returned);
  EXPECT_EQ(got.decision, expected.decision);
  EXPECT_EQ(got.reason_code, expected.reason_code);
  EXPECT_EQ(got.request_id, expected.request_id);
  EXPECT_EQ(got.previous_hash, expected.previous_hash);
  EXPECT_EQ(got.entry_hash, expected.entry_hash);
}

// Every column of a consent event.
inline void ExpectSameEvent(const store::ConsentEventRow& got,
                            const store::ConsentEventRow& expected) {
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

// The helpers below on top of `VaultFixture`, a fixture whose
// Begin(write) gives a store::VaultTransaction (null, with a test failure,
// when it does not begin). Each helper runs in a transaction of its own.
template <class VaultFixture>
class VaultRowsFixture : public VaultFixture {
 protected:
  // Each writes `rows` in one transaction and commits; a refused row fails
  // the test with its id.
  void InsertCases(const std::vector<store::CaseRow>& rows) {
    WriteAll(rows, &store::VaultTransaction::InsertCase, &store::CaseRow::case_id);
  }
  void AppendConsentEvents(const std::vector<store::ConsentEventRow>& rows) {
    WriteAll(rows, &store::VaultTransaction::AppendConsentEvent,
             &store::ConsentEventRow::event_id);
  }
  void InsertHolds(const std::vector<store::HoldRow>& rows) {
    WriteAll(rows, &store::VaultTransaction::InsertHold, &store::HoldRow::hold_id);
  }
  void InsertPendingErasures(const std::vector<store::PendingErasureRow>& rows) {
    WriteAll(rows, &store::VaultTransaction::InsertPendingErasure,
             &store::PendingErasureRow::customer_id);
  }

  // The `id` of each row `list(transaction)` returns in a read transaction;
  // empty, with a test failure, if the listing fails.
  template <class List, class Row>
  std::vector<std::string> ListIds(List list, std::string Row::*id) {
    auto tx = this->Begin(false);
    if (tx == nullptr) return {};
    auto rows = list(*tx);
    EXPECT_TRUE(rows.has_value()) << rows.error().ToString();
    return rows.has_value() ? IdsOf(*rows, id) : std::vector<std::string>{};
  }

  // How many rows `erase(transaction)` deleted in a committed write
  // transaction, or kNoLimit (with a test failure) if it failed.
  template <class Erase>
  std::size_t CommitDelete(Erase erase) {
    auto tx = this->Begin(true);
    if (tx == nullptr) return kNoLimit;
    auto deleted = erase(*tx);
    EXPECT_TRUE(deleted.has_value()) << deleted.error().ToString();
    EXPECT_TRUE(tx->Commit().ok());
    return deleted.has_value() ? *deleted : kNoLimit;
  }

  // The listings tests compare, each read in a transaction of its own.
  std::vector<std::string> DueRefundIds(std::int64_t at_us) {
    return ListIds([&](store::VaultTransaction& tx) { return tx.ListDueRefunds(at_us); },
                   &store::CaseRow::case_id);
  }
  std::vector<std::string> DueHoldIds(std::int64_t at_us) {
    return ListIds([&](store::VaultTransaction& tx) { return tx.ListHoldsDueBy(at_us); },
                   &store::HoldRow::hold_id);
  }
  std::vector<std::string> PendingIds(std::size_t limit) {
    return ListIds(
        [&](store::VaultTransaction& tx) { return tx.ListPendingErasures(limit); },
        &store::PendingErasureRow::customer_id);
  }
  // The sequences of ReadAuditForSubject(subject, from, limit).
  std::vector<std::uint64_t> ForSubject(std::string_view subject, std::uint64_t from = 1,
                                        std::size_t limit = 100) {
    auto tx = this->Begin(false);
    if (tx == nullptr) return {};
    auto rows = tx->ReadAuditForSubject(subject, from, limit);
    EXPECT_TRUE(rows.has_value()) << rows.error().ToString();
    std::vector<std::uint64_t> sequences;
    if (rows.has_value()) {
      for (const store::AuditRow& row : *rows) sequences.push_back(row.sequence);
    }
    return sequences;
  }

  // One committed DeleteConsentEvents call; as CommitDelete.
  std::size_t CommitDeleteConsentEvents(std::string_view customer_id, std::size_t limit) {
    return CommitDelete([&](store::VaultTransaction& tx) {
      return tx.DeleteConsentEvents(customer_id, limit);
    });
  }

 private:
  template <class Row>
  void WriteAll(const std::vector<Row>& rows,
                Status (store::VaultTransaction::*write)(const Row&),
                std::string Row::*id) {
    auto tx = this->Begin(true);
    ASSERT_NE(tx, nullptr);
    for (const Row& row : rows) {
      Status written = ((*tx).*write)(row);
      ASSERT_TRUE(written.ok()) << row.*id << ": " << written.ToString();
    }
    ASSERT_TRUE(tx->Commit().ok());
  }
};

}  // namespace cvault::testing

#endif  // CVAULT_TESTS_TESTING_STORE_ROWS_H_
