// Blind-index rotation (Vault::operations().RotateBlindIndex): a new index
// key, every customer's email and phone indexes rebuilt under it in
// batches while every write maintains both, then the new indexes promoted
// and the old key retired. Also the loading of the index versions the
// vault's meta names, which every process redoes when they move.
#include <fmt/format.h>

#include <limits>

#include "domain/customer_codec.h"
#include "vault/vault_core.h"

namespace cvault::internal {
namespace {

namespace action = policy::action;

constexpr char kIndexVersionKey[] = "blind_index.version";
constexpr char kIndexNextKey[] = "blind_index.next";

StatusOr<std::uint32_t> ParseVersion(const std::optional<std::string>& text) {
  if (!text || text->empty()) return std::uint32_t{0};
  try {
    unsigned long v = std::stoul(*text);
    if (v == 0 || v > 0xffffffffUL) throw std::out_of_range("version");
    return static_cast<std::uint32_t>(v);
  } catch (const std::exception&) {
    return Error(Status::Integrity("the vault's blind-index version setting is damaged"));
  }
}

}  // namespace

Status VaultCore::LoadIndexers(store::VaultTransaction& tx) {
  CVAULT_ASSIGN_OR_RETURN(auto current_text, tx.GetMeta(kIndexVersionKey));
  CVAULT_ASSIGN_OR_RETURN(auto next_text, tx.GetMeta(kIndexNextKey));
  CVAULT_ASSIGN_OR_RETURN(std::uint32_t current, ParseVersion(current_text));
  CVAULT_ASSIGN_OR_RETURN(std::uint32_t next, ParseVersion(next_text));
  if (current == 0) current = keyring_->blind_index_version();
  auto indexer_for = [&](std::uint32_t v) -> StatusOr<crypto::BlindIndexer> {
    const SecretBytes* root = keyring_->blind_index_root(v);
    if (root == nullptr) {
      return Error(Status::KeyFailure(fmt::format(
          "the keyring has no blind-index key version {}, which the vault uses; open it "
          "with the keyring that rotated the index",
          v)));
    }
    return crypto::BlindIndexer::Create(*root);
  };
  CVAULT_ASSIGN_OR_RETURN(auto indexer, indexer_for(current));
  indexer_.emplace(std::move(indexer));
  index_version_ = current;
  next_indexer_.reset();
  if (next != 0) {
    CVAULT_ASSIGN_OR_RETURN(auto upcoming, indexer_for(next));
    next_indexer_.emplace(std::move(upcoming));
  }
  return Status::Ok();
}

StatusOr<IndexRotationResult> VaultCore::RotateBlindIndex(const AccessContext& in,
                                                          const ProgressFn& progress,
                                                          std::size_t batch) {
  if (batch == 0) return Error(Status::InvalidArgument("batch: must be at least 1"));
  IndexRotationResult result;
  AccessContext ctx;
  std::uint32_t next = 0;
  std::uint64_t total = 0;
  std::optional<LeaseRelease> release;
  {
    std::lock_guard lock(mu_);
    CVAULT_ASSIGN_OR_RETURN(
        AuditedCall call,
        StartCall(in, action::kKeysManage,
                  {"keys.rotate_index", "", {}, {}, "allow", "started"}));
    ctx = call.ctx();
    CVAULT_RETURN_IF_ERROR(DecideOperation(call, action::kKeysManage));
    CVAULT_RETURN_IF_ERROR(BeginKeyDuty(call));
    release.emplace(*this, kKeyDutyLease);
    store::VaultTransaction* tx = &call.tx();
    CVAULT_ASSIGN_OR_RETURN(auto next_text, tx->GetMeta(kIndexNextKey));
    CVAULT_ASSIGN_OR_RETURN(next, ParseVersion(next_text));
    result.resumed = next != 0;
    if (!result.resumed) {
      // The new key reaches the keyring file before any index uses it.
      next = keyring_->AddBlindIndexRoot();
      Status saved = SaveKeyring(*tx);
      if (!saved.ok()) {
        (void)keyring_->RetireBlindIndexRoot(next);
        return Error(std::move(call).Fail("keyring_save_failed", saved));
      }
      CVAULT_RETURN_IF_ERROR(tx->SetMeta(kIndexNextKey, std::to_string(next)));
      CVAULT_ASSIGN_OR_RETURN(
          auto upcoming, crypto::BlindIndexer::Create(*keyring_->blind_index_root(next)));
      next_indexer_.emplace(std::move(upcoming));
    }
    // The remaining work (all customers for a new rotation).
    CVAULT_ASSIGN_OR_RETURN(auto missing,
                            tx->ListCustomersMissingNextIndex(
                                std::nullopt, std::numeric_limits<std::size_t>::max()));
    total = missing.size();
    call.event().reason_code = result.resumed ? "resumed" : "started";
    // From this commit on, every write in every process maintains both
    // indexes (the save above moved the generation it reads).
    CVAULT_RETURN_IF_ERROR(std::move(call).Commit());
  }
  if (progress) progress({"reindex", 0, total});

  std::optional<std::string> after;
  auto reindex_batch = [&]() -> StatusOr<std::size_t> {
    CVAULT_RETURN_IF_ERROR(RenewLease(kKeyDutyLease));
    CVAULT_ASSIGN_OR_RETURN(auto tx, BeginWrite());
    if (!next_indexer_) {
      return Error(
          Status::Busy("the blind-index rotation was finished or abandoned elsewhere"));
    }
    // A customer erased since the last batch ends the listing after it;
    // starting over is safe, as finished customers drop out.
    std::vector<std::string> ids;
    auto listed = tx->ListCustomersMissingNextIndex(
        after ? std::optional<std::string_view>(*after) : std::nullopt, batch);
    if (listed) {
      ids = std::move(*listed);
    } else if (listed.error().code() == StatusCode::kNotFound) {
      CVAULT_ASSIGN_OR_RETURN(ids,
                              tx->ListCustomersMissingNextIndex(std::nullopt, batch));
    } else {
      return Error(listed.error());
    }
    for (const std::string& id : ids) {
      CVAULT_ASSIGN_OR_RETURN(auto row, tx->GetCustomer(id));
      if (!row) continue;
      CVAULT_ASSIGN_OR_RETURN(SubjectKeysPtr keys, KeysFor(id));
      CVAULT_ASSIGN_OR_RETURN(auto indexes,
                              domain::ComputeIndexes(keys->cipher, *next_indexer_, *row));
      CVAULT_RETURN_IF_ERROR(tx->SetNextIndexes(id, indexes.email, indexes.phone));
    }
    CVAULT_RETURN_IF_ERROR(tx->Commit());
    if (!ids.empty()) after = ids.back();
    return ids.size();
  };
  while (true) {
    std::size_t done_now = 0;
    {
      std::lock_guard lock(mu_);
      CVAULT_RETURN_IF_ERROR(RequireOpen());
      auto done = reindex_batch();
      if (!done) {
        // The batches are housekeeping; a failed one is the duty's refusal.
        return Error(
            StartCheckedCall(ctx, {"keys.rotate_index", "", {}, {}, "deny", ""})
                .Fail(done.error().retryable() ? "job_running" : "rotation_failed",
                      done.error()));
      }
      done_now = *done;
    }
    if (done_now == 0) break;
    result.rebuilt += done_now;
    if (progress) {
      progress({"reindex", std::min<std::uint64_t>(result.rebuilt, total), total});
    }
  }

  std::lock_guard lock(mu_);
  CVAULT_RETURN_IF_ERROR(RequireOpen());
  {
    AuditedCall call =
        StartCheckedCall(ctx, {"keys.rotate_index", "", {}, {}, "allow", "completed"});
    CVAULT_ASSIGN_OR_RETURN(auto* tx, call.Transaction());
    // Anything written between the last batch and this transaction was
    // dual-written.
    CVAULT_ASSIGN_OR_RETURN(auto left,
                            tx->ListCustomersMissingNextIndex(std::nullopt, 1));
    if (!left.empty()) {
      return Error(Status::Internal("customers were left without a next index (a bug)"));
    }
    CVAULT_RETURN_IF_ERROR(StatusOf(tx->PromoteNextIndexes()));
    CVAULT_RETURN_IF_ERROR(tx->SetMeta(kIndexVersionKey, std::to_string(next)));
    CVAULT_RETURN_IF_ERROR(tx->SetMeta(kIndexNextKey, ""));
    // Every process switches indexers with this commit.
    CVAULT_RETURN_IF_ERROR(BumpVaultGeneration(*tx));
    CVAULT_RETURN_IF_ERROR(std::move(call).Commit());
  }
  indexer_ = std::move(next_indexer_);
  next_indexer_.reset();
  // The database now names the version, so the keyring can forget the old.
  CVAULT_RETURN_IF_ERROR(keyring_->SetBlindIndexVersion(next));
  for (std::uint32_t version : keyring_->blind_index_versions()) {
    if (version == next) continue;
    CVAULT_RETURN_IF_ERROR(keyring_->RetireBlindIndexRoot(version));
    result.retired.push_back(version);
  }
  CVAULT_ASSIGN_OR_RETURN(auto save_tx, BeginWrite());
  CVAULT_RETURN_IF_ERROR(SaveKeyring(*save_tx));
  CVAULT_RETURN_IF_ERROR(save_tx->Commit());
  index_version_ = next;
  result.index_version = next;
  return result;
}

}  // namespace cvault::internal
