// The public facade: forwards to VaultCore.
#include "cvault/vault.h"

#include "vault/vault_core.h"

namespace cvault {

StatusOr<std::unique_ptr<Vault>> Vault::Create(Options options) {
  CVAULT_ASSIGN_OR_RETURN(auto core, internal::VaultCore::Create(std::move(options)));
  return std::unique_ptr<Vault>(new Vault(std::move(core)));
}

StatusOr<std::unique_ptr<Vault>> Vault::Open(Options options) {
  CVAULT_ASSIGN_OR_RETURN(auto core, internal::VaultCore::Open(std::move(options)));
  return std::unique_ptr<Vault>(new Vault(std::move(core)));
}

StatusOr<std::unique_ptr<Vault>> Vault::Restore(Options options,
                                                const std::filesystem::path& backup_dir,
                                                const AccessContext& ctx,
                                                RestoreResult* result) {
  CVAULT_ASSIGN_OR_RETURN(
      auto core, internal::VaultCore::Restore(std::move(options), backup_dir, ctx, result));
  return std::unique_ptr<Vault>(new Vault(std::move(core)));
}

Vault::Vault(std::unique_ptr<internal::VaultCore> core)
    : core_(std::move(core)),
      customers_(*core_),
      consents_(*core_),
      support_(*core_),
      refunds_(*core_),
      rights_(*core_),
      audit_(*core_),
      operations_(*core_) {}

Vault::~Vault() = default;

Status Vault::Close() { return core_->Close(); }

StatusOr<CustomerId> Customers::Create(const AccessContext& ctx,
                                       const NewCustomer& customer) {
  return core_.CreateCustomer(ctx, customer);
}

StatusOr<CustomerRecord> Customers::Get(const AccessContext& ctx, const CustomerId& id,
                                        std::span<const CustomerField> fields) {
  return core_.GetCustomer(ctx, id, fields);
}

StatusOr<CustomerId> Customers::FindByEmail(const AccessContext& ctx,
                                            std::string_view email) {
  CVAULT_ASSIGN_OR_RETURN(auto ids, core_.FindCustomers(ctx, CustomerField::kEmail, email));
  return ids.front();  // emails are unique
}

StatusOr<std::vector<CustomerId>> Customers::FindByPhone(const AccessContext& ctx,
                                                         std::string_view phone) {
  return core_.FindCustomers(ctx, CustomerField::kPhone, phone);
}

StatusOr<CustomerRecord> Customers::GetByEmail(const AccessContext& ctx,
                                               std::string_view email,
                                               std::span<const CustomerField> fields) {
  CVAULT_ASSIGN_OR_RETURN(auto records,
                          core_.LookUp(ctx, CustomerField::kEmail, email, fields));
  return std::move(records.front());  // emails are unique
}

StatusOr<std::vector<CustomerRecord>> Customers::GetByPhone(
    const AccessContext& ctx, std::string_view phone,
    std::span<const CustomerField> fields) {
  return core_.LookUp(ctx, CustomerField::kPhone, phone, fields);
}

StatusOr<ImportReport> Customers::Import(const AccessContext& ctx,
                                         std::span<const NewCustomer> records,
                                         const ProgressFn& progress, std::size_t batch) {
  return core_.ImportCustomers(ctx, records, progress, batch);
}

Status Customers::Update(const AccessContext& ctx, const CustomerId& id,
                         const CustomerUpdate& update) {
  return core_.UpdateCustomer(ctx, id, update);
}

StatusOr<std::vector<CustomerId>> Customers::ListIds(const AccessContext& ctx,
                                                     std::optional<CustomerId> after,
                                                     std::size_t limit) {
  return core_.ListCustomerIds(ctx, after, limit);
}

StatusOr<ConsentEvent> Consents::Grant(const AccessContext& ctx, const CustomerId& id,
                                       const ConsentGrant& grant) {
  return core_.GrantConsent(ctx, id, grant);
}

StatusOr<ConsentEvent> Consents::Withdraw(const AccessContext& ctx, const CustomerId& id,
                                          const ConsentWithdrawal& withdrawal) {
  return core_.ChangeConsent(ctx, id, withdrawal.purpose, ConsentEventType::kWithdrawn,
                             std::nullopt, withdrawal.actor,
                             internal::VaultCore::ConsentMeans{withdrawal.collection_method,
                                                               withdrawal.channel});
}

StatusOr<ConsentEvent> Consents::Withdraw(const AccessContext& ctx, const CustomerId& id,
                                          std::string_view purpose,
                                          std::string_view actor) {
  return core_.ChangeConsent(ctx, id, purpose, ConsentEventType::kWithdrawn, std::nullopt,
                             actor, internal::VaultCore::ConsentMeans{"api", "api"});
}

StatusOr<ConsentEvent> Consents::Renew(const AccessContext& ctx, const CustomerId& id,
                                       std::string_view purpose,
                                       std::optional<Timestamp> expires_at,
                                       std::string_view actor) {
  return core_.ChangeConsent(ctx, id, purpose, ConsentEventType::kRenewed, expires_at,
                             actor);
}

StatusOr<ConsentEvent> Consents::RecordExpiry(const AccessContext& ctx,
                                              const CustomerId& id,
                                              std::string_view purpose) {
  return core_.ChangeConsent(ctx, id, purpose, ConsentEventType::kExpired, std::nullopt,
                             "cvault");
}

StatusOr<std::vector<ConsentEvent>> Consents::History(const AccessContext& ctx,
                                                      const CustomerId& id) {
  return core_.ConsentHistory(ctx, id);
}

StatusOr<std::vector<ConsentState>> Consents::Status(const AccessContext& ctx,
                                                     const CustomerId& id,
                                                     std::optional<Timestamp> as_of) {
  return core_.ConsentStatuses(ctx, id, as_of);
}

StatusOr<ConsentReport> Consents::Report(const AccessContext& ctx, std::string_view purpose,
                                         std::optional<Timestamp> as_of) {
  return core_.ConsentReportFor(ctx, purpose, as_of);
}

StatusOr<Notice> Consents::RegisterNotice(const AccessContext& ctx,
                                          std::string_view notice_id,
                                          std::string_view version, std::string_view text) {
  return core_.RegisterNotice(ctx, notice_id, version, text);
}

StatusOr<std::string> Support::OpenTicket(const AccessContext& ctx,
                                          const NewTicket& ticket) {
  return core_.OpenTicket(ctx, ticket);
}

Status Support::RecordAttempt(const AccessContext& ctx, std::string_view ticket_id,
                              FixOutcome outcome, std::string_view note,
                              std::optional<Timestamp> at) {
  return core_.RecordAttempt(ctx, ticket_id, outcome, note, at);
}

Status Support::RecordCustomerReply(const AccessContext& ctx, std::string_view ticket_id,
                                    std::optional<Timestamp> at) {
  return core_.RecordCustomerReply(ctx, ticket_id, at);
}

Status Support::Resolve(const AccessContext& ctx, std::string_view ticket_id,
                        TicketState outcome) {
  return core_.ResolveTicket(ctx, ticket_id, outcome);
}

StatusOr<Ticket> Support::GetTicket(const AccessContext& ctx, std::string_view ticket_id) {
  return core_.GetTicket(ctx, ticket_id);
}

StatusOr<std::string> Refunds::Open(const AccessContext& ctx, const NewRefundCase& refund) {
  return core_.OpenRefund(ctx, refund);
}

Status Refunds::LinkTicket(const AccessContext& ctx, std::string_view case_id,
                           std::string_view ticket_id) {
  return core_.LinkTicket(ctx, case_id, ticket_id);
}

StatusOr<EligibilityDecision> Refunds::Assess(const AccessContext& ctx,
                                              std::string_view case_id,
                                              std::optional<Timestamp> at) {
  return core_.AssessRefund(ctx, case_id, at);
}

Status Refunds::Transition(const AccessContext& ctx, std::string_view case_id,
                           RefundStatus to, std::string_view note) {
  return core_.TransitionRefund(ctx, case_id, to, note);
}

Status Refunds::AttachPayment(const AccessContext& ctx, std::string_view case_id,
                              const PaymentReference& payment) {
  return core_.AttachPayment(ctx, case_id, payment);
}

StatusOr<std::string> Refunds::RecordPurchase(const AccessContext& ctx,
                                              const NewPurchase& purchase) {
  return core_.RecordPurchase(ctx, purchase);
}

StatusOr<PurchaseRecord> Refunds::GetPurchase(const AccessContext& ctx,
                                              std::string_view purchase_id) {
  return core_.GetPurchase(ctx, purchase_id);
}

Status Refunds::Notify(const AccessContext& ctx, std::string_view case_id,
                       std::string_view channel, std::string_view template_id) {
  return core_.NotifyCustomer(ctx, case_id, channel, template_id);
}

StatusOr<RefundCase> Refunds::Get(const AccessContext& ctx, std::string_view case_id) {
  return core_.GetRefund(ctx, case_id);
}

StatusOr<std::vector<OverdueCase>> Refunds::Overdue(const AccessContext& ctx,
                                                    std::optional<Timestamp> at) {
  return core_.OverdueRefunds(ctx, at);
}

Status Rights::Restrict(const AccessContext& ctx, const CustomerId& id,
                        std::string_view request_id) {
  return core_.SetRestriction(ctx, id, /*restricted=*/true, /*customer_informed=*/false,
                              request_id);
}

Status Rights::LiftRestriction(const AccessContext& ctx, const CustomerId& id,
                               bool customer_informed) {
  return core_.SetRestriction(ctx, id, /*restricted=*/false, customer_informed, {});
}

StatusOr<std::string> Rights::Export(const AccessContext& ctx, const CustomerId& id,
                                     std::string_view request_id) {
  return core_.ExportSubject(ctx, id, request_id);
}

StatusOr<ErasureResult> Rights::Erase(const AccessContext& ctx, const CustomerId& id,
                                      std::string_view request_id) {
  return core_.EraseSubject(ctx, id, request_id);
}

StatusOr<PurgeResult> Rights::Purge(const AccessContext& ctx) { return core_.Purge(ctx); }

StatusOr<DsrRequest> Rights::OpenRequest(const AccessContext& ctx,
                                         const NewDsrRequest& request) {
  return core_.OpenDsrRequest(ctx, request);
}

StatusOr<DsrRequest> Rights::RecordIdentityCheck(const AccessContext& ctx,
                                                 std::string_view request_id,
                                                 bool verified) {
  return core_.ChangeDsrRequest(ctx, request_id,
                                internal::VaultCore::DsrChange::IdentityCheck(verified));
}

StatusOr<DsrRequest> Rights::ExtendRequest(const AccessContext& ctx,
                                           std::string_view request_id,
                                           DsrExtension reason) {
  return core_.ChangeDsrRequest(ctx, request_id,
                                internal::VaultCore::DsrChange::Extension(reason));
}

StatusOr<DsrRequest> Rights::CloseRequest(const AccessContext& ctx,
                                          std::string_view request_id,
                                          const DsrClosure& closure) {
  return core_.ChangeDsrRequest(ctx, request_id,
                                internal::VaultCore::DsrChange::Closure(closure));
}

StatusOr<DsrRequest> Rights::GetRequest(const AccessContext& ctx,
                                        std::string_view request_id) {
  return core_.GetDsrRequest(ctx, request_id);
}

StatusOr<std::vector<DsrRequest>> Rights::ListRequests(const AccessContext& ctx,
                                                       const DsrListing& listing) {
  return core_.ListDsrRequests(ctx, listing);
}

StatusOr<KekRotationResult> Operations::RotateKek(const AccessContext& ctx,
                                                  const ProgressFn& progress,
                                                  std::size_t batch) {
  return core_.RotateKek(ctx, progress, batch);
}

Status Operations::Reseal(const AccessContext& ctx, const RootKeySource& new_root,
                          PassphraseCost cost) {
  return core_.ResealKeyring(ctx, new_root, cost);
}

Status Operations::RekeyDatabases(const AccessContext& ctx) {
  return core_.RekeyDatabases(ctx);
}

StatusOr<IndexRotationResult> Operations::RotateBlindIndex(const AccessContext& ctx,
                                                           const ProgressFn& progress,
                                                           std::size_t batch) {
  return core_.RotateBlindIndex(ctx, progress, batch);
}

StatusOr<BackupResult> Operations::Backup(const AccessContext& ctx,
                                          const std::filesystem::path& dir) {
  return core_.Backup(ctx, dir);
}

StatusOr<CheckReport> Operations::Check(const AccessContext& ctx,
                                        const ProgressFn& progress) {
  return core_.Check(ctx, progress);
}

StatusOr<AuditVerifyReport> AuditLog::Verify(
    const AccessContext& ctx, const std::optional<AuditCheckpoint>& trusted) {
  return core_.VerifyAudit(ctx, trusted);
}

StatusOr<std::vector<AuditEntry>> AuditLog::Tail(const AccessContext& ctx,
                                                 std::size_t count) {
  return core_.TailAudit(ctx, count);
}

StatusOr<std::vector<AuditEntry>> AuditLog::Search(const AccessContext& ctx,
                                                   const AuditQuery& query) {
  return core_.SearchAudit(ctx, query);
}

StatusOr<AuditCheckpoint> AuditLog::Checkpoint(const AccessContext& ctx) {
  return core_.Checkpoint(ctx);
}

StatusOr<std::string> AuditLog::SigningPublicKey(const AccessContext& ctx) {
  return core_.SigningPublicKey(ctx);
}

}  // namespace cvault
