// cvault_bench: what the vault's audited customer operations cost next to the
// same row work on raw SQLCipher and on plain SQLite.
//
// Four stores, each at synchronous=FULL and at synchronous=NORMAL:
//   vault      Vault::customers(): validation, per-customer data key, field
//              encryption, blind index, policy decision, audit entry, commit.
//   sqlcipher  the customers table shape, plaintext columns, keyed with a raw
//              32-byte key (x'..'), cipher_page_size 4096, WAL.
//   sqlite     the same on SQLCipher opened without a key, which is plain
//              SQLite 3.15.2.
//   sqlcipher+audit  raw SQLCipher doing the vault's storage work and no
//              more: the same transactions and commits, an audit_log row per
//              call, a second file for data keys. No crypto, policy or
//              validation. Not a target baseline: it shows how much of the
//              gap the design's commits explain.
// Operations: create (one customer, committed), get (by id), find+get (by
// email, then by id), lookup (by email, returning the record: one vault
// call; the baselines do the same row work as find+get, the audited one in
// one transaction with one entry). Reads pick seeded-random customers out of
// a population of CVAULT_BENCH_CUSTOMERS (default 10000) made before timing
// starts. After the usual table the run prints vault/baseline throughput
// ratios.
//
// The consent-gated get (marketing-service reading contact fields, which
// needs the customer's active consent) runs on 1, 2 and 4 threads sharing
// one vault: parallel reads and group commit. get_latency then paces 4
// threads at half of the 4-thread peak just measured and reports p50 and
// p99 latency. The issue-12 targets follow the ratio table.
// The data-subject-rights and key-operation benchmarks (erase, KEK rotation,
// export) are in bench/dsr_bench.h; their tables follow.
//
// Everything lives in a temporary folder removed at exit ($TMPDIR or /tmp).
// The baselines are single-threaded: one connection per database, kept
// open.
#include <benchmark/benchmark.h>
#include <fmt/format.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <chrono>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <random>
#include <string>
#include <string_view>
#include <system_error>
#include <thread>
#include <utility>
#include <vector>

#include "bench/customer_workload.h"
#include "bench/dsr_bench.h"
#include "bench/dsr_summary.h"
#include "bench/raw_store.h"
#include "bench/throughput_samples.h"
#include "cvault/vault.h"
#include "keys/root_key.h"
#include "store/sqlcipher/sqlite_api.h"
#include "tests/testing/temp_dir.h"

namespace cvault::bench {
namespace {

constexpr std::uint64_t kSeed = 20261126;
constexpr std::size_t kDefaultPopulation = 10000;
// The vault's default page cache (EmbeddedStore::cache_kib), given to the
// baselines too.
constexpr std::uint32_t kCacheKib = 8192;

enum class Backend { kVault, kSqlcipher, kSqlcipherAudited, kSqlite };
constexpr Backend kBackends[] = {Backend::kVault, Backend::kSqlcipher,
                                 Backend::kSqlcipherAudited, Backend::kSqlite};
constexpr Durability kDurabilities[] = {Durability::kFull, Durability::kNormal};

std::string_view NameOf(Backend b) {
  switch (b) {
    case Backend::kVault: return "vault";
    case Backend::kSqlcipher: return "sqlcipher";
    case Backend::kSqlcipherAudited: return "sqlcipher+audit";
    case Backend::kSqlite: return "sqlite";
  }
  return "?";
}
std::string_view NameOf(Durability d) { return d == Durability::kFull ? "FULL" : "NORMAL"; }

std::string BenchmarkName(Operation o, Backend b, Durability d) {
  return fmt::format("{}/{}/{}", NameOf(o), NameOf(b), NameOf(d));
}

// The run's temporary folder, once made: Die removes it, since exit()
// skips the destructor that would.
std::filesystem::path& FolderToRemoveOnDeath() {
  static std::filesystem::path folder;
  return folder;
}

[[noreturn]] void Die(std::string_view what) {
  std::cerr << "cvault_bench: " << what << "\n";
  if (!FolderToRemoveOnDeath().empty()) {
    std::error_code ignored;
    std::filesystem::remove_all(FolderToRemoveOnDeath(), ignored);
  }
  std::exit(1);
}

std::size_t PopulationSize() {
  auto size = PopulationFromEnv(kDefaultPopulation);
  if (!size) Die(size.error().ToString());
  return *size;
}

// ---------------------------------------------------------------------------
// Baselines: the vault's tables with plaintext columns. The plain baselines
// use the customers table only; sqlcipher+audit also writes audit_log rows
// (in the same transaction) and data_keys rows (in a second file).

struct StatementFinalizer {
  void operator()(sqlite3_stmt* s) const noexcept { sqlite3_finalize(s); }
};
struct DatabaseCloser {
  void operator()(sqlite3* db) const noexcept { sqlite3_close_v2(db); }
};
using StatementPtr = std::unique_ptr<sqlite3_stmt, StatementFinalizer>;

class SqlBaseline {
 public:
  // Keyed with `key` (raw, 32 bytes) when given; plain SQLite otherwise.
  static std::unique_ptr<SqlBaseline> Create(const std::filesystem::path& file,
                                             const SecretBytes* key) {
    sqlite3* raw = nullptr;
    const int rc = sqlite3_open_v2(
        file.c_str(), &raw, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX,
        nullptr);
    std::unique_ptr<SqlBaseline> db(new SqlBaseline(raw));
    if (rc != SQLITE_OK) Die("cannot open " + file.string());
    if (key != nullptr) {
      SecretBytes literal = RawKeyLiteral(*key);
      const auto text = literal.Reveal();
      if (sqlite3_key(raw, text.data(), static_cast<int>(text.size())) != SQLITE_OK) {
        Die("sqlite3_key failed");
      }
      db->Exec("PRAGMA cipher_page_size = 4096;");
    }
    if (db->QueryText("PRAGMA journal_mode = WAL") != "wal") Die("WAL mode refused");
    // The vault's connection settings (store/sqlcipher/connection.cc).
    db->Exec(fmt::format(
        "PRAGMA synchronous = NORMAL; PRAGMA foreign_keys = ON; PRAGMA secure_delete = ON;"
        "PRAGMA temp_store = MEMORY; PRAGMA cache_size = -{};",
        kCacheKib));
    db->Exec(
        "CREATE TABLE customers("
        "  rowid INTEGER PRIMARY KEY,"
        "  id TEXT NOT NULL UNIQUE,"
        "  created_at INTEGER NOT NULL,"
        "  updated_at INTEGER NOT NULL,"
        "  restricted INTEGER NOT NULL DEFAULT 0,"
        "  full_name TEXT, email TEXT, phone TEXT, postal_address TEXT,"
        "  country TEXT, language TEXT, external_ref TEXT,"
        "  email_index TEXT UNIQUE,"
        "  phone_index TEXT);"
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
        "CREATE TABLE data_keys("
        "  customer_id TEXT NOT NULL,"
        "  retention_class INTEGER NOT NULL,"
        "  kek_version INTEGER NOT NULL,"
        "  wrapped BLOB NOT NULL,"
        "  created_at INTEGER NOT NULL,"
        "  PRIMARY KEY(customer_id, retention_class));");
    db->begin_ = db->Prepare("BEGIN IMMEDIATE");
    db->rollback_ = db->Prepare("ROLLBACK");
    db->commit_ = db->Prepare("COMMIT");
    db->insert_ = db->Prepare(
        "INSERT INTO customers(id, created_at, updated_at, restricted, full_name, email, "
        "phone, postal_address, country, language, external_ref, email_index, phone_index) "
        "VALUES(?1, ?2, ?3, 0, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)");
    db->get_ = db->Prepare(
        "SELECT id, created_at, updated_at, restricted, full_name, email, phone, "
        "postal_address, country, language, external_ref FROM customers WHERE id = ?1");
    db->find_ = db->Prepare("SELECT id FROM customers WHERE email_index = ?1");
    db->audit_ = db->Prepare(
        "INSERT INTO audit_log(sequence, time_us, principal_id, role, action, purpose, "
        "subject, fields_requested, fields_returned, decision, reason_code, request_id, "
        "previous_hash, entry_hash) VALUES(?1, ?2, 'bench', 'account-service', ?3, "
        "'account_management', ?4, ?5, ?5, 'allow', 'ok', ?6, ?7, ?7)");
    db->data_key_ = db->Prepare(
        "INSERT INTO data_keys(customer_id, retention_class, kek_version, wrapped, "
        "created_at) VALUES(?1, 1, 1, ?2, ?3)");
    return db;
  }

