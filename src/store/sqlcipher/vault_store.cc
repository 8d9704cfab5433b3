// The vault database: the transaction, which checks that it is usable and
// hands each table's work to the file beside it (customers to
// customer_tables.cc, the audit log and its checkpoints to audit_tables.cc,
// consent events and notices to consent_tables.cc, support tickets and refund
// cases to case_tables.cc, retention holds to hold_tables.cc) and reads and
// writes the small meta table itself; and the store, which opens it.
#include <atomic>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>
#include <utility>

#include "store/sqlcipher/audit_tables.h"
#include "store/sqlcipher/case_tables.h"
#include "store/sqlcipher/connection.h"
#include "store/sqlcipher/consent_tables.h"
#include "store/sqlcipher/customer_tables.h"
#include "store/sqlcipher/dsr_tables.h"
#include "store/sqlcipher/hold_tables.h"
#include "store/sqlcipher/keyed_connection.h"
#include "store/sqlcipher/meta_tables.h"
#include "store/sqlcipher/migrations.h"
#include "store/sqlcipher/reader_pool.h"
#include "store/sqlcipher/schemas.h"
#include "store/sqlcipher/sqlcipher_store.h"
#include "store/sqlcipher/transaction.h"

namespace cvault::store {
namespace {

using sqlcipher::Connection;
using sqlcipher::KeyedConnection;
using sqlcipher::ReaderLoan;
using sqlcipher::ReaderPool;
using sqlcipher::Transaction;

constexpr std::string_view kRole = "vault database";

sqlcipher::SchemaSpec VaultSchema() {
  return {kRole, "vault", sqlcipher::VaultMigrations()};
}

// One transaction at a time on a store's main connection, across threads.
// A thread that already holds it is refused (as SQLite refuses a nested
// BEGIN) instead of waiting for itself. Thread-safe.
class MainConnectionGate {
 public:
  // Releases the gate when it goes. Move-only.
  class Hold {
   public:
    Hold() = default;
    explicit Hold(MainConnectionGate* gate) : gate_(gate) {}
    Hold(Hold&& other) noexcept : gate_(std::exchange(other.gate_, nullptr)) {}
    Hold& operator=(Hold&&) = delete;
    ~Hold() { Release(); }
    bool held() const { return gate_ != nullptr; }
    void Release() {
      if (gate_ != nullptr) std::exchange(gate_, nullptr)->Release();
    }

   private:
    MainConnectionGate* gate_ = nullptr;
  };

  // Waits for the gate; FailedPrecondition if this thread holds it.
  StatusOr<Hold> Acquire(std::string_view role) {
    if (owner_.load() == std::this_thread::get_id()) {
      return Error(Status::FailedPrecondition(
          std::string(role) + ": a transaction is already open; commit or destroy it first"));
    }
    mu_.lock();
    owner_ = std::this_thread::get_id();
    return Hold(this);
  }
  // The gate if it is free now; an empty Hold otherwise.
  Hold TryAcquire() {
    if (!mu_.try_lock()) return Hold();
    owner_ = std::this_thread::get_id();
    return Hold(this);
  }

 private:
  void Release() {
    owner_ = std::thread::id();
    mu_.unlock();
  }
  std::mutex mu_;
  std::atomic<std::thread::id> owner_;
};

class SqlcipherVaultTransaction final : public VaultTransaction {
 public:
  // A transaction on the store's main connection, which `main` holds until
  // the transaction has ended.
  SqlcipherVaultTransaction(MainConnectionGate::Hold main, Connection& connection,
                            Transaction transaction)
      : main_(std::move(main)),
        connection_(connection),
        transaction_(std::move(transaction)) {}
  // A parallel read on a borrowed reader, given back once the transaction
  // has ended.
  SqlcipherVaultTransaction(ReaderLoan loan, Transaction transaction)
      : loan_(std::move(loan)),
        connection_(loan_->connection()),
        transaction_(std::move(transaction)) {}

  Status InsertCustomer(const CustomerRow& row) override {
    CVAULT_RETURN_IF_ERROR(transaction_.CheckUsable(/*for_write=*/true));
    return sqlcipher::InsertCustomer(connection_, row);
  }

  Status UpdateCustomer(const CustomerRow& row) override {
    CVAULT_RETURN_IF_ERROR(transaction_.CheckUsable(/*for_write=*/true));
    return sqlcipher::UpdateCustomer(connection_, row);
  }

