#include "store/postgres/pg_pool.h"

#include <fmt/format.h>

#include <chrono>

namespace cvault::store::postgres {

std::int64_t AdvisoryLockKey(std::string_view schema, std::string_view purpose) {
  std::uint64_t hash = 0xcbf29ce484222325ULL;
  auto mix = [&hash](std::string_view text) {
    for (char c : text) {
      hash ^= static_cast<std::uint8_t>(c);
      hash *= 0x100000001b3ULL;
    }
  };
  mix("cvault:");
  mix(schema);
  mix(":");
  mix(purpose);
  return static_cast<std::int64_t>(hash);
}

std::string QuoteIdentifier(std::string_view name) { return fmt::format("\"{}\"", name); }

PgTransaction::~PgTransaction() {
  if (open_) {
    // A failed ROLLBACK leaves the connection in an unclear state; the pool
    // then closes it instead of reusing it.
    (void)connection_->Execute("ROLLBACK", "roll back");
  }
  pool_->Return(std::move(connection_));
}

StatusOr<PgResult> PgTransaction::Run(std::string_view sql, const PgParams& params,
                                      std::string_view action, bool writes) {
  if (!open_) {
    return Error(Status::FailedPrecondition(
        fmt::format("{}: could not {}: the transaction is over", pool_->role(), action)));
  }
  if (writes && !write_) {
    return Error(Status::FailedPrecondition(
        fmt::format("{}: could not {}: this is a read transaction", pool_->role(), action)));
  }
  return connection_->Run(sql, params, action);
}

Status PgTransaction::Commit() {
  if (!open_) {
    return Status::FailedPrecondition(
        fmt::format("{}: the transaction is already over", pool_->role()));
  }
  open_ = false;
  return connection_->Commit();
}

PgPool::PgPool(PostgresSettings settings, std::string schema, std::string role)
    : settings_(std::move(settings)),
      schema_(std::move(schema)),
      role_(std::move(role)),
      begin_write_sql_(fmt::format(
          "BEGIN ISOLATION LEVEL READ COMMITTED; SET LOCAL lock_timeout = {}; "
          "SELECT pg_advisory_xact_lock({})",
          settings_.lock_timeout_ms, AdvisoryLockKey(schema_, "write"))) {}

PgPool::~PgPool() = default;

StatusOr<std::unique_ptr<PgConnection>> PgPool::ConnectUnpooled() {
  CVAULT_ASSIGN_OR_RETURN(auto connection, PgConnection::Connect(settings_.dsn, role_));
  CVAULT_RETURN_IF_ERROR(connection->Execute(
      fmt::format("SET search_path TO {}; SET synchronous_commit TO {}",
                  QuoteIdentifier(schema_),
                  settings_.durability == Durability::kFull ? "on" : "local"),
      "set up the session"));
  return connection;
}

StatusOr<std::unique_ptr<PgConnection>> PgPool::Borrow() {
  {
    std::unique_lock lock(mu_);
    const auto deadline =
        std::chrono::steady_clock::now() + std::chrono::milliseconds(settings_.lock_timeout_ms);
    while (idle_.empty() && open_count_ >= settings_.pool_size) {
      if (returned_.wait_until(lock, deadline) == std::cv_status::timeout &&
          idle_.empty() && open_count_ >= settings_.pool_size) {
        return Error(Status::Busy(fmt::format(
            "{}: all {} pooled connections stayed in use past the wait limit; retry",
            role_, settings_.pool_size)));
      }
    }
    if (!idle_.empty()) {
      auto connection = std::move(idle_.back());
      idle_.pop_back();
      return connection;
    }
    ++open_count_;  // reserved; connecting happens outside the lock
  }
  auto connection = ConnectUnpooled();
  if (!connection) {
    std::lock_guard lock(mu_);
    --open_count_;
    returned_.notify_one();
  }
  return connection;
}

void PgPool::Return(std::unique_ptr<PgConnection> connection) {
  std::lock_guard lock(mu_);
  if (connection != nullptr && connection->healthy()) {
    idle_.push_back(std::move(connection));
  } else {
    --open_count_;
  }
  returned_.notify_one();
}

StatusOr<std::unique_ptr<PgTransaction>> PgPool::Begin(bool write) {
  CVAULT_ASSIGN_OR_RETURN(auto connection, Borrow());
  const Status begun = connection->Execute(
      write ? std::string_view(begin_write_sql_)
            : std::string_view("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY"),
      write ? "begin a write transaction" : "begin a read transaction");
  if (!begun.ok()) {
    // The connection is idle again unless it broke; Return() checks.
    (void)connection->Execute("ROLLBACK", "roll back");
    Return(std::move(connection));
    return Error(begun);
  }
  return std::unique_ptr<PgTransaction>(new PgTransaction(this, std::move(connection), write));
}

}  // namespace cvault::store::postgres
