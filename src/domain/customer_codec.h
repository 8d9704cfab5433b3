// Turns customer fields into an encrypted store row and back. Validation and
// normalisation happen here, before anything is encrypted or written; the
// row's ciphertexts are bound to (table, column, record id, customer id).
//
// Stateless functions: thread-safe given thread-safe ciphers (they are).
#ifndef CVAULT_DOMAIN_CUSTOMER_CODEC_H_
#define CVAULT_DOMAIN_CUSTOMER_CODEC_H_

#include <array>
#include <optional>
#include <string>
#include <vector>

#include "crypto/aead.h"
#include "crypto/blind_index.h"
#include "cvault/customer.h"
#include "cvault/secret_bytes.h"
#include "store/store.h"

namespace cvault::domain {

// Plaintext values by CustomerField (index = enum value); unset = absent.
// Held in SecretBytes so plaintext is wiped when it goes out of scope.
using FieldValues = std::array<std::optional<SecretBytes>, store::kCustomerFieldCount>;

// Checks and normalises every given field. The first problem found is
// returned with the field's name; `bad_field` (if non-null) receives it.
[[nodiscard]] StatusOr<FieldValues> ValidateNewCustomer(
    const NewCustomer& customer, std::optional<CustomerField>* bad_field);
[[nodiscard]] StatusOr<FieldValues> ValidateCustomerUpdate(
    const CustomerUpdate& update, std::optional<CustomerField>* bad_field);

// Normalised lookup keys (validated), for blind-index lookups.
[[nodiscard]] StatusOr<std::string> LookupKeyForEmail(std::string_view email);
[[nodiscard]] StatusOr<std::string> LookupKeyForPhone(std::string_view phone);

// Encrypts every set value into `row.fields` (one nonce draw for all of them)
// and refreshes the email/phone blind indexes for the values set (and, with
// `next_indexer`, during a blind-index rotation, their next-key twins).
[[nodiscard]] Status SealFields(const crypto::FieldCipher& cipher,
                                const crypto::BlindIndexer& indexer,
                                const FieldValues& values, store::CustomerRow& row,
                                const crypto::BlindIndexer* next_indexer = nullptr);

// The email and phone blind indexes of a stored row under `indexer`, from
// its decrypted values (re-indexing).
struct IndexPair {
  std::optional<store::Bytes> email;
  std::optional<store::Bytes> phone;
};
[[nodiscard]] StatusOr<IndexPair> ComputeIndexes(const crypto::FieldCipher& cipher,
                                                 const crypto::BlindIndexer& indexer,
                                                 const store::CustomerRow& row);

// Decrypts one field of `row`; nullopt when the field is absent.
[[nodiscard]] StatusOr<std::optional<SecretBytes>> OpenField(
    const crypto::FieldCipher& cipher, const store::CustomerRow& row,
    CustomerField field);

// The fields a caller asked for: all of them when `requested` is empty.
std::vector<CustomerField> ExpandRequestedFields(std::span<const CustomerField> requested);

}  // namespace cvault::domain

#endif  // CVAULT_DOMAIN_CUSTOMER_CODEC_H_