  StatusOr<std::optional<CustomerRow>> GetCustomer(std::string_view id) override {
    CVAULT_RETURN_IF_ERROR(transaction_.CheckUsable(/*for_write=*/false));
    return sqlcipher::GetCustomer(connection_, id);
  }

  StatusOr<std::vector<std::string>> FindByEmailIndex(
      std::span<const std::uint8_t> index) override {
    CVAULT_RETURN_IF_ERROR(transaction_.CheckUsable(/*for_write=*/false));
    return sqlcipher::FindByEmailIndex(connection_, index);
  }

  StatusOr<std::vector<std::string>> FindByPhoneIndex(
      std::span<const std::uint8_t> index) override {
    CVAULT_RETURN_IF_ERROR(transaction_.CheckUsable(/*for_write=*/false));
    return sqlcipher::FindByPhoneIndex(connection_, index);
  }

  StatusOr<std::vector<std::string>> ListCustomerIds(
      std::optional<std::string_view> after, std::size_t limit) override {
    CVAULT_RETURN_IF_ERROR(transaction_.CheckUsable(/*for_write=*/false));
    return sqlcipher::ListCustomerIds(connection_, after, limit);
  }

  Status AppendAudit(const AuditRow& row) override {
    CVAULT_RETURN_IF_ERROR(transaction_.CheckUsable(/*for_write=*/true));
    return sqlcipher::AppendAudit(connection_, row);
  }

  StatusOr<std::optional<AuditRow>> LastAudit() override {
    CVAULT_RETURN_IF_ERROR(transaction_.CheckUsable(/*for_write=*/false));
    return sqlcipher::LastAudit(connection_);
  }

  StatusOr<std::vector<AuditRow>> ReadAudit(std::uint64_t from,
                                            std::size_t limit) override {
    CVAULT_RETURN_IF_ERROR(transaction_.CheckUsable(/*for_write=*/false));
    return sqlcipher::ReadAudit(connection_, from, limit);
  }

  Status ReadAuditInto(std::uint64_t from, std::size_t limit,
                       std::vector<AuditRow>& rows) override {
    CVAULT_RETURN_IF_ERROR(transaction_.CheckUsable(/*for_write=*/false));
    return sqlcipher::ReadAuditInto(connection_, from, limit, rows);
  }

  StatusOr<std::vector<AuditRow>> ReadAuditForSubject(
      std::string_view subject, std::uint64_t from, std::size_t limit) override {
    CVAULT_RETURN_IF_ERROR(transaction_.CheckUsable(/*for_write=*/false));
    return sqlcipher::ReadAuditForSubject(connection_, subject, from, limit);
  }

  Status InsertCheckpoint(const CheckpointRow& row) override {
    CVAULT_RETURN_IF_ERROR(transaction_.CheckUsable(/*for_write=*/true));
    return sqlcipher::InsertCheckpoint(connection_, row);
  }

  StatusOr<std::vector<CheckpointRow>> ListCheckpoints() override {
    CVAULT_RETURN_IF_ERROR(transaction_.CheckUsable(/*for_write=*/false));
    return sqlcipher::ListCheckpoints(connection_);
  }

  StatusOr<std::optional<CheckpointRow>> LastCheckpoint() override {
    CVAULT_RETURN_IF_ERROR(transaction_.CheckUsable(/*for_write=*/false));
    return sqlcipher::LastCheckpoint(connection_);
  }

  Status AppendConsentEvent(const ConsentEventRow& row) override {
    CVAULT_RETURN_IF_ERROR(transaction_.CheckUsable(/*for_write=*/true));
    return sqlcipher::AppendConsentEvent(connection_, row);
  }

  StatusOr<std::vector<ConsentEventRow>> ListConsentEvents(
      std::string_view customer_id) override {
    CVAULT_RETURN_IF_ERROR(transaction_.CheckUsable(/*for_write=*/false));
    return sqlcipher::ListConsentEvents(connection_, customer_id);
  }

  StatusOr<std::vector<ConsentEventRow>> ListConsentEventsFor(
      std::string_view customer_id, std::string_view purpose,
      std::int64_t as_of_us) override {
    CVAULT_RETURN_IF_ERROR(transaction_.CheckUsable(/*for_write=*/false));
    return sqlcipher::ListConsentEventsFor(connection_, customer_id, purpose,
                                           as_of_us);
  }

