// The manifest of a backup folder (manifest.json, signed in manifest.sig):
// which vault and database keys the copies belong to and each file's hash
// and size. Written by Operations::Backup, read by Vault::Restore once its
// signature has verified. Stateless: thread-safe.
#ifndef CVAULT_DOMAIN_BACKUP_MANIFEST_H_
#define CVAULT_DOMAIN_BACKUP_MANIFEST_H_

#include <cstdint>
#include <map>
#include <string>
#include <string_view>

#include "cvault/status.h"

namespace cvault::domain {

inline constexpr char kBackupFormat[] = "cvault.backup/v1";

struct BackupManifest {
  std::string vault_id;         // hex
  std::string vault_db_key;     // fingerprints of the database keys (hex)
  std::string keystore_db_key;
  struct File {
    std::string blake2b256;     // hex
    std::uintmax_t size = 0;
  };
  std::map<std::string, File> files;  // by file name
};

// Parses manifest text. Integrity, naming the member, for anything but a
// cvault.backup/v1 object whose members have their types (a string where a
// string belongs, a non-negative size); members this code does not read
// are ignored.
[[nodiscard]] StatusOr<BackupManifest> ParseBackupManifest(std::string_view text);

}  // namespace cvault::domain

#endif  // CVAULT_DOMAIN_BACKUP_MANIFEST_H_
