// The case table of the vault database (schema migration 3): support tickets
// and refund cases, one row each, with the columns queries need in the clear
// and the rest as an encrypted document. Free functions over a Connection,
// called by the vault transaction once it has checked that the transaction is
// usable; each runs cached statements.
//
// Contracts are those of the same-named VaultTransaction methods in
// store/store.h. REQUIRES: a transaction is open on `connection` (a write one
// for the writes). Not thread-safe, like the Connection.
#ifndef CVAULT_STORE_SQLCIPHER_CASE_TABLES_H_
#define CVAULT_STORE_SQLCIPHER_CASE_TABLES_H_

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

#include "cvault/status.h"
#include "store/sqlcipher/connection.h"
#include "store/store.h"

namespace cvault::store::sqlcipher {

// InvalidArgument for a kind the schema does not know.
[[nodiscard]] Status InsertCase(Connection& connection, const CaseRow& row);
// Leaves case_id, kind, customer_id and opened_at_us as inserted; the values
// of `row` in those fields are ignored (case_id selects the row).
[[nodiscard]] Status UpdateCase(Connection& connection, const CaseRow& row);
[[nodiscard]] StatusOr<std::optional<CaseRow>> GetCase(Connection& connection,
                                                       std::string_view case_id);
[[nodiscard]] StatusOr<std::vector<CaseRow>> ListCases(Connection& connection,
                                                       std::string_view customer_id,
                                                       std::string_view kind);
[[nodiscard]] StatusOr<std::vector<CaseRow>> ListDueRefunds(Connection& connection,
                                                            std::int64_t at_us);
// InvalidArgument for a kind the schema does not know, so a misspelt kind
// cannot make an erasure quietly delete nothing.
[[nodiscard]] StatusOr<std::size_t> DeleteCases(Connection& connection,
                                                std::string_view customer_id,
                                                std::string_view kind, std::size_t limit);
[[nodiscard]] StatusOr<std::size_t> CountCases(Connection& connection,
                                               std::string_view customer_id,
                                               std::string_view kind);
// As UpdateCase, but customer_id is replaced too.
[[nodiscard]] Status ReassignCase(Connection& connection, const CaseRow& row);

}  // namespace cvault::store::sqlcipher

#endif  // CVAULT_STORE_SQLCIPHER_CASE_TABLES_H_
