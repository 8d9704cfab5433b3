// `cvault audit verify|tail|search|checkpoint`.
#include <fstream>

#include "cli_fixture.h"

namespace cvault::cli::testing {
namespace {

using ::testing::HasSubstr;
using ::testing::MatchesRegex;
using ::testing::Not;
using ::testing::StartsWith;

TEST_F(CliTest, AuditVerifyReportsOk) {
  AddAda();
  CliResult r = Run(kAuditor, {"audit", "verify"});
  ASSERT_EQ(r.exit_code, 0) << ::testing::PrintToString(r);
  EXPECT_THAT(r.out, StartsWith("ok: "));

  CliResult json = Run(kAuditor, {"audit", "verify", "--json"});
  ASSERT_EQ(json.exit_code, 0) << ::testing::PrintToString(json);
  nlohmann::json report = ParseJson(json.out);
  EXPECT_EQ(report["ok"], true);
  EXPECT_GE(report["entries_checked"].get<int>(), 2);
  EXPECT_TRUE(report["first_bad_sequence"].is_null());
}

TEST_F(CliTest, AuditNeedsAnAuditPurpose) {
  CliResult r = Run(kSupport, {"audit", "tail"});
  EXPECT_EQ(r.exit_code, 3) << ::testing::PrintToString(r);
  EXPECT_THAT(r.err, HasSubstr("access denied ("));
}

TEST_F(CliTest, AuditTailShowsEntriesWithoutPersonalData) {
  std::string id = AddAda();
  ASSERT_EQ(Run(kSupport, {"customer", "get", id}).exit_code, 0);
  ASSERT_EQ(Run(kMarketing, {"customer", "get", id}).exit_code, 3);

  CliResult tail = Run(kAuditor, {"audit", "tail", "-n", "2"});
  ASSERT_EQ(tail.exit_code, 0) << ::testing::PrintToString(tail);
  std::vector<std::string> lines;
  std::istringstream in(tail.out);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  ASSERT_EQ(lines.size(), 2u) << tail.out;
  EXPECT_THAT(lines[0],
              MatchesRegex(".*support-agent customer.read support allow ok .*"));
  EXPECT_THAT(lines[1],
              HasSubstr("marketing-service customer.read marketing deny no_consent"));
  EXPECT_THAT(tail.out, Not(HasSubstr(kAdaEmail)));
  EXPECT_THAT(tail.out, Not(HasSubstr(id)));

  CliResult all = Run(kAuditor, {"audit", "tail"});
  EXPECT_GE(std::count(all.out.begin(), all.out.end(), '\n'), 5);
}

TEST_F(CliTest, AuditTailJsonIsAnArrayOfEntries) {
  AddAda();
  CliResult r = Run(kAuditor, {"audit", "tail", "--json", "-n", "3"});
  ASSERT_EQ(r.exit_code, 0) << ::testing::PrintToString(r);
  nlohmann::json entries = ParseJson(r.out);
  ASSERT_TRUE(entries.is_array()) << r.out;
  ASSERT_FALSE(entries.empty());
  const nlohmann::json& last = entries.back();
  for (const char* key : {"sequence", "time", "principal_id", "role", "action", "purpose",
                          "subject", "fields_requested", "fields_returned", "decision",
                          "reason_code", "request_id", "previous_hash", "entry_hash"}) {
    EXPECT_TRUE(last.contains(key)) << key;
  }
  EXPECT_EQ(last["action"], "customer.create");
}

TEST_F(CliTest, RequestIdIsRecorded) {
  AddAda();
  ASSERT_EQ(Run(kAccount, {"customer", "list", "--request-id", "req-demo-42", "--reason",
                           "weekly export check"})
                .exit_code,
            0);
  CliResult r = Run(kAuditor, {"audit", "tail", "-n", "1", "--json"});
  nlohmann::json entries = ParseJson(r.out);
  ASSERT_EQ(entries.size(), 1u) << r.out;
  EXPECT_EQ(entries[0]["request_id"], "req-demo-42");
  EXPECT_THAT(r.out, Not(HasSubstr("weekly export")));  // reasons are not logged
}

TEST_F(CliTest, CheckpointExportThenVerifyAgainstIt) {
  AddAda();
  CliResult cp = Run(kAuditor, {"audit", "checkpoint", "--out", "checkpoint.json"});
  ASSERT_EQ(cp.exit_code, 0) << ::testing::PrintToString(cp);
  EXPECT_THAT(cp.out, HasSubstr("checkpoint.json"));
  nlohmann::json exported = ParseJson(ReadWholeFile(sandbox_.dir() / "checkpoint.json"));
  ASSERT_TRUE(exported.is_object());

  // The log grows after the export; the checkpoint still matches its prefix.
  ASSERT_EQ(Run(kAccount, {"customer", "list"}).exit_code, 0);
  CliResult verify =
      Run(kAuditor, {"audit", "verify", "--checkpoint", "checkpoint.json", "--json"});
  ASSERT_EQ(verify.exit_code, 0) << ::testing::PrintToString(verify);
  EXPECT_EQ(ParseJson(verify.out)["ok"], true);
}

TEST_F(CliTest, CheckpointNeedsOut) {
  CliResult r = Run(kAuditor, {"audit", "checkpoint"});
  EXPECT_EQ(r.exit_code, 2) << ::testing::PrintToString(r);
  EXPECT_THAT(r.err, HasSubstr("--out"));
}

TEST_F(CliTest, VerifyWithMissingOrBadCheckpointFile) {
  CliResult missing = Run(kAuditor, {"audit", "verify", "--checkpoint", "nope.json"});
  EXPECT_EQ(missing.exit_code, 4) << ::testing::PrintToString(missing);
  {
    std::ofstream bad(sandbox_.dir() / "bad.json");
    bad << "{\"sequence\": \"x\"}";
  }
  CliResult bad = Run(kAuditor, {"audit", "verify", "--checkpoint", "bad.json"});
  EXPECT_EQ(bad.exit_code, 6) << ::testing::PrintToString(bad);
}

TEST_F(CliTest, CheckpointFromAnotherVaultFailsVerification) {
  CliSandbox other;
  ASSERT_EQ(other.Run({"init", "--generate-key-file", "--key-file", kKeyFile}).exit_code,
            0);
  ASSERT_EQ(other
                .Run({"audit", "checkpoint", "--out", "foreign.json", "--key-file",
                      kKeyFile, "--as", "auditor:a", "--purpose", "audit"})
                .exit_code,
            0);
  std::filesystem::copy_file(other.dir() / "foreign.json",
                             sandbox_.dir() / "foreign.json");
  CliResult r = Run(kAuditor, {"audit", "verify", "--checkpoint", "foreign.json"});
  EXPECT_EQ(r.exit_code, 5) << ::testing::PrintToString(r);
}

// Ada and Bob, each read once by the support agent (agent-118).
class CliAuditSearchTest : public CliTest {
 protected:
  void SetUp() override {
    CliTest::SetUp();
    CliResult ada = Run(kAccount, {"customer", "add", "--email", kAdaEmail, "--name",
                                   kAdaName, "--country", "GB"});
    ASSERT_EQ(ada.exit_code, 0) << ::testing::PrintToString(ada);
    CliResult bob = Run(kAccount, {"customer", "add", "--email", "bob@example.com",
                                   "--name", "Bob Example", "--country", "DE"});
    ASSERT_EQ(bob.exit_code, 0) << ::testing::PrintToString(bob);
    ada_id_ = Trimmed(ada.out);
    ASSERT_EQ(Run(kSupport, {"customer", "get", ada_id_}).exit_code, 0);
    ASSERT_EQ(Run(kSupport, {"customer", "get", Trimmed(bob.out)}).exit_code, 0);
  }
  std::string ada_id_;
};

TEST_F(CliAuditSearchTest, CustomerFilterFindsThatCustomersReadsOnly) {
  CliResult r = Run(kDpoDsr, {"audit", "search", "--customer", ada_id_, "--action",
                              "customer.read"});
  ASSERT_EQ(r.exit_code, 0) << ::testing::PrintToString(r);
  EXPECT_EQ(std::count(r.out.begin(), r.out.end(), '\n'), 1) << r.out;
  EXPECT_THAT(r.out, HasSubstr("agent-118 support-agent customer.read support allow ok"));
  EXPECT_THAT(r.out, Not(HasSubstr(kAdaEmail)));
  EXPECT_THAT(r.out, Not(HasSubstr(ada_id_)));
  ExpectNoPersonalValues(r);
}

TEST_F(CliAuditSearchTest, JsonHoldsTheEntriesOfEachFilter) {
  CliResult reads = Run(kDpoDsr, {"audit", "search", "--principal", "agent-118",
                                  "--purpose", "support", "--json"});
  ASSERT_EQ(reads.exit_code, 0) << ::testing::PrintToString(reads);
  nlohmann::json entries = ParseJson(reads.out);
  ASSERT_TRUE(entries.is_array()) << reads.out;
  ASSERT_EQ(entries.size(), 2u) << reads.out;
  for (const nlohmann::json& e : entries) {
    EXPECT_EQ(e["principal_id"], "agent-118");
    EXPECT_EQ(e["action"], "customer.read");
  }

  CliResult page = Run(kDpoDsr, {"audit", "search", "--principal", "agent-118", "--after",
                                 std::to_string(entries[0]["sequence"].get<std::uint64_t>()),
                                 "--limit", "5", "--json"});
  ASSERT_EQ(page.exit_code, 0) << ::testing::PrintToString(page);
  EXPECT_EQ(ParseJson(page.out), nlohmann::json::array({entries[1]}));

  CliResult creates =
      Run(kDpoLegal, {"audit", "search", "--action", "customer.create", "--from",
                      "2000-01-01", "--json"});
  ASSERT_EQ(creates.exit_code, 0) << ::testing::PrintToString(creates);
  EXPECT_EQ(ParseJson(creates.out).size(), 2u) << creates.out;

  CliResult before = Run(kDpoDsr, {"audit", "search", "--to", "2000-01-01", "--json"});
  ASSERT_EQ(before.exit_code, 0) << ::testing::PrintToString(before);
  EXPECT_EQ(ParseJson(before.out), nlohmann::json::array());
}

TEST_F(CliAuditSearchTest, RefusalsHaveTheirExitCodes) {
  CliResult auditor = Run(kAuditor, {"audit", "search", "--customer", ada_id_});
  EXPECT_EQ(auditor.exit_code, 3) << ::testing::PrintToString(auditor);
  EXPECT_THAT(auditor.err, HasSubstr("access denied ("));

  CliResult bad_time = Run(kDpoDsr, {"audit", "search", "--from", "last tuesday"});
  EXPECT_EQ(bad_time.exit_code, 2) << ::testing::PrintToString(bad_time);
  EXPECT_THAT(bad_time.err, HasSubstr("--from"));

  CliResult bad_limit = Run(kDpoDsr, {"audit", "search", "--limit", "0"});
  EXPECT_EQ(bad_limit.exit_code, 6) << ::testing::PrintToString(bad_limit);
  EXPECT_THAT(bad_limit.err, HasSubstr("limit"));

  CliResult reversed =
      Run(kDpoDsr, {"audit", "search", "--from", "2026-02-01", "--to", "2026-01-01"});
  EXPECT_EQ(reversed.exit_code, 6) << ::testing::PrintToString(reversed);

  ASSERT_EQ(Run(kDpoDsr, {"dsr", "erase", ada_id_}).exit_code, 0);
  CliResult erased = Run(kDpoDsr, {"audit", "search", "--customer", ada_id_});
  EXPECT_EQ(erased.exit_code, 4) << ::testing::PrintToString(erased);
  ExpectNoPersonalValues(erased);
}

}  // namespace
}  // namespace cvault::cli::testing
