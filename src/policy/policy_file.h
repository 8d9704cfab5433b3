// Reading the access policy from a TOML policy file. The format, every key
// and the validation rules are in docs/policy.md ("Policy file");
// policies/default.toml is Policy::Default() written out in it.
//
// A file is used whole or not at all: any problem is an error, never a silent
// fall-back to the built-in default. Free functions with no shared state:
// safe to call from any thread.
#ifndef CVAULT_POLICY_POLICY_FILE_H_
#define CVAULT_POLICY_POLICY_FILE_H_

#include <cstdint>
#include <filesystem>
#include <string_view>

#include "cvault/status.h"
#include "policy/policy.h"

namespace cvault::policy {

// The only `version` this build reads.
inline constexpr std::int64_t kPolicyFileVersion = 1;

// Reads and parses `file`. InvalidArgument when the file is missing or
// unreadable (the message names the path), or for any problem ParsePolicy
// reports.
[[nodiscard]] StatusOr<Policy> LoadPolicyFile(const std::filesystem::path& file);

// Parses policy-file text. Any problem is InvalidArgument with a message of
// the form "<source_name>:<line>:<column>: <problem>", for example
// "policy.toml:12:3: purpose 'marketing': unknown field group 'contacts'
// (expected identity, contact, marketing_profile, support_evidence, financial)".
// `source_name` is only used in messages.
[[nodiscard]] StatusOr<Policy> ParsePolicy(std::string_view toml_text,
                                           std::string_view source_name);

}  // namespace cvault::policy

#endif  // CVAULT_POLICY_POLICY_FILE_H_
