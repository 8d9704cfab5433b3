#include "store/sqlcipher/meta_tables.h"

#include "store/sqlcipher/migrations.h"

namespace cvault::store::sqlcipher {

StatusOr<std::optional<std::string>> GetMeta(Connection& connection, std::string_view key) {
  CVAULT_ASSIGN_OR_RETURN(auto query,
                          connection.Prepare("SELECT value FROM meta WHERE key = ?1"));
  query->BindText(1, key);
  CVAULT_ASSIGN_OR_RETURN(const bool has_row, query->Step("read a setting"));
  if (!has_row) return std::optional<std::string>();
  return std::optional<std::string>(query->ColumnText(0));
}

Status SetMeta(Connection& connection, std::string_view key, std::string_view value) {
  if (key == kStoreKindMetaKey) {
    return Status::InvalidArgument(std::string(key) + " is reserved for the store itself");
  }
  // INSERT OR REPLACE, not UPSERT: SQLite 3.15 has no ON CONFLICT DO UPDATE.
  CVAULT_ASSIGN_OR_RETURN(
      auto upsert, connection.Prepare("INSERT OR REPLACE INTO meta(key, value) VALUES(?1, ?2)"));
  upsert->BindText(1, key);
  upsert->BindText(2, value);
  return upsert->Run("write a setting");
}

}  // namespace cvault::store::sqlcipher