  // Switches to the measured synchronous setting and empties the WAL, as
  // the vault's close and reopen after its own population does.
  void FinishPopulation(Durability d) {
    Exec(d == Durability::kFull ? "PRAGMA synchronous = FULL;" : "PRAGMA synchronous = NORMAL;");
    Exec("PRAGMA wal_checkpoint(TRUNCATE);");
  }

  // One customer in a transaction of its own: BEGIN IMMEDIATE, INSERT,
  // COMMIT (the vault's create also takes the write lock up front).
  bool InsertCommitted(std::string_view id, const NewCustomer& c) {
    return InTransaction([&] { return Insert(id, c); });
  }

  // Population only, in one transaction: customers 0..ids.size()-1, each
  // with an audit entry (sequence i + 1) when `audited`.
  void InsertMany(const std::vector<std::string>& ids, bool audited) {
    const bool ok = InTransaction([&] {
      for (std::size_t i = 0; i < ids.size(); ++i) {
        if (!Insert(ids[i], SyntheticCustomer(i))) return false;
        if (audited && !Audit(i + 1, "customer.create")) return false;
      }
      return true;
    });
    if (!ok) Die(error());
  }
  void InsertDataKeysMany(const std::vector<std::string>& ids) {
    const bool ok = InTransaction([&] {
      return std::all_of(ids.begin(), ids.end(),
                         [this](const std::string& id) { return InsertDataKey(id); });
    });
    if (!ok) Die(error());
  }

  bool Get(std::string_view id, CustomerCopy& out) {
    sqlite3_stmt* s = get_.get();
    sqlite3_bind_text(s, 1, id.data(), static_cast<int>(id.size()), SQLITE_STATIC);
    const int rc = sqlite3_step(s);
    if (rc == SQLITE_ROW) {
      out.id = Text(s, 0).value_or("");
      out.created_at = sqlite3_column_int64(s, 1);
      out.updated_at = sqlite3_column_int64(s, 2);
      out.restricted = sqlite3_column_int64(s, 3) != 0;
      for (int i = 0; i < 7; ++i) out.fields[static_cast<std::size_t>(i)] = Text(s, 4 + i);
    }
    sqlite3_reset(s);
    return rc == SQLITE_ROW;
  }

  std::optional<std::string> FindIdByEmail(std::string_view email) {
    sqlite3_stmt* s = find_.get();
    sqlite3_bind_text(s, 1, email.data(), static_cast<int>(email.size()), SQLITE_STATIC);
    std::optional<std::string> id;
    if (sqlite3_step(s) == SQLITE_ROW) id = Text(s, 0);
    sqlite3_reset(s);
    return id;
  }

