// JSON form of exported checkpoints (public functions from cvault/audit.h).
#include <nlohmann/json.hpp>

#include "cvault/audit.h"

namespace cvault {

std::string CheckpointToJson(const AuditCheckpoint& checkpoint) {
  nlohmann::ordered_json j;
  j["format"] = "cvault.checkpoint/v1";
  j["sequence"] = checkpoint.sequence;
  j["head_hash"] = checkpoint.head_hash;
  j["time"] = FormatTimestamp(checkpoint.time);
  j["time_us"] = checkpoint.time.time_since_epoch().count();
  j["signature"] = checkpoint.signature;
  j["public_key"] = checkpoint.public_key;
  return j.dump(2) + "\n";
}

StatusOr<AuditCheckpoint> CheckpointFromJson(std::string_view json) {
  auto j = nlohmann::json::parse(json, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded() || !j.is_object()) {
    return Error(Status::InvalidArgument("checkpoint file: not a JSON object"));
  }
  // Every member's type is checked before it is read: nlohmann's value()
  // and get() throw on a mismatch (a number for "format" ended the process).
  auto format = j.find("format");
  if (format == j.end() || !format->is_string() ||
      format->get_ref<const std::string&>() != "cvault.checkpoint/v1") {
    return Error(Status::InvalidArgument(
        "checkpoint file: format must be \"cvault.checkpoint/v1\""));
  }
  AuditCheckpoint cp;
  auto need_string = [&](const char* key, std::string& out) -> Status {
    auto it = j.find(key);
    if (it == j.end() || !it->is_string()) {
      return Status::InvalidArgument(
          std::string("checkpoint file: \"") + key + "\" must be a string");
    }
    out = it->get<std::string>();
    return Status::Ok();
  };
  CVAULT_RETURN_IF_ERROR(need_string("head_hash", cp.head_hash));
  CVAULT_RETURN_IF_ERROR(need_string("signature", cp.signature));
  CVAULT_RETURN_IF_ERROR(need_string("public_key", cp.public_key));
  auto seq = j.find("sequence");
  auto time = j.find("time_us");
  if (seq == j.end() || !seq->is_number_unsigned() || time == j.end() ||
      !time->is_number_integer()) {
    return Error(Status::InvalidArgument(
        "checkpoint file: \"sequence\" and \"time_us\" must be whole numbers"));
  }
  cp.sequence = seq->get<std::uint64_t>();
  cp.time = Timestamp(std::chrono::microseconds(time->get<std::int64_t>()));
  return cp;
}

}  // namespace cvault
