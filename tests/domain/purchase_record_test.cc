#include "domain/purchase_record.h"

#include <gtest/gtest.h>

#include <vector>

namespace cvault::domain {
namespace {

PaymentReference Charge() {
  PaymentReference charge;
  charge.processor = Processor::kStripe;
  charge.charge_id = "ch_3N8f2kLkdIwHu7ix0Zq1aB2c";
  charge.payment_intent_id = "pi_3N8f2kLkdIwHu7ix0Zq1aB2c";
  charge.amount_minor = 4900;
  charge.currency = "EUR";
  return charge;
}

PaymentReference Refund(std::int64_t amount, std::optional<std::string> refund_id) {
  PaymentReference refund;
  refund.processor = Processor::kStripe;
  refund.payment_intent_id = "pi_3N8f2kLkdIwHu7ix0Zq1aB2c";
  refund.refund_id = std::move(refund_id);
  refund.amount_minor = amount;
  refund.currency = "EUR";
  return refund;
}

TEST(PurchaseRecordTest, ARefundNamesTheChargeByAnyOfItsIds) {
  EXPECT_TRUE(NamesCharge(Charge(), Refund(100, std::nullopt)));
  PaymentReference by_charge = Refund(100, std::nullopt);
  by_charge.payment_intent_id.reset();
  by_charge.charge_id = "ch_3N8f2kLkdIwHu7ix0Zq1aB2c";
  EXPECT_TRUE(NamesCharge(Charge(), by_charge));
  PaymentReference contradicting = by_charge;
  contradicting.payment_intent_id = "pi_3MtwBwLkdIwHu7ix28a3tqPa";
  EXPECT_FALSE(NamesCharge(Charge(), contradicting));
  PaymentReference other_processor = Refund(100, std::nullopt);
  other_processor.processor = Processor::kOther;
  EXPECT_FALSE(NamesCharge(Charge(), other_processor));
}

TEST(PurchaseRecordTest, RefundsTogetherStayWithinTheCharge) {
  const std::vector<PaymentReference> earlier = {Refund(2000, "re_3N8f2kLkdIwHu7ix0Zq1aB01"),
                                                 Refund(1900, std::nullopt)};
  EXPECT_TRUE(CheckRefundAgainstCharge(Charge(), earlier, Refund(1000, std::nullopt)).ok());
  Status over = CheckRefundAgainstCharge(Charge(), earlier, Refund(1001, std::nullopt));
  EXPECT_EQ(over.code(), StatusCode::kFailedPrecondition);
  EXPECT_EQ(over.message().find("1001"), std::string::npos);
  PaymentReference yen = Refund(1, std::nullopt);
  yen.currency = "JPY";
  EXPECT_EQ(CheckRefundAgainstCharge(Charge(), {}, yen).code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(CheckRefundAgainstCharge(Charge(), earlier,
                                     Refund(1, "re_3N8f2kLkdIwHu7ix0Zq1aB01"))
                .code(),
            StatusCode::kAlreadyExists);
}

TEST(PurchaseRecordTest, ARefundIdCompletesOnlyTheSamePendingRefund) {
  const PaymentReference pending = Refund(4900, std::nullopt);
  EXPECT_TRUE(CompletesPendingRefund(pending, Refund(4900, "re_3N8f2kLkdIwHu7ix0Zq1aB01")));
  EXPECT_FALSE(CompletesPendingRefund(pending, Refund(4800, "re_3N8f2kLkdIwHu7ix0Zq1aB01")));
  EXPECT_FALSE(CompletesPendingRefund(pending, Refund(4900, std::nullopt)));
  EXPECT_FALSE(CompletesPendingRefund(Refund(4900, "re_3N8f2kLkdIwHu7ix0Zq1aB02"),
                                      Refund(4900, "re_3N8f2kLkdIwHu7ix0Zq1aB01")));
}

}  // namespace
}  // namespace cvault::domain