  // The vault's storage pattern, without crypto, policy or validation. The
  // caller keeps the audit sequence; 80 bytes stand in for a wrapped key.
  bool InsertDataKeyCommitted(std::string_view customer_id) {
    return InTransaction([&] { return InsertDataKey(customer_id); });
  }
  bool InsertAuditedCommitted(std::string_view id, const NewCustomer& c,
                              std::uint64_t sequence) {
    return InTransaction([&] { return Insert(id, c) && Audit(sequence, "customer.create"); });
  }
  // A bulk import's row work: `count` customers from SyntheticCustomer(first)
  // on, with fresh ids, in one transaction with an audit entry each; the
  // caller puts their data keys in the keystore first (InsertDataKeys).
  bool InsertAuditedBatch(const std::vector<std::string>& ids, std::uint64_t first,
                          std::uint64_t& sequence) {
    return InTransaction([&] {
      for (std::size_t i = 0; i < ids.size(); ++i) {
        if (!Insert(ids[i], SyntheticCustomer(first + i)) || !Audit(++sequence, "customer.create")) {
          return false;
        }
      }
      return true;
    });
  }
  bool InsertDataKeys(const std::vector<std::string>& ids) {
    return InTransaction([&] {
      return std::all_of(ids.begin(), ids.end(),
                         [this](const std::string& id) { return InsertDataKey(id); });
    });
  }
  bool GetAudited(std::string_view id, CustomerCopy& out, std::uint64_t sequence) {
    return InTransaction([&] { return Get(id, out) && Audit(sequence, "customer.read"); });
  }
  // The vault's find also reads the matching row (for its restriction flag).
  std::optional<std::string> FindAudited(std::string_view email, CustomerCopy& scratch,
                                         std::uint64_t sequence) {
    std::optional<std::string> id;
    const bool ok = InTransaction([&] {
      id = FindIdByEmail(email);
      return id && Get(*id, scratch) && Audit(sequence, "customer.find");
    });
    return ok ? id : std::nullopt;
  }

  std::string error() const { return sqlite3_errmsg(db_.get()); }

 private:
  explicit SqlBaseline(sqlite3* db) : db_(db) {}

  static std::optional<std::string> Text(sqlite3_stmt* s, int column) {
    if (sqlite3_column_type(s, column) == SQLITE_NULL) return std::nullopt;
    const auto* text = reinterpret_cast<const char*>(sqlite3_column_text(s, column));
    return std::string(text, static_cast<std::size_t>(sqlite3_column_bytes(s, column)));
  }

  void Exec(const std::string& sql) {
    char* message = nullptr;
    if (sqlite3_exec(db_.get(), sql.c_str(), nullptr, nullptr, &message) != SQLITE_OK) {
      std::string text = message != nullptr ? message : "unknown error";
      sqlite3_free(message);
      Die(text);
    }
  }

  std::string QueryText(const std::string& sql) {
    StatementPtr s = Prepare(sql);
    std::string out;
    if (sqlite3_step(s.get()) == SQLITE_ROW) out = Text(s.get(), 0).value_or("");
    return out;
  }

  StatementPtr Prepare(const std::string& sql) {
    sqlite3_stmt* s = nullptr;
    if (sqlite3_prepare_v2(db_.get(), sql.c_str(), -1, &s, nullptr) != SQLITE_OK) {
      Die("prepare failed: " + error());
    }
    return StatementPtr(s);
  }

  // Runs a statement without result rows to completion and rewinds it.
  static bool Step(sqlite3_stmt* s) {
    const int rc = sqlite3_step(s);
    sqlite3_reset(s);
    return rc == SQLITE_DONE;
  }

  bool Insert(std::string_view id, const NewCustomer& c) {
    sqlite3_stmt* s = insert_.get();
    const std::int64_t now = NowMicros();
    // SQLITE_STATIC: every value outlives the step.
    auto bind = [s](int index, std::string_view v) {
      sqlite3_bind_text(s, index, v.data(), static_cast<int>(v.size()), SQLITE_STATIC);
    };
    auto bind_optional = [s, &bind](int index, const std::optional<std::string>& v) {
      if (v) {
        bind(index, *v);
      } else {
        sqlite3_bind_null(s, index);
      }
    };
    bind(1, id);
    sqlite3_bind_int64(s, 2, now);
    sqlite3_bind_int64(s, 3, now);
    bind(4, c.full_name);
    bind(5, c.email);
    bind_optional(6, c.phone);
    bind_optional(7, c.postal_address);
    bind_optional(8, c.country);
    bind_optional(9, c.language);
    bind_optional(10, c.external_ref);
    bind(11, c.email);  // the synthetic emails are already normalised
    bind_optional(12, c.phone);
    const bool ok = Step(s);
    sqlite3_clear_bindings(s);
    return ok;
  }

  // BEGIN IMMEDIATE, `body`, COMMIT; rolled back when `body` fails.
  template <class Body>
  bool InTransaction(Body body) {
    if (!Step(begin_.get())) return false;
    if (body() && Step(commit_.get())) return true;
    Step(rollback_.get());
    return false;
  }

  bool InsertDataKey(std::string_view customer_id) {
    static constexpr std::array<std::uint8_t, 80> kWrapped{};
    sqlite3_stmt* s = data_key_.get();
    sqlite3_bind_text(s, 1, customer_id.data(), static_cast<int>(customer_id.size()),
                      SQLITE_STATIC);
    sqlite3_bind_blob(s, 2, kWrapped.data(), static_cast<int>(kWrapped.size()), SQLITE_STATIC);
    sqlite3_bind_int64(s, 3, NowMicros());
    return Step(s);
  }

  // One audit entry of the vault's shape: a 64-hex-digit subject pseudonym,
  // all seven field names, a request id, two 32-byte hashes.
  bool Audit(std::uint64_t sequence, std::string_view action) {
    static constexpr std::string_view kSubject =
        "5d41402abc4b2a76b9719d911017c5925d41402abc4b2a76b9719d911017c592";
    static constexpr std::string_view kFields =
        "full_name,email,phone,postal_address,country,language,external_ref";
    static constexpr std::string_view kRequestId = "req_0123456789abcdef01234567";
    static constexpr std::array<std::uint8_t, 32> kHash{};
    sqlite3_stmt* s = audit_.get();
    auto bind = [s](int index, std::string_view v) {
      sqlite3_bind_text(s, index, v.data(), static_cast<int>(v.size()), SQLITE_STATIC);
    };
    sqlite3_bind_int64(s, 1, static_cast<std::int64_t>(sequence));
    sqlite3_bind_int64(s, 2, NowMicros());
    bind(3, action);
    bind(4, kSubject);
    bind(5, kFields);
    bind(6, kRequestId);
    sqlite3_bind_blob(s, 7, kHash.data(), static_cast<int>(kHash.size()), SQLITE_STATIC);
    return Step(s);
  }

