#include "domain/payment_reference.h"

#include <gtest/gtest.h>

#include <optional>
#include <string>
#include <string_view>

#include "cvault/refund.h"
#include "cvault/status.h"

namespace cvault::domain {
namespace {

constexpr std::string_view kCardMessage = "looks like a payment card number";

// Stripe-shaped bodies of a given length: letters and digits, no long digit
// run.
std::string Body(std::size_t length) {
  std::string body;
  for (std::size_t i = 0; i < length; ++i) body += "aB3"[i % 3];
  return body;
}

PaymentReference StripeCharge() {
  PaymentReference ref;
  ref.processor = Processor::kStripe;
  ref.charge_id = "ch_3MmlLrLkdIwHu7ix0snN0B15";
  ref.amount_minor = 4900;
  ref.currency = "EUR";
  return ref;
}

PaymentReference PaypalCapture() {
  PaymentReference ref;
  ref.processor = Processor::kPaypal;
  ref.capture_id = "8MC585209K746392H";
  ref.amount_minor = 4900;
  ref.currency = "USD";
  return ref;
}

PaymentReference OtherProcessor() {
  PaymentReference ref;
  ref.processor = Processor::kOther;
  ref.charge_id = "txn_2026-01.ab:7";
  ref.amount_minor = 4900;
  ref.currency = "GBP";
  return ref;
}

// An InvalidArgument naming `field` whose message does not quote `value`.
::testing::AssertionResult RejectedNaming(const Status& status, std::string_view field,
                                          std::string_view value = {}) {
  if (status.ok()) return ::testing::AssertionFailure() << "was accepted";
  if (status.code() != StatusCode::kInvalidArgument) {
    return ::testing::AssertionFailure() << "wrong code: " << status.ToString();
  }
  if (!status.message().starts_with(std::string(field) + ": ")) {
    return ::testing::AssertionFailure()
           << "does not name the field: " << status.message();
  }
  if (!value.empty() && status.message().find(value) != std::string::npos) {
    return ::testing::AssertionFailure() << "quotes the value: " << status.message();
  }
  return ::testing::AssertionSuccess();
}

::testing::AssertionResult RefusedAsCard(const Status& status, std::string_view field,
                                         std::string_view card) {
  ::testing::AssertionResult named = RejectedNaming(status, field, card);
  if (!named) return named;
  if (status.message().find(kCardMessage) == std::string::npos) {
    return ::testing::AssertionFailure() << "not refused as a card: " << status.message();
  }
  return ::testing::AssertionSuccess();
}

// --- Stripe ---------------------------------------------------------------

TEST(PaymentReferenceTest, StripeChargeIsAccepted) {
  EXPECT_TRUE(ValidatePaymentReference(StripeCharge()).ok());
}

TEST(PaymentReferenceTest, StripeWithEveryIdIsAccepted) {
  PaymentReference ref = StripeCharge();
  ref.payment_intent_id = "pi_3MtwBwLkdIwHu7ix28a3tqPa";
  ref.refund_id = "re_3MtwBwLkdIwHu7ix0KyVuSKe";
  EXPECT_TRUE(ValidatePaymentReference(ref).ok());
}

TEST(PaymentReferenceTest, StripePaymentIntentAloneIsAccepted) {
  PaymentReference ref = StripeCharge();
  ref.charge_id.reset();
  ref.payment_intent_id = "pi_" + Body(24);
  EXPECT_TRUE(ValidatePaymentReference(ref).ok());
}

TEST(PaymentReferenceTest, StripeAlternativePrefixesAreAccepted) {
  PaymentReference ref = StripeCharge();
  ref.charge_id = "py_" + Body(24);
  ref.refund_id = "pyr_" + Body(24);
  EXPECT_TRUE(ValidatePaymentReference(ref).ok());
}

TEST(PaymentReferenceTest, StripeWithoutChargeOrPaymentIntentFails) {
  PaymentReference ref = StripeCharge();
  ref.charge_id.reset();
  ref.refund_id = "re_" + Body(24);
  EXPECT_TRUE(RejectedNaming(ValidatePaymentReference(ref), "charge id"));
}

TEST(PaymentReferenceTest, StripeWithCaptureIdFails) {
  PaymentReference ref = StripeCharge();
  ref.capture_id = "8MC585209K746392H";
  EXPECT_TRUE(
      RejectedNaming(ValidatePaymentReference(ref), "capture id", "8MC585209K746392H"));
}

TEST(PaymentReferenceTest, StripeWrongPrefixesFail) {
  PaymentReference charge = StripeCharge();
  charge.charge_id = "pi_" + Body(24);
  EXPECT_TRUE(RejectedNaming(ValidatePaymentReference(charge), "charge id", Body(24)));
  charge.charge_id = "CH_" + Body(24);
  EXPECT_TRUE(RejectedNaming(ValidatePaymentReference(charge), "charge id", Body(24)));
  charge.charge_id = Body(24);
  EXPECT_TRUE(RejectedNaming(ValidatePaymentReference(charge), "charge id", Body(24)));

  PaymentReference intent = StripeCharge();
  intent.payment_intent_id = "ch_" + Body(24);
  EXPECT_TRUE(
      RejectedNaming(ValidatePaymentReference(intent), "payment intent id", Body(24)));

  PaymentReference refund = StripeCharge();
  refund.refund_id = "rf_" + Body(24);
  EXPECT_TRUE(RejectedNaming(ValidatePaymentReference(refund), "refund id", Body(24)));
  refund.refund_id = "ch_" + Body(24);
  EXPECT_TRUE(RejectedNaming(ValidatePaymentReference(refund), "refund id", Body(24)));
}

TEST(PaymentReferenceTest, StripeIdLengthsAreChecked) {
  PaymentReference ref = StripeCharge();
  ref.charge_id = "ch_" + Body(13);
  EXPECT_TRUE(RejectedNaming(ValidatePaymentReference(ref), "charge id"));
  ref.charge_id = "ch_" + Body(14);
  EXPECT_TRUE(ValidatePaymentReference(ref).ok());
  ref.charge_id = "ch_" + Body(64);
  EXPECT_TRUE(ValidatePaymentReference(ref).ok());
  ref.charge_id = "ch_" + Body(65);
  EXPECT_TRUE(RejectedNaming(ValidatePaymentReference(ref), "charge id"));
  ref.charge_id = "ch_";
  EXPECT_TRUE(RejectedNaming(ValidatePaymentReference(ref), "charge id"));
  ref.charge_id = "";
  EXPECT_TRUE(RejectedNaming(ValidatePaymentReference(ref), "charge id"));
}

TEST(PaymentReferenceTest, StripeIdWithOtherCharactersFails) {
  PaymentReference ref = StripeCharge();
  ref.charge_id = "ch_" + Body(10) + "-_.:" + Body(4);
  EXPECT_TRUE(RejectedNaming(ValidatePaymentReference(ref), "charge id"));
  ref.charge_id = "ch_" + Body(20) + " ";
  EXPECT_TRUE(RejectedNaming(ValidatePaymentReference(ref), "charge id"));
}

// --- PayPal ---------------------------------------------------------------

TEST(PaymentReferenceTest, PaypalCaptureIsAccepted) {
  EXPECT_TRUE(ValidatePaymentReference(PaypalCapture()).ok());
  PaymentReference ref = PaypalCapture();
  ref.refund_id = "2GG279541U471931P";
  EXPECT_TRUE(ValidatePaymentReference(ref).ok());
}

TEST(PaymentReferenceTest, PaypalWithoutCaptureIdFails) {
  PaymentReference ref = PaypalCapture();
  ref.capture_id.reset();
  ref.refund_id = "2GG279541U471931P";
  EXPECT_TRUE(RejectedNaming(ValidatePaymentReference(ref), "capture id"));
}

TEST(PaymentReferenceTest, PaypalWithStripeIdsFails) {
  PaymentReference charge = PaypalCapture();
  charge.charge_id = "ch_" + Body(24);
  EXPECT_TRUE(RejectedNaming(ValidatePaymentReference(charge), "charge id", Body(24)));
  PaymentReference intent = PaypalCapture();
  intent.payment_intent_id = "pi_" + Body(24);
  EXPECT_TRUE(
      RejectedNaming(ValidatePaymentReference(intent), "payment intent id", Body(24)));
}

TEST(PaymentReferenceTest, PaypalIdFormatIsChecked) {
  for (std::string_view bad :
       {"8MC585209K746392", "8MC585209K746392HX", "8mc585209k746392h",
        "8MC585209K74639-H", "", "8MC585209K746392 "}) {
    PaymentReference capture = PaypalCapture();
    capture.capture_id = std::string(bad);
    EXPECT_TRUE(RejectedNaming(ValidatePaymentReference(capture), "capture id", bad))
        << bad;
    PaymentReference refund = PaypalCapture();
    refund.refund_id = std::string(bad);
    EXPECT_TRUE(RejectedNaming(ValidatePaymentReference(refund), "refund id", bad))
        << bad;
  }
}

// --- Other processors -----------------------------------------------------

TEST(PaymentReferenceTest, OtherProcessorIdsAreAccepted) {
  EXPECT_TRUE(ValidatePaymentReference(OtherProcessor()).ok());
  PaymentReference ref = OtherProcessor();
  ref.charge_id.reset();
  ref.capture_id = "A";
  EXPECT_TRUE(ValidatePaymentReference(ref).ok());
  ref.refund_id = std::string(64, 'r');
  EXPECT_TRUE(ValidatePaymentReference(ref).ok());
}

TEST(PaymentReferenceTest, OtherProcessorWithoutAnyIdFails) {
  PaymentReference ref = OtherProcessor();
  ref.charge_id.reset();
  EXPECT_TRUE(RejectedNaming(ValidatePaymentReference(ref), "payment reference"));
}

TEST(PaymentReferenceTest, OtherProcessorIdFormatIsChecked) {
  const std::string too_long(65, 'r');
  for (std::string_view bad :
       {std::string_view(""), std::string_view(too_long), std::string_view("has space"),
        std::string_view("a/b"), std::string_view("semi;colon"), std::string_view("é")}) {
    PaymentReference ref = OtherProcessor();
    ref.refund_id = std::string(bad);
    EXPECT_TRUE(RejectedNaming(ValidatePaymentReference(ref), "refund id",
                               bad.size() >= 4 ? bad : std::string_view()))
        << bad;
  }
}

// --- Card numbers ---------------------------------------------------------

TEST(PaymentReferenceTest, CardNumberInAnyIdIsRefused) {
  for (std::string_view card :
       {"4242424242424242", "4000 0566 5566 5556", "4000-0566-5566-5556",
        "4111.1111.1111.1111", "4111_1111_1111_1111", "4111:1111:1111:1111"}) {
    const std::string glued = "ch_" + std::string(card);
    PaymentReference stripe_charge = StripeCharge();
    stripe_charge.charge_id = glued;
    EXPECT_TRUE(
        RefusedAsCard(ValidatePaymentReference(stripe_charge), "charge id", card));

    PaymentReference stripe_intent = StripeCharge();
    stripe_intent.payment_intent_id = "pi_x" + std::string(card);
    EXPECT_TRUE(RefusedAsCard(ValidatePaymentReference(stripe_intent),
                              "payment intent id", card));

    PaymentReference stripe_refund = StripeCharge();
    stripe_refund.refund_id = "re_" + std::string(card) + "abc";
    EXPECT_TRUE(
        RefusedAsCard(ValidatePaymentReference(stripe_refund), "refund id", card));

    PaymentReference paypal = PaypalCapture();
    paypal.capture_id = std::string(card);
    EXPECT_TRUE(RefusedAsCard(ValidatePaymentReference(paypal), "capture id", card));

    PaymentReference other = OtherProcessor();
    other.charge_id = std::string(card);
    EXPECT_TRUE(RefusedAsCard(ValidatePaymentReference(other), "charge id", card));
  }
}

TEST(PaymentReferenceTest, CardNumberInAnIdForbiddenForTheProcessorIsStillReported) {
  // A PayPal payment should carry no charge id; one holding a card number is
  // reported as a card number first.
  PaymentReference ref = PaypalCapture();
  ref.charge_id = "4242424242424242";
  EXPECT_TRUE(
      RefusedAsCard(ValidatePaymentReference(ref), "charge id", "4242424242424242"));
}

TEST(PaymentReferenceTest, LongDigitRunsThatAreNotCardsPass) {
  // 13-19 digits failing Luhn are not card numbers.
  PaymentReference ref = OtherProcessor();
  ref.charge_id = "4242424242424241";
  EXPECT_TRUE(ValidatePaymentReference(ref).ok());
}

// --- Amount and currency --------------------------------------------------

TEST(PaymentReferenceTest, AmountAndCurrencyAreChecked) {
  PaymentReference zero = StripeCharge();
  zero.amount_minor = 0;
  EXPECT_TRUE(RejectedNaming(ValidatePaymentReference(zero), "amount"));
  PaymentReference lower = StripeCharge();
  lower.currency = "eur";
  EXPECT_TRUE(RejectedNaming(ValidatePaymentReference(lower), "currency"));
  PaymentReference missing = PaypalCapture();
  missing.currency.clear();
  EXPECT_TRUE(RejectedNaming(ValidatePaymentReference(missing), "currency"));
}

}  // namespace
}  // namespace cvault::domain
