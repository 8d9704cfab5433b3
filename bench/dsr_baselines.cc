#include "bench/dsr_baselines.h"

#include <array>
#include <chrono>
#include <initializer_list>
#include <optional>
#include <random>
#include <utility>

#include "cvault/customer.h"

namespace cvault::bench {
namespace {

using nlohmann::json;

std::int64_t NowMicros() {
  return std::chrono::duration_cast<std::chrono::microseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

constexpr std::string_view kErasureSchema =
    "CREATE TABLE customers("
    "  rowid INTEGER PRIMARY KEY,"
    "  id TEXT NOT NULL UNIQUE,"
    "  created_at INTEGER NOT NULL,"
    "  full_name TEXT, email TEXT, phone TEXT, postal_address TEXT,"
    "  country TEXT, language TEXT, external_ref TEXT);"
    "CREATE TABLE records("
    "  rowid INTEGER PRIMARY KEY,"
    "  customer_id TEXT NOT NULL,"
    "  kind INTEGER NOT NULL,"
    "  time_us INTEGER NOT NULL,"
    "  body TEXT NOT NULL);"
    "CREATE INDEX records_by_customer ON records(customer_id);";

// The keystore's table (store/sqlcipher/schemas.cc, keystore migration 1).
constexpr std::string_view kRotationSchema =
    "CREATE TABLE data_keys("
    "  customer_id TEXT NOT NULL,"
    "  retention_class INTEGER NOT NULL,"
    "  kek_version INTEGER NOT NULL,"
    "  wrapped BLOB NOT NULL,"
    "  created_at INTEGER NOT NULL,"
    "  PRIMARY KEY(customer_id, retention_class));";
// A wrapped data key: the 45-byte envelope around 32 key bytes
// (docs/ciphertext-format.md).
constexpr std::size_t kWrappedKeySize = 77;

constexpr std::string_view kExportSchema =
    "CREATE TABLE customers(id TEXT PRIMARY KEY, body TEXT NOT NULL);"
    "CREATE TABLE consent_events("
    "  rowid INTEGER PRIMARY KEY, customer_id TEXT NOT NULL, body TEXT NOT NULL);"
    "CREATE INDEX consent_events_by_customer ON consent_events(customer_id);"
    "CREATE TABLE cases("
    "  rowid INTEGER PRIMARY KEY, customer_id TEXT NOT NULL, kind TEXT NOT NULL,"
    "  body TEXT NOT NULL);"
    "CREATE INDEX cases_by_customer ON cases(customer_id, kind);"
    "CREATE TABLE audit_log("
    "  sequence INTEGER PRIMARY KEY, subject TEXT NOT NULL, body TEXT NOT NULL);"
    "CREATE INDEX audit_log_by_subject ON audit_log(subject);";
// Stands in for the customer's audit pseudonym.
constexpr std::string_view kSubject =
    "5d41402abc4b2a76b9719d911017c5925d41402abc4b2a76b9719d911017c592";

// Runs `body` between BEGIN IMMEDIATE and COMMIT; rolls back when it fails.
template <class Body>
Status InTransaction(RawStore& store, Body body) {
  CVAULT_RETURN_IF_ERROR(store.Begin());
  Status s = body();
  if (s.ok()) s = store.Commit();
  if (!s.ok()) store.Rollback();
  return s;
}

// Lists the rows of a query with one text column.
StatusOr<json> ParsedBodies(RawStore& store, sqlite3_stmt* query, std::string_view id) {
  json out = json::array();
  BindText(query, 1, id);
  while (true) {
    CVAULT_ASSIGN_OR_RETURN(const bool has_row, store.Step(query));
    if (!has_row) return out;
    out.push_back(json::parse(ColumnText(query, 0)));
  }
}

}  // namespace

// --- Erasure -----------------------------------------------------------------

ErasureBaseline::ErasureBaseline(std::unique_ptr<RawStore> store, RecordBodies bodies)
    : store_(std::move(store)), bodies_(std::move(bodies)) {}

StatusOr<std::unique_ptr<ErasureBaseline>> ErasureBaseline::Create(
    const std::filesystem::path& file, Durability durability, RecordBodies bodies) {
  CVAULT_ASSIGN_OR_RETURN(auto store, RawStore::Create(file, durability, kErasureSchema));
  std::unique_ptr<ErasureBaseline> b(
      new ErasureBaseline(std::move(store), std::move(bodies)));
  RawStore& s = *b->store_;
  CVAULT_ASSIGN_OR_RETURN(
      b->insert_customer_,
      s.Prepare("INSERT INTO customers(id, created_at, full_name, email, phone, "
                "postal_address, country, language, external_ref) "
                "VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)"));
  CVAULT_ASSIGN_OR_RETURN(b->insert_record_,
                          s.Prepare("INSERT INTO records(customer_id, kind, time_us, "
                                    "body) VALUES(?1, ?2, ?3, ?4)"));
  CVAULT_ASSIGN_OR_RETURN(b->delete_records_,
                          s.Prepare("DELETE FROM records WHERE customer_id = ?1"));
  CVAULT_ASSIGN_OR_RETURN(b->delete_customer_,
                          s.Prepare("DELETE FROM customers WHERE id = ?1"));
  return b;
}

StatusOr<std::vector<std::string>> ErasureBaseline::AddCustomers(std::size_t count,
                                                                 const RecordMix& mix) {
  std::vector<std::string> ids;
  ids.reserve(count);
  const std::vector<RecordKind> sequence = RecordSequence(mix);
  Status added = InTransaction(*store_, [&]() -> Status {
    sqlite3_stmt* s = insert_customer_.get();
    for (std::size_t i = 0; i < count; ++i) {
      ids.push_back(CustomerId::Generate().str());
      const NewCustomer c = DsrCustomer(next_customer_++);
      BindText(s, 1, ids.back());
      sqlite3_bind_int64(s, 2, NowMicros());
      BindText(s, 3, c.full_name);
      BindText(s, 4, c.email);
      BindText(s, 5, *c.phone);
      BindText(s, 6, *c.postal_address);
      BindText(s, 7, *c.country);
      BindText(s, 8, *c.language);
      BindText(s, 9, *c.external_ref);
      CVAULT_RETURN_IF_ERROR(store_->Run(s));
    }
    sqlite3_stmt* r = insert_record_.get();
    for (RecordKind kind : sequence) {
      const std::string& body = kind == RecordKind::kConsentEvent ? bodies_.consent_event
                                : kind == RecordKind::kTicket     ? bodies_.ticket
                                                                  : bodies_.refund_case;
      for (const std::string& id : ids) {
        BindText(r, 1, id);
        sqlite3_bind_int64(r, 2, static_cast<int>(kind));
        sqlite3_bind_int64(r, 3, NowMicros());
        BindText(r, 4, body);
        CVAULT_RETURN_IF_ERROR(store_->Run(r));
      }
    }
    return Status::Ok();
  });
  CVAULT_RETURN_IF_ERROR(added);
  CVAULT_RETURN_IF_ERROR(store_->TruncateLog());
  CVAULT_RETURN_IF_ERROR(store_->CheckEncrypted());
  return ids;
}

StatusOr<std::size_t> ErasureBaseline::Erase(std::string_view customer_id,
                                             bool truncate_log) {
  std::size_t deleted = 0;
  Status erased = InTransaction(*store_, [&]() -> Status {
    for (sqlite3_stmt* s : {delete_records_.get(), delete_customer_.get()}) {
      BindText(s, 1, customer_id);
      CVAULT_RETURN_IF_ERROR(store_->Run(s));
      deleted += static_cast<std::size_t>(store_->changes());
    }
    return Status::Ok();
  });
  CVAULT_RETURN_IF_ERROR(erased);
  if (truncate_log) CVAULT_RETURN_IF_ERROR(store_->TruncateLog());
  return deleted;
}

// --- KEK rotation ------------------------------------------------------------

RotationBaseline::RotationBaseline(std::unique_ptr<RawStore> store)
    : store_(std::move(store)) {}

StatusOr<std::unique_ptr<RotationBaseline>> RotationBaseline::Create(
    const std::filesystem::path& file, Durability durability, std::size_t keys) {
  CVAULT_ASSIGN_OR_RETURN(auto store,
                          RawStore::Create(file, durability, kRotationSchema));
  std::unique_ptr<RotationBaseline> b(new RotationBaseline(std::move(store)));
  RawStore& s = *b->store_;
  constexpr std::string_view kColumns = "SELECT customer_id, retention_class, wrapped ";
  CVAULT_ASSIGN_OR_RETURN(
      b->select_first_, s.Prepare(std::string(kColumns) +
                                  "FROM data_keys ORDER BY customer_id, retention_class "
                                  "LIMIT ?3"));
  // A row value, so the planner seeks in the primary key (SQLite >= 3.15).
  CVAULT_ASSIGN_OR_RETURN(
      b->select_after_,
      s.Prepare(std::string(kColumns) +
                "FROM data_keys WHERE (customer_id, retention_class) > "
                "(?1, ?2) ORDER BY customer_id, retention_class LIMIT ?3"));
  // store/sqlcipher/key_store.cc, ListDataKeysNotAtKek.
  CVAULT_ASSIGN_OR_RETURN(b->select_rescan_,
                          s.Prepare(std::string(kColumns) +
                                    "FROM data_keys WHERE kek_version <> ?1 "
                                    "ORDER BY customer_id, retention_class LIMIT ?3"));
  CVAULT_ASSIGN_OR_RETURN(b->update_,
                          s.Prepare("UPDATE data_keys SET kek_version = ?1, wrapped = ?2 "
                                    "WHERE customer_id = ?3 AND retention_class = ?4"));
  CVAULT_ASSIGN_OR_RETURN(
      auto insert,
      s.Prepare("INSERT INTO data_keys(customer_id, retention_class, kek_version, "
                "wrapped, created_at) VALUES(?1, 1, 1, ?2, ?3)"));
  std::mt19937_64 rng(20261126);
  Status filled = InTransaction(s, [&]() -> Status {
    std::array<std::uint8_t, kWrappedKeySize> wrapped{};
    for (std::size_t i = 0; i < keys; ++i) {
      const std::string id = CustomerId::Generate().str();
      for (auto& byte : wrapped) byte = static_cast<std::uint8_t>(rng());
      BindText(insert.get(), 1, id);
      BindBlob(insert.get(), 2, wrapped);
      sqlite3_bind_int64(insert.get(), 3, NowMicros());
      CVAULT_RETURN_IF_ERROR(s.Run(insert.get()));
    }
    return Status::Ok();
  });
  CVAULT_RETURN_IF_ERROR(filled);
  CVAULT_RETURN_IF_ERROR(s.TruncateLog());
  CVAULT_RETURN_IF_ERROR(s.CheckEncrypted());
  return b;
}

StatusOr<std::uint64_t> RotationBaseline::Rotate(std::size_t batch, bool rescan) {
  struct KeyRow {
    std::string customer_id;
    std::int64_t retention_class = 0;
    std::vector<std::uint8_t> wrapped;
  };
  const std::uint32_t version = ++kek_version_;
  std::uint64_t updated = 0;
  std::optional<KeyRow> last;
  while (true) {
    std::vector<KeyRow> rows;
    Status done = InTransaction(*store_, [&]() -> Status {
      sqlite3_stmt* q = rescan ? select_rescan_.get()
                        : last ? select_after_.get()
                               : select_first_.get();
      if (rescan) sqlite3_bind_int64(q, 1, version);
      if (!rescan && last) {
        BindText(q, 1, last->customer_id);
        sqlite3_bind_int64(q, 2, last->retention_class);
      }
      sqlite3_bind_int64(q, 3, static_cast<std::int64_t>(batch));
      while (true) {
        CVAULT_ASSIGN_OR_RETURN(const bool has_row, store_->Step(q));
        if (!has_row) break;
        KeyRow row;
        row.customer_id = ColumnText(q, 0);
        row.retention_class = sqlite3_column_int64(q, 1);
        const auto* blob = static_cast<const std::uint8_t*>(sqlite3_column_blob(q, 2));
        row.wrapped.assign(blob, blob + sqlite3_column_bytes(q, 2));
        rows.push_back(std::move(row));
      }
      sqlite3_stmt* u = update_.get();
      for (KeyRow& row : rows) {
        // A different blob of the same size stands in for the rewrapped key.
        for (auto& byte : row.wrapped) byte = static_cast<std::uint8_t>(byte ^ version);
        sqlite3_bind_int64(u, 1, version);
        BindBlob(u, 2, row.wrapped);
        BindText(u, 3, row.customer_id);
        sqlite3_bind_int64(u, 4, row.retention_class);
        CVAULT_RETURN_IF_ERROR(store_->Run(u));
      }
      return Status::Ok();
    });
    CVAULT_RETURN_IF_ERROR(done);
    if (rows.empty()) return updated;
    updated += rows.size();
    last = std::move(rows.back());
  }
}

// --- Export ------------------------------------------------------------------

ExportBaseline::ExportBaseline(std::unique_ptr<RawStore> store)
    : store_(std::move(store)) {}

StatusOr<std::unique_ptr<ExportBaseline>> ExportBaseline::Create(
    const std::filesystem::path& file, Durability durability, const json& vault_export) {
  CVAULT_ASSIGN_OR_RETURN(auto store, RawStore::Create(file, durability, kExportSchema));
  std::unique_ptr<ExportBaseline> b(new ExportBaseline(std::move(store)));
  RawStore& s = *b->store_;
  const json& sections = vault_export.at("sections");
  b->customer_id_ = vault_export.at("customer_id").get<std::string>();
  Status filled = InTransaction(s, [&]() -> Status {
    CVAULT_ASSIGN_OR_RETURN(auto customer,
                            s.Prepare("INSERT INTO customers(id, body) VALUES(?1, ?2)"));
    CVAULT_ASSIGN_OR_RETURN(
        auto event,
        s.Prepare("INSERT INTO consent_events(customer_id, body) VALUES(?1, ?2)"));
    CVAULT_ASSIGN_OR_RETURN(
        auto kase,
        s.Prepare("INSERT INTO cases(customer_id, kind, body) VALUES(?1, ?2, ?3)"));
    CVAULT_ASSIGN_OR_RETURN(
        auto audit, s.Prepare("INSERT INTO audit_log(subject, body) VALUES(?1, ?2)"));
    auto insert = [&](sqlite3_stmt* st, std::initializer_list<std::string_view> values) {
      int index = 1;
      for (std::string_view v : values) BindText(st, index++, v);
      b->rows_ += 1;
      return s.Run(st);
    };
    CVAULT_RETURN_IF_ERROR(insert(
        customer.get(), {b->customer_id_, sections.at("identity").at("data").dump()}));
    for (const json& e : sections.at("consent_history").at("data")) {
      CVAULT_RETURN_IF_ERROR(insert(event.get(), {b->customer_id_, e.dump()}));
    }
    for (const char* kind : {"support_tickets", "refund_cases"}) {
      for (const json& c : sections.at(kind).at("data")) {
        CVAULT_RETURN_IF_ERROR(insert(kase.get(), {b->customer_id_, kind, c.dump()}));
      }
    }
    for (const json& a : sections.at("access_log").at("data")) {
      CVAULT_RETURN_IF_ERROR(insert(audit.get(), {kSubject, a.dump()}));
    }
    return Status::Ok();
  });
  CVAULT_RETURN_IF_ERROR(filled);
  CVAULT_RETURN_IF_ERROR(s.TruncateLog());
  CVAULT_RETURN_IF_ERROR(s.CheckEncrypted());
  CVAULT_ASSIGN_OR_RETURN(b->begin_read_, s.Prepare("BEGIN"));
  CVAULT_ASSIGN_OR_RETURN(b->end_read_, s.Prepare("COMMIT"));
  CVAULT_ASSIGN_OR_RETURN(b->customer_,
                          s.Prepare("SELECT body FROM customers WHERE id = ?1"));
  CVAULT_ASSIGN_OR_RETURN(
      b->events_,
      s.Prepare("SELECT body FROM consent_events WHERE customer_id = ?1 ORDER BY rowid"));
  CVAULT_ASSIGN_OR_RETURN(
      b->cases_,
      s.Prepare(
          "SELECT body FROM cases WHERE customer_id = ?1 AND kind = ?2 ORDER BY rowid"));
  CVAULT_ASSIGN_OR_RETURN(
      b->audit_,
      s.Prepare("SELECT body FROM audit_log WHERE subject = ?1 ORDER BY sequence"));
  return b;
}

StatusOr<std::string> ExportBaseline::Export() {
  CVAULT_RETURN_IF_ERROR(store_->Run(begin_read_.get()));
  auto read = [&]() -> StatusOr<json> {
    json doc;
    doc["customer_id"] = customer_id_;
    CVAULT_ASSIGN_OR_RETURN(json identity,
                            ParsedBodies(*store_, customer_.get(), customer_id_));
    if (identity.size() != 1) {
      return Error(Status::NotFound("baseline: no such customer"));
    }
    doc["identity"] = std::move(identity[0]);
    CVAULT_ASSIGN_OR_RETURN(doc["consent_history"],
                            ParsedBodies(*store_, events_.get(), customer_id_));
    for (const char* kind : {"support_tickets", "refund_cases"}) {
      BindText(cases_.get(), 2, kind);
      CVAULT_ASSIGN_OR_RETURN(doc[kind],
                              ParsedBodies(*store_, cases_.get(), customer_id_));
    }
    CVAULT_ASSIGN_OR_RETURN(doc["access_log"],
                            ParsedBodies(*store_, audit_.get(), kSubject));
    return doc;
  };
  StatusOr<json> doc = read();
  CVAULT_RETURN_IF_ERROR(store_->Run(end_read_.get()));
  if (!doc) return Error(doc.error());
  return doc->dump();
}

}  // namespace cvault::bench
