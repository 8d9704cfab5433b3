#include <string>

#include "cvault/customer.h"
#include "domain/random_id.h"

namespace cvault {
namespace {

constexpr std::string_view kPrefix = "cus_";
constexpr std::size_t kBodyLength = domain::kRandomIdLength;
constexpr std::string_view kAlphabet = domain::kRandomIdAlphabet;

}  // namespace

StatusOr<CustomerId> CustomerId::Parse(std::string_view text) {
  if (text.size() != kPrefix.size() + kBodyLength || !text.starts_with(kPrefix)) {
    return Error(Status::InvalidArgument(
        "customer id: expected \"cus_\" followed by 26 base32 characters"));
  }
  for (char c : text.substr(kPrefix.size())) {
    if (kAlphabet.find(c) == std::string_view::npos) {
      return Error(Status::InvalidArgument(
          "customer id: only lower-case a-z and 2-7 may follow \"cus_\""));
    }
  }
  return CustomerId(std::string(text));
}

CustomerId CustomerId::Generate() { return CustomerId(domain::NewRandomId(kPrefix)); }

}  // namespace cvault
