// Records of processing (GDPR Art. 30): every purpose of the policy in
// force, with its legal basis, field groups, roles, recipients and
// retention.
#include "cvault/records.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <fstream>
#include <string>
#include <utility>
#include <vector>

#include "policy/policy.h"
#include "tests/testing/temp_dir.h"

namespace cvault::policy {
namespace {

using ::testing::HasSubstr;

const ProcessingRecord* Find(const ProcessingRecords& records, std::string_view purpose) {
  for (const ProcessingRecord& r : records.purposes) {
    if (r.purpose == purpose) return &r;
  }
  return nullptr;
}

TEST(RecordsTest, DefaultPolicyHasARecordForEveryPurpose) {
  StatusOr<ProcessingRecords> records = RecordsOfProcessing();
  ASSERT_TRUE(records.has_value()) << records.error().ToString();
  EXPECT_EQ(records->controller, "XPereozz");
  EXPECT_EQ(records->jurisdiction, "EU");
  ASSERT_EQ(records->purposes.size(), Policy::Default().purposes.size());
  for (const ProcessingRecord& r : records->purposes) {
    SCOPED_TRACE(r.purpose);
    EXPECT_FALSE(r.legal_basis.empty());
    EXPECT_FALSE(r.roles.empty()) << "every default purpose has a role";
    EXPECT_FALSE(r.retention.empty()) << "the default policy states every retention";
  }
}

TEST(RecordsTest, RefundProcessingRecordSaysWhoSeesWhatAndForHowLong) {
  StatusOr<ProcessingRecords> records = RecordsOfProcessing();
  ASSERT_TRUE(records.has_value());
  const ProcessingRecord* refund = Find(*records, "refund_processing");
  ASSERT_NE(refund, nullptr);
  EXPECT_EQ(refund->legal_basis, "contract");
  EXPECT_EQ(refund->category, "Core Function");
  using Groups = std::vector<std::pair<std::string, std::string>>;
  EXPECT_EQ(refund->field_groups,
            (Groups{{"identity", "plain"}, {"contact", "plain"}, {"financial", "plain"}}));
  EXPECT_EQ(refund->roles, std::vector<std::string>{"refund-service"});
  ASSERT_EQ(refund->recipients.size(), 1u);
  EXPECT_THAT(refund->recipients[0], HasSubstr("payment processors"));
  EXPECT_THAT(refund->retention, HasSubstr("10 years"));

  const ProcessingRecord* dsr = Find(*records, "dsr");
  ASSERT_NE(dsr, nullptr);
  EXPECT_EQ(dsr->legal_basis, "legal_obligation");
  EXPECT_EQ(dsr->roles, std::vector<std::string>{"dpo"});
  const ProcessingRecord* audit = Find(*records, "audit");
  ASSERT_NE(audit, nullptr);
  EXPECT_TRUE(audit->field_groups.empty());
  EXPECT_EQ(audit->roles, (std::vector<std::string>{"auditor", "dpo"}));
}

TEST(RecordsTest, RecordsComeFromThePolicyFileGiven) {
  testing::TempDir dir;
  const std::filesystem::path file = dir / "policy.toml";
  std::ofstream(file) << R"(version = 1
[controller]
name = "Example Ltd"
jurisdiction = "UK"
[roles]
helpdesk = ["support"]
[purposes.support]
legal_basis = "contract"
category = "Customer Support"
actions = ["customer.read"]
fields = { identity = "plain", contact = "masked", financial = "none" }
recipients = ["a helpdesk vendor"]
[purposes.unused]
legal_basis = "legitimate_interest"
category = "Security"
actions = []
)";
  StatusOr<ProcessingRecords> records = RecordsOfProcessing(file);
  ASSERT_TRUE(records.has_value()) << records.error().ToString();
  EXPECT_EQ(records->controller, "Example Ltd");
  ASSERT_EQ(records->purposes.size(), 2u);
  const ProcessingRecord& support = records->purposes[0];
  EXPECT_EQ(support.purpose, "support");
  EXPECT_EQ(support.field_groups,
            (std::vector<std::pair<std::string, std::string>>{{"identity", "plain"},
                                                              {"contact", "masked"}}));
  EXPECT_EQ(support.roles, std::vector<std::string>{"helpdesk"});
  EXPECT_EQ(support.recipients, std::vector<std::string>{"a helpdesk vendor"});
  EXPECT_EQ(support.retention, "");
  const ProcessingRecord& unused = records->purposes[1];
  EXPECT_EQ(unused.purpose, "unused");
  EXPECT_TRUE(unused.roles.empty());
  EXPECT_TRUE(unused.recipients.empty());
}

TEST(RecordsTest, PolicyFileThatDoesNotLoadFails) {
  testing::TempDir dir;
  StatusOr<ProcessingRecords> missing = RecordsOfProcessing(dir / "nope.toml");
  ASSERT_FALSE(missing.has_value());
  EXPECT_EQ(missing.error().code(), StatusCode::kInvalidArgument);
  EXPECT_THAT(missing.error().message(), HasSubstr("nope.toml"));
}

}  // namespace
}  // namespace cvault::policy
