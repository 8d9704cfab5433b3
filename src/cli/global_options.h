// The options every cvault command accepts, before or after the subcommand,
// and how they become the library's Options and AccessContext.
//
// Values are bound by CLI11 while parsing; the Build* functions run after.
// Not thread-safe; the tool is single-threaded.
#ifndef CVAULT_CLI_GLOBAL_OPTIONS_H_
#define CVAULT_CLI_GLOBAL_OPTIONS_H_

#include <CLI/CLI.hpp>
#include <functional>
#include <memory>
#include <string>

#include "cli/exit_codes.h"
#include "cli/file_io.h"
#include "cvault/access.h"
#include "cvault/options.h"
#include "cvault/vault.h"

namespace cvault::cli {

inline constexpr char kKeyFileEnv[] = "CVAULT_KEY_FILE";
inline constexpr char kPassphraseEnv[] = "CVAULT_PASSPHRASE";
inline constexpr char kAsEnv[] = "CVAULT_AS";
inline constexpr char kPurposeEnv[] = "CVAULT_PURPOSE";
inline constexpr char kPolicyEnv[] = "CVAULT_POLICY";
inline constexpr char kBackendEnv[] = "CVAULT_BACKEND";
inline constexpr char kDsnEnv[] = "CVAULT_PG_DSN";
inline constexpr char kKeystoreDsnEnv[] = "CVAULT_PG_KEYSTORE_DSN";
inline constexpr char kSchemaEnv[] = "CVAULT_PG_SCHEMA";

struct GlobalOptions {
  std::string vault_dir = "vault";
  std::string keys_dir = "keys";
  std::string key_file;  // empty: the passphrase from CVAULT_PASSPHRASE
  std::string as;        // "ROLE:ID"
  std::string purpose;
  std::string reason;
  std::string request_id;
  std::string policy_file;  // empty: the built-in default policy
  std::string backend = "embedded";  // or "postgres"
  std::string dsn;           // postgres: libpq connection string
  std::string keystore_dsn;  // postgres: the keystore's, when elsewhere
  std::string schema = "cvault";
  bool json = false;
  CLI::Option* vault_option = nullptr;  // to tell a given --vault from the default
};

// The command a subcommand's callback selected, run after parsing.
using CommandAction = std::function<CliOr<>()>;

// Defines the global options on `app` (subcommands reach them through
// fallthrough). `options` must outlive `app`.
void AddGlobalOptions(CLI::App& app, GlobalOptions& options);

// The operational log's warnings and errors on stderr
// ("cvault: [warning] ...").
LogFn MakeStderrLog();

// Options for opening or creating the vault: folders, backend, root key (key
// file, or passphrase from the environment), policy file, log. Usage
// error when no root key, or when the backend options do not fit together.
CliOr<Options> BuildVaultOptions(const GlobalOptions& global);

// The caller's AccessContext from --as ROLE:ID, --purpose, --reason and
// --request-id. Usage error when --as or --purpose is missing or malformed.
CliOr<AccessContext> BuildAccessContext(const GlobalOptions& global);

// The file a command writes at `path` (from `option`), guarded against
// writing over the files of the vault the global options name.
OutputFile OutputFileFor(const GlobalOptions& global, std::string path, bool force,
                         std::string option = "--out");

// Opens the vault the global options name.
CliOr<std::unique_ptr<Vault>> OpenVault(const GlobalOptions& global);

// Closes `vault` after the command's own call has returned. What closing
// does (the closing audit checkpoint) is housekeeping: the call's change is
// already committed, so a failure is a warning on stderr, never the
// command's result (a retry of a saved `customer add` would be refused).
void CloseVault(Vault& vault);

// What most commands run with: the caller's context and the open vault.
struct Session {
  AccessContext ctx;
  std::unique_ptr<Vault> vault;
};

// Builds the context, then opens the vault (so a usage problem is reported
// before the keyring is touched).
CliOr<Session> StartSession(const GlobalOptions& global);

}  // namespace cvault::cli

#endif  // CVAULT_CLI_GLOBAL_OPTIONS_H_
