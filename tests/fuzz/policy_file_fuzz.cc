// The policy-file parser on any text: a policy or an InvalidArgument, never a
// crash or an exception (toml++ throws; the parser must catch it).
#include "policy/policy_file.h"
#include "tests/fuzz/fuzz_target.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  auto policy = cvault::policy::ParsePolicy(cvault::fuzz::AsText(data, size), "fuzz.toml");
  if (!policy) FUZZ_CHECK(policy.error().code() == cvault::StatusCode::kInvalidArgument);
  return 0;
}
