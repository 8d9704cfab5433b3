// The consent tables of the vault database (schema migration 2): the
// append-only consent_events log (whose guard erasure lifts per customer,
// migration 5) and the registered privacy notices. Free
// functions over a Connection, called by the vault transaction once it has
// checked that the transaction is usable; each runs cached statements.
//
// Contracts are those of the same-named VaultTransaction methods in
// store/store.h. REQUIRES: a transaction is open on `connection` (a write one
// for AppendConsentEvent, DeleteConsentEvents and InsertNotice). Not
// thread-safe, like the Connection.
#ifndef CVAULT_STORE_SQLCIPHER_CONSENT_TABLES_H_
#define CVAULT_STORE_SQLCIPHER_CONSENT_TABLES_H_

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

#include "cvault/status.h"
#include "store/sqlcipher/connection.h"
#include "store/store.h"

namespace cvault::store::sqlcipher {

// InvalidArgument for an event type the schema does not know.
[[nodiscard]] Status AppendConsentEvent(Connection& connection,
                                        const ConsentEventRow& row);
[[nodiscard]] StatusOr<std::vector<ConsentEventRow>> ListConsentEvents(
    Connection& connection, std::string_view customer_id);
[[nodiscard]] StatusOr<std::vector<ConsentEventRow>> ListConsentEventsFor(
    Connection& connection, std::string_view customer_id, std::string_view purpose,
    std::int64_t as_of_us);
// Rows are ordered by customer id, so reports built from them are stable.
[[nodiscard]] StatusOr<std::vector<ConsentEventRow>> LatestConsentEvents(
    Connection& connection, std::string_view purpose, std::int64_t as_of_us);

// Lifts the append-only guard for `customer_id` alone (migration 5's
// consent_erasures), deletes up to `limit` of the customer's events (oldest
// first) and restores the guard, all inside the caller's transaction.
// Returns how many events went.
[[nodiscard]] StatusOr<std::size_t> DeleteConsentEvents(Connection& connection,
                                                        std::string_view customer_id,
                                                        std::size_t limit);
[[nodiscard]] StatusOr<std::size_t> CountConsentEvents(Connection& connection,
                                                       std::string_view customer_id);
[[nodiscard]] StatusOr<std::vector<ConsentEventRow>> ListLapsedConsents(
    Connection& connection, std::int64_t at_us);

[[nodiscard]] Status InsertNotice(Connection& connection, const NoticeRow& row);
[[nodiscard]] StatusOr<std::optional<NoticeRow>> GetNotice(Connection& connection,
                                                           std::string_view notice_id,
                                                           std::string_view version);

}  // namespace cvault::store::sqlcipher

#endif  // CVAULT_STORE_SQLCIPHER_CONSENT_TABLES_H_
