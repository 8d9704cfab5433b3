#include "store/sqlcipher/consent_tables.h"

#include <algorithm>
#include <array>
#include <string>
#include <utility>

#include "store/sqlcipher/statement.h"

namespace cvault::store::sqlcipher {
namespace {

// Must match the CHECK on consent_events.event_type in migration 2; checked
// here first so a bad type is InvalidArgument rather than a constraint error.
constexpr std::array<std::string_view, 4> kConsentEventTypes = {"given", "withdrawn",
                                                                "renewed", "expired"};

// Columns shared by the consent event reads, in ReadConsentEvent's order; the
// receipt, when read, comes right after them.
#define CVAULT_CONSENT_EVENT_COLUMNS                                  \
  "event_id, consent_id, customer_id, purpose, event_type, time_us, " \
  "expires_at_us, previous_event_id"
constexpr int kReceiptColumn = 8;

ConsentEventRow ReadConsentEvent(const Statement& s, bool with_receipt) {
  ConsentEventRow row;
  row.event_id = s.ColumnText(0);
  row.consent_id = s.ColumnText(1);
  row.customer_id = s.ColumnText(2);
  row.purpose = s.ColumnText(3);
  row.event_type = s.ColumnText(4);
  row.time_us = s.ColumnInt64(5);
  if (!s.ColumnIsNull(6)) row.expires_at_us = s.ColumnInt64(6);
  row.previous_event_id = s.ColumnText(7);
  if (with_receipt) row.receipt = s.ColumnBlob(kReceiptColumn);
  return row;
}

StatusOr<std::vector<ConsentEventRow>> CollectConsentEvents(Statement& query,
                                                            bool with_receipt,
                                                            std::string_view action) {
  std::vector<ConsentEventRow> rows;
  while (true) {
    CVAULT_ASSIGN_OR_RETURN(const bool has_row, query.Step(action));
    if (!has_row) return rows;
    rows.push_back(ReadConsentEvent(query, with_receipt));
  }
}

}  // namespace

Status AppendConsentEvent(Connection& connection, const ConsentEventRow& row) {
  if (std::find(kConsentEventTypes.begin(), kConsentEventTypes.end(), row.event_type) ==
      kConsentEventTypes.end()) {
    return Status::InvalidArgument(
        "consent event type must be one of given, withdrawn, renewed, "
        "expired");
  }
  {
    // Checked first: the schema's no-replace trigger refuses a taken id
    // before the UNIQUE constraint would, with a less specific error.
    CVAULT_ASSIGN_OR_RETURN(
        auto taken,
        connection.Prepare("SELECT 1 FROM consent_events WHERE event_id = ?1"));
    taken->BindText(1, row.event_id);
    CVAULT_ASSIGN_OR_RETURN(const bool exists, taken->Step("append a consent event"));
    if (exists) {
      return Status::AlreadyExists("a consent event with this id already exists");
    }
  }
  CVAULT_ASSIGN_OR_RETURN(
      auto insert,
      connection.Prepare("INSERT INTO consent_events(" CVAULT_CONSENT_EVENT_COLUMNS
                         ", receipt) VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)"));
  insert->BindText(1, row.event_id);
  insert->BindText(2, row.consent_id);
  insert->BindText(3, row.customer_id);
  insert->BindText(4, row.purpose);
  insert->BindText(5, row.event_type);
  insert->BindInt64(6, row.time_us);
  if (row.expires_at_us.has_value()) {
    insert->BindInt64(7, *row.expires_at_us);
  } else {
    insert->BindNull(7);
  }
  insert->BindText(8, row.previous_event_id);
  insert->BindBlob(9, row.receipt);
  Status appended = insert->Run("append a consent event");
  if (appended.code() == StatusCode::kAlreadyExists) {
    // The id was free (checked above): the chain already has an event after
    // row.previous_event_id (consent_events_one_successor).
    return Status::Conflict(
        "another event was added to this consent chain since it was read; nothing was "
        "written: read the chain again and retry");
  }
  return appended;
}

StatusOr<std::vector<ConsentEventRow>> ListConsentEvents(Connection& connection,
                                                         std::string_view customer_id) {
  CVAULT_ASSIGN_OR_RETURN(
      auto query,
      connection.Prepare("SELECT " CVAULT_CONSENT_EVENT_COLUMNS
                         ", receipt FROM consent_events WHERE customer_id = ?1 "
                         "ORDER BY time_us, seq"));
  query->BindText(1, customer_id);
  return CollectConsentEvents(*query, /*with_receipt=*/true,
                              "list a customer's consent events");
}

StatusOr<std::vector<ConsentEventRow>> ListConsentEventsFor(Connection& connection,
                                                            std::string_view customer_id,
                                                            std::string_view purpose,
                                                            std::int64_t as_of_us) {
  CVAULT_ASSIGN_OR_RETURN(
      auto query,
      connection.Prepare("SELECT " CVAULT_CONSENT_EVENT_COLUMNS
                         ", receipt FROM consent_events WHERE customer_id = ?1 "
                         "AND purpose = ?2 AND time_us <= ?3 "
                         "ORDER BY time_us, seq"));
  query->BindText(1, customer_id);
  query->BindText(2, purpose);
  query->BindInt64(3, as_of_us);
  return CollectConsentEvents(*query, /*with_receipt=*/true,
                              "list a customer's consent events for a purpose");
}

StatusOr<std::vector<ConsentEventRow>> LatestConsentEvents(Connection& connection,
                                                           std::string_view purpose,
                                                           std::int64_t as_of_us) {
  // SQLite 3.15 has no window functions: the correlated subquery picks each
  // customer's latest event (time, then insertion order) by a reverse walk of
  // consent_events_by_customer; the receipt is never read.
  CVAULT_ASSIGN_OR_RETURN(
      auto query,
      connection.Prepare(
          "SELECT " CVAULT_CONSENT_EVENT_COLUMNS
          " FROM consent_events e WHERE e.purpose = ?1 AND e.time_us <= ?2 "
          "AND e.seq = (SELECT e2.seq FROM consent_events e2 "
          "WHERE e2.customer_id = e.customer_id AND e2.purpose = e.purpose "
          "AND e2.time_us <= ?2 ORDER BY e2.time_us DESC, e2.seq DESC LIMIT 1) "
          "AND e.customer_id NOT IN (SELECT customer_id FROM erasures_pending) "
          "ORDER BY e.customer_id"));
  query->BindText(1, purpose);
  query->BindInt64(2, as_of_us);
  return CollectConsentEvents(*query, /*with_receipt=*/false,
                              "read the latest consent events for a purpose");
}

StatusOr<std::size_t> DeleteConsentEvents(Connection& connection,
                                          std::string_view customer_id,
                                          std::size_t limit) {
  {
    // OR IGNORE: a grant left behind (it cannot be, short of SQL that
    // bypasses the store) must not block an erasure; it is removed below.
    CVAULT_ASSIGN_OR_RETURN(
        auto allow, connection.Prepare("INSERT OR IGNORE INTO "
                                       "consent_erasures(customer_id) VALUES(?1)"));
    allow->BindText(1, customer_id);
    CVAULT_RETURN_IF_ERROR(allow->Run("allow the erasure of consent events"));
  }
  const auto delete_events = [&]() -> StatusOr<std::size_t> {
    CVAULT_ASSIGN_OR_RETURN(
        auto erase,
        connection.Prepare("DELETE FROM consent_events WHERE seq IN ("
                           "SELECT seq FROM consent_events WHERE customer_id = ?1 "
                           "ORDER BY seq LIMIT ?2)"));
    erase->BindText(1, customer_id);
    erase->BindLimit(2, limit);
    CVAULT_RETURN_IF_ERROR(erase->Run("delete a customer's consent events"));
    return static_cast<std::size_t>(connection.changes());
  };
  StatusOr<std::size_t> deleted = delete_events();
  // Restored whether or not the delete worked, so a caller that commits
  // after an error still leaves the guard whole.
  CVAULT_ASSIGN_OR_RETURN(
      auto restore,
      connection.Prepare("DELETE FROM consent_erasures WHERE customer_id = ?1"));
  restore->BindText(1, customer_id);
  CVAULT_RETURN_IF_ERROR(restore->Run("restore the consent event guard"));
  return deleted;
}

StatusOr<std::size_t> CountConsentEvents(Connection& connection,
                                         std::string_view customer_id) {
  CVAULT_ASSIGN_OR_RETURN(
      auto query,
      connection.Prepare("SELECT count(*) FROM consent_events WHERE customer_id = ?1"));
  query->BindText(1, customer_id);
  CVAULT_ASSIGN_OR_RETURN(const bool has_row, query->Step("count a customer's consent events"));
  return has_row ? static_cast<std::size_t>(query->ColumnInt64(0)) : std::size_t{0};
}

StatusOr<std::vector<ConsentEventRow>> ListLapsedConsents(Connection& connection,
                                                          std::int64_t at_us) {
  // As LatestConsentEvents, over every (customer, purpose) chain: the
  // correlated subquery finds the chain's last event (time, then insertion
  // order) by a reverse walk of consent_events_by_customer, and the outer
  // filters keep it only if it still grants consent that has run out.
  CVAULT_ASSIGN_OR_RETURN(
      auto query, connection.Prepare(
                      "SELECT " CVAULT_CONSENT_EVENT_COLUMNS
                      " FROM consent_events e WHERE e.event_type IN ('given', 'renewed') "
                      "AND e.expires_at_us IS NOT NULL AND e.expires_at_us <= ?1 "
                      "AND e.seq = (SELECT e2.seq FROM consent_events e2 "
                      "WHERE e2.customer_id = e.customer_id AND e2.purpose = e.purpose "
                      "ORDER BY e2.time_us DESC, e2.seq DESC LIMIT 1) "
                      "AND e.customer_id NOT IN (SELECT customer_id FROM erasures_pending) "
                      "ORDER BY e.customer_id, e.purpose"));
  query->BindInt64(1, at_us);
  return CollectConsentEvents(*query, /*with_receipt=*/false, "list lapsed consents");
}

Status InsertNotice(Connection& connection, const NoticeRow& row) {
  CVAULT_ASSIGN_OR_RETURN(
      auto insert,
      connection.Prepare("INSERT INTO notices(notice_id, version, text_sha256, "
                         "text, registered_at_us) VALUES(?1, ?2, ?3, ?4, ?5)"));
  insert->BindText(1, row.notice_id);
  insert->BindText(2, row.version);
  insert->BindBlob(3, row.text_sha256);
  insert->BindText(4, row.text);
  insert->BindInt64(5, row.registered_at_us);
  Status inserted = insert->Run("register a notice");
  if (inserted.code() == StatusCode::kAlreadyExists) {
    return Status::AlreadyExists(
        "this version of the notice is already registered; register changed "
        "text under a new version");
  }
  return inserted;
}

StatusOr<std::optional<NoticeRow>> GetNotice(Connection& connection,
                                             std::string_view notice_id,
                                             std::string_view version) {
  CVAULT_ASSIGN_OR_RETURN(
      auto query, connection.Prepare("SELECT notice_id, version, text_sha256, text, "
                                     "registered_at_us FROM notices "
                                     "WHERE notice_id = ?1 AND version = ?2"));
  query->BindText(1, notice_id);
  query->BindText(2, version);
  CVAULT_ASSIGN_OR_RETURN(const bool has_row, query->Step("read a notice"));
  if (!has_row) return std::optional<NoticeRow>();
  NoticeRow row;
  row.notice_id = query->ColumnText(0);
  row.version = query->ColumnText(1);
  row.text_sha256 = query->ColumnBlob(2);
  row.text = query->ColumnText(3);
  row.registered_at_us = query->ColumnInt64(4);
  return std::optional<NoticeRow>(std::move(row));
}

#undef CVAULT_CONSENT_EVENT_COLUMNS

}  // namespace cvault::store::sqlcipher
