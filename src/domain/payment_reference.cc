#include "domain/payment_reference.h"

#include <algorithm>
#include <array>
#include <cstddef>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>

#include "domain/card_screen.h"
#include "domain/currency.h"

namespace cvault::domain {
namespace {

constexpr std::string_view kChargeField = "charge id";
constexpr std::string_view kPaymentIntentField = "payment intent id";
constexpr std::string_view kRefundField = "refund id";
constexpr std::string_view kCaptureField = "capture id";

// Stripe ids: a type prefix, then 14 to 64 letters or digits.
constexpr std::size_t kStripeMinBody = 14;
constexpr std::size_t kStripeMaxBody = 64;
// PayPal capture and refund ids: 17 upper-case letters or digits.
constexpr std::size_t kPaypalIdLength = 17;
constexpr std::size_t kOtherMaxLength = 64;

Status Invalid(std::string_view field, std::string_view what) {
  std::string message(field);
  message += ": ";
  message += what;
  return Status::InvalidArgument(std::move(message));
}

bool IsAsciiAlnum(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
}
bool IsUpperOrDigit(char c) { return (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'); }
bool IsOtherIdChar(char c) {
  return IsAsciiAlnum(c) || c == '_' || c == '.' || c == ':' || c == '-';
}

// True when `id` is one of `prefixes` followed by a Stripe id body.
bool IsStripeId(std::string_view id, std::span<const std::string_view> prefixes) {
  return std::ranges::any_of(prefixes, [id](std::string_view prefix) {
    if (!id.starts_with(prefix)) return false;
    const std::string_view body = id.substr(prefix.size());
    return body.size() >= kStripeMinBody && body.size() <= kStripeMaxBody &&
           std::ranges::all_of(body, IsAsciiAlnum);
  });
}

Status CheckStripeId(std::string_view field, const std::optional<std::string>& id,
                     std::span<const std::string_view> prefixes,
                     std::string_view expected) {
  if (!id.has_value() || IsStripeId(*id, prefixes)) return Status::Ok();
  return Invalid(field, expected);
}

Status CheckAbsent(std::string_view field, const std::optional<std::string>& id,
                   std::string_view why) {
  if (!id.has_value()) return Status::Ok();
  return Invalid(field, why);
}

Status CheckPaypalId(std::string_view field, const std::optional<std::string>& id) {
  if (!id.has_value()) return Status::Ok();
  if (id->size() == kPaypalIdLength && std::ranges::all_of(*id, IsUpperOrDigit)) {
    return Status::Ok();
  }
  return Invalid(field, "must be a PayPal id: 17 upper-case letters and digits");
}

Status CheckOtherId(std::string_view field, const std::optional<std::string>& id) {
  if (!id.has_value()) return Status::Ok();
  if (!id->empty() && id->size() <= kOtherMaxLength &&
      std::ranges::all_of(*id, IsOtherIdChar)) {
    return Status::Ok();
  }
  return Invalid(field, "must be 1 to 64 characters of letters, digits and _ . : -");
}

Status ValidateStripe(const PaymentReference& ref) {
  static constexpr std::array<std::string_view, 2> kChargePrefixes = {"ch_", "py_"};
  static constexpr std::array<std::string_view, 1> kIntentPrefixes = {"pi_"};
  static constexpr std::array<std::string_view, 2> kRefundPrefixes = {"re_", "pyr_"};
  CVAULT_RETURN_IF_ERROR(CheckAbsent(
      kCaptureField, ref.capture_id,
      "is for PayPal payments; a Stripe payment has a charge or payment intent id"));
  if (!ref.charge_id.has_value() && !ref.payment_intent_id.has_value()) {
    return Invalid(kChargeField,
                   "a Stripe payment needs a charge id (\"ch_...\") or a payment "
                   "intent id (\"pi_...\")");
  }
  CVAULT_RETURN_IF_ERROR(CheckStripeId(
      kChargeField, ref.charge_id, kChargePrefixes,
      "must be a Stripe charge id: \"ch_\" or \"py_\" then 14 to 64 letters or digits"));
  CVAULT_RETURN_IF_ERROR(CheckStripeId(
      kPaymentIntentField, ref.payment_intent_id, kIntentPrefixes,
      "must be a Stripe payment intent id: \"pi_\" then 14 to 64 letters or digits"));
  return CheckStripeId(
      kRefundField, ref.refund_id, kRefundPrefixes,
      "must be a Stripe refund id: \"re_\" or \"pyr_\" then 14 to 64 letters or digits");
}

Status ValidatePaypal(const PaymentReference& ref) {
  constexpr std::string_view kStripeOnly =
      "is for Stripe payments; a PayPal payment is identified by its capture id";
  CVAULT_RETURN_IF_ERROR(CheckAbsent(kChargeField, ref.charge_id, kStripeOnly));
  CVAULT_RETURN_IF_ERROR(
      CheckAbsent(kPaymentIntentField, ref.payment_intent_id, kStripeOnly));
  if (!ref.capture_id.has_value()) {
    return Invalid(kCaptureField, "is required for a PayPal payment");
  }
  CVAULT_RETURN_IF_ERROR(CheckPaypalId(kCaptureField, ref.capture_id));
  return CheckPaypalId(kRefundField, ref.refund_id);
}

Status ValidateOther(const PaymentReference& ref) {
  if (!ref.charge_id && !ref.payment_intent_id && !ref.refund_id && !ref.capture_id) {
    return Invalid("payment reference",
                   "needs at least one processor id (charge, payment intent, refund "
                   "or capture id)");
  }
  CVAULT_RETURN_IF_ERROR(CheckOtherId(kChargeField, ref.charge_id));
  CVAULT_RETURN_IF_ERROR(CheckOtherId(kPaymentIntentField, ref.payment_intent_id));
  CVAULT_RETURN_IF_ERROR(CheckOtherId(kRefundField, ref.refund_id));
  return CheckOtherId(kCaptureField, ref.capture_id);
}

}  // namespace

Status ValidatePaymentReference(const PaymentReference& ref) {
  // The card screen comes first so that a card number pasted into an id is
  // reported as such, not as a malformed id.
  const std::array<std::pair<std::string_view, const std::optional<std::string>*>, 4>
      ids = {{{kChargeField, &ref.charge_id},
              {kPaymentIntentField, &ref.payment_intent_id},
              {kRefundField, &ref.refund_id},
              {kCaptureField, &ref.capture_id}}};
  for (const auto& [field, id] : ids) {
    if (id->has_value()) CVAULT_RETURN_IF_ERROR(ScreenForCardNumber(field, **id));
  }
  Status ids_status = Invalid("processor", "must be stripe, paypal or other");
  switch (ref.processor) {
    case Processor::kStripe:
      ids_status = ValidateStripe(ref);
      break;
    case Processor::kPaypal:
      ids_status = ValidatePaypal(ref);
      break;
    case Processor::kOther:
      ids_status = ValidateOther(ref);
      break;
  }
  CVAULT_RETURN_IF_ERROR(ids_status);
  return ValidateAmount(ref.amount_minor, ref.currency);
}

}  // namespace cvault::domain
