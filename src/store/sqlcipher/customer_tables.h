// The customers table of the vault database (schema migration 1): one row per
// customer, the fields as ciphertext beside the email and phone blind indexes,
// and the next-key indexes a blind-index rotation rebuilds (migration 5). Free
// functions over a Connection, called by the vault transaction once it has
// checked that the transaction is usable; each runs cached statements.
//
// Contracts are those of the same-named VaultTransaction methods in
// store/store.h. REQUIRES: a transaction is open on `connection` (a write one
// for InsertCustomer, UpdateCustomer, DeleteCustomer, SetNextIndexes,
// PromoteNextIndexes and ClearNextIndexes). Not thread-safe, like the
// Connection.
#ifndef CVAULT_STORE_SQLCIPHER_CUSTOMER_TABLES_H_
#define CVAULT_STORE_SQLCIPHER_CUSTOMER_TABLES_H_

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "cvault/status.h"
#include "store/sqlcipher/connection.h"
#include "store/store.h"

namespace cvault::store::sqlcipher {

[[nodiscard]] Status InsertCustomer(Connection& connection, const CustomerRow& row);
[[nodiscard]] Status UpdateCustomer(Connection& connection, const CustomerRow& row);
[[nodiscard]] StatusOr<std::optional<CustomerRow>> GetCustomer(Connection& connection,
                                                               std::string_view id);
[[nodiscard]] StatusOr<std::vector<std::string>> FindByEmailIndex(
    Connection& connection, std::span<const std::uint8_t> index);
[[nodiscard]] StatusOr<std::vector<std::string>> FindByPhoneIndex(
    Connection& connection, std::span<const std::uint8_t> index);
// NotFound if `after` names a customer that is gone.
[[nodiscard]] StatusOr<std::vector<std::string>> ListCustomerIds(
    Connection& connection, std::optional<std::string_view> after, std::size_t limit);
[[nodiscard]] StatusOr<std::uint64_t> CountCustomers(Connection& connection,
                                                     std::int64_t as_of_us);
[[nodiscard]] StatusOr<std::size_t> DeleteCustomer(Connection& connection,
                                                   std::string_view id);

[[nodiscard]] Status SetNextIndexes(Connection& connection, std::string_view id,
                                    const std::optional<Bytes>& email_next,
                                    const std::optional<Bytes>& phone_next);
// NotFound if `after` names a customer that is gone.
[[nodiscard]] StatusOr<std::vector<std::string>> ListCustomersMissingNextIndex(
    Connection& connection, std::optional<std::string_view> after, std::size_t limit);
[[nodiscard]] StatusOr<std::size_t> PromoteNextIndexes(Connection& connection);
[[nodiscard]] Status ClearNextIndexes(Connection& connection);

}  // namespace cvault::store::sqlcipher

#endif  // CVAULT_STORE_SQLCIPHER_CUSTOMER_TABLES_H_
