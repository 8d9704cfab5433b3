// The numbered migrations of the two cvault databases. Append a migration to
// change a schema; never edit one that has shipped.
#ifndef CVAULT_STORE_SQLCIPHER_SCHEMAS_H_
#define CVAULT_STORE_SQLCIPHER_SCHEMAS_H_

#include <span>

#include "store/sqlcipher/migrations.h"

namespace cvault::store::sqlcipher {

// customers, audit_log, audit_checkpoints, meta (1); consent_events,
// notices (2); cases (3); audit_log indexes by subject (4); next blind
// indexes, retention_holds, consent_erasures and the guarded consent delete
// (5); erasures_pending (6); audit_subjects and version columns (7);
// dsr_requests (8). Ends at kVaultSchemaVersion.
std::span<const Migration> VaultMigrations();
// data_keys, meta. Ends at kKeyStoreSchemaVersion.
std::span<const Migration> KeyStoreMigrations();

}  // namespace cvault::store::sqlcipher

#endif  // CVAULT_STORE_SQLCIPHER_SCHEMAS_H_
