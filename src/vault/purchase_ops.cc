// The purchase records of VaultCore: what a customer was shown and
// acknowledged when buying one order, and the charge. Financial records,
// sealed under the customer's financial data key like refund cases (kept
// under the same retention hold when the customer is erased).
#include "domain/case_documents.h"
#include "domain/purchase_record.h"
#include "domain/refund_rules.h"
#include "domain/retention.h"
#include "vault/vault_core.h"

namespace cvault::internal {
namespace {

namespace action = policy::action;
constexpr int kFinancialClass = 2;  // keys::RetentionClass::kFinancial
constexpr char kRecordedStatus[] = "recorded";

std::int64_t Us(Timestamp t) { return t.time_since_epoch().count(); }
Timestamp At(std::int64_t us) { return Timestamp(std::chrono::microseconds(us)); }

// The owners whose rows may hold an opened case's order records: its row's
// owner, and the hold that owns it while an erasure is being swept.
std::vector<std::string> OwnersOf(const OpenedRefund& o) {
  std::vector<std::string> owners = {o.c.row.customer_id};
  if (!o.c.held_by.empty() && o.c.held_by != o.c.row.customer_id) {
    owners.push_back(o.c.held_by);
  }
  return owners;
}

}  // namespace

StatusOr<std::string> VaultCore::RecordPurchase(const AccessContext& in,
                                                const NewPurchase& p) {
  std::lock_guard lock(mu_);
  CVAULT_ASSIGN_OR_RETURN(
      AuditedCall call,
      StartCall(in, action::kRefundRecordPurchase,
                {"refund.record_purchase", "", {"purchase"}, {}, "allow", "ok"}));
  auto decided =
      BeginForSubject(call, p.customer,
                      GroupRecordRequest(action::kRefundRecordPurchase,
                                         policy::FieldUse::kWrite, FieldGroup::kFinancial));
  if (!decided) return Error(decided.error());
  auto fail = [&](std::string reason, Status status) {
    return Error(std::move(call).Fail(std::move(reason), std::move(status)));
  };
  const std::int64_t now = NowMicros();
  Status valid = domain::ValidateNewPurchase(p, At(now));
  if (!valid.ok()) return fail("invalid_input", valid);
  // The financial key is committed to the keystore before the row (as for
  // a first refund case); the call's write transaction stays open.
  CVAULT_ASSIGN_OR_RETURN(const crypto::FieldCipher* cipher,
                          FinancialCipherFor(p.customer.str()));
  // One record per order, checked in this write transaction, so two
  // recordings of one order cannot both pass.
  CVAULT_ASSIGN_OR_RETURN(auto rows, call.tx().ListCases(p.customer.str(),
                                                         domain::kPurchaseKind));
  for (const store::CaseRow& row : rows) {
    auto existing = domain::OpenPurchase(*cipher, row);
    if (!existing) return fail("integrity_error", existing.error());
    if (existing->order_ref == p.order_ref) {
      return fail("already_recorded",
                  Status::AlreadyExists(
                      "order reference: this order already has a purchase record"));
    }
  }
  PurchaseRecord record;
  record.purchase_id = domain::NewPurchaseId();
  record.customer = p.customer;
  record.order_ref = p.order_ref;
  record.product = p.product;
  record.charge = p.charge;
  record.policy_version = p.policy_version;
  record.requirements_shown = !p.system_requirements.empty();
  record.system_requirements = p.system_requirements;
  record.purchased_at = p.purchased_at;
  record.withdrawal_right = p.withdrawal_right;
  record.withdrawal_waiver = p.withdrawal_waiver;
  record.recorded_at = At(now);
  record.recorded_by = call.ctx().principal_id;
  store::CaseRow row;
  row.case_id = record.purchase_id;
  row.kind = domain::kPurchaseKind;
  row.customer_id = p.customer.str();
  row.status = kRecordedStatus;
  row.opened_at_us = Us(p.purchased_at);
  row.updated_at_us = now;
  row.retention_class = kFinancialClass;
  CVAULT_ASSIGN_OR_RETURN(row.document, domain::SealPurchase(*cipher, row, record));
  CVAULT_RETURN_IF_ERROR(call.tx().InsertCase(row));
  // Whether the requirements were shown and the waiver given: facts about
  // the sale, not personal data.
  call.event().reason_code = record.requirements_shown ? "requirements_shown"
                                                       : "requirements_not_shown";
  CVAULT_RETURN_IF_ERROR(std::move(call).Commit());
  return record.purchase_id;
}

StatusOr<PurchaseRecord> VaultCore::GetPurchase(const AccessContext& in,
                                                std::string_view purchase_id) {
  std::lock_guard lock(mu_);
  CVAULT_ASSIGN_OR_RETURN(
      AuditedCall call,
      StartCall(in, action::kRefundRead,
                {"refund.read_purchase", "", {"purchase"}, {}, "allow", "ok"}));
  CVAULT_ASSIGN_OR_RETURN(
      DecidedCase c,
      BeginForCase(call, purchase_id, domain::kPurchaseKind,
                   GroupRecordRequest(action::kRefundRead, policy::FieldUse::kRead,
                                      FieldGroup::kFinancial)));
  const std::string& owner = c.held_by.empty() ? c.row.customer_id : c.held_by;
  auto cipher = FinancialCipherFor(owner);
  if (!cipher) return Error(std::move(call).Fail("integrity_error", cipher.error()));
  auto purchase = domain::OpenPurchase(**cipher, c.row);
  if (!purchase) return Error(std::move(call).Fail("integrity_error", purchase.error()));
  call.event().fields_returned = {"purchase"};
  CVAULT_RETURN_IF_ERROR(std::move(call).Commit());
  // Not swept yet: stored in full under the hold's key, read minimised.
  if (c.row.customer_id != owner) return domain::MinimiseForHold(*purchase, owner);
  return std::move(*purchase);
}

StatusOr<VaultCore::OrderRecords> VaultCore::ReadOrderRecords(AuditedCall& call,
                                                              const OpenedRefund& o,
                                                              bool with_refunds) {
  OrderRecords out;
  for (const std::string& owner : OwnersOf(o)) {
    CVAULT_ASSIGN_OR_RETURN(auto purchases,
                            call.tx().ListCases(owner, domain::kPurchaseKind));
    for (const store::CaseRow& row : purchases) {
      CVAULT_ASSIGN_OR_RETURN(PurchaseRecord purchase,
                              domain::OpenPurchase(*o.cipher, row));
      if (purchase.order_ref == o.refund.order_ref) out.purchase = std::move(purchase);
    }
    if (!with_refunds) continue;
    CVAULT_ASSIGN_OR_RETURN(auto refunds, call.tx().ListCases(owner, domain::kRefundKind));
    for (const store::CaseRow& row : refunds) {
      // A failed refund paid nothing back; denied and withdrawn ones carry
      // no payments.
      if (row.case_id == o.c.row.case_id ||
          row.status == RefundStatusName(RefundStatus::kFailed)) {
        continue;
      }
      CVAULT_ASSIGN_OR_RETURN(RefundCase other, domain::OpenRefundCase(*o.cipher, row));
      if (other.order_ref != o.refund.order_ref) continue;
      out.other_refunds.insert(out.other_refunds.end(), other.payments.begin(),
                               other.payments.end());
    }
  }
  return out;
}

}  // namespace cvault::internal
