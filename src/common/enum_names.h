// Finding an enumerator by its stable name, for the name tables of the
// public enums (refund_names.cc, dsr_names.cc).
#ifndef CVAULT_COMMON_ENUM_NAMES_H_
#define CVAULT_COMMON_ENUM_NAMES_H_

#include <array>
#include <cstddef>
#include <optional>
#include <string_view>

namespace cvault::internal {

// The enumerator of `all` whose name (by `name_of`) is `name`.
template <class Enum, std::size_t N>
std::optional<Enum> ParseByName(std::string_view name, const std::array<Enum, N>& all,
                                std::string_view (*name_of)(Enum)) {
  for (Enum value : all) {
    if (name_of(value) == name) return value;
  }
  return std::nullopt;
}

}  // namespace cvault::internal

#endif  // CVAULT_COMMON_ENUM_NAMES_H_
