#include "bench/pg_baseline.h"

#include <fmt/format.h>

#include <array>
#include <cstdlib>
#include <optional>
#include <utility>

namespace cvault::bench {
namespace {

constexpr char kInsert[] = "insert";
constexpr char kGet[] = "get";
constexpr char kFind[] = "find";

// The columns a get copies out, in CustomerCopy's order.
constexpr char kGetSql[] =
    "SELECT id, created_at, updated_at, restricted, full_name, email, phone, "
    "postal_address, "
    "country, language, external_ref FROM customers WHERE id = $1";
constexpr char kInsertSql[] =
    "INSERT INTO customers(id, created_at, updated_at, full_name, email, phone, "
    "postal_address, country, language, external_ref) "
    "VALUES($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)";
constexpr char kFindSql[] = "SELECT id FROM customers WHERE email = $1";

// The vault's customers table (src/store/postgres/pg_schemas.cc) with the
// seven fields in plaintext and the email as its own unique key, instead of
// ciphertext columns next to blind-index columns.
constexpr char kTableSql[] =
    "CREATE TABLE {0}.customers("
    "  id text COLLATE \"C\" PRIMARY KEY,"
    "  version bigint NOT NULL DEFAULT 0,"
    "  created_at bigint NOT NULL,"
    "  updated_at bigint NOT NULL,"
    "  restricted boolean NOT NULL DEFAULT false,"
    "  full_name text, email text UNIQUE, phone text, postal_address text,"
    "  country text, language text, external_ref text);"
    "CREATE INDEX customers_by_phone ON {0}.customers(phone);";

const char* OrNull(const std::optional<std::string>& value) {
  return value ? value->c_str() : nullptr;
}

}  // namespace

StatusOr<std::unique_ptr<PgBaseline>> PgBaseline::Connect(const std::string& dsn,
                                                          std::string_view schema) {
  CVAULT_ASSIGN_OR_RETURN(auto db, ConnectPlain(dsn));
  CVAULT_RETURN_IF_ERROR(db->Execute(
      fmt::format("SET search_path TO {}; SET synchronous_commit TO on", schema)));
  for (auto [name, sql] : {std::pair{kInsert, kInsertSql}, std::pair{kGet, kGetSql},
                           std::pair{kFind, kFindSql}}) {
    Result prepared(PQprepare(db->conn_.get(), name, sql, 0, nullptr));
    CVAULT_RETURN_IF_ERROR(db->Check(prepared, PGRES_COMMAND_OK, "prepare a statement"));
  }
  return db;
}

Status PgBaseline::CreateSchema(const std::string& dsn, std::string_view schema) {
  CVAULT_ASSIGN_OR_RETURN(auto db, ConnectPlain(dsn));
  return db->Execute(fmt::format("CREATE SCHEMA {0}; ", schema) +
                     fmt::format(kTableSql, schema));
}

Status PgBaseline::DropSchema(const std::string& dsn, std::string_view schema) {
  CVAULT_ASSIGN_OR_RETURN(auto db, ConnectPlain(dsn));
  // Without the notice listing what the cascade drops.
  return db->Execute(fmt::format(
      "SET client_min_messages TO warning; DROP SCHEMA IF EXISTS {} CASCADE", schema));
}

StatusOr<std::unique_ptr<PgBaseline>> PgBaseline::ConnectPlain(const std::string& dsn) {
  std::unique_ptr<PgBaseline> db(new PgBaseline(PQconnectdb(dsn.c_str())));
  if (db->conn_ == nullptr || PQstatus(db->conn_.get()) != CONNECTION_OK) {
    return Error(Status::Unavailable(fmt::format(
        "raw libpq: cannot connect: {}",
        db->conn_ != nullptr ? PQerrorMessage(db->conn_.get()) : "out of memory")));
  }
  return db;
}

PgBaseline::~PgBaseline() = default;

Status PgBaseline::Insert(std::string_view id, const NewCustomer& c) {
  const std::string key(id);
  const std::string now = std::to_string(NowMicros());
  Result result = RunPrepared(
      kInsert, {key.c_str(), now.c_str(), now.c_str(), c.full_name.c_str(),
                c.email.c_str(), OrNull(c.phone), OrNull(c.postal_address),
                OrNull(c.country), OrNull(c.language), OrNull(c.external_ref)});
  return Check(result, PGRES_COMMAND_OK, "insert a customer");
}

Status PgBaseline::InsertMany(const std::vector<std::string>& ids) {
  CVAULT_RETURN_IF_ERROR(Execute("BEGIN"));
  for (std::size_t i = 0; i < ids.size(); ++i) {
    if (Status inserted = Insert(ids[i], SyntheticCustomer(i)); !inserted.ok()) {
      (void)Execute("ROLLBACK");
      return inserted;
    }
  }
  return Execute("COMMIT");
}

Status PgBaseline::Get(std::string_view id, CustomerCopy& out) {
  const std::string key(id);
  Result result = RunPrepared(kGet, {key.c_str()});
  CVAULT_RETURN_IF_ERROR(Check(result, PGRES_TUPLES_OK, "get a customer"));
  PGresult* r = result.get();
  if (PQntuples(r) != 1) return Status::NotFound("raw libpq: no customer with that id");
  out.id = PQgetvalue(r, 0, 0);
  out.created_at = std::strtoll(PQgetvalue(r, 0, 1), nullptr, 10);
  out.updated_at = std::strtoll(PQgetvalue(r, 0, 2), nullptr, 10);
  out.restricted = PQgetvalue(r, 0, 3)[0] == 't';
  for (int i = 0; i < 7; ++i) {
    auto& field = out.fields[static_cast<std::size_t>(i)];
    if (PQgetisnull(r, 0, 4 + i)) {
      field.reset();
    } else {
      field.emplace(PQgetvalue(r, 0, 4 + i),
                    static_cast<std::size_t>(PQgetlength(r, 0, 4 + i)));
    }
  }
  return Status::Ok();
}

StatusOr<std::string> PgBaseline::FindIdByEmail(std::string_view email) {
  const std::string key(email);
  Result result = RunPrepared(kFind, {key.c_str()});
  CVAULT_RETURN_IF_ERROR(Check(result, PGRES_TUPLES_OK, "find a customer by email"));
  if (PQntuples(result.get()) != 1) {
    return Error(Status::NotFound("raw libpq: no customer with that email"));
  }
  return std::string(PQgetvalue(result.get(), 0, 0));
}

Status PgBaseline::Execute(const std::string& sql) {
  Result result(PQexec(conn_.get(), sql.c_str()));
  return Check(result, PGRES_COMMAND_OK, "run a statement");
}

PgBaseline::Result PgBaseline::RunPrepared(const char* name,
                                           const std::vector<const char*>& params) {
  return Result(PQexecPrepared(conn_.get(), name, static_cast<int>(params.size()),
                               params.data(), nullptr, nullptr, /*resultFormat=*/0));
}

Status PgBaseline::Check(const Result& result, ExecStatusType expected,
                         std::string_view what) const {
  if (result != nullptr && PQresultStatus(result.get()) == expected) return Status::Ok();
  // The primary message only: the DETAIL line may quote a value.
  const char* message = result != nullptr
                            ? PQresultErrorField(result.get(), PG_DIAG_MESSAGE_PRIMARY)
                            : nullptr;
  return Status::Internal(
      fmt::format("raw libpq: could not {}: {}", what,
                  message != nullptr ? message : PQerrorMessage(conn_.get())));
}

}  // namespace cvault::bench