  StatusOr<std::vector<ConsentEventRow>> LatestConsentEvents(
      std::string_view purpose, std::int64_t as_of_us) override {
    CVAULT_RETURN_IF_ERROR(transaction_.CheckUsable(/*for_write=*/false));
    return sqlcipher::LatestConsentEvents(connection_, purpose, as_of_us);
  }

  StatusOr<std::uint64_t> CountCustomers(std::int64_t as_of_us) override {
    CVAULT_RETURN_IF_ERROR(transaction_.CheckUsable(/*for_write=*/false));
    return sqlcipher::CountCustomers(connection_, as_of_us);
  }

  Status InsertNotice(const NoticeRow& row) override {
    CVAULT_RETURN_IF_ERROR(transaction_.CheckUsable(/*for_write=*/true));
    return sqlcipher::InsertNotice(connection_, row);
  }

  StatusOr<std::optional<NoticeRow>> GetNotice(
      std::string_view notice_id, std::string_view version) override {
    CVAULT_RETURN_IF_ERROR(transaction_.CheckUsable(/*for_write=*/false));
    return sqlcipher::GetNotice(connection_, notice_id, version);
  }

  Status InsertCase(const CaseRow& row) override {
    CVAULT_RETURN_IF_ERROR(transaction_.CheckUsable(/*for_write=*/true));
    return sqlcipher::InsertCase(connection_, row);
  }

  Status UpdateCase(const CaseRow& row) override {
    CVAULT_RETURN_IF_ERROR(transaction_.CheckUsable(/*for_write=*/true));
    return sqlcipher::UpdateCase(connection_, row);
  }

  StatusOr<std::optional<CaseRow>> GetCase(std::string_view case_id) override {
    CVAULT_RETURN_IF_ERROR(transaction_.CheckUsable(/*for_write=*/false));
    return sqlcipher::GetCase(connection_, case_id);
  }

  StatusOr<std::vector<CaseRow>> ListCases(std::string_view customer_id,
                                           std::string_view kind) override {
    CVAULT_RETURN_IF_ERROR(transaction_.CheckUsable(/*for_write=*/false));
    return sqlcipher::ListCases(connection_, customer_id, kind);
  }

  StatusOr<std::vector<CaseRow>> ListDueRefunds(std::int64_t at_us) override {
    CVAULT_RETURN_IF_ERROR(transaction_.CheckUsable(/*for_write=*/false));
    return sqlcipher::ListDueRefunds(connection_, at_us);
  }

  StatusOr<std::size_t> DeleteCustomer(std::string_view id) override {
    CVAULT_RETURN_IF_ERROR(transaction_.CheckUsable(/*for_write=*/true));
    return sqlcipher::DeleteCustomer(connection_, id);
  }

  StatusOr<std::size_t> DeleteConsentEvents(std::string_view customer_id,
                                            std::size_t limit) override {
    CVAULT_RETURN_IF_ERROR(transaction_.CheckUsable(/*for_write=*/true));
    return sqlcipher::DeleteConsentEvents(connection_, customer_id, limit);
  }

  StatusOr<std::size_t> DeleteCases(std::string_view customer_id, std::string_view kind,
                                    std::size_t limit) override {
    CVAULT_RETURN_IF_ERROR(transaction_.CheckUsable(/*for_write=*/true));
    return sqlcipher::DeleteCases(connection_, customer_id, kind, limit);
  }

  StatusOr<std::size_t> CountConsentEvents(std::string_view customer_id) override {
    CVAULT_RETURN_IF_ERROR(transaction_.CheckUsable(/*for_write=*/false));
    return sqlcipher::CountConsentEvents(connection_, customer_id);
  }

  StatusOr<std::size_t> CountCases(std::string_view customer_id,
                                   std::string_view kind) override {
    CVAULT_RETURN_IF_ERROR(transaction_.CheckUsable(/*for_write=*/false));
    return sqlcipher::CountCases(connection_, customer_id, kind);
  }

  Status ReassignCase(const CaseRow& row) override {
    CVAULT_RETURN_IF_ERROR(transaction_.CheckUsable(/*for_write=*/true));
    return sqlcipher::ReassignCase(connection_, row);
  }

  Status InsertHold(const HoldRow& row) override {
    CVAULT_RETURN_IF_ERROR(transaction_.CheckUsable(/*for_write=*/true));
    return sqlcipher::InsertHold(connection_, row);
  }

