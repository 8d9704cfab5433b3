// The core object itself: what it owns from construction, the clock and
// the open check every call makes. Opening and closing are in
// vault_open.cc, the audited call in audited_call.cc, deciding in
// decide.cc, data keys in subject_keys.cc, and the operations in the
// *_ops.cc file of their area.
#include "vault/vault_core.h"

#include "vault/log_sink.h"

namespace cvault::internal {
namespace {

// Each cached key sits in a key pool slot (crypto/key_pool.h), not a
// mapping of its own, so the cache is bounded by memory alone: 16,384
// customers hold about 1 MiB of locked slots and a few MiB of cache entries.
constexpr std::size_t kSubjectKeyCacheSize = 16384;
constexpr std::size_t kFinancialKeyCacheSize = 1024;

}  // namespace

VaultCore::VaultCore(Options options)
    : options_(std::move(options)),
      decider_(policy::Policy::Default()),
      subject_keys_(kSubjectKeyCacheSize),
      financial_keys_(kFinancialKeyCacheSize) {
  site_ = store::SiteFor(options_);
  if (!options_.clock) options_.clock = SystemClock();
  logger_ = MakeLogger(options_.log);
}

VaultCore::~VaultCore() {
  std::lock_guard lock(mu_);
  if (!open_) return;
  Status s = CloseLocked();
  if (!s.ok()) logger_->error("closing the vault: {}", s.ToString());
}

std::int64_t VaultCore::NowMicros() const {
  return options_.clock->Now().time_since_epoch().count();
}

Status VaultCore::RequireOpen() const {
  if (!open_) return Status::FailedPrecondition("the vault is closed");
  return Status::Ok();
}

}  // namespace cvault::internal
