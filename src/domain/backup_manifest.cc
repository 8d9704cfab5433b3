#include "domain/backup_manifest.h"

#include <nlohmann/json.hpp>

namespace cvault::domain {
namespace {

using nlohmann::json;

Status Bad(std::string_view what) {
  return Status::Integrity("backup manifest: " + std::string(what));
}

// The string member `name` of `object`, or Integrity naming it.
StatusOr<std::string> Text(const json& object, const char* name) {
  auto it = object.find(name);
  if (it == object.end() || !it->is_string()) {
    return Error(Bad(std::string(name) + " is missing or not a string"));
  }
  return it->get<std::string>();
}

}  // namespace

StatusOr<BackupManifest> ParseBackupManifest(std::string_view text) {
  const json doc = json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (doc.is_discarded() || !doc.is_object()) {
    return Error(Bad(std::string("not a ") + kBackupFormat + " manifest"));
  }
  auto format = doc.find("format");
  if (format == doc.end() || !format->is_string() || *format != kBackupFormat) {
    return Error(Bad(std::string("not a ") + kBackupFormat + " manifest"));
  }
  BackupManifest m;
  CVAULT_ASSIGN_OR_RETURN(m.vault_id, Text(doc, "vault_id"));
  CVAULT_ASSIGN_OR_RETURN(m.vault_db_key, Text(doc, "vault_db_key"));
  CVAULT_ASSIGN_OR_RETURN(m.keystore_db_key, Text(doc, "keystore_db_key"));
  auto files = doc.find("files");
  if (files == doc.end() || !files->is_object()) {
    return Error(Bad("files is missing or not an object"));
  }
  for (const auto& [name, entry] : files->items()) {
    if (!entry.is_object()) return Error(Bad("files: an entry is not an object"));
    BackupManifest::File file;
    CVAULT_ASSIGN_OR_RETURN(file.blake2b256, Text(entry, "blake2b256"));
    auto size = entry.find("size");
    if (size == entry.end() || !size->is_number_unsigned()) {
      return Error(Bad("files: a size is missing or not a non-negative integer"));
    }
    file.size = size->get<std::uintmax_t>();
    m.files.emplace(name, std::move(file));
  }
  return m;
}

}  // namespace cvault::domain
