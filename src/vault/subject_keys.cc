// The data keys of customers and retention holds: unwrapped on first use
// and cached (subject_key_cache.h), and new ones committed to the keystore
// before any row that needs them (docs/architecture.md, "Write ordering").
#include "crypto/bytes.h"
#include "crypto/hash.h"
#include "crypto/kdf.h"
#include "domain/case_documents.h"
#include "keys/data_keys.h"
#include "vault/vault_core.h"

namespace cvault::internal {
namespace {

constexpr std::uint32_t kFinancialKeyId = 2;
constexpr std::uint32_t kDataKeyId = 1;

}  // namespace

StatusOr<SubjectKeysPtr> VaultCore::KeysFor(std::string_view customer_id,
                                            AuditedCall* call) {
  if (SubjectKeysPtr hit = subject_keys_.Find(customer_id)) return hit;
  const bool shared = call != nullptr && call->shared();
  CVAULT_ASSIGN_OR_RETURN(auto tx, shared
                                       ? backend_->key_store().BeginParallelRead()
                                       : backend_->key_store().Begin(/*write=*/false));
  CVAULT_ASSIGN_OR_RETURN(
      auto row,
      tx->GetDataKey(customer_id, static_cast<int>(keys::RetentionClass::kStandard)));
  tx.reset();
  if (shared && (!row || keyring_->kek(row->kek_version) == nullptr)) {
    // An erasure in another process since the call's read, or a KEK this
    // process has not loaded: both are for the exclusive run to sort out.
    return Error(call->NeedExclusive());
  }
  if (!row) {
    return Error(Status::Integrity(
        "the customer's data key is missing from the keystore; the record cannot "
        "be decrypted"));
  }
  CVAULT_ASSIGN_OR_RETURN(auto dek, UnwrapKey(*row));
  return CacheSubjectKeys(customer_id, std::move(dek));
}

StatusOr<crypto::FieldCipher> VaultCore::MakeFinancialCipher(SecretBytes dek) {
  return crypto::FieldCipher::Create(kFinancialKeyId, std::move(dek));
}

StatusOr<SubjectKeys> VaultCore::MakeSubjectKeys(std::string_view customer_id,
                                                 SecretBytes dek) {
  CVAULT_ASSIGN_OR_RETURN(auto pseudonym_key, crypto::DeriveSubkey(dek, 1, "cvpseudo"));
  CVAULT_ASSIGN_OR_RETURN(auto cipher,
                          crypto::FieldCipher::Create(kDataKeyId, std::move(dek)));
  std::string pseudonym =
      crypto::ToHex(crypto::KeyedBlake2b256(pseudonym_key, crypto::AsBytes(customer_id)));
  return SubjectKeys{std::move(cipher), std::move(pseudonym)};
}

StatusOr<SubjectKeysPtr> VaultCore::CacheSubjectKeys(std::string_view customer_id,
                                                     SecretBytes dek) {
  CVAULT_ASSIGN_OR_RETURN(SubjectKeys keys, MakeSubjectKeys(customer_id, std::move(dek)));
  return subject_keys_.Insert(std::string(customer_id), std::move(keys));
}

StatusOr<const crypto::FieldCipher*> VaultCore::FinancialCipherFor(
    std::string_view customer_id) {
  if (SubjectKeysPtr hit = financial_keys_.Find(customer_id)) return &hit->cipher;
  constexpr int kFinancial = static_cast<int>(keys::RetentionClass::kFinancial);
  SecretBytes dek;
  {
    CVAULT_ASSIGN_OR_RETURN(auto tx, backend_->key_store().Begin(/*write=*/false));
    CVAULT_ASSIGN_OR_RETURN(auto row, tx->GetDataKey(customer_id, kFinancial));
    if (row) {
      CVAULT_ASSIGN_OR_RETURN(dek, UnwrapKey(*row));
    }
  }
  if (dek.empty() && domain::IsHoldId(customer_id)) {
    // A hold gets its key from the erasure; a new one would read nothing.
    return Error(Status::Integrity(
        "the retention hold's data key is missing from the keystore; its records "
        "cannot be decrypted"));
  }
  if (dek.empty()) {
    // First financial record of this customer: the key is committed before
    // the row that needs it, as for the standard key. Another process may
    // have made it since the read above; then that one is used.
    CVAULT_ASSIGN_OR_RETURN(auto tx, BeginKeyWrite());
    CVAULT_ASSIGN_OR_RETURN(auto existing, tx->GetDataKey(customer_id, kFinancial));
    if (existing) {
      CVAULT_ASSIGN_OR_RETURN(dek, UnwrapKey(*existing));
    } else {
      dek = keys::NewDataKey();
      CVAULT_ASSIGN_OR_RETURN(
          auto row,
          keys::WrapDataKey(*keyring_, customer_id, keys::RetentionClass::kFinancial, dek,
                            NowMicros()));
      CVAULT_RETURN_IF_ERROR(tx->InsertDataKey(row));
      CVAULT_RETURN_IF_ERROR(tx->Commit());
    }
  }
  CVAULT_ASSIGN_OR_RETURN(auto cipher, MakeFinancialCipher(std::move(dek)));
  SubjectKeysPtr cached = financial_keys_.Insert(std::string(customer_id),
                                                     SubjectKeys{std::move(cipher), ""});
  return &cached->cipher;
}

StatusOr<SubjectKeysPtr> VaultCore::NewSubjectKeys(std::string_view customer_id) {
  // Committed to the keystore before any row that needs it
  // (docs/architecture.md): a crash in between leaves an orphan key, never
  // an unreadable row.
  // Wrapped inside the keystore transaction, under the primary KEK of the
  // keyring generation it names (shared_state.cc).
  SecretBytes dek = keys::NewDataKey();
  CVAULT_ASSIGN_OR_RETURN(auto tx, BeginKeyWrite());
  CVAULT_ASSIGN_OR_RETURN(
      auto row, keys::WrapDataKey(*keyring_, customer_id, keys::RetentionClass::kStandard,
                                  dek, NowMicros()));
  CVAULT_RETURN_IF_ERROR(tx->InsertDataKey(row));
  CVAULT_RETURN_IF_ERROR(tx->Commit());
  return CacheSubjectKeys(customer_id, std::move(dek));
}

}  // namespace cvault::internal