  std::unique_ptr<sqlite3, DatabaseCloser> db_;
  StatementPtr begin_, commit_, rollback_, insert_, get_, find_, audit_, data_key_;
};

// ---------------------------------------------------------------------------
// The stores under test, built on first use (so a --benchmark_filter only
// pays for what it runs) and kept open until the run ends.

struct VaultUnderTest {
  std::unique_ptr<Vault> vault;
  std::vector<CustomerId> ids;  // ids[i] is SyntheticCustomer(i)
  std::atomic<std::uint64_t> next_number = 0;
  std::once_flag consent_once;
  Status consent_status;  // of giving every populated customer consent
};

// The consent-gated read (marketing-service, purpose marketing, which rests
// on consent) and the same read without the gate (account-service reading
// the same contact fields): the difference is the consent check.
constexpr CustomerField kContactFields[] = {CustomerField::kEmail, CustomerField::kPhone,
                                            CustomerField::kPostalAddress};
const AccessContext& MarketingContext() {
  static const AccessContext ctx{"bench", "marketing-service", "marketing", "bench", ""};
  return ctx;
}

// Gives every populated customer marketing consent (not timed).
Status GiveMarketingConsent(VaultUnderTest& v) {
  const AccessContext dpo{"bench", "dpo", "legal_compliance", "bench", ""};
  auto notice = v.vault->consents().RegisterNotice(dpo, "bench-marketing", "1",
                                                   "Offers by email, if you agree.");
  if (!notice) return notice.error();
  ConsentGrant grant;
  grant.purpose = "marketing";
  grant.notice_id = "bench-marketing";
  grant.notice_version = "1";
  grant.collection_method = "checkbox";
  grant.channel = "web";
  for (const CustomerId& id : v.ids) {
    auto event = v.vault->consents().Grant(BenchContext(), id, grant);
    if (!event) return event.error();
  }
  return Status::Ok();
}

// Once per vault, whichever benchmark thread comes first; the others wait.
Status EnsureMarketingConsent(VaultUnderTest& v) {
  std::call_once(v.consent_once, [&v] { v.consent_status = GiveMarketingConsent(v); });
  return v.consent_status;
}

void RunContactGet(benchmark::State& state, VaultUnderTest& v, std::size_t population,
                   bool gated) {
  Status ready = EnsureMarketingConsent(v);
  if (!ready.ok()) return state.SkipWithError(ready.ToString().c_str());
  std::mt19937_64 rng(7 + static_cast<std::uint64_t>(state.thread_index()));
  std::uniform_int_distribution<std::size_t> pick(0, population - 1);
  const AccessContext& ctx = gated ? MarketingContext() : BenchContext();
  for (auto _ : state) {
    auto record = v.vault->customers().Get(ctx, v.ids[pick(rng)], kContactFields);
    if (!record) return state.SkipWithError(record.error().ToString().c_str());
    benchmark::DoNotOptimize(record->fields.size());
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()));
}

struct BaselineUnderTest {
  std::unique_ptr<SqlBaseline> db;
  std::unique_ptr<SqlBaseline> keystore;  // sqlcipher+audit only
  std::vector<std::string> ids;           // ids[i] is SyntheticCustomer(i)
  std::uint64_t next_number = 0;
  std::uint64_t last_audit_sequence = 0;  // sqlcipher+audit only
};

class Workbench {
 public:
  explicit Workbench(std::size_t population) : population_(population) {
    FolderToRemoveOnDeath() = dir_.path();
    if (!keys::WriteNewKeyFile(dir_ / "root.key").ok()) Die("cannot write the root key file");
    emails_.reserve(population_);
    for (std::size_t i = 0; i < population_; ++i) {
      emails_.push_back(SyntheticCustomer(i).email);
    }
  }
  ~Workbench() {
    // Close before the folder goes.
    vaults_.clear();
    baselines_.clear();
  }

  std::size_t population() const { return population_; }
  // The run's temporary folder, removed with everything in it at exit.
  const std::filesystem::path& folder() const { return dir_.path(); }
  const std::string& email(std::size_t i) const { return emails_[i]; }
  const std::vector<std::string>& emails() const { return emails_; }

  // Thread-safe: the first caller builds it, the others wait.
  VaultUnderTest& VaultFor(Durability d) {
    std::lock_guard lock(vaults_mu_);
    auto& slot = vaults_[d];
    if (!slot) slot = BuildVault(d);
    return *slot;
  }

  // A closed vault holding `customers` customers (imported, so one audit
  // entry each), built by the first call; for timing opens.
  Options ClosedVault(std::size_t customers) {
    std::lock_guard lock(vaults_mu_);
    const std::filesystem::path dir = dir_ / fmt::format("closed-{}", customers);
    auto options = [&] {
      Options o;
      o.vault_dir = dir / "data";
      o.keys_dir = dir / "keys";
      o.root_key = KeyFile{dir_ / "root.key"};
      return o;
    };
    if (std::filesystem::exists(dir)) return options();
    auto created = Vault::Create(options());
    if (!created) Die("Vault::Create: " + created.error().ToString());
    std::vector<NewCustomer> records;
    for (std::size_t i = 0; i < customers; ++i) records.push_back(SyntheticCustomer(i));
    auto report = (*created)->customers().Import(BenchContext(), records);
    if (!report || report->created != customers) Die("populating a closed vault failed");
    if (Status closed = (*created)->Close(); !closed.ok()) Die(closed.ToString());
    return options();
  }

  BaselineUnderTest& BaselineFor(Backend b, Durability d) {
    auto& slot = baselines_[{b, d}];
    if (!slot) slot = BuildBaseline(b, d);
    return *slot;
  }

 private:
  // The files of the vault benchmarked at `slot`, opened at `d`.
  Options VaultOptions(Durability slot, Durability d) const {
    const std::string name = fmt::format("vault-{}", NameOf(slot));
    Options o;
    o.vault_dir = dir_ / name / "data";
    o.keys_dir = dir_ / name / "keys";
    o.root_key = KeyFile{dir_ / "root.key"};
    o.checkpoint_every = 1000;  // the default, stated
    o.durability = d;
    return o;
  }

