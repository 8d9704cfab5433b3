// cvault init: creates the vault and the keyring, sealed by a key file or by
// the passphrase in CVAULT_PASSPHRASE.
#include <fmt/format.h>

#include <filesystem>
#include <memory>
#include <system_error>

#include "cli/commands.h"
#include "cli/output.h"
#include "keys/keyring.h"
#include "keys/root_key.h"

namespace cvault::cli {
namespace {

namespace fs = std::filesystem;

struct InitArgs {
  bool generate_key_file = false;
};

// Creates the key file's folder, owner-only, if it is missing.
Status EnsureKeyFileFolder(const fs::path& key_file) {
  fs::path folder = key_file.parent_path();
  std::error_code ec;
  if (folder.empty() || fs::is_directory(folder, ec)) return Status::Ok();
  fs::create_directories(folder, ec);
  if (!ec) {
    fs::permissions(folder, fs::perms::owner_all, fs::perm_options::replace, ec);
  }
  if (ec) {
    return Status::Unavailable(fmt::format(
        "cannot create the folder {} for --key-file: {}", folder.string(), ec.message()));
  }
  return Status::Ok();
}

CliOr<> RunInit(const GlobalOptions& global, const InitArgs& args) {
  bool generated = false;
  if (args.generate_key_file) {
    if (global.key_file.empty()) {
      return Usage("--generate-key-file needs --key-file FILE (or CVAULT_KEY_FILE)");
    }
    std::error_code ec;
    if (!fs::exists(global.key_file, ec)) {
      CVAULT_CLI_RETURN_IF_ERROR(EnsureKeyFileFolder(global.key_file));
      CVAULT_CLI_RETURN_IF_ERROR(keys::WriteNewKeyFile(global.key_file));
      generated = true;
    }
  }
  CVAULT_CLI_ASSIGN_OR_RETURN(Options options, BuildVaultOptions(global));
  bool sealed_by_key_file = std::holds_alternative<KeyFile>(options.root_key);
  fs::path keyring = fs::path(global.keys_dir) / keys::kKeyringFileName;
  std::error_code ec;
  bool keyring_existed = fs::exists(keyring, ec);
  auto vault = Vault::Create(std::move(options));
  if (!vault) {
    // A key file made for this run seals nothing unless it sealed a new keyring.
    bool sealed_new_keyring = !keyring_existed && fs::exists(keyring, ec);
    if (generated && !sealed_new_keyring) fs::remove(global.key_file, ec);
    return Fail(vault.error());
  }
  CloseVault(**vault);

  if (global.json) {
    Json key_file = nullptr;
    if (sealed_by_key_file) key_file = global.key_file;
    PrintJson({{"vault_dir", global.vault_dir},
               {"keys_dir", global.keys_dir},
               {"keyring", keyring.string()},
               {"sealed_by", sealed_by_key_file ? "key_file" : "passphrase"},
               {"key_file", key_file},
               {"key_file_generated", generated}});
    return {};
  }
  if (generated) {
    fmt::print("generated key file {} (mode 0600): keep it secret and back it up\n",
               global.key_file);
  }
  if (global.backend == "postgres") {
    fmt::print("created vault in PostgreSQL schemas {0}, {0}_keys and {0}_ledger\n",
               global.schema);
  } else {
    fmt::print("created vault in {} (vault.db, keystore.db)\n", global.vault_dir);
  }
  if (sealed_by_key_file) {
    fmt::print("created keyring {}, sealed by the key file {}\n", keyring.string(),
               global.key_file);
  } else {
    fmt::print("created keyring {}, sealed by the passphrase from {}\n", keyring.string(),
               kPassphraseEnv);
  }
  return {};
}

}  // namespace

void AddInitCommand(CLI::App& app, const GlobalOptions& global, CommandAction& action) {
  auto args = std::make_shared<InitArgs>();
  CLI::App* init = app.add_subcommand(
      "init",
      "Create a vault and its keyring, sealed by --key-file or CVAULT_PASSPHRASE");
  init->add_flag("--generate-key-file", args->generate_key_file,
                 "Create the --key-file first (32 random bytes, mode 0600) if it does "
                 "not exist");
  init->callback([&global, &action, args] {
    action = [&global, args] { return RunInit(global, *args); };
  });
}

}  // namespace cvault::cli
