// The committed bad-input corpus (tests/badinput/corpus.jsonl), read for the
// tests that send it through the library API (tests/vault/bad_input_test.cc)
// and through the tool (tests/cli/cli_bad_input_test.cc).
#ifndef CVAULT_TESTS_TESTING_BAD_INPUT_CORPUS_H_
#define CVAULT_TESTS_TESTING_BAD_INPUT_CORPUS_H_

#include <fstream>
#include <map>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace cvault::testing {

struct BadCase {
  std::string target;  // "customer.email": one field of one call
  std::string cls;     // the class of bad value ("card_visa_dots")
  std::string expect;  // the status code name the call must answer with
  std::string names;   // what the message must name: the target's field unless set
  std::string value;
};

inline std::string FromHex(const std::string& hex) {
  std::string out;
  for (std::size_t i = 0; i + 1 < hex.size(); i += 2) {
    out.push_back(static_cast<char>(std::stoi(hex.substr(i, 2), nullptr, 16)));
  }
  return out;
}

inline std::vector<BadCase> LoadBadInputCorpus() {
  std::ifstream in(std::string(CVAULT_SOURCE_DIR) + "/tests/badinput/corpus.jsonl");
  std::vector<BadCase> out;
  for (std::string line; std::getline(in, line);) {
    const auto j = nlohmann::json::parse(line);
    BadCase c{j.at("target"), j.at("class"), j.at("expect"), j.value("names", ""), ""};
    if (j.contains("hex")) {
      c.value = FromHex(j.at("hex"));
    } else if (j.contains("repeat")) {
      c.value.assign(j.at("times").get<std::size_t>(), j.at("repeat").get<std::string>()[0]);
    } else {
      c.value = j.at("value");
    }
    out.push_back(std::move(c));
  }
  return out;
}

// The words each target's refusal names its field with.
inline const std::map<std::string, std::string>& BadInputFieldNames() {
  static const std::map<std::string, std::string> names = {
      {"customer.full_name", "full_name"},
      {"customer.email", "email"},
      {"customer.phone", "phone"},
      {"customer.country", "country"},
      {"customer.language", "language"},
      {"customer.postal_address", "postal_address"},
      {"customer.external_ref", "external_ref"},
      {"ticket.summary", "summary"},
      {"ticket.product_sku", "sku"},
      {"ticket.opened_at_us", "opened at"},
      {"ticket.import_opened_at_us", "opened at"},
      {"refund.order_ref", "order reference"},
      {"payment.charge_id", "charge id"},
      {"payment.currency", "currency"},
      {"payment.amount_minor", "amount"},
      {"notice.template_id", "template id"},
      {"notice.channel", "channel"},
      {"consent.purpose", "purpose"},
      {"consent.actor", "actor"},
      {"context.role", "role"},
      {"context.purpose", "purpose"},
      {"context.principal_id", "principal id"},
      {"dsr.request_id", "request id"},
  };
  return names;
}

// What the message names for `c`: its own `names`, or the target's field.
inline std::string BadInputNames(const BadCase& c) {
  return c.names.empty() ? BadInputFieldNames().at(c.target) : c.names;
}

}  // namespace cvault::testing

#endif  // CVAULT_TESTS_TESTING_BAD_INPUT_CORPUS_H_