  // Populated at NORMAL (only to save time; population is not measured),
  // then closed and opened again at `d`.
  std::unique_ptr<VaultUnderTest> BuildVault(Durability d) {
    std::cerr << "cvault_bench: populating the " << NameOf(d) << " vault with "
              << population_ << " customers...\n";
    auto result = std::make_unique<VaultUnderTest>();
    {
      auto created = Vault::Create(VaultOptions(d, Durability::kNormal));
      if (!created) Die("Vault::Create: " + created.error().ToString());
      result->ids.reserve(population_);
      std::vector<NewCustomer> records;
      records.reserve(population_);
      for (std::size_t i = 0; i < population_; ++i) records.push_back(SyntheticCustomer(i));
      auto report = (*created)->customers().Import(BenchContext(), records);
      if (!report || report->created != population_) {
        Die("populating the vault: " +
            (report ? report->stopped.ToString() : report.error().ToString()));
      }
      for (ImportOutcome& outcome : report->outcomes) result->ids.push_back(*outcome.id);
      if (Status closed = (*created)->Close(); !closed.ok()) Die(closed.ToString());
    }
    auto opened = Vault::Open(VaultOptions(d, d));
    if (!opened) Die("Vault::Open: " + opened.error().ToString());
    result->vault = std::move(*opened);
    result->next_number = population_;
    return result;
  }

  std::unique_ptr<BaselineUnderTest> BuildBaseline(Backend b, Durability d) {
    const std::string stem = fmt::format("{}-{}", NameOf(b), NameOf(d));
    const bool keyed = b != Backend::kSqlite;
    const bool audited = b == Backend::kSqlcipherAudited;
    auto result = std::make_unique<BaselineUnderTest>();
    const SecretBytes key = SecretBytes::Random(32);
    result->db = SqlBaseline::Create(dir_ / (stem + ".db"), keyed ? &key : nullptr);
    result->ids.reserve(population_);
    for (std::size_t i = 0; i < population_; ++i) {
      result->ids.push_back(CustomerId::Generate().str());
    }
    result->db->InsertMany(result->ids, audited);
    result->db->FinishPopulation(d);
    CheckEncryption(dir_ / (stem + ".db"), keyed);
    if (audited) {
      const SecretBytes keystore_key = SecretBytes::Random(32);
      result->keystore = SqlBaseline::Create(dir_ / (stem + "-keys.db"), &keystore_key);
      result->keystore->InsertDataKeysMany(result->ids);
      result->keystore->FinishPopulation(d);
      result->last_audit_sequence = population_;
    }
    result->next_number = population_;
    return result;
  }

  // A keyed file must not carry the plain SQLite header, a plain one must:
  // the baselines are what their names say.
  static void CheckEncryption(const std::filesystem::path& file, bool encrypted) {
    std::array<char, 16> header{};
    std::ifstream in(file, std::ios::binary);
    in.read(header.data(), header.size());
    const bool plain = std::string_view(header.data(), 15) == "SQLite format 3";
    if (plain == encrypted) Die(file.string() + ": encryption is not as intended");
  }

  testing::TempDir dir_;
  std::size_t population_;
  std::vector<std::string> emails_;  // emails_[i] is SyntheticCustomer(i).email
  std::mutex vaults_mu_;
  std::map<Durability, std::unique_ptr<VaultUnderTest>> vaults_;
  std::map<std::pair<Backend, Durability>, std::unique_ptr<BaselineUnderTest>> baselines_;
};

// ---------------------------------------------------------------------------
// The benchmarks. One item is one operation (a find+get pair counts once).

void RunVault(benchmark::State& state, Workbench& bench, Operation op, Durability d) {
  VaultUnderTest& v = bench.VaultFor(d);
  RunVaultLoop(state, v.vault->customers(), op, v.ids, bench.emails(), v.next_number, kSeed);
}

void RunBaseline(benchmark::State& state, Workbench& bench, Backend b, Operation op,
                 Durability d) {
  BaselineUnderTest& base = bench.BaselineFor(b, d);
  std::mt19937_64 rng(kSeed);
  std::uniform_int_distribution<std::size_t> pick(0, bench.population() - 1);
  const bool audited = b == Backend::kSqlcipherAudited;
  SqlBaseline& db = *base.db;
  CustomerCopy copy;
  for (auto _ : state) {
    if (op == Operation::kCreate) {
      const std::string id = CustomerId::Generate().str();
      const NewCustomer c = SyntheticCustomer(base.next_number++);
      const bool ok = audited ? base.keystore->InsertDataKeyCommitted(id) &&
                                    db.InsertAuditedCommitted(id, c, ++base.last_audit_sequence)
                              : db.InsertCommitted(id, c);
      if (!ok) return state.SkipWithError(db.error().c_str());
    } else {
      const std::size_t i = pick(rng);
      std::string id = base.ids[i];
      if (op == Operation::kLookup) {
        // The same row work as find+get; audited, one transaction and entry.
        auto found = audited ? db.FindAudited(bench.email(i), copy, ++base.last_audit_sequence)
                             : db.FindIdByEmail(bench.email(i));
        if (!found || (!audited && !db.Get(*found, copy))) {
          return state.SkipWithError("look-up by email failed");
        }
        benchmark::DoNotOptimize(copy.fields.data());
        continue;
      }
      if (op == Operation::kFindGet) {
        auto found = audited ? db.FindAudited(bench.email(i), copy, ++base.last_audit_sequence)
                             : db.FindIdByEmail(bench.email(i));
        if (!found) return state.SkipWithError("find by email failed");
        id = std::move(*found);
      }
      const bool ok = audited ? db.GetAudited(id, copy, ++base.last_audit_sequence)
                              : db.Get(id, copy);
      if (!ok) return state.SkipWithError("get by id failed");
      benchmark::DoNotOptimize(copy.fields.data());
    }
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()));
}

// The 4-thread consent_get rate of this run per durability, as the
// reporter saw it; get_latency paces its calls at half of it.
std::atomic<double>& PeakRate(Durability d) {
  static std::atomic<double> rates[2] = {0.0, 0.0};
  return rates[d == Durability::kFull ? 0 : 1];
}

