// cvault_vault: creating, opening, closing and freeing a vault.
#include <variant>

#include "capi/boundary.h"

namespace {

using cvault::Options;
using cvault::Status;

// A copy of `o` for Vault::Create/Open, which take their Options by value;
// the root key's secret is cloned into fresh locked memory.
Options CopyOf(const Options& o) {
  Options copy;
  copy.vault_dir = o.vault_dir;
  copy.store = o.store;
  copy.keys_dir = o.keys_dir;
  if (const auto* passphrase = std::get_if<cvault::Passphrase>(&o.root_key)) {
    copy.root_key = cvault::Passphrase{passphrase->text.Clone()};
  } else if (const auto* key_file = std::get_if<cvault::KeyFile>(&o.root_key)) {
    copy.root_key = *key_file;
  } else if (const auto* raw = std::get_if<cvault::RawRootKey>(&o.root_key)) {
    copy.root_key = cvault::RawRootKey{raw->key.Clone()};
  }
  copy.passphrase_cost = o.passphrase_cost;
  copy.development_keyring = o.development_keyring;
  copy.clock = o.clock;
  copy.log = o.log;
  copy.checkpoint_every = o.checkpoint_every;
  copy.checkpoint_interval = o.checkpoint_interval;
  copy.durability = o.durability;
  copy.policy_file = o.policy_file;
  copy.refund_policy = o.refund_policy;
  copy.retention = o.retention;
  return copy;
}

template <class OpenFn>
cvault_status OpenWith(const cvault_options* options, cvault_vault** out,
                       cvault_error** error, OpenFn&& open) {
  return cvault::capi::Call(error, [&]() -> Status {
    if (options == nullptr) return Status::InvalidArgument("options: must not be NULL");
    CVAULT_RETURN_IF_ERROR(cvault::capi::OutArg(out, "out"));
    auto handle = std::make_unique<cvault_vault>();
    CVAULT_ASSIGN_OR_RETURN(handle->vault, open(CopyOf(options->options)));
    *out = handle.release();
    return Status::Ok();
  });
}

}  // namespace

extern "C" {

cvault_status cvault_vault_create(const cvault_options* options, cvault_vault** out,
                                  cvault_error** error) {
  return OpenWith(options, out, error,
                  [](Options o) { return cvault::Vault::Create(std::move(o)); });
}

cvault_status cvault_vault_open(const cvault_options* options, cvault_vault** out,
                                cvault_error** error) {
  return OpenWith(options, out, error,
                  [](Options o) { return cvault::Vault::Open(std::move(o)); });
}

cvault_status cvault_vault_close(cvault_vault* vault, cvault_error** error) {
  return cvault::capi::Call(error, [&]() -> Status {
    if (vault == nullptr || !vault->vault) {
      return Status::InvalidArgument("vault: must not be NULL");
    }
    return vault->vault->Close();
  });
}

void cvault_vault_free(cvault_vault* vault) {
  // ~Vault logs a failed closing checkpoint instead of throwing.
  delete vault;
}

}  // extern "C"
