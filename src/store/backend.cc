#include "store/backend.h"

#include <fmt/format.h>

#include <type_traits>
#include <variant>

#include "store/postgres/postgres_backend.h"
#include "store/sqlcipher/embedded_backend.h"

namespace cvault::store {

Status NotSupported(std::string_view backend, std::string_view duty) {
  return Status::FailedPrecondition(
             fmt::format("{} is not supported by the {} backend", duty, backend))
      .WithReasonCode("not_supported");
}

Status Backend::RekeyDatabase(Database, const SecretBytes&) {
  return NotSupported(name(), "re-encrypting a database under a new key");
}

StatusOr<std::vector<std::string>> Backend::CopyDatabasesTo(const std::filesystem::path&) {
  return Error(NotSupported(name(), "copying the databases into a backup folder"));
}

Status Backend::ForgetDeletedContent() {
  return NotSupported(name(), "dropping deleted content from its logs");
}

StatusOr<std::map<std::string, std::vector<std::string>>> Backend::CheckPages() {
  return Error(NotSupported(name(), "reading its database pages"));
}

StatusOr<std::vector<std::string>> BackendSite::BackupFileNames() const {
  return Error(NotSupported(name(), "restoring from a backup folder"));
}

Status BackendSite::ReplaceDatabasesWith(const std::filesystem::path&) {
  return NotSupported(name(), "restoring from a backup folder");
}

std::unique_ptr<BackendSite> SiteFor(const Options& options) {
  return std::visit(
      [&](const auto& choice) -> std::unique_ptr<BackendSite> {
        using Choice = std::decay_t<decltype(choice)>;
        if constexpr (std::is_same_v<Choice, EmbeddedStore>) {
          SqlcipherSettings settings;
          settings.cache_kib = choice.cache_kib;
          settings.durability = options.durability;
          return std::make_unique<EmbeddedSite>(options.vault_dir, settings);
        } else {
          static_assert(std::is_same_v<Choice, PostgresStore>, "a backend without a site");
          return std::make_unique<PostgresSite>(choice, options.durability);
        }
      },
      options.store);
}

}  // namespace cvault::store