constexpr int kLatencyThreads = 4;

// kLatencyThreads threads, each calling the consent-gated get on a fixed
// schedule so that together they make half of the peak rate, for about
// three seconds. A call's latency runs from its scheduled start (so a
// call delayed by the one before it counts its wait too) to its return.
void RunGetLatency(benchmark::State& state, VaultUnderTest& v, std::size_t population,
                   Durability d) {
  using Clock = std::chrono::steady_clock;
  Status ready = EnsureMarketingConsent(v);
  if (!ready.ok()) return state.SkipWithError(ready.ToString().c_str());
  const double peak = PeakRate(d).load();
  if (peak <= 0) {
    return state.SkipWithError("needs consent_get on 4 threads earlier in the same run");
  }
  const double rate = peak / 2;  // calls per second, all threads together
  const auto period = std::chrono::duration_cast<Clock::duration>(
      std::chrono::duration<double>(kLatencyThreads / rate));
  const auto per_thread = static_cast<std::size_t>(std::max(200.0, rate * 3 / kLatencyThreads));
  for (auto _ : state) {
    std::vector<std::vector<double>> latencies(kLatencyThreads);
    std::atomic<bool> failed{false};
    const Clock::time_point start = Clock::now() + std::chrono::milliseconds(10);
    std::vector<std::thread> threads;
    for (int t = 0; t < kLatencyThreads; ++t) {
      threads.emplace_back([&, t] {
        std::mt19937_64 rng(100 + static_cast<std::uint64_t>(t));
        std::uniform_int_distribution<std::size_t> pick(0, population - 1);
        Clock::time_point next = start + period * t / kLatencyThreads;  // staggered
        auto& mine = latencies[static_cast<std::size_t>(t)];
        mine.reserve(per_thread);
        for (std::size_t k = 0; k < per_thread; ++k, next += period) {
          std::this_thread::sleep_until(next);
          auto record = v.vault->customers().Get(MarketingContext(), v.ids[pick(rng)],
                                                 kContactFields);
          if (!record) failed = true;
          mine.push_back(std::chrono::duration<double, std::micro>(Clock::now() - next).count());
        }
      });
    }
    for (auto& t : threads) t.join();
    if (failed) return state.SkipWithError("a paced get failed");
    std::vector<double> all;
    for (const auto& l : latencies) all.insert(all.end(), l.begin(), l.end());
    std::sort(all.begin(), all.end());
    state.SetIterationTime(std::chrono::duration<double>(Clock::now() - start).count());
    state.counters["paced_per_s"] = rate;
    state.counters["p50_us"] = all[all.size() / 2];
    state.counters["p99_us"] = all[all.size() * 99 / 100];
    state.counters["calls"] = static_cast<double>(all.size());
  }
}

// Bulk import, kImportBatch fresh customers per iteration in one call (one
// transaction); one item is one customer. The baseline does the same rows:
// the batch's data keys in one keystore transaction, then the customers
// and an audit entry each in one transaction.
constexpr std::size_t kImportBatch = 500;

void RunVaultImport(benchmark::State& state, VaultUnderTest& v) {
  std::vector<NewCustomer> records(kImportBatch);
  for (auto _ : state) {
    state.PauseTiming();
    for (NewCustomer& c : records) c = SyntheticCustomer(v.next_number++);
    state.ResumeTiming();
    auto report = v.vault->customers().Import(BenchContext(), records, {}, kImportBatch);
    if (!report || report->created != kImportBatch) {
      return state.SkipWithError("an import batch failed");
    }
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * kImportBatch));
}

void RunBaselineImport(benchmark::State& state, BaselineUnderTest& base) {
  std::vector<std::string> ids(kImportBatch);
  for (auto _ : state) {
    for (std::string& id : ids) id = CustomerId::Generate().str();
    const std::uint64_t first = base.next_number;
    base.next_number += kImportBatch;
    if (!base.keystore->InsertDataKeys(ids) ||
        !base.db->InsertAuditedBatch(ids, first, base.last_audit_sequence)) {
      return state.SkipWithError(base.db->error().c_str());
    }
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * kImportBatch));
}

// Vault::Open of a closed vault with a key-file root key (no Argon2id),
// timed alone; the close after it is reported as close_us.
void RunOpen(benchmark::State& state, Workbench& bench, std::size_t customers) {
  using Clock = std::chrono::steady_clock;
  double close_us = 0;
  for (auto _ : state) {
    Options options = bench.ClosedVault(customers);
    const Clock::time_point start = Clock::now();
    auto vault = Vault::Open(std::move(options));
    const Clock::time_point opened = Clock::now();
    if (!vault) return state.SkipWithError(vault.error().ToString().c_str());
    Status closed = (*vault)->Close();
    if (!closed.ok()) return state.SkipWithError(closed.ToString().c_str());
    close_us += std::chrono::duration<double, std::micro>(Clock::now() - opened).count();
    state.SetIterationTime(std::chrono::duration<double>(opened - start).count());
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()));
  state.counters["close_us"] =
      close_us / static_cast<double>(std::max<std::int64_t>(1, state.iterations()));
}

// AuditLog::Verify over the whole log of the NORMAL vault (its population's
// entries and whatever the benchmarks before it appended); one item is one
// entry checked.
void RunAuditVerify(benchmark::State& state, VaultUnderTest& v) {
  const AccessContext auditor{"bench", "auditor", "audit", "bench", ""};
  std::uint64_t checked = 0;
  for (auto _ : state) {
    auto report = v.vault->audit().Verify(auditor);
    if (!report || !report->ok) return state.SkipWithError("the audit log did not verify");
    checked += report->entries_checked;
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(checked));
  state.counters["entries"] = static_cast<double>(checked) /
                              static_cast<double>(std::max<std::int64_t>(1, state.iterations()));
}

