// `cvault demo`: the story runs end to end and checks itself.
#include <fstream>

#include "cli_fixture.h"

namespace cvault::cli::testing {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

TEST(CliDemoTest, DemoInGivenFolderTellsTheStoryAndVerifies) {
  CliSandbox sandbox;
  CliResult r = sandbox.Run({"demo", "--vault", "demo"});
  ASSERT_EQ(r.exit_code, 0) << ::testing::PrintToString(r);
  EXPECT_THAT(r.out, HasSubstr("DEVELOPMENT keyring"));
  EXPECT_THAT(r.out, HasSubstr("DENIED (no_consent)"));
  EXPECT_THAT(r.out, HasSubstr("registered privacy notice marketing-emails@2026-11"));
  EXPECT_THAT(r.out, HasSubstr("ALLOWED, contact fields only"));
  EXPECT_THAT(r.out, HasSubstr("DENIED (consent_withdrawn)"));
  EXPECT_THAT(r.out, HasSubstr("1 withdrawn"));
  EXPECT_THAT(r.out, HasSubstr("Hedy Lamarr <hedy@example.org>"));
  EXPECT_THAT(r.out, HasSubstr("opened 20"));
  EXPECT_THAT(r.out, HasSubstr("(15 days ago)"));
  EXPECT_THAT(r.out, HasSubstr("not_fixed, not_fixed. The ticket is still open."));
  EXPECT_THAT(r.out, HasSubstr("eligible (unresolved_after_timeframe)"));
  EXPECT_THAT(r.out, HasSubstr("15 days on the clock of the open ticket (timeframe 14 "
                               "days), 2 failed fix attempts"));
  EXPECT_THAT(r.out, HasSubstr("requested -> under_review -> approved."));
  EXPECT_THAT(r.out, HasSubstr("Processing is promised by 20"));
  EXPECT_THAT(r.out, HasSubstr("next update is due by 20"));
  EXPECT_THAT(r.out, HasSubstr("emailed (refund-approved)"));
  EXPECT_THAT(r.out, HasSubstr("49.00 EUR: payment intent pi_"));
  EXPECT_THAT(r.out, HasSubstr("refund re_"));
  EXPECT_THAT(r.out, HasSubstr("(refund-processing)"));
  EXPECT_THAT(r.out, HasSubstr("processing -> completed."));
  EXPECT_THAT(r.out, HasSubstr("payments-worker (not the approver) marked it completed"));
  EXPECT_THAT(r.out, HasSubstr("Charles was emailed the decision (refund-denied)"));
  EXPECT_THAT(r.out, HasSubstr("Charles Babbage <charles@example.net>"));
  EXPECT_THAT(r.out, HasSubstr("not_eligible (change_of_mind_not_grounds). Approving it "
                               "anyway: REFUSED."));
  EXPECT_THAT(r.out, HasSubstr("It was denied with the note:"));
  EXPECT_THAT(r.out, HasSubstr("overdue cases (late processing or updates owed): none."));
  EXPECT_THAT(r.out, HasSubstr("9 sections, each"));
  EXPECT_THAT(r.out, HasSubstr("recorded her order as sold\n"));
  EXPECT_THAT(r.out, HasSubstr("Verified: ok."));
  EXPECT_THAT(r.out, HasSubstr("one byte changed: rejected (section:"));
  EXPECT_THAT(r.out, HasSubstr("erased him (GDPR Art. 17), closing the request"));
  EXPECT_THAT(r.out, HasSubstr("refused until his identity was verified"));
  EXPECT_THAT(r.out, HasSubstr("3 customers in one call"));
  EXPECT_THAT(r.out, HasSubstr("2 created, 1 rejected."));
  EXPECT_THAT(r.out, HasSubstr("(email_taken)"));
  EXPECT_THAT(r.out, ::testing::ContainsRegex("identity +erased +3"));
  EXPECT_THAT(r.out, ::testing::ContainsRegex("financial +retained +1 +20[0-9-]+ +commercial"));
  EXPECT_THAT(r.out, HasSubstr("refund-service may not (retention_hold)."));
  // The export and the erasure come before the auditor's closing steps, and
  // the log verifies after them.
  EXPECT_LT(r.out.find("erased him"), r.out.find("verified the hash chain"));
  EXPECT_THAT(r.out, HasSubstr("dsr.erase          allow    erased"));
  EXPECT_THAT(r.out, HasSubstr("dsr.request.read   allow    ok"));
  EXPECT_THAT(r.out, HasSubstr("not found in raw files"));
  // The refund chapter comes before the auditor's closing steps.
  EXPECT_LT(r.out.find("overdue cases"), r.out.find("read the last 10 audit entries"));
  EXPECT_THAT(r.out, HasSubstr("audit log verified: "));
  EXPECT_FALSE(::cvault::testing::ContainsTestCardNumber(r.out));
  EXPECT_TRUE(std::filesystem::exists(sandbox.dir() / "demo" / "vault" / "vault.db"));
  EXPECT_TRUE(std::filesystem::exists(sandbox.dir() / "demo" / "keys" / "dev-root.key"));
  EXPECT_TRUE(std::filesystem::exists(sandbox.dir() / "demo" / "checkpoint.json"));
  EXPECT_TRUE(std::filesystem::exists(sandbox.dir() / "demo" / "export-charles.json"));
  std::size_t lines = std::count(r.out.begin(), r.out.end(), '\n');
  EXPECT_GE(lines, 40u);
  EXPECT_LE(lines, 130u);
}

TEST(CliDemoTest, DemoVaultOpensWithTheToolAndWarnsItIsForDevelopment) {
  CliSandbox sandbox;
  ASSERT_EQ(sandbox.Run({"demo", "--vault", "d"}).exit_code, 0);
  CliResult r = sandbox.Run({"audit", "verify", "--vault", "d/vault", "--keys", "d/keys",
                             "--key-file", "d/keys/dev-root.key", "--as", "auditor:a",
                             "--purpose", "audit"});
  EXPECT_EQ(r.exit_code, 0) << ::testing::PrintToString(r);
  EXPECT_THAT(r.err, HasSubstr("DEVELOPMENT keyring"));
}

TEST(CliDemoTest, DemoWithoutFolderUsesAFreshTempFolder) {
  CliSandbox sandbox;
  CliResult r = sandbox.Run({"demo"}, {{"TMPDIR", sandbox.dir().string()}});
  ASSERT_EQ(r.exit_code, 0) << ::testing::PrintToString(r);
  EXPECT_THAT(r.out, HasSubstr((sandbox.dir() / "cvault-demo-").string()));
  EXPECT_THAT(r.out, HasSubstr("verified"));
}

TEST(CliDemoTest, DemoRefusesANonEmptyFolder) {
  CliSandbox sandbox;
  std::filesystem::create_directory(sandbox.dir() / "busy");
  std::ofstream(sandbox.dir() / "busy" / "precious.txt") << "keep me";
  CliResult r = sandbox.Run({"demo", "--vault", "busy"});
  EXPECT_EQ(r.exit_code, 2) << ::testing::PrintToString(r);
  EXPECT_EQ(ReadWholeFile(sandbox.dir() / "busy" / "precious.txt"), "keep me");
}

}  // namespace
}  // namespace cvault::cli::testing