  StatusOr<std::optional<HoldRow>> GetHold(std::string_view hold_id) override {
    CVAULT_RETURN_IF_ERROR(transaction_.CheckUsable(/*for_write=*/false));
    return sqlcipher::GetHold(connection_, hold_id);
  }

  StatusOr<std::vector<HoldRow>> ListHoldsDueBy(std::int64_t at_us) override {
    CVAULT_RETURN_IF_ERROR(transaction_.CheckUsable(/*for_write=*/false));
    return sqlcipher::ListHoldsDueBy(connection_, at_us);
  }

  StatusOr<std::size_t> DeleteHold(std::string_view hold_id) override {
    CVAULT_RETURN_IF_ERROR(transaction_.CheckUsable(/*for_write=*/true));
    return sqlcipher::DeleteHold(connection_, hold_id);
  }

  Status InsertPendingErasure(const PendingErasureRow& row) override {
    CVAULT_RETURN_IF_ERROR(transaction_.CheckUsable(/*for_write=*/true));
    return sqlcipher::InsertPendingErasure(connection_, row);
  }

  StatusOr<std::optional<PendingErasureRow>> GetPendingErasure(
      std::string_view customer_id) override {
    CVAULT_RETURN_IF_ERROR(transaction_.CheckUsable(/*for_write=*/false));
    return sqlcipher::GetPendingErasure(connection_, customer_id);
  }

  StatusOr<std::vector<PendingErasureRow>> ListPendingErasures(std::size_t limit) override {
    CVAULT_RETURN_IF_ERROR(transaction_.CheckUsable(/*for_write=*/false));
    return sqlcipher::ListPendingErasures(connection_, limit);
  }

  StatusOr<std::size_t> DeletePendingErasure(std::string_view customer_id) override {
    CVAULT_RETURN_IF_ERROR(transaction_.CheckUsable(/*for_write=*/true));
    return sqlcipher::DeletePendingErasure(connection_, customer_id);
  }

  Status InsertDsrRequest(const DsrRequestRow& row) override {
    CVAULT_RETURN_IF_ERROR(transaction_.CheckUsable(/*for_write=*/true));
    return sqlcipher::InsertDsrRequest(connection_, row);
  }

  Status UpdateDsrRequest(const DsrRequestRow& row) override {
    CVAULT_RETURN_IF_ERROR(transaction_.CheckUsable(/*for_write=*/true));
    return sqlcipher::UpdateDsrRequest(connection_, row);
  }

  StatusOr<std::optional<DsrRequestRow>> GetDsrRequest(
      std::string_view request_id) override {
    CVAULT_RETURN_IF_ERROR(transaction_.CheckUsable(/*for_write=*/false));
    return sqlcipher::GetDsrRequest(connection_, request_id);
  }

  StatusOr<std::vector<DsrRequestRow>> ListDsrRequests(
      bool open_only, std::string_view customer_id) override {
    CVAULT_RETURN_IF_ERROR(transaction_.CheckUsable(/*for_write=*/false));
    return sqlcipher::ListDsrRequests(connection_, open_only, customer_id);
  }

  StatusOr<std::vector<ConsentEventRow>> ListLapsedConsents(
      std::int64_t at_us) override {
    CVAULT_RETURN_IF_ERROR(transaction_.CheckUsable(/*for_write=*/false));
    return sqlcipher::ListLapsedConsents(connection_, at_us);
  }

  Status SetNextIndexes(std::string_view id, const std::optional<Bytes>& email_next,
                        const std::optional<Bytes>& phone_next) override {
    CVAULT_RETURN_IF_ERROR(transaction_.CheckUsable(/*for_write=*/true));
    return sqlcipher::SetNextIndexes(connection_, id, email_next, phone_next);
  }

  StatusOr<std::vector<std::string>> ListCustomersMissingNextIndex(
      std::optional<std::string_view> after, std::size_t limit) override {
    CVAULT_RETURN_IF_ERROR(transaction_.CheckUsable(/*for_write=*/false));
    return sqlcipher::ListCustomersMissingNextIndex(connection_, after, limit);
  }

  StatusOr<std::size_t> PromoteNextIndexes() override {
    CVAULT_RETURN_IF_ERROR(transaction_.CheckUsable(/*for_write=*/true));
    return sqlcipher::PromoteNextIndexes(connection_);
  }

  Status ClearNextIndexes() override {
    CVAULT_RETURN_IF_ERROR(transaction_.CheckUsable(/*for_write=*/true));
    return sqlcipher::ClearNextIndexes(connection_);
  }