void RegisterAll(Workbench& bench) {
  for (Durability d : kDurabilities) {
    for (bool gated : {false, true}) {
      const std::string name =
          fmt::format("{}/vault/{}", gated ? "consent_get" : "contact_get", NameOf(d));
      auto* registered = benchmark::RegisterBenchmark(
          name.c_str(), [&bench, d, gated](benchmark::State& state) {
            RunContactGet(state, bench.VaultFor(d), bench.population(), gated);
          });
      // The consent-gated get on several threads sharing the vault.
      if (gated) registered->Threads(1)->Threads(2)->Threads(kLatencyThreads);
      registered->UseRealTime()->Unit(benchmark::kMicrosecond);
    }
    benchmark::RegisterBenchmark(fmt::format("get_latency/vault/{}", NameOf(d)).c_str(),
                                 [&bench, d](benchmark::State& state) {
                                   RunGetLatency(state, bench.VaultFor(d),
                                                 bench.population(), d);
                                 })
        ->Iterations(1)
        ->UseManualTime()
        ->Unit(benchmark::kMicrosecond);
  }
  for (Durability d : kDurabilities) {
    benchmark::RegisterBenchmark(fmt::format("import/vault/{}", NameOf(d)).c_str(),
                                 [&bench, d](benchmark::State& state) {
                                   RunVaultImport(state, bench.VaultFor(d));
                                 })
        ->UseRealTime()
        ->Unit(benchmark::kMillisecond);
    benchmark::RegisterBenchmark(
        fmt::format("import/sqlcipher+audit/{}", NameOf(d)).c_str(),
        [&bench, d](benchmark::State& state) {
          RunBaselineImport(state, bench.BaselineFor(Backend::kSqlcipherAudited, d));
        })
        ->UseRealTime()
        ->Unit(benchmark::kMillisecond);
  }
  for (std::size_t customers : {std::size_t{0}, bench.population()}) {
    benchmark::RegisterBenchmark(fmt::format("open/vault/{}_customers", customers).c_str(),
                                 [&bench, customers](benchmark::State& state) {
                                   RunOpen(state, bench, customers);
                                 })
        ->UseManualTime()
        ->Unit(benchmark::kMillisecond);
  }
  benchmark::RegisterBenchmark("audit_verify/vault/NORMAL",
                               [&bench](benchmark::State& state) {
                                 RunAuditVerify(state, bench.VaultFor(Durability::kNormal));
                               })
      ->UseRealTime()
      ->Unit(benchmark::kMillisecond);
  for (Durability d : kDurabilities) {
    for (Operation op : kOperations) {
      for (Backend b : kBackends) {
        const std::string name = BenchmarkName(op, b, d);
        benchmark::RegisterBenchmark(name.c_str(),
                                     [&bench, b, op, d](benchmark::State& state) {
                                       if (b == Backend::kVault) {
                                         RunVault(state, bench, op, d);
                                       } else {
                                         RunBaseline(state, bench, b, op, d);
                                       }
                                     })
            ->UseRealTime()  // fsync waits are the point; CPU time hides them
            ->Unit(benchmark::kMicrosecond);
      }
    }
  }
}

// ---------------------------------------------------------------------------
// The ratio table: the console table as usual, then vault ops/s divided by
// each baseline's ops/s. With --benchmark_repetitions the medians are used.

class RatioReporter : public benchmark::ConsoleReporter {
 public:
  using benchmark::ConsoleReporter::ConsoleReporter;

  // The workbench's population (names the open benchmarks).
  void set_population(std::size_t population) { population_ = population; }

  void ReportRuns(const std::vector<Run>& runs) override {
    benchmark::ConsoleReporter::ReportRuns(runs);
    dsr_.Add(runs);
    throughput_.Add(runs);
    for (Durability d : kDurabilities) {
      auto peak = OpsPerSecond(fmt::format("consent_get/vault/{}", NameOf(d)), kLatencyThreads);
      if (peak) PeakRate(d) = *peak;
    }
  }

  // Issue 12's targets, from this run's figures. Prints nothing when none
  // of them ran.
  void PrintParallelTargets(std::ostream& out) const {
    std::string rows;
    auto row = [&rows](std::string_view what, std::optional<double> value,
                       std::string_view unit, double goal, bool at_least) {
      if (!value) return;
      const bool met = at_least ? *value >= goal : *value < goal;
      rows += fmt::format("{:<58} {:>12} {:<4} {} {:<9} {}\n", what,
                          unit == "x" ? fmt::format("{:.3f}", *value)
                                      : fmt::format("{:.0f}", *value),
                          unit, at_least ? ">=" : "< ", goal, met ? "met" : "MISSED");
    };
    for (Durability d : kDurabilities) {
      const std::string consent = fmt::format("consent_get/vault/{}", NameOf(d));
      row(fmt::format("consent-gated get, 4 threads, {}", NameOf(d)),
          OpsPerSecond(consent, 4), "/s", d == Durability::kFull ? 10000 : 30000, true);
      auto one = OpsPerSecond(consent, 1);
      auto two = OpsPerSecond(consent, 2);
      auto four = OpsPerSecond(consent, 4);
      if (one && two && four && *one > 0) {
        rows += fmt::format("{:<58} 1 -> 2 -> 4 threads: {:.0f} -> {:.0f} -> {:.0f}/s "
                            "({:.2f}x, {:.2f}x)\n",
                            fmt::format("  scaling, {}", NameOf(d)), *one, *two, *four,
                            *two / *one, *four / *one);
      }
      auto get = OpsPerSecond(BenchmarkName(Operation::kGet, Backend::kVault, d));
      auto get_base =
          OpsPerSecond(BenchmarkName(Operation::kGet, Backend::kSqlcipherAudited, d));
      if (get && get_base && *get_base > 0) {
        row(fmt::format("get, 1 thread, vault / sqlcipher+audit, {}", NameOf(d)),
            *get / *get_base, "x", 0.9, true);
      }
      if (d == Durability::kNormal) {
        row("audit verify, entries checked per second", OpsPerSecond("audit_verify/vault/NORMAL"),
            "/s", 500000, true);
        for (std::size_t customers : {std::size_t{0}, population_}) {
          const std::string name = fmt::format("open/vault/{}_customers", customers);
          auto opens = OpsPerSecond(name);
          if (opens && *opens > 0) {
            row(fmt::format("open with a key file, {} customers, ms", customers),
                1000 / *opens, "ms", 20, false);
          }
        }
      }
      auto import = OpsPerSecond(fmt::format("import/vault/{}", NameOf(d)));
      auto import_base = OpsPerSecond(fmt::format("import/sqlcipher+audit/{}", NameOf(d)));
      if (import) {
        row(fmt::format("bulk import, customers per second, {}", NameOf(d)), *import, "/s",
            5000, true);
      }
      if (import && import_base && *import_base > 0) {
        row(fmt::format("bulk import / sqlcipher+audit batches, {}", NameOf(d)),
            *import / *import_base, "x", 0.5, true);
      }
      auto lookup = OpsPerSecond(BenchmarkName(Operation::kLookup, Backend::kVault, d));
      if (get && lookup && *get > 0) {
        row(fmt::format("lookup by email / get (vault, 1 thread), {}", NameOf(d)),
            *lookup / *get, "x", 0.8, true);
      }
    }
    if (rows.empty()) return;
    out << "\nissue 12 targets (this run; get_latency's p50/p99 are in the table above)\n"
        << rows;
  }

