// cvault_options: building a cvault::Options from C, one setter at a time.
#include <span>

#include "capi/boundary.h"

namespace {

using cvault::Status;
using cvault::capi::Call;
using cvault::capi::Required;

// Runs `set(options)` on a non-NULL options handle.
template <class Set>
cvault_status SetOption(cvault_options* options, cvault_error** error, Set&& set) {
  return Call(error, [&]() -> Status {
    if (options == nullptr) return Status::InvalidArgument("options: must not be NULL");
    return set(options->options);
  });
}

cvault_log_level CLevelOf(cvault::LogLevel level) {
  switch (level) {
    case cvault::LogLevel::kDebug:
      return CVAULT_LOG_DEBUG;
    case cvault::LogLevel::kInfo:
      return CVAULT_LOG_INFO;
    case cvault::LogLevel::kWarning:
      return CVAULT_LOG_WARNING;
    case cvault::LogLevel::kError:
      break;
  }
  return CVAULT_LOG_ERROR;
}

}  // namespace

extern "C" {

cvault_status cvault_options_new(cvault_options** out, cvault_error** error) {
  return Call(error, [&]() -> Status {
    CVAULT_RETURN_IF_ERROR(cvault::capi::OutArg(out, "out"));
    *out = new cvault_options();
    return Status::Ok();
  });
}

void cvault_options_free(cvault_options* options) { delete options; }

cvault_status cvault_options_set_vault_dir(cvault_options* options, const char* dir,
                                           cvault_error** error) {
  return SetOption(options, error, [&](cvault::Options& o) -> Status {
    CVAULT_ASSIGN_OR_RETURN(std::string_view path, Required(dir, "dir"));
    o.vault_dir = path;
    return Status::Ok();
  });
}

cvault_status cvault_options_set_keys_dir(cvault_options* options, const char* dir,
                                          cvault_error** error) {
  return SetOption(options, error, [&](cvault::Options& o) -> Status {
    CVAULT_ASSIGN_OR_RETURN(std::string_view path, Required(dir, "dir"));
    o.keys_dir = path;
    return Status::Ok();
  });
}

cvault_status cvault_options_set_key_file(cvault_options* options, const char* path,
                                          cvault_error** error) {
  return SetOption(options, error, [&](cvault::Options& o) -> Status {
    CVAULT_ASSIGN_OR_RETURN(std::string_view file, Required(path, "path"));
    o.root_key = cvault::KeyFile{std::filesystem::path(file)};
    return Status::Ok();
  });
}

cvault_status cvault_options_set_passphrase(cvault_options* options,
                                            const char* passphrase, size_t length,
                                            cvault_error** error) {
  return SetOption(options, error, [&](cvault::Options& o) -> Status {
    if (passphrase == nullptr) {
      return Status::InvalidArgument("passphrase: must not be NULL");
    }
    if (length == 0) return Status::InvalidArgument("passphrase: must not be empty");
    o.root_key = cvault::Passphrase{
        cvault::SecretBytes::CopyFrom(std::string_view(passphrase, length))};
    return Status::Ok();
  });
}

cvault_status cvault_options_set_raw_root_key(cvault_options* options, const uint8_t* key,
                                              size_t length, cvault_error** error) {
  return SetOption(options, error, [&](cvault::Options& o) -> Status {
    if (key == nullptr) return Status::InvalidArgument("key: must not be NULL");
    if (length != 32) return Status::InvalidArgument("key: must be exactly 32 bytes");
    o.root_key = cvault::RawRootKey{
        cvault::SecretBytes::CopyFrom(std::span<const std::uint8_t>(key, length))};
    return Status::Ok();
  });
}

cvault_status cvault_options_set_passphrase_cost(cvault_options* options,
                                                 cvault_passphrase_cost cost,
                                                 cvault_error** error) {
  return SetOption(options, error, [&](cvault::Options& o) -> Status {
    switch (cost) {
      case CVAULT_PASSPHRASE_MODERATE:
        o.passphrase_cost = cvault::PassphraseCost::kModerate;
        return Status::Ok();
      case CVAULT_PASSPHRASE_INTERACTIVE:
        o.passphrase_cost = cvault::PassphraseCost::kInteractive;
        return Status::Ok();
      case CVAULT_PASSPHRASE_TESTING_ONLY:
        o.passphrase_cost = cvault::PassphraseCost::kTestingOnly;
        return Status::Ok();
    }
    return Status::InvalidArgument("cost: not a cvault_passphrase_cost value");
  });
}

cvault_status cvault_options_set_policy_file(cvault_options* options, const char* path,
                                             cvault_error** error) {
  return SetOption(options, error, [&](cvault::Options& o) -> Status {
    CVAULT_ASSIGN_OR_RETURN(std::string_view file, Required(path, "path"));
    o.policy_file = std::filesystem::path(file);
    return Status::Ok();
  });
}

cvault_status cvault_options_set_postgres(cvault_options* options, const char* dsn,
                                          const char* schema, cvault_error** error) {
  return SetOption(options, error, [&](cvault::Options& o) -> Status {
    CVAULT_ASSIGN_OR_RETURN(std::string_view connection, Required(dsn, "dsn"));
    cvault::PostgresStore store;
    store.dsn = connection;
    if (schema != nullptr) store.schema = schema;
    o.store = std::move(store);
    return Status::Ok();
  });
}

cvault_status cvault_options_set_development_keyring(cvault_options* options,
                                                     int development,
                                                     cvault_error** error) {
  return SetOption(options, error, [&](cvault::Options& o) -> Status {
    o.development_keyring = development != 0;
    return Status::Ok();
  });
}

cvault_status cvault_options_set_log(cvault_options* options, cvault_log_fn log,
                                     void* user_data, cvault_error** error) {
  return SetOption(options, error, [&](cvault::Options& o) -> Status {
    if (log == nullptr) {
      o.log = nullptr;
      return Status::Ok();
    }
    o.log = [log, user_data](cvault::LogLevel level, std::string_view line) {
      const std::string text(line);  // NUL-terminated for C
      log(user_data, CLevelOf(level), text.c_str());
    };
    return Status::Ok();
  });
}

}  // extern "C"
