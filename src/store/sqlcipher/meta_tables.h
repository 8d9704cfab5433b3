// The small key/value `meta` table both databases have (schema facts, the
// vault id, generations, leases). Used inside a transaction; not
// thread-safe, like the connection.
#ifndef CVAULT_STORE_SQLCIPHER_META_TABLES_H_
#define CVAULT_STORE_SQLCIPHER_META_TABLES_H_

#include <optional>
#include <string>
#include <string_view>

#include "cvault/status.h"
#include "store/sqlcipher/connection.h"

namespace cvault::store::sqlcipher {

[[nodiscard]] StatusOr<std::optional<std::string>> GetMeta(Connection& connection,
                                                           std::string_view key);
// InvalidArgument for the store's own reserved key (the store kind).
[[nodiscard]] Status SetMeta(Connection& connection, std::string_view key,
                             std::string_view value);

}  // namespace cvault::store::sqlcipher

#endif  // CVAULT_STORE_SQLCIPHER_META_TABLES_H_
