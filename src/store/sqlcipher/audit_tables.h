// The audit tables of the vault database: the hash-chained audit_log
// (migration 1, indexed by subject in migration 4) and the signed
// audit_checkpoints. Free functions over a Connection, called by the vault
// transaction once it has checked that the transaction is usable; each runs
// cached statements.
//
// Contracts are those of the same-named VaultTransaction methods in
// store/store.h. REQUIRES: a transaction is open on `connection` (a write one
// for AppendAudit and InsertCheckpoint). Not thread-safe, like the
// Connection.
#ifndef CVAULT_STORE_SQLCIPHER_AUDIT_TABLES_H_
#define CVAULT_STORE_SQLCIPHER_AUDIT_TABLES_H_

#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

#include "cvault/status.h"
#include "store/sqlcipher/connection.h"
#include "store/store.h"

namespace cvault::store::sqlcipher {

[[nodiscard]] Status AppendAudit(Connection& connection, const AuditRow& row);
[[nodiscard]] StatusOr<std::optional<AuditRow>> LastAudit(Connection& connection);
[[nodiscard]] StatusOr<std::vector<AuditRow>> ReadAudit(Connection& connection,
                                                        std::uint64_t from,
                                                        std::size_t limit);
[[nodiscard]] Status ReadAuditInto(Connection& connection, std::uint64_t from,
                                   std::size_t limit, std::vector<AuditRow>& rows);
[[nodiscard]] StatusOr<std::vector<AuditRow>> ReadAuditForSubject(
    Connection& connection, std::string_view subject, std::uint64_t from,
    std::size_t limit);

[[nodiscard]] Status InsertCheckpoint(Connection& connection, const CheckpointRow& row);
[[nodiscard]] StatusOr<std::optional<CheckpointRow>> LastCheckpoint(Connection& connection);
[[nodiscard]] StatusOr<std::vector<CheckpointRow>> ListCheckpoints(
    Connection& connection);

}  // namespace cvault::store::sqlcipher

#endif  // CVAULT_STORE_SQLCIPHER_AUDIT_TABLES_H_
