#include "domain/purchase_record.h"

#include <cstdint>

#include "domain/case_documents.h"
#include "domain/payment_reference.h"
#include "domain/validation.h"

namespace cvault::domain {
namespace {

constexpr std::size_t kMaxOrderRef = 64;
constexpr std::size_t kMaxRequirements = 4000;

// Each of the charge's ids the payment also gives must be equal.
bool IdAgrees(const std::optional<std::string>& charge,
              const std::optional<std::string>& payment, bool& matched) {
  if (!charge || !payment) return true;
  if (*charge != *payment) return false;
  matched = true;
  return true;
}

}  // namespace

Status ValidateNewPurchase(const NewPurchase& p, Timestamp now) {
  CVAULT_RETURN_IF_ERROR(ValidateText("order reference", p.order_ref, kMaxOrderRef, false));
  CVAULT_RETURN_IF_ERROR(ValidateSku(p.product.sku));
  CVAULT_RETURN_IF_ERROR(ValidatePaymentReference(p.charge));
  if (p.charge.refund_id) {
    return Status::InvalidArgument(
        "refund id: a purchase's charge carries no refund id; attach refunds to the "
        "refund case");
  }
  CVAULT_RETURN_IF_ERROR(ValidateToken("policy version", p.policy_version));
  if (!p.system_requirements.empty()) {
    CVAULT_RETURN_IF_ERROR(ValidateText("system requirements", p.system_requirements,
                                        kMaxRequirements, true));
  }
  if (p.purchased_at > now) {
    return Status::InvalidArgument("purchased at: must not be in the future");
  }
  if (p.withdrawal_waiver) {
    CVAULT_RETURN_IF_ERROR(ValidateToken("waiver method", p.withdrawal_waiver->method));
    if (p.withdrawal_waiver->at > now) {
      return Status::InvalidArgument("waiver at: must not be in the future");
    }
  }
  return Status::Ok();
}

bool NamesCharge(const PaymentReference& charge, const PaymentReference& payment) {
  if (charge.processor != payment.processor) return false;
  bool matched = false;
  return IdAgrees(charge.charge_id, payment.charge_id, matched) &&
         IdAgrees(charge.payment_intent_id, payment.payment_intent_id, matched) &&
         IdAgrees(charge.capture_id, payment.capture_id, matched) && matched;
}

namespace {

// AlreadyExists when `refund` carries a refund id already among `earlier`.
Status CheckNotRecorded(std::span<const PaymentReference> earlier,
                        const PaymentReference& refund) {
  for (const PaymentReference& e : earlier) {
    if (refund.refund_id && e.refund_id == refund.refund_id) {
      return Status::AlreadyExists(
          "refund id: this refund is already recorded against the charge");
    }
  }
  return Status::Ok();
}

}  // namespace

Status CheckRefundAgainstCharge(const PaymentReference& charge,
                                std::span<const PaymentReference> earlier,
                                const PaymentReference& refund) {
  if (!NamesCharge(charge, refund)) {
    return Status::InvalidArgument(
        "charge: the refund names another charge than the order's purchase record "
        "(processor and charge, payment intent or capture id must match)");
  }
  if (refund.currency != charge.currency) {
    return Status::InvalidArgument(
        "currency: a refund is paid in the currency of the charge it refunds");
  }
  CVAULT_RETURN_IF_ERROR(CheckNotRecorded(earlier, refund));
  std::int64_t refunded = 0;
  for (const PaymentReference& e : earlier) refunded += e.amount_minor;
  if (refund.amount_minor > charge.amount_minor - refunded) {
    return Status::FailedPrecondition(
        "amount: the refunds against this charge would together exceed the amount "
        "charged");
  }
  return Status::Ok();
}

Status CheckRefundWithoutCharge(std::span<const PaymentReference> earlier,
                                const PaymentReference& refund) {
  for (const PaymentReference& e : earlier) {
    if (e.currency != refund.currency) {
      return Status::InvalidArgument(
          "currency: a refund is paid in the currency of the order's earlier refunds");
    }
  }
  return CheckNotRecorded(earlier, refund);
}

bool CompletesPendingRefund(const PaymentReference& pending,
                            const PaymentReference& refund) {
  return !pending.refund_id && refund.refund_id &&
         pending.processor == refund.processor && pending.charge_id == refund.charge_id &&
         pending.payment_intent_id == refund.payment_intent_id &&
         pending.capture_id == refund.capture_id &&
         pending.amount_minor == refund.amount_minor && pending.currency == refund.currency;
}

}  // namespace cvault::domain
