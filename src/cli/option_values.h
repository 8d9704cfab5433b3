// Turning option values into library values: times and enumerated names.
// A value that does not parse is a usage error naming the option; the message
// never repeats what was typed (it may be personal data put in the wrong
// place). Stateless; safe anywhere.
#ifndef CVAULT_CLI_OPTION_VALUES_H_
#define CVAULT_CLI_OPTION_VALUES_H_

#include <fmt/format.h>

#include <array>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "cli/exit_codes.h"
#include "cvault/clock.h"
#include "cvault/refund.h"

namespace cvault::cli {

// A TIME option: empty means not given.
inline CliOr<std::optional<Timestamp>> ParseTimeOption(const std::string& text,
                                                       std::string_view option) {
  if (text.empty()) return std::nullopt;
  auto time = ParseTimestamp(text, option);
  if (!time) return Usage(time.error().message());
  return *time;
}

// The help text's " (UTC, e.g. ...)" for TIME options.
inline constexpr char kTimeHelp[] = " (UTC, e.g. 2026-12-01T00:00:00Z or 2026-12-01)";

// The library's lists of every enum value, under the names the commands use.
inline constexpr const auto& kProductKinds = kAllProductKinds;
inline constexpr const auto& kFixOutcomes = kAllFixOutcomes;
inline constexpr const auto& kRefundReasons = kAllRefundReasons;
inline constexpr const auto& kRefundStatuses = kAllRefundStatuses;
inline constexpr const auto& kProcessors = kAllProcessors;

// "a, b or c" from the names of `values`.
template <class Enum, std::size_t N>
std::string ChoiceList(const std::array<Enum, N>& values,
                       std::string_view (*name_of)(Enum)) {
  std::vector<std::string_view> names;
  for (Enum value : values) names.push_back(name_of(value));
  if (names.size() < 2) return fmt::format("{}", fmt::join(names, ""));
  std::string_view last = names.back();
  names.pop_back();
  return fmt::format("{} or {}", fmt::join(names, ", "), last);
}

// The enumerator `parse` finds for `text`, or a usage error naming `option`
// and listing the allowed values.
template <class Enum, std::size_t N>
CliOr<Enum> ParseChoiceOption(std::string_view text, std::string_view option,
                              std::optional<Enum> (*parse)(std::string_view),
                              const std::array<Enum, N>& values,
                              std::string_view (*name_of)(Enum)) {
  std::optional<Enum> value = parse(text);
  if (!value) {
    return Usage(fmt::format("{}: expected {}", option, ChoiceList(values, name_of)));
  }
  return *value;
}

}  // namespace cvault::cli

#endif  // CVAULT_CLI_OPTION_VALUES_H_
