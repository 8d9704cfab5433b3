// JSON Lines records for `cvault customer import` (import_lines.h).
#include "cli/import_lines.h"

#include <fmt/format.h>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <array>
#include <optional>
#include <string>

namespace cvault::cli {
namespace {

constexpr std::array<std::string_view, 7> kKeys = {
    "name", "email", "phone", "address", "country", "language", "external_ref"};

Status Invalid(std::string message) {
  return Status::InvalidArgument(std::move(message)).WithReasonCode("invalid_line");
}

}  // namespace

bool IsBlankLine(std::string_view line) {
  return line.find_first_not_of(" \t\r\n") == std::string_view::npos;
}

StatusOr<NewCustomer> ParseImportLine(std::string_view line) {
  // No exceptions: a parse error's message quotes the input.
  nlohmann::json object = nlohmann::json::parse(line, nullptr, /*allow_exceptions=*/false);
  if (object.is_discarded()) return Error(Invalid("not valid JSON"));
  if (!object.is_object()) return Error(Invalid("not a JSON object"));
  for (const auto& [key, value] : object.items()) {
    if (std::find(kKeys.begin(), kKeys.end(), key) == kKeys.end()) {
      return Error(Invalid(
          "an unknown key; the keys are name, email, phone, address, country, language, "
          "external_ref"));
    }
    if (!value.is_string()) return Error(Invalid(fmt::format("{}: must be a string", key)));
  }
  auto text = [&](std::string_view key) -> std::optional<std::string> {
    auto found = object.find(std::string(key));
    if (found == object.end()) return std::nullopt;
    return found->get<std::string>();
  };
  NewCustomer customer;
  std::optional<std::string> name = text("name");
  std::optional<std::string> email = text("email");
  if (!name) return Error(Invalid("name: required"));
  if (!email) return Error(Invalid("email: required"));
  customer.full_name = std::move(*name);
  customer.email = std::move(*email);
  customer.phone = text("phone");
  customer.postal_address = text("address");
  customer.country = text("country");
  customer.language = text("language");
  customer.external_ref = text("external_ref");
  return customer;
}

}  // namespace cvault::cli
