#include "policy/masking.h"

#include <cstddef>

namespace cvault::policy {
namespace {

bool IsUtf8Continuation(char c) {
  return (static_cast<unsigned char>(c) & 0xC0) == 0x80;
}

// The first UTF-8 character of `word` (so initials of "Émile" stay valid).
std::string_view FirstCharacter(std::string_view word) {
  std::size_t n = 1;
  while (n < word.size() && IsUtf8Continuation(word[n])) ++n;
  return word.substr(0, n);
}

std::string MaskEmail(std::string_view email) {
  std::size_t at = email.rfind('@');
  if (at == std::string_view::npos || at == 0) return "***";
  return std::string(FirstCharacter(email)) + "***" + std::string(email.substr(at));
}

std::string MaskPhone(std::string_view phone) {
  // E.164: keep '+' and the first two digits (enough for the country code's
  // region), hide the middle, keep the last three.
  if (phone.size() < 8) return "***";
  std::string out(phone.substr(0, 3));
  out.append(phone.size() - 6, '*');
  out.append(phone.substr(phone.size() - 3));
  return out;
}

std::string MaskName(std::string_view name) {
  std::string out;
  std::size_t i = 0;
  while (i < name.size()) {
    while (i < name.size() && name[i] == ' ') ++i;
    if (i >= name.size()) break;
    std::size_t end = name.find(' ', i);
    if (end == std::string_view::npos) end = name.size();
    if (!out.empty()) out += ' ';
    out += FirstCharacter(name.substr(i, end - i));
    out += '.';
    i = end;
  }
  return out.empty() ? "***" : out;
}

std::string KeepTail(std::string_view value, std::size_t keep) {
  if (value.size() <= keep) return "***";
  return "***" + std::string(value.substr(value.size() - keep));
}

}  // namespace

std::string MaskField(CustomerField field, std::string_view value) {
  switch (field) {
    case CustomerField::kEmail: return MaskEmail(value);
    case CustomerField::kPhone: return MaskPhone(value);
    case CustomerField::kFullName: return MaskName(value);
    case CustomerField::kPostalAddress: return "***";
    case CustomerField::kExternalRef: return KeepTail(value, 4);
    case CustomerField::kCountry:
    case CustomerField::kLanguage:
      return std::string(value);
  }
  return "***";
}

}  // namespace cvault::policy
