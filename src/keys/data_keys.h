// Per-customer data keys (DEKs): one random 32-byte key per customer and
// retention class, wrapped under the keyring's primary KEK and stored in the
// keystore database as a store::DataKeyRow. Destroying the row destroys the
// data (crypto-shredding).
//
// Free functions; thread-safe when the Keyring is not being mutated.
#ifndef CVAULT_KEYS_DATA_KEYS_H_
#define CVAULT_KEYS_DATA_KEYS_H_

#include <cstddef>
#include <cstdint>
#include <string_view>

#include "cvault/secret_bytes.h"
#include "cvault/status.h"
#include "keys/keyring.h"
#include "store/store.h"

namespace cvault::keys {

inline constexpr std::size_t kDataKeySize = 32;

// Which retention rules a data key's fields follow; stored in
// DataKeyRow::retention_class.
enum class RetentionClass : int {
  kStandard = 1,   // identity, contact, marketing and support data
  kFinancial = 2,  // refund and tax records kept under a legal hold
};

// 32 random bytes.
SecretBytes NewDataKey();

// Wraps `data_key` under the keyring's primary KEK. The associated data binds
// "cvault-dek-v1", the customer id, the retention class and the KEK version
// (each length-prefixed), so the row cannot be moved to another customer or
// class. InvalidArgument for an empty customer id, an unknown class or a key
// that is not 32 bytes.
StatusOr<store::DataKeyRow> WrapDataKey(const Keyring& keyring,
                                        std::string_view customer_id, RetentionClass cls,
                                        const SecretBytes& data_key, std::int64_t now_us);

// Unwraps a row made by WrapDataKey.
//   KeyFailure - the row names a KEK version the keyring does not hold.
//   Integrity  - the tag fails: the row was altered or moved to another
//                customer id or retention class.
StatusOr<SecretBytes> UnwrapDataKey(const Keyring& keyring, const store::DataKeyRow& row);

}  // namespace cvault::keys

#endif  // CVAULT_KEYS_DATA_KEYS_H_
