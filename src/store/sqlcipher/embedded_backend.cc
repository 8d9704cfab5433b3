#include "store/sqlcipher/embedded_backend.h"

#include <system_error>

namespace cvault::store {
namespace {

class EmbeddedBackend final : public Backend {
 public:
  EmbeddedBackend(std::unique_ptr<SqlcipherVaultStore> vault,
                  std::unique_ptr<SqlcipherKeyStore> keys, std::unique_ptr<LedgerLog> ledger,
                  bool vault_pending, bool keystore_pending)
      : vault_(std::move(vault)),
        keys_(std::move(keys)),
        ledger_(std::move(ledger)),
        vault_pending_(vault_pending),
        keystore_pending_(keystore_pending) {}

  std::string_view name() const override { return "embedded"; }
  VaultStore& vault_store() override { return *vault_; }
  KeyStore& key_store() override { return *keys_; }
  LedgerLog& ledger_log() override { return *ledger_; }
  bool OpenedUnderPendingKey(Database db) const override {
    return db == Database::kVault ? vault_pending_ : keystore_pending_;
  }

  bool EncryptsDatabases() const override { return true; }

  Status RekeyDatabase(Database db, const SecretBytes& new_key) override {
    return FileOf(db).Rekey(new_key);
  }

  StatusOr<std::vector<std::string>> CopyDatabasesTo(
      const std::filesystem::path& dir) override {
    CVAULT_RETURN_IF_ERROR(vault_->BackupTo(dir / kEmbeddedVaultFile));
    CVAULT_RETURN_IF_ERROR(keys_->BackupTo(dir / kEmbeddedKeyStoreFile));
    return std::vector<std::string>{kEmbeddedVaultFile, kEmbeddedKeyStoreFile};
  }

  Status ForgetDeletedContent() override {
    // Deleted pages are zeroed in the databases (secure_delete); the WAL
    // still holds their earlier images until it is checkpointed away. Both
    // files are tried whatever happens to the first.
    Status keys = keys_->TruncateLog();
    Status vault = vault_->TruncateLog();
    return keys.ok() ? vault : keys;
  }

  bool ChecksPages() const override { return true; }

  StatusOr<std::map<std::string, std::vector<std::string>>> CheckPages() override {
    std::map<std::string, std::vector<std::string>> found;
    auto check = [&](SqlcipherFile& file, const char* name) {
      auto problems = file.CheckPages();
      if (!problems) {
        found[name] = {problems.error().message()};
      } else if (!problems->empty()) {
        found[name] = std::move(*problems);
      }
    };
    check(*vault_, kEmbeddedVaultFile);
    check(*keys_, kEmbeddedKeyStoreFile);
    return found;
  }

 private:
  SqlcipherFile& FileOf(Database db) {
    if (db == Database::kVault) return *vault_;
    return *keys_;
  }

  std::unique_ptr<SqlcipherVaultStore> vault_;
  std::unique_ptr<SqlcipherKeyStore> keys_;
  std::unique_ptr<LedgerLog> ledger_;
  bool vault_pending_;
  bool keystore_pending_;
};

// Opens one database under `key`, or under `pending` when `key` does not
// open it and a rekey is under way; `*used_pending` says which.
template <class Opened, class OpenFn>
StatusOr<Opened> OpenUnderEitherKey(OpenFn open, const SecretBytes* key,
                                    const SecretBytes* pending, bool* used_pending) {
  if (key == nullptr) {
    return Error(Status::Internal("a database key is missing from the keyring"));
  }
  *used_pending = false;
  auto opened = open(*key);
  if (!opened && pending != nullptr && opened.error().code() == StatusCode::kKeyFailure) {
    opened = open(*pending);
    *used_pending = true;
  }
  return opened;
}

}  // namespace

bool EmbeddedSite::Exists() const {
  std::error_code ec;
  return std::filesystem::exists(dir_ / kEmbeddedVaultFile, ec) ||
         std::filesystem::exists(dir_ / kEmbeddedKeyStoreFile, ec);
}

StatusOr<std::unique_ptr<Backend>> EmbeddedSite::Open(const DatabaseKeys& keys,
                                                       bool create) {
  bool keystore_pending = false;
  CVAULT_ASSIGN_OR_RETURN(
      auto keystore,
      OpenUnderEitherKey<std::unique_ptr<SqlcipherKeyStore>>(
          [&](const SecretBytes& key) {
            return OpenSqlcipherKeyStore(dir_ / kEmbeddedKeyStoreFile, key, create,
                                         settings_);
          },
          keys.keystore, keys.pending_keystore, &keystore_pending));
  bool vault_pending = false;
  CVAULT_ASSIGN_OR_RETURN(
      auto vault, OpenUnderEitherKey<std::unique_ptr<SqlcipherVaultStore>>(
                      [&](const SecretBytes& key) {
                        return OpenSqlcipherVaultStore(dir_ / kEmbeddedVaultFile, key,
                                                       create, settings_);
                      },
                      keys.vault, keys.pending_vault, &vault_pending));
  return std::unique_ptr<Backend>(
      new EmbeddedBackend(std::move(vault), std::move(keystore),
                          OpenFileLedgerLog(dir_ / kEmbeddedLedgerFile), vault_pending,
                          keystore_pending));
}

void EmbeddedSite::DiscardCreated() {
  std::error_code ec;
  for (const char* file : {kEmbeddedVaultFile, kEmbeddedKeyStoreFile}) {
    for (const char* suffix : {"", "-wal", "-shm"}) {
      std::filesystem::remove(dir_ / (std::string(file) + suffix), ec);
    }
  }
}

StatusOr<std::vector<std::string>> EmbeddedSite::BackupFileNames() const {
  return std::vector<std::string>{kEmbeddedVaultFile, kEmbeddedKeyStoreFile};
}

Status EmbeddedSite::ReplaceDatabasesWith(const std::filesystem::path& backup_dir) {
  // A restore interrupted part-way leaves the two files from different
  // times; it is finished by running it again (nobody opens the vault
  // meanwhile: the caller holds it exclusively).
  for (const char* name : {kEmbeddedKeyStoreFile, kEmbeddedVaultFile}) {
    std::error_code ec;
    const std::filesystem::path tmp = dir_ / (std::string(name) + ".restoring");
    std::filesystem::remove(tmp, ec);
    std::filesystem::copy_file(backup_dir / name, tmp, ec);
    if (ec) {
      return Status::Unavailable("cannot copy " + (backup_dir / name).string() + ": " +
                                 ec.message());
    }
    std::filesystem::permissions(
        tmp, std::filesystem::perms::owner_read | std::filesystem::perms::owner_write,
        std::filesystem::perm_options::replace, ec);
    for (const char* suffix : {"-wal", "-shm", "-journal"}) {
      std::filesystem::remove(dir_ / (std::string(name) + suffix), ec);
    }
    std::filesystem::rename(tmp, dir_ / name, ec);
    if (ec) {
      return Status::Unavailable("cannot put " + std::string(name) +
                                 " in place: " + ec.message());
    }
  }
  return Status::Ok();
}

}  // namespace cvault::store