  StatusOr<std::optional<std::string>> GetMeta(std::string_view key) override {
    CVAULT_RETURN_IF_ERROR(transaction_.CheckUsable(/*for_write=*/false));
    return sqlcipher::GetMeta(connection_, key);
  }

  Status SetMeta(std::string_view key, std::string_view value) override {
    CVAULT_RETURN_IF_ERROR(transaction_.CheckUsable(/*for_write=*/true));
    return sqlcipher::SetMeta(connection_, key, value);
  }

  Status Commit() override {
    Status committed = transaction_.Commit();
    // Ended: the main connection is free for the next transaction, even
    // while this object lives (it no longer touches the connection). A
    // borrowed reader goes back only with the object.
    if (committed.ok()) main_.Release();
    return committed;
  }

 private:
  // Destroyed last, after the transaction ended: the main connection's
  // lock, or the borrowed reader.
  MainConnectionGate::Hold main_;
  std::optional<ReaderLoan> loan_;
  Connection& connection_;
  Transaction transaction_;
};

class VaultStoreFile final : public SqlcipherVaultStore {
 public:
  explicit VaultStoreFile(KeyedConnection keyed) : keyed_(std::move(keyed)) {}

  StatusOr<std::unique_ptr<VaultTransaction>> Begin(bool write) override {
    // Waits only for a parallel read that took the main connection.
    CVAULT_ASSIGN_OR_RETURN(auto main, main_gate_.Acquire(kRole));
    return BeginOnMain(std::move(main), write);
  }

  // On the main connection when it is free: its page cache stays warm, where
  // a reader's is dropped after every commit of another connection (SQLite
  // WAL), so a lone thread pays nothing for the readers. Else on a reader.
  StatusOr<std::unique_ptr<VaultTransaction>> BeginParallelRead() override {
    MainConnectionGate::Hold main = main_gate_.TryAcquire();
    if (main.held()) return BeginOnMain(std::move(main), /*write=*/false);
    CVAULT_ASSIGN_OR_RETURN(ReaderLoan loan, ReaderPool::Borrow(readers_, keyed_));
    CVAULT_ASSIGN_OR_RETURN(auto transaction,
                            Transaction::Begin(loan.connection(), /*write=*/false));
    return std::unique_ptr<VaultTransaction>(
        new SqlcipherVaultTransaction(std::move(loan), std::move(transaction)));
  }

  Status Rekey(const SecretBytes& new_key) override {
    readers_->Clear();  // keyed with the old key
    return keyed_.Rekey(new_key);
  }
  Status BackupTo(const std::filesystem::path& file) override {
    return keyed_.BackupTo(file);
  }
  Status TruncateLog() override { return keyed_.TruncateLog(); }
  StatusOr<std::vector<std::string>> CheckPages() override { return keyed_.CheckPages(); }

 private:
  StatusOr<std::unique_ptr<VaultTransaction>> BeginOnMain(MainConnectionGate::Hold main,
                                                          bool write) {
    CVAULT_RETURN_IF_ERROR(keyed_.CheckConnected());
    Connection& connection = keyed_.connection();
    CVAULT_ASSIGN_OR_RETURN(auto transaction, Transaction::Begin(connection, write));
    return std::unique_ptr<VaultTransaction>(
        new SqlcipherVaultTransaction(std::move(main), connection, std::move(transaction)));
  }

  KeyedConnection keyed_;
  // Held by the transaction on the main connection while it lasts.
  MainConnectionGate main_gate_;
  // Destroyed first: the main connection stays the last one to close (and
  // so the one that checkpoints the log), as without readers.
  std::shared_ptr<ReaderPool> readers_ = std::make_shared<ReaderPool>();
};

}  // namespace

StatusOr<std::unique_ptr<SqlcipherVaultStore>> OpenSqlcipherVaultStore(
    const std::filesystem::path& file, const SecretBytes& key, bool create,
    const SqlcipherSettings& settings) {
  CVAULT_ASSIGN_OR_RETURN(
      auto connection,
      sqlcipher::OpenWithSchema(file, key, create, settings, VaultSchema()));
  return std::unique_ptr<SqlcipherVaultStore>(new VaultStoreFile(
      KeyedConnection(std::move(connection), key.Clone(), settings, VaultSchema(),
                      "open the vault again")));
}

}  // namespace cvault::store
