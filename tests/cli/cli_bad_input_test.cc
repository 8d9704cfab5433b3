// The committed bad-input corpus (tests/badinput/corpus.jsonl) through the
// tool, one test per target: every case ends in the exit code its status
// code maps to, with a message that names the field (or the option) and
// never echoes the value, and afterwards the vault holds what it held
// before (the customer list and Ada's whole export, less its access log),
// with exactly one audit entry more per refusal the library made.
//
// The tool passes text through untouched, so of the corpus's 21 card-number
// forms per field it runs four (a plain number, one split by dots, one in
// fullwidth digits, one inside text); the library test runs them all.
//
// What argv cannot carry (a value holding a NUL byte) goes through
// `customer import` for the customer fields, and is left to the library
// test for the others; the ticket's opening time is a number of
// microseconds in the corpus but a time text in the tool (whose parser the
// timestamp fuzz target covers), so those two targets are the library
// test's alone.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <fstream>
#include <map>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "cli_refund_fixture.h"
#include "tests/testing/bad_input_corpus.h"
#include "tests/testing/card_numbers.h"

namespace cvault::cli::testing {
namespace {

using ::cvault::testing::BadCase;

// Refusals the tool makes itself, before the library sees the value: an
// empty --as or --purpose is a usage error (exit 2), and nothing is audited.
bool RefusedByTheTool(const BadCase& c) {
  return c.target.starts_with("context.") && c.value.empty();
}

bool RunThroughTheTool(const BadCase& c) {
  if (!c.cls.starts_with("card_")) return true;
  return c.cls == "card_visa" || c.cls == "card_visa_dots" || c.cls == "card_fullwidth" ||
         c.cls == "card_in_text";
}

// The option that carries each target's value (a usage error names it).
const std::map<std::string, std::string>& Options() {
  static const std::map<std::string, std::string> options = {
      {"customer.full_name", "--name"},       {"customer.email", "--email"},
      {"customer.phone", "--phone"},          {"customer.country", "--country"},
      {"customer.language", "--language"},    {"customer.postal_address", "--address"},
      {"customer.external_ref", "--external-ref"}, {"ticket.summary", "--summary"},
      {"ticket.product_sku", "--sku"},        {"refund.order_ref", "--order"},
      {"payment.charge_id", "--charge"},      {"payment.currency", "--currency"},
      {"payment.amount_minor", "--amount"},   {"notice.template_id", "--template"},
      {"notice.channel", "--channel"},        {"consent.purpose", "--for"},
      {"consent.actor", "--actor"},           {"context.role", "--as"},
      {"context.purpose", "--purpose"},       {"context.principal_id", "--as"},
      {"dsr.request_id", "REQUEST"},
  };
  return options;
}

// The import file's key for each customer field.
const std::map<std::string, std::string>& ImportKeys() {
  static const std::map<std::string, std::string> keys = {
      {"customer.full_name", "name"},       {"customer.email", "email"},
      {"customer.phone", "phone"},          {"customer.country", "country"},
      {"customer.language", "language"},    {"customer.postal_address", "address"},
      {"customer.external_ref", "external_ref"},
  };
  return keys;
}

int ExitCodeFor(const std::string& status_code) {
  if (status_code == "invalid_argument") return 6;
  if (status_code == "permission_denied") return 3;
  if (status_code == "not_found") return 4;
  return -1;
}

class CliBadInputTest : public CliRefundTest,
                        public ::testing::WithParamInterface<std::string> {
 protected:
  void SetUp() override {
    CliRefundTest::SetUp();
    ada_ = AddAda();
    std::ofstream(sandbox_.dir() / "notice.txt") << "We email offers if you agree.\n";
    CliResult notice = Run(kDpoLegal, {"notice", "add", "--id", "privacy", "--version", "3",
                                       "--file", "notice.txt"});
    ASSERT_EQ(notice.exit_code, 0) << ::testing::PrintToString(notice);
    CliResult grant = Run(kAccount, {"consent", "grant", ada_, "--for", "marketing", "--notice",
                                     "privacy@3", "--method", "checkbox", "--channel", "web"});
    ASSERT_EQ(grant.exit_code, 0) << ::testing::PrintToString(grant);
    OpenTicket(ada_, {"--substantial"});
    RecordPurchase(ada_);
    case_id_ = OpenCase(ada_, "duplicate_purchase");
    for (const char* to : {"under_review", "approved", "processing"}) {
      CliResult moved = Transition(case_id_, to, {"--note", "charged twice"});
      ASSERT_EQ(moved.exit_code, 0) << ::testing::PrintToString(moved);
    }
    verify_cost_ = HeadSequence();
    verify_cost_ = HeadSequence() - verify_cost_;
  }

  // The audit log's head as `audit verify` reports it (the verify is
  // itself audited: verify_cost_ entries a call).
  std::uint64_t HeadSequence() {
    CliResult r = Run(kAuditor, {"--json", "audit", "verify"});
    EXPECT_EQ(r.exit_code, 0) << ::testing::PrintToString(r);
    auto report = ParseJson(r.out);
    EXPECT_TRUE(report.is_object() && report.value("ok", false)) << r.out;
    return report.is_object() ? report.value("head_sequence", std::uint64_t{0}) : 0;
  }

  // The customer list and Ada's export, less what each export makes anew
  // and the access log (which every audited read about her lengthens).
  std::string Contents() {
    CliResult ids = Run(kAccount, {"customer", "list"});
    EXPECT_EQ(ids.exit_code, 0) << ::testing::PrintToString(ids);
    const std::string file = "export-" + std::to_string(++exports_) + ".json";
    CliResult exported = Run(kDpoDsr, {"dsr", "export", ada_, "--out", file});
    EXPECT_EQ(exported.exit_code, 0) << ::testing::PrintToString(exported);
    auto doc = ParseJson(ReadWholeFile(sandbox_.dir() / file));
    if (!doc.is_object()) return "unreadable";
    doc["sections"].erase("access_log");
    for (const char* key : {"export_id", "generated_at", "manifest", "signature"}) {
      doc.erase(key);
    }
    return ids.out + doc.dump();
  }

  // The tool run that hands `c`'s value to its target.
  CliResult RunCase(const BadCase& c) {
    const std::string& t = c.target;
    const std::string& v = c.value;
    if (t.starts_with("customer.")) {
      std::map<std::string, std::string> fields = {{"--name", "Test Person"},
                                                   {"--email", "test.person@example.org"}};
      fields[Options().at(t)] = v;
      std::vector<std::string> args = {"customer", "add"};
      for (const auto& [option, value] : fields) args.insert(args.end(), {option, value});
      return Run(kAccount, args);
    }
    if (t == "ticket.summary" || t == "ticket.product_sku") {
      std::vector<std::string> args = {"support", "open", ada_, "--product-kind", "plugin",
                                       "--sku", "seo-booster", "--summary", "Another crash"};
      args[t == "ticket.summary" ? 8 : 6] = v;
      return Run(kSupport, args);
    }
    if (t == "refund.order_ref") {
      return Run(kRefunds, {"refund", "open", ada_, "--order", v, "--product-kind", "plugin",
                            "--sku", "seo-booster", "--reason", "functional_defect"});
    }
    if (t.starts_with("payment.")) {
      std::vector<std::string> args = {"refund", "attach-payment", case_id_, "--processor",
                                       "stripe"};
      if (t == "payment.charge_id") {
        args.insert(args.end(), {"--charge", v});
      } else {
        args.insert(args.end(), {"--payment-intent", kPaymentIntent});
      }
      args.insert(args.end(), {"--amount", t == "payment.amount_minor" ? v : "100",
                               "--currency", t == "payment.currency" ? v : "EUR"});
      // Another principal than the one that approved (separation of duties).
      return Run({"--as", "refund-service:refund-payer", "--purpose", "refund_processing"},
                 args);
    }
    if (t == "notice.template_id" || t == "notice.channel") {
      return Run(kRefunds, {"refund", "notify", case_id_, "--channel",
                            t == "notice.channel" ? v : "email", "--template",
                            t == "notice.template_id" ? v : "refund-update"});
    }
    if (t.starts_with("consent.")) {
      return Run(kAccount, {"consent", "grant", ada_, "--for",
                            t == "consent.purpose" ? v : "marketing", "--notice", "privacy@3",
                            "--method", "checkbox", "--channel", "web", "--actor",
                            t == "consent.actor" ? v : "customer"});
    }
    if (t.starts_with("context.")) {
      const std::string role = t == "context.role" ? v : "account-service";
      const std::string id = t == "context.principal_id" ? v : "signup-1";
      const std::string purpose = t == "context.purpose" ? v : "account_management";
      return Run({"--as", role + ":" + id, "--purpose", purpose}, {"customer", "get", ada_});
    }
    if (t == "dsr.request_id") return Run(kDpoDsr, {"dsr", "show", v});
    ADD_FAILURE() << "no such target in the test: " << t;
    return {};
  }

  // The same value as one line of `customer import` (JSON carries a NUL).
  CliResult RunImportCase(const BadCase& c) {
    nlohmann::json line = {{"name", "Test Person"}, {"email", "test.person@example.org"}};
    line[ImportKeys().at(c.target)] = c.value;
    const std::string file = "import-" + std::to_string(++imports_) + ".jsonl";
    std::ofstream(sandbox_.dir() / file, std::ios::binary)
        << line.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) << "\n";
    return Run(kAccount, {"customer", "import", file});
  }

