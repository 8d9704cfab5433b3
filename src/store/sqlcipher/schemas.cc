#include "store/sqlcipher/schemas.h"

#include <array>

#include "store/sqlcipher/sqlcipher_store.h"

namespace cvault::store::sqlcipher {
namespace {

// Each schema's migration 1 records the store kind under kStoreKindMetaKey,
// so a keystore file passed as the vault (or back) is refused at open.
constexpr std::array<Migration, 9> kVaultMigrations = {{
    {1,
     "CREATE TABLE customers("
     "  rowid INTEGER PRIMARY KEY,"
     "  id TEXT NOT NULL UNIQUE,"
     "  created_at INTEGER NOT NULL,"
     "  updated_at INTEGER NOT NULL,"
     "  restricted INTEGER NOT NULL DEFAULT 0,"
     "  full_name BLOB, email BLOB, phone BLOB, postal_address BLOB,"
     "  country BLOB, language BLOB, external_ref BLOB,"
     "  email_index BLOB UNIQUE,"
     "  phone_index BLOB);"
     "CREATE INDEX customers_by_phone_index ON customers(phone_index);"
     "CREATE TABLE audit_log("
     "  sequence INTEGER PRIMARY KEY,"
     "  time_us INTEGER NOT NULL,"
     "  principal_id TEXT NOT NULL, role TEXT NOT NULL, action TEXT NOT NULL,"
     "  purpose TEXT NOT NULL, subject TEXT NOT NULL,"
     "  fields_requested TEXT NOT NULL, fields_returned TEXT NOT NULL,"
     "  decision TEXT NOT NULL, reason_code TEXT NOT NULL,"
     "  request_id TEXT NOT NULL,"
     "  previous_hash BLOB NOT NULL, entry_hash BLOB NOT NULL);"
     "CREATE TABLE audit_checkpoints("
     "  sequence INTEGER PRIMARY KEY,"
     "  time_us INTEGER NOT NULL,"
     "  head_hash BLOB NOT NULL, signature BLOB NOT NULL,"
     "  public_key BLOB NOT NULL);"
     "CREATE TABLE meta(key TEXT PRIMARY KEY, value TEXT NOT NULL);"
     "INSERT INTO meta(key, value) VALUES('cvault.store_kind', 'vault');"},
    // Consent events and notices. seq is the insertion order and breaks ties
    // between events with the same time_us. The event_type CHECK matches
    // kConsentEventTypes in consent_tables.cc.
    //
    // consent_events is append-only; the triggers refuse UPDATE and DELETE
    // even to SQL that bypasses the store (defence in depth). The INSERT
    // trigger closes INSERT OR REPLACE, whose implicit delete fires no DELETE
    // trigger (recursive_triggers is off): a new row may not reuse an
    // event_id or seq (NEW.seq is -1 when SQLite assigns it). Erasure (not
    // built yet) must delete a customer's events: it will lift the DELETE
    // guard in a controlled way, either by dropping and recreating
    // consent_events_no_delete around its own DELETE in the same transaction
    // or through a later migration, never by editing this one.
    {2,
     "CREATE TABLE consent_events("
     "  seq INTEGER PRIMARY KEY,"
     "  event_id TEXT NOT NULL UNIQUE,"
     "  consent_id TEXT NOT NULL,"
     "  customer_id TEXT NOT NULL,"
     "  purpose TEXT NOT NULL,"
     "  event_type TEXT NOT NULL"
     "    CHECK(event_type IN ('given', 'withdrawn', 'renewed', 'expired')),"
     "  time_us INTEGER NOT NULL,"
     "  expires_at_us INTEGER,"
     "  previous_event_id TEXT NOT NULL DEFAULT '',"
     "  receipt BLOB NOT NULL);"
     "CREATE INDEX consent_events_by_customer"
     "  ON consent_events(customer_id, purpose, time_us, seq);"
     "CREATE INDEX consent_events_by_purpose"
     "  ON consent_events(purpose, time_us);"
     "CREATE TRIGGER consent_events_no_replace BEFORE INSERT ON consent_events "
     "WHEN EXISTS(SELECT 1 FROM consent_events "
     "  WHERE event_id = NEW.event_id OR seq = NEW.seq) "
     "BEGIN SELECT RAISE(ABORT, 'consent events are append-only'); END;"
     "CREATE TRIGGER consent_events_no_update BEFORE UPDATE ON consent_events "
     "BEGIN SELECT RAISE(ABORT, 'consent events are append-only'); END;"
     "CREATE TRIGGER consent_events_no_delete BEFORE DELETE ON consent_events "
     "BEGIN SELECT RAISE(ABORT, 'consent events are append-only'); END;"
     "CREATE TABLE notices("
     "  notice_id TEXT NOT NULL,"
     "  version TEXT NOT NULL,"
     "  text_sha256 BLOB NOT NULL,"
     "  text TEXT NOT NULL,"
     "  registered_at_us INTEGER NOT NULL,"
     "  PRIMARY KEY(notice_id, version));"},
    // Support tickets and refund cases. seq is the insertion order that
    // listings follow. The kind CHECK matches kCaseKinds in case_tables.cc.
    // The two due indexes serve ListDueRefunds, one per side of its OR; a
    // NULL due time (not yet approved, or no longer open) is never due.
    {3,
     "CREATE TABLE cases("
     "  seq INTEGER PRIMARY KEY,"
     "  case_id TEXT NOT NULL UNIQUE,"
     "  kind TEXT NOT NULL CHECK(kind IN ('ticket', 'refund')),"
     "  customer_id TEXT NOT NULL,"
     "  status TEXT NOT NULL,"
     "  opened_at_us INTEGER NOT NULL,"
     "  updated_at_us INTEGER NOT NULL,"
     "  processing_due_at_us INTEGER,"
     "  update_due_at_us INTEGER,"
     "  retention_class INTEGER NOT NULL,"
     "  document BLOB NOT NULL);"
     "CREATE INDEX cases_by_customer ON cases(customer_id, kind, seq);"
     "CREATE INDEX cases_by_processing_due"
     "  ON cases(kind, processing_due_at_us);"
     "CREATE INDEX cases_by_update_due ON cases(kind, update_due_at_us);"},
    // A customer's own access log (data-subject exports) without a scan of
    // the whole audit log: ReadAuditForSubject's two halves, one per index.
    // A lookup matching several customers records their pseudonyms joined
    // by commas; the partial index holds only those few entries.
    {4,
     "CREATE INDEX audit_log_by_subject ON audit_log(subject);"
     "CREATE INDEX audit_log_multi_subject ON audit_log(sequence)"
     "  WHERE instr(subject, ',') > 0;"},
    // Erasure and blind-index rotation.
    //
    // The *_index_next columns hold a customer's indexes under the next
    // blind-index key while a rotation rebuilds them; email_index_next is
    // unique like email_index (partial: most rows hold NULL outside a
    // rotation).
    //
    // retention_holds: records kept after an erasure because the law
    // requires them, until until_us (the purge walks the until_us index).
    //
    // The controlled lift of migration 2's DELETE guard on consent_events:
    // a delete is allowed only for a customer listed in consent_erasures.
    // The store's DeleteConsentEvents lists the customer, deletes, and
    // unlists them again within the caller's transaction, so the table is
    // empty whenever no such call is running and every other DELETE is
    // refused as before. The UPDATE and INSERT guards are untouched.
    {5,
     "ALTER TABLE customers ADD COLUMN email_index_next BLOB;"
     "ALTER TABLE customers ADD COLUMN phone_index_next BLOB;"
     "CREATE UNIQUE INDEX customers_by_email_index_next"
     "  ON customers(email_index_next) WHERE email_index_next IS NOT NULL;"
     "CREATE INDEX customers_by_phone_index_next"
     "  ON customers(phone_index_next);"
     "CREATE TABLE retention_holds("
     "  hold_id TEXT PRIMARY KEY,"
     "  erasure_id TEXT NOT NULL,"
     "  jurisdiction TEXT NOT NULL,"
     "  legal_reason TEXT NOT NULL,"
     "  created_at INTEGER NOT NULL,"
     "  until_us INTEGER NOT NULL);"
     "CREATE INDEX retention_holds_by_until ON retention_holds(until_us);"
     "CREATE TABLE consent_erasures(customer_id TEXT PRIMARY KEY);"
     "DROP TRIGGER consent_events_no_delete;"
     "CREATE TRIGGER consent_events_no_delete BEFORE DELETE ON consent_events "
     "WHEN NOT EXISTS(SELECT 1 FROM consent_erasures "
     "  WHERE customer_id = OLD.customer_id) "
     "BEGIN SELECT RAISE(ABORT, 'consent events are append-only'); END;"},
    // Erasures whose rows the purge still has to sweep: the erasure shreds
    // keys and deletes the customer row at once, and leaves the customer's
    // other rows (ciphertext without a key) to bounded batches later, so its
    // own cost does not grow with the customer's records. Listings across
    // customers leave the listed customers out.
    {6,
     "CREATE TABLE erasures_pending("
     "  customer_id TEXT PRIMARY KEY,"
     "  erasure_id TEXT NOT NULL,"
     "  hold_id TEXT NOT NULL,"
     "  erased_at_us INTEGER NOT NULL);"},
    // What the generic store contract (store.h) asks of every backend, in
    // SQLite's terms:
    // - audit_subjects: each subject an audit entry is about, one row each,
    //   so a subject's entries are one index range. It replaces migration
    //   4's indexes, one of which searched comma-joined lists; existing
    //   entries are split into it here.
    // - version columns: updates of customers and cases name the version
    //   they read (no lost updates).
    // - consent_events_one_successor: at most one event follows another in
    //   a chain, so two writers extending it at once cannot fork it.
    // - listings order by declared columns, never by rowid: pending
    //   erasures by erased_at_us, holds by (until_us, hold_id).
    {7,
     "CREATE TABLE audit_subjects("
     "  subject TEXT NOT NULL,"
     "  sequence INTEGER NOT NULL,"
     "  PRIMARY KEY(subject, sequence)) WITHOUT ROWID;"
     "WITH RECURSIVE split(sequence, item, rest) AS ("
     "  SELECT sequence, '', subject || ',' FROM audit_log WHERE subject != ''"
     "  UNION ALL"
     "  SELECT sequence, substr(rest, 1, instr(rest, ',') - 1),"
     "         substr(rest, instr(rest, ',') + 1) FROM split WHERE rest != '')"
     "INSERT OR IGNORE INTO audit_subjects(subject, sequence)"
     "  SELECT item, sequence FROM split WHERE item != '';"
     "DROP INDEX audit_log_by_subject;"
     "DROP INDEX audit_log_multi_subject;"
     "ALTER TABLE customers ADD COLUMN version INTEGER NOT NULL DEFAULT 0;"
     "ALTER TABLE cases ADD COLUMN version INTEGER NOT NULL DEFAULT 0;"
     "CREATE UNIQUE INDEX consent_events_one_successor"
     "  ON consent_events(consent_id, previous_event_id)"
     "  WHERE previous_event_id != '';"
     "CREATE INDEX erasures_pending_by_time"
     "  ON erasures_pending(erased_at_us, customer_id);"
     "DROP INDEX retention_holds_by_until;"
     "CREATE INDEX retention_holds_by_until ON retention_holds(until_us, hold_id);"},
    // Data-subject requests tracked to their deadlines. Codes, times and ids
    // only (no personal value), so a row outlives the customer's erasure.
    {8,
     "CREATE TABLE dsr_requests("
     "  request_id TEXT PRIMARY KEY,"
     "  version INTEGER NOT NULL DEFAULT 0,"
     "  customer_id TEXT NOT NULL,"
     "  kind TEXT NOT NULL,"
     "  status TEXT NOT NULL,"
     "  identity TEXT NOT NULL,"
     "  received_at_us INTEGER NOT NULL,"
     "  due_at_us INTEGER NOT NULL,"
     "  extension TEXT NOT NULL,"
     "  extended_at_us INTEGER,"
     "  closed_at_us INTEGER,"
     "  outcome TEXT NOT NULL,"
     "  outcome_ref TEXT NOT NULL);"
     "CREATE INDEX dsr_requests_open ON dsr_requests(status, due_at_us);"},
    // Purchase records (what a customer was shown when buying an order) are
    // cases of kind 'purchase'. SQLite cannot change a CHECK in place, so
    // the table is rebuilt with the wider CHECK (matching kCaseKinds in
    // case_tables.cc): created anew, filled keeping seq (the listing order)
    // and version, swapped in, and its indexes made again.
    {9,
     "CREATE TABLE cases_new("
     "  seq INTEGER PRIMARY KEY,"
     "  case_id TEXT NOT NULL UNIQUE,"
     "  kind TEXT NOT NULL CHECK(kind IN ('ticket', 'refund', 'purchase')),"
     "  customer_id TEXT NOT NULL,"
     "  status TEXT NOT NULL,"
     "  opened_at_us INTEGER NOT NULL,"
     "  updated_at_us INTEGER NOT NULL,"
     "  processing_due_at_us INTEGER,"
     "  update_due_at_us INTEGER,"
     "  retention_class INTEGER NOT NULL,"
     "  document BLOB NOT NULL,"
     "  version INTEGER NOT NULL DEFAULT 0);"
     "INSERT INTO cases_new(seq, case_id, kind, customer_id, status, opened_at_us,"
     "  updated_at_us, processing_due_at_us, update_due_at_us, retention_class,"
     "  document, version)"
     "  SELECT seq, case_id, kind, customer_id, status, opened_at_us, updated_at_us,"
     "    processing_due_at_us, update_due_at_us, retention_class, document, version"
     "  FROM cases;"
     "DROP TABLE cases;"
     "ALTER TABLE cases_new RENAME TO cases;"
     "CREATE INDEX cases_by_customer ON cases(customer_id, kind, seq);"
     "CREATE INDEX cases_by_processing_due"
     "  ON cases(kind, processing_due_at_us);"
     "CREATE INDEX cases_by_update_due ON cases(kind, update_due_at_us);"},
}};
static_assert(kVaultMigrations.back().version == kVaultSchemaVersion);

constexpr std::array<Migration, 1> kKeyStoreMigrations = {{
    {1,
     "CREATE TABLE data_keys("
     "  customer_id TEXT NOT NULL,"
     "  retention_class INTEGER NOT NULL,"
     "  kek_version INTEGER NOT NULL,"
     "  wrapped BLOB NOT NULL,"
     "  created_at INTEGER NOT NULL,"
     "  PRIMARY KEY(customer_id, retention_class));"
     "CREATE TABLE meta(key TEXT PRIMARY KEY, value TEXT NOT NULL);"
     "INSERT INTO meta(key, value) VALUES('cvault.store_kind', 'keystore');"},
}};
static_assert(kKeyStoreMigrations.back().version == kKeyStoreSchemaVersion);

}  // namespace

std::span<const Migration> VaultMigrations() { return kVaultMigrations; }
std::span<const Migration> KeyStoreMigrations() { return kKeyStoreMigrations; }

}  // namespace cvault::store::sqlcipher
