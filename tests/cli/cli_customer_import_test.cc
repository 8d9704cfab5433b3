// `cvault customer import FILE`: JSON Lines in, every record checked, a
// summary out (text or --json), and exit codes a script can act on.
#include <nlohmann/json.hpp>

#include <fstream>

#include "cli_fixture.h"

namespace cvault::cli::testing {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

class CliImportTest : public CliTest {
 protected:
  std::string WriteLines(const std::string& name, const std::string& text) {
    std::ofstream(sandbox_.dir() / name, std::ios::binary) << text;
    return (sandbox_.dir() / name).string();
  }
};

constexpr char kMixed[] =
    R"({"name": "Grace Hopper", "email": "grace@example.org", "country": "US"})" "\n"
    R"({"name": "Alan Turing", "email": "turing-at-example.org"})" "\n"
    "\n"
    "this line is grace@example.org but not JSON\n"
    R"({"name": "Card Holder", "email": "card@example.org", "address": "4111-1111-1111-1111"})" "\n"
    R"({"name": "Grace Again", "email": "GRACE@example.org"})" "\n"
    R"({"name": "Katherine Johnson", "email": "kj@example.org", "phone": "+1 202 555 0143",)"
    R"( "language": "en-US", "external_ref": "acct-9", "address": "NASA Langley"})" "\n"
    R"({"name": "Typo", "emial": "typo@example.org"})" "\n"
    R"({"name": 5, "email": "five@example.org"})" "\n";

TEST_F(CliImportTest, ImportsTheGoodRecordsAndListsEachRejectedLine) {
  const std::string file = WriteLines("in.jsonl", kMixed);
  CliResult r = Run(kAccount, {"customer", "import", file});
  EXPECT_EQ(r.exit_code, 6) << ::testing::PrintToString(r);
  EXPECT_THAT(r.out, HasSubstr("imported 2 of 8 records (6 rejected)"));
  EXPECT_THAT(r.out, HasSubstr("line 2: email: "));
  EXPECT_THAT(r.out, HasSubstr("line 4: not valid JSON (invalid_line)"));
  EXPECT_THAT(r.out, HasSubstr("line 5: postal_address: looks like a payment card number"));
  EXPECT_THAT(r.out, HasSubstr("line 6: email: another customer already uses this address "
                               "(email_taken)"));
  EXPECT_THAT(r.out, HasSubstr("line 8: an unknown key"));
  EXPECT_THAT(r.out, HasSubstr("line 9: name: must be a string"));
  EXPECT_THAT(r.err, HasSubstr("6 of 8 records were rejected; 2 were imported"));
  for (const char* value : {"turing-at", "grace@", "GRACE", "emial", "Hopper"}) {
    EXPECT_THAT(r.out + r.err, Not(HasSubstr(value))) << value;
  }
  EXPECT_FALSE(::cvault::testing::ContainsTestCardNumber(r.out + r.err));
  CliResult found = Run(kAccount, {"customer", "find", "--email", "kj@example.org"});
  ASSERT_EQ(found.exit_code, 0) << ::testing::PrintToString(found);
  CliResult got = Run(kAccount, {"customer", "get", Trimmed(found.out)});
  EXPECT_THAT(got.out, HasSubstr("language: en-US\n"));
  EXPECT_THAT(got.out, HasSubstr("external_ref: acct-9\n"));
}

TEST_F(CliImportTest, JsonGivesEveryLineItsIdOrError) {
  const std::string file = WriteLines("in.jsonl", kMixed);
  CliResult r = Run(kAccount, {"--json", "customer", "import", file});
  EXPECT_EQ(r.exit_code, 6) << ::testing::PrintToString(r);
  nlohmann::json doc = nlohmann::json::parse(r.out);
  EXPECT_EQ(doc["records"], 8);
  EXPECT_EQ(doc["created"], 2);
  EXPECT_EQ(doc["rejected"], 6);
  const nlohmann::json& results = doc["results"];
  ASSERT_EQ(results.size(), 8u);
  EXPECT_EQ(results[0]["line"], 1);
  EXPECT_TRUE(results[0]["customer_id"].get<std::string>().starts_with("cus_"));
  EXPECT_EQ(results[1]["error"]["field"], "email");
  EXPECT_EQ(results[1]["error"]["reason"], "invalid_input");
  EXPECT_EQ(results[2]["line"], 4);  // the blank line 3 is no record
  EXPECT_EQ(results[2]["error"]["reason"], "invalid_line");
  EXPECT_EQ(results[3]["error"]["field"], "postal_address");
  EXPECT_EQ(results[4]["error"]["code"], "already_exists");
  EXPECT_EQ(results[4]["error"]["field"], "email");
  EXPECT_TRUE(results[5]["customer_id"].is_string());
  // The ids are the customers' own.
  CliResult got = Run(kAccount, {"customer", "get", results[0]["customer_id"], "--fields",
                                 "country"});
  EXPECT_EQ(got.out, "country: US\n");
}

TEST_F(CliImportTest, AllGoodIsExitZeroAndProgressCanBeLines) {
  std::string text;
  for (int i = 0; i < 7; ++i) {
    text += R"({"name": "Person )" + std::to_string(i) + R"(", "email": "p)" +
            std::to_string(i) + "@example.org\"}\n";
  }
  const std::string file = WriteLines("in.jsonl", text);
  CliResult r =
      Run(kAccount, {"customer", "import", file, "--batch", "3", "--progress", "lines"});
  ASSERT_EQ(r.exit_code, 0) << ::testing::PrintToString(r);
  EXPECT_EQ(r.out, "imported 7 of 7 records (0 rejected)\n");
  EXPECT_THAT(r.err, HasSubstr("progress import 3/7\n"));
  EXPECT_THAT(r.err, HasSubstr("progress import 7/7\n"));
  CliResult list = Run(kAccount, {"customer", "list"});
  EXPECT_EQ(std::count(list.out.begin(), list.out.end(), '\n'), 7);
}

TEST_F(CliImportTest, ARoleThatMayNotCreateIsDeniedAndAMissingFileIsNotFound) {
  const std::string file = WriteLines("in.jsonl", kMixed);
  CliResult denied = Run(kSupport, {"customer", "import", file});
  EXPECT_EQ(denied.exit_code, 6) << ::testing::PrintToString(denied);
  const std::string good = WriteLines(
      "good.jsonl", R"({"name": "Grace Hopper", "email": "grace@example.org"})" "\n");
  CliResult all_denied = Run(kSupport, {"customer", "import", good});
  EXPECT_EQ(all_denied.exit_code, 3) << ::testing::PrintToString(all_denied);
  CliResult missing = Run(kAccount, {"customer", "import", "nowhere.jsonl"});
  EXPECT_EQ(missing.exit_code, 4) << ::testing::PrintToString(missing);
  CliResult usage = Run(kAccount, {"customer", "import", good, "--batch", "0"});
  EXPECT_EQ(usage.exit_code, 2) << ::testing::PrintToString(usage);
  CliResult list = Run(kAccount, {"customer", "list"});
  EXPECT_EQ(list.out, "");
}

}  // namespace
}  // namespace cvault::cli::testing
