#include "keys/data_keys.h"

#include <fmt/core.h>

#include <span>
#include <string>

#include "crypto/aead.h"
#include "crypto/bytes.h"

namespace cvault::keys {
namespace {

constexpr std::string_view kDataKeyDomain = "cvault-dek-v1";

void AppendU32(crypto::Bytes& out, std::uint32_t value) {
  for (int shift = 24; shift >= 0; shift -= 8) {
    out.push_back(static_cast<std::uint8_t>(value >> shift));
  }
}

void AppendLengthPrefixed(crypto::Bytes& out, std::span<const std::uint8_t> value) {
  AppendU32(out, static_cast<std::uint32_t>(value.size()));
  out.insert(out.end(), value.begin(), value.end());
}

void AppendLengthPrefixedU32(crypto::Bytes& out, std::uint32_t value) {
  AppendU32(out, 4);
  AppendU32(out, value);
}

// domain | customer id | retention class | KEK version, each as
// u32 BE length | bytes (the numbers as 4-byte big-endian values).
crypto::Bytes DataKeyAssociatedData(std::string_view customer_id, int retention_class,
                                    std::uint32_t kek_version) {
  crypto::Bytes ad;
  ad.reserve(4 * 4 + kDataKeyDomain.size() + customer_id.size() + 8);
  AppendLengthPrefixed(ad, crypto::AsBytes(kDataKeyDomain));
  AppendLengthPrefixed(ad, crypto::AsBytes(customer_id));
  AppendLengthPrefixedU32(ad, static_cast<std::uint32_t>(retention_class));
  AppendLengthPrefixedU32(ad, kek_version);
  return ad;
}

}  // namespace

SecretBytes NewDataKey() { return SecretBytes::Random(kDataKeySize); }

StatusOr<store::DataKeyRow> WrapDataKey(const Keyring& keyring,
                                        std::string_view customer_id, RetentionClass cls,
                                        const SecretBytes& data_key,
                                        std::int64_t now_us) {
  if (customer_id.empty()) {
    return Error(Status::InvalidArgument("a data key needs a customer id"));
  }
  if (cls != RetentionClass::kStandard && cls != RetentionClass::kFinancial) {
    return Error(Status::InvalidArgument(
        fmt::format("unknown retention class {}", static_cast<int>(cls))));
  }
  if (data_key.size() != kDataKeySize) {
    return Error(Status::InvalidArgument(fmt::format(
        "a data key must be {} bytes, not {}", kDataKeySize, data_key.size())));
  }
  const std::uint32_t version = keyring.primary_kek_version();
  const SecretBytes* kek = keyring.kek(version);
  if (kek == nullptr) {
    return Error(Status::Internal("the keyring has no primary key-encryption key"));
  }
  store::DataKeyRow row;
  row.customer_id = std::string(customer_id);
  row.retention_class = static_cast<int>(cls);
  row.kek_version = version;
  row.created_at_us = now_us;
  CVAULT_ASSIGN_OR_RETURN(
      row.wrapped, crypto::SealWithKey(
                       *kek, version, data_key.Reveal(),
                       DataKeyAssociatedData(customer_id, row.retention_class, version)));
  return row;
}

StatusOr<SecretBytes> UnwrapDataKey(const Keyring& keyring,
                                    const store::DataKeyRow& row) {
  const SecretBytes* kek = keyring.kek(row.kek_version);
  if (kek == nullptr) {
    return Error(Status::KeyFailure(fmt::format(
        "a data key is wrapped under key-encryption key version {}, which the "
        "keyring does not hold: open the vault with the keyring it belongs to",
        row.kek_version)));
  }
  StatusOr<SecretBytes> key = crypto::OpenWithKey(
      *kek, row.kek_version, row.wrapped,
      DataKeyAssociatedData(row.customer_id, row.retention_class, row.kek_version));
  if (!key.has_value()) {
    // kKeyFailure here means the envelope names another KEK version than
    // the row: the row was edited, like any other tag failure.
    if (key.error().code() == StatusCode::kIntegrity ||
        key.error().code() == StatusCode::kKeyFailure) {
      return Error(Status::Integrity(
          "a wrapped data key failed authentication: the keystore row was "
          "altered or moved to another customer or retention class"));
    }
    return Error(key.error());
  }
  if (key->size() != kDataKeySize) {
    return Error(Status::Integrity("a wrapped data key has the wrong size"));
  }
  return key;
}

}  // namespace cvault::keys
