// A gtest fixture with a fresh vault made by `cvault init --generate-key-file`
// (a key file keeps the tests fast: no Argon2id) and helpers to run commands
// as a role and purpose.
#ifndef CVAULT_TESTS_CLI_CLI_FIXTURE_H_
#define CVAULT_TESTS_CLI_CLI_FIXTURE_H_

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <ostream>
#include <string>
#include <vector>

#include "cli_runner.h"
#include "tests/testing/card_numbers.h"

namespace cvault::cli::testing {

inline void PrintTo(const CliResult& r, std::ostream* os) {
  *os << "exit " << r.exit_code << "\n--- stdout ---\n"
      << r.out << "--- stderr ---\n"
      << r.err;
}

// The last non-empty line of `text` (stderr may hold log lines before an
// error object).
inline std::string LastLine(const std::string& text) {
  std::size_t end = text.find_last_not_of('\n');
  if (end == std::string::npos) return "";
  std::size_t start = text.rfind('\n', end);
  return text.substr(start == std::string::npos ? 0 : start + 1,
                     end - (start == std::string::npos ? 0 : start + 1) + 1);
}

inline std::string Trimmed(const std::string& text) {
  std::size_t end = text.find_last_not_of("\n ");
  return end == std::string::npos ? "" : text.substr(0, end + 1);
}

// Fictional customer data the tests write and then look for in error output.
inline constexpr char kAdaEmail[] = "ada@example.com";
inline constexpr char kAdaName[] = "Ada Lovelace";
inline constexpr char kAdaPhone[] = "+442071838750";
inline constexpr char kKeyFile[] = "keys/root.key";

inline const std::vector<std::string> kAccount = {"--as", "account-service:signup-1",
                                                  "--purpose", "account_management"};
inline const std::vector<std::string> kSupport = {"--as", "support-agent:agent-118",
                                                  "--purpose", "support"};
inline const std::vector<std::string> kMarketing = {"--as", "marketing-service:mail-1",
                                                    "--purpose", "marketing"};
inline const std::vector<std::string> kAuditor = {"--as", "auditor:auditor-7",
                                                  "--purpose", "audit"};
inline const std::vector<std::string> kDpoDsr = {"--as", "dpo:dpo-1", "--purpose", "dsr"};
inline const std::vector<std::string> kDpoLegal = {"--as", "dpo:dpo-1", "--purpose",
                                                   "legal_compliance"};

// Errors name fields and options, never the values the tests wrote.
inline void ExpectNoPersonalValues(const CliResult& r) {
  for (const char* value : {kAdaEmail, kAdaName, kAdaPhone, "Lovelace"}) {
    EXPECT_THAT(r.err, ::testing::Not(::testing::HasSubstr(value)))
        << ::testing::PrintToString(r);
  }
  EXPECT_FALSE(::cvault::testing::ContainsTestCardNumber(r.err)) << ::testing::PrintToString(r);
}

class CliTest : public ::testing::Test {
 protected:
  void SetUp() override {
    CliResult init =
        sandbox_.Run({"init", "--generate-key-file", "--key-file", kKeyFile});
    ASSERT_EQ(init.exit_code, 0) << ::testing::PrintToString(init);
  }

  // `cvault args... --key-file keys/root.key` after `who` (role and purpose).
  CliResult Run(const std::vector<std::string>& who, std::vector<std::string> args,
                const std::map<std::string, std::string>& env = {}) {
    // Globals go first: consent commands take --purpose for the consent's
    // purpose, so the caller's --purpose must precede the subcommand.
    std::vector<std::string> full = who;
    full.insert(full.end(), {"--key-file", kKeyFile});
    full.insert(full.end(), args.begin(), args.end());
    return sandbox_.Run(full, env);
  }

  // Adds Ada (as account-service) and returns her id.
  std::string AddAda() {
    CliResult r =
        Run(kAccount, {"customer", "add", "--email", kAdaEmail, "--name", kAdaName,
                       "--phone", kAdaPhone, "--country", "GB", "--language", "en-GB"});
    EXPECT_EQ(r.exit_code, 0) << ::testing::PrintToString(r);
    return Trimmed(r.out);
  }

  static nlohmann::json ParseJson(const std::string& text) {
    return nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
  }

  CliSandbox sandbox_;
};

}  // namespace cvault::cli::testing

#endif  // CVAULT_TESTS_CLI_CLI_FIXTURE_H_
