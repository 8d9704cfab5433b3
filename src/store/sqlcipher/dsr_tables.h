// The dsr_requests table of the vault database (schema migration 8):
// data-subject requests and their deadlines. Free functions over a
// Connection, called by the vault transaction once it has checked that the
// transaction is usable; each runs cached statements.
//
// Contracts are those of the same-named VaultTransaction methods in
// store/store.h. REQUIRES: a transaction is open on `connection` (a write one
// for the insert and the update). Not thread-safe, like the Connection.
#ifndef CVAULT_STORE_SQLCIPHER_DSR_TABLES_H_
#define CVAULT_STORE_SQLCIPHER_DSR_TABLES_H_

#include <optional>
#include <string_view>
#include <vector>

#include "cvault/status.h"
#include "store/sqlcipher/connection.h"
#include "store/store.h"

namespace cvault::store::sqlcipher {

[[nodiscard]] Status InsertDsrRequest(Connection& connection, const DsrRequestRow& row);
[[nodiscard]] Status UpdateDsrRequest(Connection& connection, const DsrRequestRow& row);
[[nodiscard]] StatusOr<std::optional<DsrRequestRow>> GetDsrRequest(
    Connection& connection, std::string_view request_id);
[[nodiscard]] StatusOr<std::vector<DsrRequestRow>> ListDsrRequests(
    Connection& connection, bool open_only, std::string_view customer_id);

}  // namespace cvault::store::sqlcipher

#endif  // CVAULT_STORE_SQLCIPHER_DSR_TABLES_H_
