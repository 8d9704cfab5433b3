#include "store/postgres/pg_connection.h"

#include <fmt/format.h>
#include <libpq-fe.h>

#include <algorithm>
#include <cstring>
#include <limits>

namespace cvault::store::postgres {
namespace {

// Server type OIDs (pg_type.dat); stable across PostgreSQL versions.
constexpr Oid kBoolOid = 16;
constexpr Oid kByteaOid = 17;
constexpr Oid kInt8Oid = 20;
constexpr Oid kInt2Oid = 21;
constexpr Oid kInt4Oid = 23;
constexpr Oid kTextOid = 25;

std::string BigEndian(std::uint64_t value, int width) {
  std::string out(static_cast<std::size_t>(width), '\0');
  for (int i = width - 1; i >= 0; --i) {
    out[static_cast<std::size_t>(i)] = static_cast<char>(value & 0xff);
    value >>= 8;
  }
  return out;
}

std::uint64_t FromBigEndian(const char* bytes, int width) {
  std::uint64_t value = 0;
  for (int i = 0; i < width; ++i) {
    value = (value << 8) | static_cast<std::uint8_t>(bytes[i]);
  }
  return value;
}

// The first line of libpq's own message (connection failures): it names
// host and port, never the password.
std::string FirstLine(const char* message) {
  std::string text = message == nullptr ? "" : message;
  text = text.substr(0, text.find('\n'));
  return text.empty() ? "no message from libpq" : text;
}

bool StartsWith(std::string_view text, std::string_view prefix) {
  return text.substr(0, prefix.size()) == prefix;
}

}  // namespace

PgParams& PgParams::Add(unsigned int type, std::optional<std::string> bytes) {
  types_.push_back(type);
  values_.push_back(std::move(bytes));
  return *this;
}

PgParams& PgParams::Text(std::string_view value) {
  return Add(kTextOid, std::string(value));
}

PgParams& PgParams::Int64(std::int64_t value) {
  return Add(kInt8Oid, BigEndian(static_cast<std::uint64_t>(value), 8));
}

PgParams& PgParams::Bytes(std::span<const std::uint8_t> value) {
  return Add(kByteaOid, std::string(value.begin(), value.end()));
}

PgParams& PgParams::OptionalBytes(const std::optional<store::Bytes>& value) {
  if (!value) return Add(kByteaOid, std::nullopt);
  return Bytes(*value);
}

PgParams& PgParams::OptionalInt64(const std::optional<std::int64_t>& value) {
  if (!value) return Add(kInt8Oid, std::nullopt);
  return Int64(*value);
}

PgParams& PgParams::Bool(bool value) {
  return Add(kBoolOid, std::string(1, value ? '\1' : '\0'));
}

PgParams& PgParams::Limit(std::size_t rows) {
  constexpr auto kMax = static_cast<std::size_t>(std::numeric_limits<std::int64_t>::max());
  return Int64(static_cast<std::int64_t>(rows > kMax ? kMax : rows));
}

std::vector<const char*> PgParams::values() const {
  std::vector<const char*> out;
  out.reserve(values_.size());
  for (const auto& value : values_) out.push_back(value ? value->data() : nullptr);
  return out;
}

std::vector<int> PgParams::lengths() const {
  std::vector<int> out;
  out.reserve(values_.size());
  for (const auto& value : values_) {
    out.push_back(value ? static_cast<int>(value->size()) : 0);
  }
  return out;
}

void PgResult::Deleter::operator()(pg_result* result) const { PQclear(result); }

PgResult::PgResult(pg_result* result) : result_(result) {}

int PgResult::rows() const { return PQntuples(result_.get()); }

std::size_t PgResult::affected() const {
  const char* count = PQcmdTuples(result_.get());
  return count == nullptr || *count == '\0' ? 0 : std::stoull(count);
}

bool PgResult::IsNull(int row, int column) const {
  return PQgetisnull(result_.get(), row, column) != 0;
}

std::string PgResult::Text(int row, int column) const {
  return std::string(PQgetvalue(result_.get(), row, column),
                     static_cast<std::size_t>(PQgetlength(result_.get(), row, column)));
}

std::int64_t PgResult::Int64(int row, int column) const {
  const int width = PQgetlength(result_.get(), row, column);
  const std::uint64_t raw = FromBigEndian(PQgetvalue(result_.get(), row, column), width);
  // Sign-extend the narrower integer types.
  switch (width) {
    case 2: return static_cast<std::int16_t>(raw);
    case 4: return static_cast<std::int32_t>(raw);
    default: return static_cast<std::int64_t>(raw);
  }
}

bool PgResult::Bool(int row, int column) const {
  return PQgetlength(result_.get(), row, column) == 1 &&
         PQgetvalue(result_.get(), row, column)[0] != 0;
}

store::Bytes PgResult::Bytes(int row, int column) const {
  const auto* data =
      reinterpret_cast<const std::uint8_t*>(PQgetvalue(result_.get(), row, column));
  return store::Bytes(data, data + PQgetlength(result_.get(), row, column));
}

std::optional<store::Bytes> PgResult::OptionalBytes(int row, int column) const {
  if (IsNull(row, column)) return std::nullopt;
  return Bytes(row, column);
}

std::optional<std::int64_t> PgResult::OptionalInt64(int row, int column) const {
  if (IsNull(row, column)) return std::nullopt;
  return Int64(row, column);
}

StatusOr<std::unique_ptr<PgConnection>> PgConnection::Connect(const std::string& dsn,
                                                               std::string_view role) {
  // libpq's message about a malformed string quotes the part it choked on,
  // which may be a password: check the syntax first and keep its words out.
  char* parse_error = nullptr;
  PQconninfoOption* parsed = PQconninfoParse(dsn.c_str(), &parse_error);
  PQfreemem(parse_error);
  if (parsed == nullptr) {
    return Error(Status::InvalidArgument(fmt::format(
        "{}: the PostgreSQL connection string is malformed (expected keyword=value pairs "
        "or a postgresql:// URI); it is not repeated here, as it may hold a password",
        role)));
  }
  PQconninfoFree(parsed);
  pg_conn* conn = PQconnectdb(dsn.c_str());
  if (conn == nullptr) {
    return Error(Status::Unavailable(
        fmt::format("{}: could not connect to PostgreSQL: out of memory", role)));
  }
  if (PQstatus(conn) != CONNECTION_OK) {
    std::string reason = FirstLine(PQerrorMessage(conn));
    PQfinish(conn);
    return Error(Status::Unavailable(
        fmt::format("{}: could not connect to PostgreSQL: {}", role, reason)));
  }
  auto connection = std::unique_ptr<PgConnection>(new PgConnection(conn, role));
  // Pinned per connection, whatever the server's defaults: UTF-8, UTC, and
  // errors without the rows' values in their detail (the vault's errors
  // never carry data, even ciphertext).
  CVAULT_RETURN_IF_ERROR(connection->Execute(
      "SET client_encoding = 'UTF8'; SET TimeZone = 'UTC'; SET DateStyle = 'ISO';"
      "SET client_min_messages = 'warning'",
      "set up the session"));
  return connection;
}

PgConnection::~PgConnection() { PQfinish(conn_); }

bool PgConnection::healthy() const {
  return PQstatus(conn_) == CONNECTION_OK &&
         PQtransactionStatus(conn_) == PQTRANS_IDLE;
}

Status PgConnection::Execute(std::string_view sql, std::string_view action) {
  PgResult result(PQexec(conn_, std::string(sql).c_str()));
  return ErrorOf(result.result_.get(), action);
}

Status PgConnection::Commit() {
  PgResult result(PQexec(conn_, "COMMIT"));
  if (result.result_ == nullptr || PQstatus(conn_) != CONNECTION_OK) {
    return Status::Unavailable(fmt::format(
        "{}: the connection broke while committing; whether the transaction was kept "
        "is unknown",
        role_));
  }
  CVAULT_RETURN_IF_ERROR(ErrorOf(result.result_.get(), "commit"));
  if (std::string_view(PQcmdStatus(result.result_.get())) != "COMMIT") {
    return Status::Busy(fmt::format(
        "{}: the server rolled the transaction back at commit (an earlier statement "
        "failed); nothing was written, retry",
        role_));
  }
  return Status::Ok();
}

StatusOr<PgResult> PgConnection::Run(std::string_view sql, const PgParams& params,
                                     std::string_view action) {
  auto found = prepared_.find(std::string(sql));
  if (found == prepared_.end()) {
    std::string name = fmt::format("cvault_{}", prepared_.size() + 1);
    std::vector<Oid> types(params.types().begin(), params.types().end());
    PgResult prepared(PQprepare(conn_, name.c_str(), std::string(sql).c_str(),
                                params.size(), types.data()));
    CVAULT_RETURN_IF_ERROR(ErrorOf(prepared.result_.get(), action));
    found = prepared_.emplace(std::string(sql), std::move(name)).first;
  }
  const auto values = params.values();
  const auto lengths = params.lengths();
  const auto formats = params.formats();
  PgResult result(PQexecPrepared(conn_, found->second.c_str(), params.size(), values.data(),
                                 lengths.data(), formats.data(), /*resultFormat=*/1));
  CVAULT_RETURN_IF_ERROR(ErrorOf(result.result_.get(), action));
  return result;
}

Status PgConnection::ErrorOf(const pg_result* result, std::string_view action) const {
  if (result == nullptr) {
    return Status::Unavailable(fmt::format("{}: could not {}: {}", role_, action,
                                           FirstLine(PQerrorMessage(conn_))));
  }
  const ExecStatusType status = PQresultStatus(result);
  if (status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK ||
      status == PGRES_EMPTY_QUERY) {
    return Status::Ok();
  }
  const char* state_field = PQresultErrorField(result, PG_DIAG_SQLSTATE);
  const std::string state = state_field == nullptr ? "" : state_field;
  const std::string prefix = fmt::format("{}: could not {}", role_, action);
  if (state == "23505") {
    const char* constraint = PQresultErrorField(result, PG_DIAG_CONSTRAINT_NAME);
    return Status::AlreadyExists(
        fmt::format("{}: a row with the same unique value exists ({})", prefix,
                    constraint == nullptr ? "unique constraint" : constraint));
  }
  if (StartsWith(state, "22") || StartsWith(state, "23")) {
    // Data exceptions and other integrity constraints: the server's message
    // may quote the value, so only the SQLSTATE is kept.
    return Status::Internal(
        fmt::format("{}: the server refused a value (SQLSTATE {})", prefix, state));
  }
  const std::string message = FirstLine(PQresultErrorField(result, PG_DIAG_MESSAGE_PRIMARY));
  if (state == "40001" || state == "40P01" || state == "55P03" || state == "57014") {
    return Status::Busy(fmt::format(
        "{}: another writer held what this transaction needs past the wait limit, or "
        "the transaction could not be serialized with it; nothing was written, retry "
        "(SQLSTATE {}: {})",
        prefix, state, message));
  }
  if (StartsWith(state, "08") || StartsWith(state, "53") || StartsWith(state, "57") ||
      StartsWith(state, "28") || state == "3D000" || state.empty()) {
    return Status::Unavailable(
        fmt::format("{}: {} (SQLSTATE {})", prefix, message, state.empty() ? "none" : state));
  }
  return Status::Internal(fmt::format("{}: {} (SQLSTATE {})", prefix, message, state));
}

}  // namespace cvault::store::postgres