  // Prints nothing when none of these benchmarks ran (a filtered run).
  void PrintRatios(std::ostream& out) const {
    constexpr std::string_view kRow =
        "{:<7} {:<9} {:>9} {:>11} {:>11} {:>15} {:>16} {:>13} {:>16}  {}\n";
    std::string rows;
    for (Durability d : kDurabilities) {
      for (Operation op : kOperations) {
        auto vault = OpsPerSecond(BenchmarkName(op, Backend::kVault, d));
        auto cipher = OpsPerSecond(BenchmarkName(op, Backend::kSqlcipher, d));
        auto audited = OpsPerSecond(BenchmarkName(op, Backend::kSqlcipherAudited, d));
        auto plain = OpsPerSecond(BenchmarkName(op, Backend::kSqlite, d));
        if (!vault && !cipher && !audited && !plain) continue;
        rows += fmt::format(kRow, NameOf(d), NameOf(op), FormatRate(vault),
                            FormatRate(cipher), FormatRate(plain), FormatRate(audited),
                            FormatRatio(vault, cipher), FormatRatio(vault, plain),
                            FormatRatio(vault, audited), Target(op, vault, cipher));
      }
    }
    if (rows.empty()) return;
    out << "\nvault / baseline throughput (ops/s of the vault divided by ops/s of the "
           "baseline; 1.000 = as fast)\n";
    out << fmt::format(kRow, "sync", "operation", "vault/s", "sqlcipher/s", "sqlite/s",
                       "sqlcipher+aud/s", "vault/SQLCipher", "vault/SQLite",
                       "vault/SQLC+audit", "target (vault/SQLCipher)");
    out << rows;
  }

  // Issue 5's tables: erase, KEK rotation, export (bench/dsr_summary.h).
  void PrintDsrSummary(std::ostream& out) const { dsr_.Print(out); }

  // Issue 3's target: the consent check costs under 25% of the audited get.
  void PrintConsentCost(std::ostream& out) const {
    if (!OpsPerSecond("contact_get/vault/FULL") && !OpsPerSecond("contact_get/vault/NORMAL")) {
      return;
    }
    out << "\nconsent check cost (contact fields; gated = marketing with consent, "
           "plain = account_management)\n";
    for (Durability d : kDurabilities) {
      auto plain = OpsPerSecond(fmt::format("contact_get/vault/{}", NameOf(d)));
      auto gated = OpsPerSecond(fmt::format("consent_get/vault/{}", NameOf(d)));
      if (!plain || !gated || *gated <= 0) continue;
      const double cost = *plain / *gated - 1.0;  // extra time per get, as a fraction
      out << fmt::format("{:<7} plain {:>8.0f}/s  gated {:>8.0f}/s  consent check = {:+.1f}% "
                         "of the audited get  (< 25%: {})\n",
                         NameOf(d), *plain, *gated, 100 * cost, cost < 0.25 ? "met" : "MISSED");
    }
  }

 private:
  std::size_t population_ = 0;
  std::optional<double> OpsPerSecond(const std::string& name, std::int64_t threads = 1) const {
    return throughput_.OpsPerSecond(name, threads);
  }
  // The targets, against raw SQLCipher: get >= 0.6x, create >= 0.5x.
  static std::string Target(Operation op, std::optional<double> vault,
                            std::optional<double> cipher) {
    const double goal = op == Operation::kCreate ? 0.5 : op == Operation::kGet ? 0.6 : 0.0;
    if (goal == 0.0) return "";
    const std::string verdict =
        vault && cipher && *cipher > 0 ? (*vault / *cipher >= goal ? "met" : "MISSED") : "-";
    return fmt::format(">= {:.1f}x: {}", goal, verdict);
  }

  ThroughputSamples throughput_;
  DsrSummary dsr_;
};

}  // namespace
}  // namespace cvault::bench

int main(int argc, char** argv) {
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  int status = 0;
  {
    cvault::bench::Workbench bench(cvault::bench::PopulationSize());
    cvault::bench::RegisterAll(bench);
    // Declared after `bench`, so its stores close before the folder goes.
    cvault::bench::DsrBench dsr(bench.folder() / "dsr");
    dsr.RegisterAll();
    cvault::bench::RatioReporter reporter(
        isatty(STDOUT_FILENO) ? benchmark::ConsoleReporter::OO_ColorTabular
                              : benchmark::ConsoleReporter::OO_Tabular);
    reporter.set_population(bench.population());
    if (benchmark::RunSpecifiedBenchmarks(&reporter) == 0) status = 1;
    reporter.PrintRatios(std::cout);
    reporter.PrintParallelTargets(std::cout);
    reporter.PrintConsentCost(std::cout);
    reporter.PrintDsrSummary(std::cout);
  }  // stores closed, temporary folder removed
  benchmark::Shutdown();
  return status;
}
