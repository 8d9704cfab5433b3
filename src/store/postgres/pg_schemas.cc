#include "store/postgres/pg_schemas.h"

#include <fmt/format.h>

#include <array>
#include <string>

#include "store/postgres/postgres_store.h"

namespace cvault::store::postgres {
namespace {

constexpr char kStoreKindKey[] = "cvault.store_kind";
constexpr char kSchemaVersionKey[] = "cvault.schema_version";

// Identifiers sort byte by byte (COLLATE "C") whatever the database's
// locale, so listings by id page the same on every server.
//
// consent_events is append-only: the trigger refuses UPDATE, TRUNCATE, and
// any DELETE but one for a customer listed in consent_erasures, which the
// store's DeleteConsentEvents lists and unlists within its own transaction
// (erasure). seq (an identity) is the insertion order; with writers taking
// the schema's write lock one at a time it is also the commit order.
constexpr std::array<PgMigration, 3> kVaultMigrations = {{
    {1,
     R"sql(
CREATE TABLE customers(
  id text COLLATE "C" PRIMARY KEY,
  version bigint NOT NULL DEFAULT 0,
  created_at bigint NOT NULL,
  updated_at bigint NOT NULL,
  restricted boolean NOT NULL DEFAULT false,
  full_name bytea, email bytea, phone bytea, postal_address bytea,
  country bytea, language bytea, external_ref bytea,
  email_index bytea UNIQUE,
  phone_index bytea,
  email_index_next bytea UNIQUE,
  phone_index_next bytea);
CREATE INDEX customers_by_phone_index ON customers(phone_index);
CREATE INDEX customers_by_phone_index_next ON customers(phone_index_next);
CREATE INDEX customers_by_created_at ON customers(created_at);

CREATE TABLE audit_log(
  sequence bigint PRIMARY KEY,
  time_us bigint NOT NULL,
  principal_id text NOT NULL, role text NOT NULL, action text NOT NULL,
  purpose text NOT NULL, subject text NOT NULL,
  fields_requested text NOT NULL, fields_returned text NOT NULL,
  decision text NOT NULL, reason_code text NOT NULL, request_id text NOT NULL,
  previous_hash bytea NOT NULL, entry_hash bytea NOT NULL);
CREATE TABLE audit_subjects(
  subject text COLLATE "C" NOT NULL,
  sequence bigint NOT NULL,
  PRIMARY KEY(subject, sequence));
CREATE TABLE audit_checkpoints(
  sequence bigint PRIMARY KEY,
  time_us bigint NOT NULL,
  head_hash bytea NOT NULL, signature bytea NOT NULL, public_key bytea NOT NULL);

CREATE TABLE consent_events(
  seq bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  event_id text COLLATE "C" NOT NULL UNIQUE,
  consent_id text COLLATE "C" NOT NULL,
  customer_id text COLLATE "C" NOT NULL,
  purpose text COLLATE "C" NOT NULL,
  event_type text NOT NULL
    CHECK (event_type IN ('given', 'withdrawn', 'renewed', 'expired')),
  time_us bigint NOT NULL,
  expires_at_us bigint,
  previous_event_id text COLLATE "C" NOT NULL DEFAULT '',
  receipt bytea NOT NULL);
CREATE INDEX consent_events_by_customer
  ON consent_events(customer_id, purpose, time_us, seq);
CREATE INDEX consent_events_by_purpose ON consent_events(purpose, time_us);
CREATE UNIQUE INDEX consent_events_one_successor
  ON consent_events(consent_id, previous_event_id) WHERE previous_event_id <> '';
CREATE TABLE consent_erasures(customer_id text COLLATE "C" PRIMARY KEY);
CREATE FUNCTION consent_events_guard() RETURNS trigger
LANGUAGE plpgsql SET search_path FROM CURRENT AS $$
BEGIN
  IF TG_OP = 'DELETE' AND EXISTS (
      SELECT 1 FROM consent_erasures WHERE customer_id = OLD.customer_id) THEN
    RETURN OLD;
  END IF;
  RAISE EXCEPTION 'consent events are append-only';
END
$$;
CREATE TRIGGER consent_events_append_only BEFORE UPDATE OR DELETE ON consent_events
  FOR EACH ROW EXECUTE FUNCTION consent_events_guard();
CREATE TRIGGER consent_events_no_truncate BEFORE TRUNCATE ON consent_events
  FOR EACH STATEMENT EXECUTE FUNCTION consent_events_guard();

CREATE TABLE notices(
  notice_id text COLLATE "C" NOT NULL,
  version text COLLATE "C" NOT NULL,
  text_sha256 bytea NOT NULL,
  text text NOT NULL,
  registered_at_us bigint NOT NULL,
  PRIMARY KEY(notice_id, version));

CREATE TABLE cases(
  seq bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  case_id text COLLATE "C" NOT NULL UNIQUE,
  version bigint NOT NULL DEFAULT 0,
  kind text NOT NULL CHECK (kind IN ('ticket', 'refund')),
  customer_id text COLLATE "C" NOT NULL,
  status text NOT NULL,
  opened_at_us bigint NOT NULL,
  updated_at_us bigint NOT NULL,
  processing_due_at_us bigint,
  update_due_at_us bigint,
  retention_class integer NOT NULL,
  document bytea NOT NULL);
CREATE INDEX cases_by_customer ON cases(customer_id, kind, seq);
CREATE INDEX cases_by_processing_due ON cases(kind, processing_due_at_us);
CREATE INDEX cases_by_update_due ON cases(kind, update_due_at_us);

CREATE TABLE retention_holds(
  hold_id text COLLATE "C" PRIMARY KEY,
  erasure_id text NOT NULL,
  jurisdiction text NOT NULL,
  legal_reason text NOT NULL,
  created_at bigint NOT NULL,
  until_us bigint NOT NULL);
CREATE INDEX retention_holds_by_until ON retention_holds(until_us, hold_id);

CREATE TABLE erasures_pending(
  customer_id text COLLATE "C" PRIMARY KEY,
  erasure_id text NOT NULL,
  hold_id text NOT NULL,
  erased_at_us bigint NOT NULL);
CREATE INDEX erasures_pending_by_time ON erasures_pending(erased_at_us, customer_id);
)sql"},
    // Data-subject requests tracked to their deadlines. Codes, times and ids
    // only (no personal value), so a row outlives the customer's erasure.
    {2,
     R"sql(
CREATE TABLE dsr_requests(
  request_id text COLLATE "C" PRIMARY KEY,
  version bigint NOT NULL DEFAULT 0,
  customer_id text COLLATE "C" NOT NULL,
  kind text NOT NULL,
  status text NOT NULL,
  identity text NOT NULL,
  received_at_us bigint NOT NULL,
  due_at_us bigint NOT NULL,
  extension text NOT NULL,
  extended_at_us bigint,
  closed_at_us bigint,
  outcome text NOT NULL,
  outcome_ref text NOT NULL);
CREATE INDEX dsr_requests_open ON dsr_requests(status, due_at_us);
)sql"},
    // Purchase records are cases of kind 'purchase' (matching IsCaseKind in
    // pg_vault_store.cc).
    {3,
     R"sql(
ALTER TABLE cases DROP CONSTRAINT cases_kind_check;
ALTER TABLE cases ADD CONSTRAINT cases_kind_check
  CHECK (kind IN ('ticket', 'refund', 'purchase'));
)sql"},
}};
static_assert(kVaultMigrations.back().version == kPostgresVaultSchemaVersion);

constexpr std::array<PgMigration, 1> kKeyStoreMigrations = {{
    {1,
     R"sql(
CREATE TABLE data_keys(
  customer_id text COLLATE "C" NOT NULL,
  retention_class integer NOT NULL,
  kek_version bigint NOT NULL,
  wrapped bytea NOT NULL,
  created_at bigint NOT NULL,
  PRIMARY KEY(customer_id, retention_class));
)sql"},
}};
static_assert(kKeyStoreMigrations.back().version == kPostgresKeyStoreSchemaVersion);

// The erasure ledger's lines (store/ledger_log.h), append-only like consent
// events: no UPDATE, DELETE or TRUNCATE, even from SQL around the store.
constexpr std::array<PgMigration, 1> kLedgerMigrations = {{
    {1,
     R"sql(
CREATE TABLE erasure_ledger(seq bigint PRIMARY KEY, line text NOT NULL);
CREATE FUNCTION erasure_ledger_guard() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'the erasure ledger is append-only';
END
$$;
CREATE TRIGGER erasure_ledger_append_only BEFORE UPDATE OR DELETE ON erasure_ledger
  FOR EACH ROW EXECUTE FUNCTION erasure_ledger_guard();
CREATE TRIGGER erasure_ledger_no_truncate BEFORE TRUNCATE ON erasure_ledger
  FOR EACH STATEMENT EXECUTE FUNCTION erasure_ledger_guard();
)sql"},
}};
static_assert(kLedgerMigrations.back().version == kPostgresLedgerSchemaVersion);

std::string_view KindName(StoreKind kind) {
  switch (kind) {
    case StoreKind::kVault: return "vault";
    case StoreKind::kKeyStore: return "keystore";
    case StoreKind::kLedger: return "ledger";
  }
  return "store";
}

std::span<const PgMigration> MigrationsOf(StoreKind kind) {
  switch (kind) {
    case StoreKind::kVault: return kVaultMigrations;
    case StoreKind::kKeyStore: return kKeyStoreMigrations;
    case StoreKind::kLedger: return kLedgerMigrations;
  }
  return {};
}

// The migration work itself, with the migration lock held.
Status PrepareLocked(PgConnection& connection, const std::string& schema, StoreKind kind,
                     bool create) {
  const std::string quoted = QuoteIdentifier(schema);
  CVAULT_ASSIGN_OR_RETURN(
      auto found, connection.Run("SELECT to_regclass($1) IS NOT NULL",
                                 PgParams().Text(quoted + ".meta"), "look for the schema"));
  const bool exists = found.Bool(0, 0);
  if (create && exists) {
    return Status::AlreadyExists(
        fmt::format("schema {} already holds a cvault store", schema));
  }
  if (!create && !exists) {
    return Status::NotFound(fmt::format(
        "schema {} holds no cvault {} (create the vault first, or check the "
        "connection string's database)",
        schema, KindName(kind)));
  }
  const auto migrations = MigrationsOf(kind);
  const int newest = migrations.back().version;

  CVAULT_RETURN_IF_ERROR(connection.Execute("BEGIN", "begin the schema migration"));
  if (create) {
    // The meta table and the store kind come first, outside the numbered
    // migrations: every version of the schema has them.
    CVAULT_RETURN_IF_ERROR(connection.Execute(
        fmt::format("CREATE SCHEMA IF NOT EXISTS {0}; "
                    "CREATE TABLE {0}.meta(key text COLLATE \"C\" PRIMARY KEY, "
                    "value text NOT NULL)",
                    quoted),
        "create the schema"));
    CVAULT_RETURN_IF_ERROR(StatusOf(
        connection.Run("INSERT INTO meta(key, value) VALUES ($1, $2)",
                       PgParams().Text(kStoreKindKey).Text(KindName(kind)),
                       "record the store kind")));
  }
  int version = 0;
  CVAULT_ASSIGN_OR_RETURN(
      auto meta, connection.Run("SELECT key, value FROM meta WHERE key = $1 OR key = $2",
                                PgParams().Text(kStoreKindKey).Text(kSchemaVersionKey),
                                "read the schema version"));
  std::string stored_kind;
  for (int row = 0; row < meta.rows(); ++row) {
    if (meta.Text(row, 0) == kStoreKindKey) stored_kind = meta.Text(row, 1);
    if (meta.Text(row, 0) == kSchemaVersionKey) version = std::stoi(meta.Text(row, 1));
  }
  if (stored_kind != KindName(kind)) {
    return Status::FailedPrecondition(fmt::format(
        "schema {} holds a cvault {}, not a {}", schema,
        stored_kind.empty() ? "store of unknown kind" : stored_kind, KindName(kind)));
  }
  if (version > newest) {
    return Status::FailedPrecondition(fmt::format(
        "schema {} is at {} schema version {}, newer than this library knows ({}): "
        "upgrade cvault on this host",
        schema, KindName(kind), version, newest));
  }
  for (const PgMigration& migration : migrations) {
    if (migration.version <= version) continue;
    CVAULT_RETURN_IF_ERROR(connection.Execute(
        migration.sql, fmt::format("apply {} schema migration {}", KindName(kind),
                                   migration.version)));
  }
  if (version < newest) {
    CVAULT_RETURN_IF_ERROR(StatusOf(connection.Run("DELETE FROM meta WHERE key = $1",
                                                   PgParams().Text(kSchemaVersionKey),
                                                   "record the schema version")));
    CVAULT_RETURN_IF_ERROR(StatusOf(
        connection.Run("INSERT INTO meta(key, value) VALUES ($1, $2)",
                       PgParams().Text(kSchemaVersionKey).Text(std::to_string(newest)),
                       "record the schema version")));
  }
  return connection.Commit();
}

}  // namespace

std::span<const PgMigration> VaultMigrations() { return kVaultMigrations; }

StatusOr<std::optional<std::string>> ReadMeta(PgTransaction& tx, std::string_view key) {
  CVAULT_ASSIGN_OR_RETURN(auto r, tx.Read("SELECT value FROM meta WHERE key = $1",
                                          PgParams().Text(key), "read a setting"));
  if (r.rows() == 0) return std::optional<std::string>();
  return std::optional<std::string>(r.Text(0, 0));
}

Status WriteMeta(PgTransaction& tx, std::string_view key, std::string_view value) {
  if (key == kStoreKindKey || key == kSchemaVersionKey) {
    return Status::InvalidArgument(fmt::format("{} is reserved for the store itself", key));
  }
  return StatusOf(tx.Write("INSERT INTO meta(key, value) VALUES ($1, $2) "
                           "ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value",
                           PgParams().Text(key).Text(value), "write a setting"));
}
std::span<const PgMigration> KeyStoreMigrations() { return kKeyStoreMigrations; }
std::span<const PgMigration> LedgerMigrations() { return kLedgerMigrations; }

Status PrepareSchema(PgPool& pool, StoreKind kind, bool create) {
  CVAULT_ASSIGN_OR_RETURN(auto connection, pool.ConnectUnpooled());
  // Session-level, so it spans the checks and the migration transaction;
  // closing the connection releases it whatever happened.
  CVAULT_RETURN_IF_ERROR(connection->Execute(
      fmt::format("SELECT pg_advisory_lock({})", AdvisoryLockKey(pool.schema(), "migrate")),
      "take the schema migration lock"));
  Status prepared = PrepareLocked(*connection, pool.schema(), kind, create);
  if (!prepared.ok()) (void)connection->Execute("ROLLBACK", "roll back the migration");
  return prepared;
}

}  // namespace cvault::store::postgres