  std::string ada_;
  std::string case_id_;
  std::uint64_t verify_cost_ = 0;
  int exports_ = 0;
  int imports_ = 0;
};

TEST_P(CliBadInputTest, EveryCaseIsRefusedNamingTheFieldAndChangesNothing) {
  const std::string target = GetParam();
  const std::string before = Contents();
  const std::uint64_t head = HeadSequence();
  std::uint64_t audited_refusals = 0;
  int ran = 0;
  for (const BadCase& c : ::cvault::testing::LoadBadInputCorpus()) {
    if (c.target != target || !RunThroughTheTool(c)) continue;
    SCOPED_TRACE(c.target + " / " + c.cls);
    const bool through_import = c.value.find('\0') != std::string::npos;
    if (through_import && !ImportKeys().contains(target)) continue;
    const CliResult r = through_import ? RunImportCase(c) : RunCase(c);
    ++ran;
    if (RefusedByTheTool(c)) {
      EXPECT_EQ(r.exit_code, 2) << ::testing::PrintToString(r);
    } else {
      EXPECT_EQ(r.exit_code, ExitCodeFor(c.expect)) << ::testing::PrintToString(r);
      ++audited_refusals;
    }
    // An import reports each line on standard output, the rest on stderr.
    const std::string said = r.out + r.err;
    const std::string names = ::cvault::testing::BadInputNames(c);
    EXPECT_TRUE(said.find(names) != std::string::npos ||
                said.find(Options().at(target)) != std::string::npos)
        << "the message names neither " << names << " nor " << Options().at(target) << "\n"
        << ::testing::PrintToString(r);
    if (c.value.size() >= 3) {
      EXPECT_EQ(r.err.find(c.value), std::string::npos) << "the value is echoed";
      EXPECT_EQ(r.out.find(c.value), std::string::npos) << "the value is echoed";
    }
    EXPECT_FALSE(::cvault::testing::ContainsTestCardNumber(r.err + r.out));
    ExpectNoPersonalValues(r);
  }
  ASSERT_GT(ran, 0) << "no case for " << target;
  std::cout << target << ": " << ran << " cases, " << audited_refusals
            << " refused by the library (audited)\n";
  // Every library refusal is audited once; the HeadSequence call itself
  // adds verify_cost_.
  EXPECT_EQ(HeadSequence() - head - verify_cost_, audited_refusals);
  EXPECT_EQ(Contents(), before) << target << ": the vault's contents changed";
}

std::vector<std::string> ToolTargets() {
  std::vector<std::string> targets;
  for (const auto& [target, names] : ::cvault::testing::BadInputFieldNames()) {
    if (Options().contains(target)) targets.push_back(target);
  }
  return targets;
}

INSTANTIATE_TEST_SUITE_P(Corpus, CliBadInputTest, ::testing::ValuesIn(ToolTargets()),
                         [](const ::testing::TestParamInfo<std::string>& info) {
                           std::string name = info.param;
                           for (char& ch : name) {
                             if (ch == '.') ch = '_';
                           }
                           return name;
                         });

}  // namespace
}  // namespace cvault::cli::testing
