// The two PostgreSQL stores, opened on a pool of their own schema (the
// factories of postgres_store.h build the pools and call these).
#ifndef CVAULT_STORE_POSTGRES_PG_STORES_H_
#define CVAULT_STORE_POSTGRES_PG_STORES_H_

#include <memory>

#include "cvault/status.h"
#include "store/postgres/pg_pool.h"
#include "store/ledger_log.h"
#include "store/store.h"

namespace cvault::store::postgres {

// Prepares the pool's schema (pg_schemas.h) and opens the store on it.
[[nodiscard]] StatusOr<std::unique_ptr<VaultStore>> OpenVaultStoreIn(
    std::unique_ptr<PgPool> pool, bool create);
[[nodiscard]] StatusOr<std::unique_ptr<KeyStore>> OpenKeyStoreIn(std::unique_ptr<PgPool> pool,
                                                                 bool create);
[[nodiscard]] StatusOr<std::unique_ptr<LedgerLog>> OpenLedgerLogIn(
    std::unique_ptr<PgPool> pool, bool create);

}  // namespace cvault::store::postgres

#endif  // CVAULT_STORE_POSTGRES_PG_STORES_H_
