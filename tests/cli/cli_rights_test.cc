// `cvault dsr restrict|lift-restriction`: a restricted customer is kept but
// processed only under legal_compliance and dsr until the restriction is
// lifted, which needs the customer to have been told.
#include "cli_fixture.h"

namespace cvault::cli::testing {
namespace {

using ::testing::HasSubstr;

TEST_F(CliTest, RestrictDeniesSupportUntilLiftedWithTheCustomerInformed) {
  std::string id = AddAda();
  CliResult restricted = Run(kDpoDsr, {"dsr", "restrict", id});
  ASSERT_EQ(restricted.exit_code, 0) << ::testing::PrintToString(restricted);
  EXPECT_THAT(restricted.out, HasSubstr("restricted " + id));

  CliResult support = Run(kSupport, {"customer", "get", id});
  EXPECT_EQ(support.exit_code, 3) << ::testing::PrintToString(support);
  EXPECT_THAT(support.err, HasSubstr("access denied (restricted)"));
  EXPECT_EQ(support.out, "");
  ExpectNoPersonalValues(support);

  CliResult dpo = Run(kDpoDsr, {"customer", "get", id, "--json"});
  ASSERT_EQ(dpo.exit_code, 0) << ::testing::PrintToString(dpo);
  EXPECT_EQ(ParseJson(dpo.out)["restricted"], true);

  CliResult uninformed = Run(kDpoDsr, {"dsr", "lift-restriction", id});
  EXPECT_EQ(uninformed.exit_code, 1) << ::testing::PrintToString(uninformed);
  EXPECT_THAT(uninformed.err, HasSubstr("informed"));
  EXPECT_EQ(Run(kSupport, {"customer", "get", id}).exit_code, 3);

  CliResult lifted =
      Run(kDpoDsr, {"dsr", "lift-restriction", id, "--customer-informed", "--json"});
  ASSERT_EQ(lifted.exit_code, 0) << ::testing::PrintToString(lifted);
  EXPECT_EQ(ParseJson(lifted.out), nlohmann::json({{"customer_id", id},
                                                   {"restricted", false},
                                                   {"customer_informed", true}}));
  EXPECT_EQ(Run(kSupport, {"customer", "get", id}).exit_code, 0);
}

TEST_F(CliTest, RestrictTwiceOrLiftingNothingExitsOne) {
  std::string id = AddAda();
  CliResult not_restricted =
      Run(kDpoDsr, {"dsr", "lift-restriction", id, "--customer-informed"});
  EXPECT_EQ(not_restricted.exit_code, 1) << ::testing::PrintToString(not_restricted);
  ASSERT_EQ(Run(kDpoDsr, {"dsr", "restrict", id}).exit_code, 0);
  CliResult again = Run(kDpoDsr, {"dsr", "restrict", id, "--json"});
  EXPECT_EQ(again.exit_code, 1) << ::testing::PrintToString(again);
  EXPECT_EQ(ParseJson(LastLine(again.err))["error"]["code"], "failed_precondition");
}

TEST_F(CliTest, OnlyDsrMayRestrict) {
  std::string id = AddAda();
  CliResult account = Run(kAccount, {"dsr", "restrict", id});
  EXPECT_EQ(account.exit_code, 3) << ::testing::PrintToString(account);
  CliResult legal = Run(kDpoLegal, {"dsr", "restrict", id});
  EXPECT_EQ(legal.exit_code, 3) << ::testing::PrintToString(legal);
  EXPECT_EQ(Run(kSupport, {"customer", "get", id}).exit_code, 0);
}

TEST_F(CliTest, RestrictWithMalformedIdExitsSix) {
  CliResult r = Run(kDpoDsr, {"dsr", "restrict", kAdaEmail});
  EXPECT_EQ(r.exit_code, 6) << ::testing::PrintToString(r);
  ExpectNoPersonalValues(r);
}

}  // namespace
}  // namespace cvault::cli::testing
