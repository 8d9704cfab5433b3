// `cvault dsr request|verify-identity|extend|close|show|requests` and the
// --request option of export, erase and restrict: a data-subject request
// tracked from receipt to the call that fulfils it, with its deadline.
#include "cli/exit_codes.h"
#include "cli_fixture.h"

namespace cvault::cli::testing {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

class CliDsrRequestTest : public CliTest {
 protected:
  // Records a request of `kind` for `customer` received at `received`;
  // returns its JSON.
  nlohmann::json OpenRequest(const std::string& customer, const std::string& kind,
                             const std::string& received) {
    CliResult r = Run(kDpoDsr, {"--json", "dsr", "request", customer, "--kind", kind,
                                "--received-at", received});
    EXPECT_EQ(r.exit_code, kExitOk) << ::testing::PrintToString(r);
    return ParseJson(r.out);
  }
};

TEST_F(CliDsrRequestTest, AnErasureRequestIsTrackedUntilTheErasureNamingItClosesIt) {
  std::string ada = AddAda();
  nlohmann::json opened = OpenRequest(ada, "erasure", "2026-01-31");
  const std::string id = opened.value("request_id", "");
  ASSERT_TRUE(id.starts_with("dsr_")) << opened.dump();
  EXPECT_EQ(opened["due_at"], "2026-02-28T00:00:00.000000Z");
  EXPECT_EQ(opened["identity"], "pending");

  // Not before the requester is verified: refused, nothing erased.
  CliResult early = Run(kDpoDsr, {"dsr", "erase", ada, "--request", id});
  EXPECT_EQ(early.exit_code, kExitError) << ::testing::PrintToString(early);
  EXPECT_THAT(early.err, HasSubstr("identity"));
  ExpectNoPersonalValues(early);

  CliResult verified =
      Run(kDpoDsr, {"dsr", "verify-identity", id, "--result", "verified"});
  ASSERT_EQ(verified.exit_code, kExitOk) << ::testing::PrintToString(verified);
  CliResult erased = Run(kDpoDsr, {"--json", "dsr", "erase", ada, "--request", id});
  ASSERT_EQ(erased.exit_code, kExitOk) << ::testing::PrintToString(erased);
  const std::string erasure_id = ParseJson(erased.out).value("erasure_id", "");

  CliResult shown = Run(kDpoDsr, {"--json", "dsr", "show", id});
  ASSERT_EQ(shown.exit_code, kExitOk) << ::testing::PrintToString(shown);
  nlohmann::json request = ParseJson(shown.out);
  EXPECT_EQ(request["status"], "fulfilled");
  EXPECT_EQ(request["outcome_ref"], erasure_id);
  ExpectNoPersonalValues(shown);
  EXPECT_THAT(shown.out, Not(HasSubstr(kAdaEmail)));
}

TEST_F(CliDsrRequestTest, TheRequestsListShowsOpenOnesEarliestDueAndMarksTheOverdue) {
  std::string ada = AddAda();
  const std::string late = OpenRequest(ada, "access", "2026-01-02").value("request_id", "");
  const std::string recent = OpenRequest(ada, "objection", "2026-02-20").value("request_id", "");
  CliResult text = Run(kDpoDsr, {"dsr", "requests", "--at", "2026-02-10"});
  ASSERT_EQ(text.exit_code, kExitOk) << ::testing::PrintToString(text);
  EXPECT_LT(text.out.find(late), text.out.find(recent)) << text.out;
  EXPECT_THAT(text.out, HasSubstr("OVERDUE"));
  EXPECT_THAT(text.out, HasSubstr("2 requests, 1 overdue, as of 2026-02-10"));

  CliResult overdue =
      Run(kDpoDsr, {"--json", "dsr", "requests", "--overdue", "--at", "2026-02-10"});
  ASSERT_EQ(overdue.exit_code, kExitOk) << ::testing::PrintToString(overdue);
  nlohmann::json listed = ParseJson(overdue.out);
  ASSERT_EQ(listed["requests"].size(), 1u) << overdue.out;
  EXPECT_EQ(listed["requests"][0]["request_id"], late);
  EXPECT_EQ(listed["requests"][0]["overdue"], true);

  CliResult closed = Run(kDpoDsr, {"dsr", "close", late, "--status", "refused", "--refusal",
                                   "manifestly_unfounded"});
  ASSERT_EQ(closed.exit_code, kExitOk) << ::testing::PrintToString(closed);
  CliResult after = Run(kDpoDsr, {"--json", "dsr", "requests", "--at", "2026-02-10"});
  EXPECT_EQ(ParseJson(after.out)["requests"].size(), 1u) << after.out;
  CliResult all = Run(kDpoDsr, {"--json", "dsr", "requests", "--all"});
  EXPECT_EQ(ParseJson(all.out)["requests"].size(), 2u) << all.out;
}

TEST_F(CliDsrRequestTest, BadValuesAreRefusedByNameWithoutEchoingThem) {
  std::string ada = AddAda();
  CliResult kind = Run(kDpoDsr, {"dsr", "request", ada, "--kind", "telepathy"});
  EXPECT_EQ(kind.exit_code, kExitUsage);
  EXPECT_THAT(kind.err, HasSubstr("--kind"));
  EXPECT_THAT(kind.err, Not(HasSubstr("telepathy")));
  const std::string id = OpenRequest(ada, "access", "2026-01-02").value("request_id", "");
  CliResult reason = Run(kDpoDsr, {"dsr", "extend", id, "--reason", "4111111111111111"});
  EXPECT_EQ(reason.exit_code, kExitUsage);
  ExpectNoPersonalValues(reason);
  CliResult ref = Run(kDpoDsr, {"dsr", "close", id, "--status", "withdrawn", "--ref",
                                "4111 1111 1111 1111"});
  EXPECT_EQ(ref.exit_code, kExitRejected) << ::testing::PrintToString(ref);
  EXPECT_THAT(ref.err, HasSubstr("outcome reference"));
  ExpectNoPersonalValues(ref);
  CliResult agent = Run(kSupport, {"dsr", "requests"});
  EXPECT_EQ(agent.exit_code, kExitDenied) << ::testing::PrintToString(agent);
}

}  // namespace
}  // namespace cvault::cli::testing
