// The retention_holds table of the vault database (schema migration 5):
// records an erasure had to keep because a legal obligation requires them,
// and until when; and erasures_pending (migration 6): erasures whose rows
// the purge has yet to sweep. Free functions over a Connection, called by the vault
// transaction once it has checked that the transaction is usable; each runs
// cached statements.
//
// Contracts are those of the same-named VaultTransaction methods in
// store/store.h. REQUIRES: a transaction is open on `connection` (a write one
// for InsertHold and DeleteHold). Not thread-safe, like the Connection.
#ifndef CVAULT_STORE_SQLCIPHER_HOLD_TABLES_H_
#define CVAULT_STORE_SQLCIPHER_HOLD_TABLES_H_

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

#include "cvault/status.h"
#include "store/sqlcipher/connection.h"
#include "store/store.h"

namespace cvault::store::sqlcipher {

[[nodiscard]] Status InsertHold(Connection& connection, const HoldRow& row);
[[nodiscard]] StatusOr<std::optional<HoldRow>> GetHold(Connection& connection,
                                                       std::string_view hold_id);
// Ties in until_us keep insertion order.
[[nodiscard]] StatusOr<std::vector<HoldRow>> ListHoldsDueBy(Connection& connection,
                                                            std::int64_t at_us);
[[nodiscard]] StatusOr<std::size_t> DeleteHold(Connection& connection,
                                               std::string_view hold_id);

[[nodiscard]] Status InsertPendingErasure(Connection& connection,
                                          const PendingErasureRow& row);
[[nodiscard]] StatusOr<std::optional<PendingErasureRow>> GetPendingErasure(
    Connection& connection, std::string_view customer_id);
// Oldest erasure first.
[[nodiscard]] StatusOr<std::vector<PendingErasureRow>> ListPendingErasures(
    Connection& connection, std::size_t limit);
[[nodiscard]] StatusOr<std::size_t> DeletePendingErasure(Connection& connection,
                                                         std::string_view customer_id);

}  // namespace cvault::store::sqlcipher

#endif  // CVAULT_STORE_SQLCIPHER_HOLD_TABLES_H_
