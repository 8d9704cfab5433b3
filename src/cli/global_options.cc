#include "cli/global_options.h"

#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>
#include <utility>

namespace cvault::cli {

void AddGlobalOptions(CLI::App& app, GlobalOptions& options) {
  const char* group = "Global options (before or after the subcommand)";
  options.vault_option =
      app.add_option("--vault", options.vault_dir, "Vault folder (vault.db, keystore.db)")
          ->type_name("DIR")
          ->capture_default_str()
          ->group(group);
  app.add_option("--keys", options.keys_dir, "Keys folder (keyring.cvk)")
      ->type_name("DIR")
      ->capture_default_str()
      ->group(group);
  app.add_option("--key-file", options.key_file,
                 "Root key file sealing the keyring (else the passphrase in "
                 "CVAULT_PASSPHRASE)")
      ->type_name("FILE")
      ->envname(kKeyFileEnv)
      ->group(group);
  app.add_option("--as", options.as,
                 "Who is acting, as ROLE:ID (e.g. support-agent:agent-118)")
      ->type_name("ROLE:ID")
      ->envname(kAsEnv)
      ->group(group);
  app.add_option("--purpose", options.purpose,
                 "Why: a purpose from the policy (e.g. support)")
      ->type_name("NAME")
      ->envname(kPurposeEnv)
      ->group(group);
  app.add_option("--reason", options.reason,
                 "Free-text reason (not written to the audit log)")
      ->type_name("TEXT")
      ->group(group);
  app.add_option("--request-id", options.request_id, "Correlation id for the audit log")
      ->type_name("ID")
      ->group(group);
  app.add_option("--policy", options.policy_file,
                 "Access policy file (TOML, docs/policy.md); the built-in default "
                 "policy when not given")
      ->type_name("FILE")
      ->envname(kPolicyEnv)
      ->group(group);
  app.add_option("--backend", options.backend,
                 "Where the vault's data lives: embedded (SQLCipher files in --vault) or "
                 "postgres (a server shared by several hosts, docs/scaling.md)")
      ->type_name("NAME")
      ->envname(kBackendEnv)
      ->check(CLI::IsMember({"embedded", "postgres"}))
      ->capture_default_str()
      ->group(group);
  app.add_option("--dsn", options.dsn,
                 "postgres: libpq connection string, TLS settings included (prefer a "
                 "password file to a password here)")
      ->type_name("DSN")
      ->envname(kDsnEnv)
      ->group(group);
  app.add_option("--keystore-dsn", options.keystore_dsn,
                 "postgres: connection string of the keystore's database, when it is "
                 "not the vault's")
      ->type_name("DSN")
      ->envname(kKeystoreDsnEnv)
      ->group(group);
  app.add_option("--pg-schema", options.schema,
                 "postgres: the vault's schema (the keystore and the erasure ledger use "
                 "SCHEMA_keys and SCHEMA_ledger)")
      ->type_name("SCHEMA")
      ->envname(kSchemaEnv)
      ->capture_default_str()
      ->group(group);
  app.add_flag("--json", options.json,
               "Machine-readable output (errors as JSON on stderr)")
      ->group(group);
}

LogFn MakeStderrLog() {
  return [](LogLevel level, std::string_view line) {
    if (level != LogLevel::kWarning && level != LogLevel::kError) return;
    // One write per line, so lines from several threads do not interleave.
    std::string text =
        level == LogLevel::kWarning ? "cvault: [warning] " : "cvault: [error] ";
    text.append(line);
    text.push_back('\n');
    std::fwrite(text.data(), 1, text.size(), stderr);
  };
}

CliOr<Options> BuildVaultOptions(const GlobalOptions& global) {
  Options options;
  if (global.backend == "postgres") {
    if (global.dsn.empty()) {
      return Usage("--backend postgres needs --dsn DSN (or CVAULT_PG_DSN)");
    }
    PostgresStore store;
    store.dsn = global.dsn;
    store.keystore_dsn = global.keystore_dsn;
    store.schema = global.schema;
    options.store = std::move(store);
  } else if (!global.dsn.empty() || !global.keystore_dsn.empty()) {
    return Usage("--dsn and --keystore-dsn are for --backend postgres (or CVAULT_BACKEND)");
  }
  options.vault_dir = global.vault_dir;
  options.keys_dir = global.keys_dir;
  options.log = MakeStderrLog();
  if (!global.policy_file.empty()) options.policy_file = global.policy_file;
  if (!global.key_file.empty()) {
    options.root_key = KeyFile{global.key_file};
    return options;
  }
  // Copied straight into locked, zeroed-on-free memory; no std::string copy.
  const char* passphrase = std::getenv(kPassphraseEnv);
  if (passphrase == nullptr || *passphrase == '\0') {
    return Usage(
        "no root key: pass --key-file FILE, or set CVAULT_KEY_FILE or CVAULT_PASSPHRASE");
  }
  options.root_key = Passphrase{SecretBytes::CopyFrom(std::string_view(passphrase))};
  return options;
}

CliOr<AccessContext> BuildAccessContext(const GlobalOptions& global) {
  if (global.as.empty()) {
    return Usage(
        "this command needs --as ROLE:ID (or CVAULT_AS), e.g. --as "
        "support-agent:agent-118");
  }
  std::size_t colon = global.as.find(':');
  if (colon == std::string::npos || colon == 0 || colon + 1 == global.as.size()) {
    return Usage("--as: expected ROLE:ID, e.g. --as support-agent:agent-118");
  }
  if (global.purpose.empty()) {
    return Usage(
        "this command needs --purpose NAME (or CVAULT_PURPOSE), e.g. --purpose support");
  }
  AccessContext ctx;
  ctx.role = global.as.substr(0, colon);
  ctx.principal_id = global.as.substr(colon + 1);
  ctx.purpose = global.purpose;
  ctx.reason = global.reason;
  ctx.request_id = global.request_id;
  return ctx;
}

OutputFile OutputFileFor(const GlobalOptions& global, std::string path, bool force,
                         std::string option) {
  OutputFile out;
  out.path = std::move(path);
  out.option = std::move(option);
  out.force = force;
  out.vault_folders = {global.vault_dir, global.keys_dir};
  if (!global.key_file.empty()) out.vault_files.push_back(global.key_file);
  return out;
}

CliOr<std::unique_ptr<Vault>> OpenVault(const GlobalOptions& global) {
  CVAULT_CLI_ASSIGN_OR_RETURN(Options options, BuildVaultOptions(global));
  CVAULT_CLI_ASSIGN_OR_RETURN(auto vault, Vault::Open(std::move(options)));
  return vault;
}

void CloseVault(Vault& vault) {
  Status closed = vault.Close();
  if (closed.ok()) return;
  std::fflush(stdout);
  // Status messages carry no personal values.
  std::fprintf(stderr,
               "cvault: [warning] the command's change is saved, but closing the vault "
               "failed (nothing to redo; the next command retries it): %s\n",
               closed.ToString().c_str());
}

CliOr<Session> StartSession(const GlobalOptions& global) {
  CVAULT_CLI_ASSIGN_OR_RETURN(AccessContext ctx, BuildAccessContext(global));
  CVAULT_CLI_ASSIGN_OR_RETURN(auto vault, OpenVault(global));
  return Session{std::move(ctx), std::move(vault)};
}

}  // namespace cvault::cli
