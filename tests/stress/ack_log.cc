#include "tests/stress/ack_log.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <utility>

namespace cvault::stress {
namespace {

struct KindName {
  AckKind kind;
  std::string_view name;
  // Words after the name before the free-text tail (which may hold blanks).
  int words;
  bool has_tail;
};

constexpr KindName kKinds[] = {
    {AckKind::kCreate, "create", 2, true},
    {AckKind::kUpdate, "update", 2, true},
    {AckKind::kConsent, "consent", 3, false},
    {AckKind::kErase, "erase", 1, false},
    {AckKind::kTicket, "ticket", 2, false},
    {AckKind::kRefundOpen, "refund-open", 2, false},
    {AckKind::kRefundMove, "refund", 2, false},
    {AckKind::kRotate, "rotate", 0, false},
    {AckKind::kPurge, "purge", 0, false},
    {AckKind::kBackup, "backup", 1, false},
    {AckKind::kViolation, "violation", 1, true},
};

const KindName& Describe(AckKind kind) {
  for (const KindName& k : kKinds) {
    if (k.kind == kind) return k;
  }
  return kKinds[0];
}

// Splits off the first blank-separated word of `rest`.
std::string_view TakeWord(std::string_view& rest) {
  std::size_t end = rest.find(' ');
  std::string_view word = rest.substr(0, end);
  rest = end == std::string_view::npos ? std::string_view() : rest.substr(end + 1);
  return word;
}

Status Malformed(std::string_view why) {
  return Status::InvalidArgument("acknowledgement line " + std::string(why));
}

}  // namespace

std::string_view AckKindName(AckKind kind) { return Describe(kind).name; }

std::string FormatAck(const AckRecord& r) {
  const KindName& k = Describe(r.kind);
  std::string line = r.attempt ? "try " : "";
  line += k.name;
  switch (r.kind) {
    case AckKind::kRotate:
    case AckKind::kPurge:
      if (!r.attempt) line += " done";
      return line;
    case AckKind::kBackup:
      return line + " " + r.key;
    case AckKind::kErase:
      return line + " " + r.id;
    case AckKind::kViolation:
      return line + " " + r.id + " " + r.value;
    case AckKind::kConsent:
    case AckKind::kCreate:
    case AckKind::kUpdate:
      return line + " " + r.id + " " + r.key + " " + r.value;
    case AckKind::kTicket:
    case AckKind::kRefundOpen:
    case AckKind::kRefundMove:
      return line + " " + r.id + " " + r.key;
  }
  return line;
}

StatusOr<AckRecord> ParseAck(std::string_view line) {
  AckRecord r;
  std::string_view rest = line;
  std::string_view name = TakeWord(rest);
  if (name == "try") {
    r.attempt = true;
    name = TakeWord(rest);
  }
  const KindName* kind = nullptr;
  for (const KindName& k : kKinds) {
    if (k.name == name) kind = &k;
  }
  if (kind == nullptr) return Error(Malformed("of an unknown kind"));
  r.kind = kind->kind;
  if (r.kind == AckKind::kRotate || r.kind == AckKind::kPurge) {
    if (r.attempt ? !rest.empty() : rest != "done") {
      return Error(Malformed("of a job has the wrong form"));
    }
    return r;
  }
  std::vector<std::string_view> words;
  for (int i = 0; i < kind->words; ++i) {
    if (rest.empty()) return Error(Malformed("has too few words"));
    words.push_back(TakeWord(rest));
  }
  if (kind->has_tail ? rest.empty() : !rest.empty()) {
    return Error(Malformed("has the wrong number of words"));
  }
  if (r.kind == AckKind::kBackup) {
    r.key = words[0];
    return r;
  }
  r.id = words[0];
  if (words.size() > 1) r.key = words[1];
  if (words.size() > 2) r.value = words[2];
  if (kind->has_tail) r.value = rest;
  return r;
}

StatusOr<AckWriter> AckWriter::Open(const std::filesystem::path& file) {
  int fd = ::open(file.c_str(), O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0600);
  if (fd < 0) {
    return Error(Status::Unavailable("cannot open the acknowledgement log " +
                                     file.string() + ": " + std::strerror(errno)));
  }
  return AckWriter(fd);
}

AckWriter::AckWriter(AckWriter&& other) noexcept : fd_(std::exchange(other.fd_, -1)) {}

AckWriter& AckWriter::operator=(AckWriter&& other) noexcept {
  if (this != &other) {
    if (fd_ >= 0) ::close(fd_);
    fd_ = std::exchange(other.fd_, -1);
  }
  return *this;
}

AckWriter::~AckWriter() {
  if (fd_ >= 0) ::close(fd_);
}

Status AckWriter::Append(const AckRecord& record) {
  const std::string line = FormatAck(record) + "\n";
  // One write: O_APPEND makes it land whole at the end, and a short write
  // to a local file only happens when the process is dying anyway.
  ssize_t written = ::write(fd_, line.data(), line.size());
  if (written != static_cast<ssize_t>(line.size())) {
    return Status::Unavailable(std::string("cannot append to the acknowledgement log: ") +
                               (written < 0 ? std::strerror(errno) : "short write"));
  }
  return Status::Ok();
}

std::vector<StatusOr<AckRecord>> AckReader::ReadNew() {
  std::ifstream in(file_, std::ios::binary);
  std::vector<StatusOr<AckRecord>> out;
  if (!in) return out;  // not written yet
  in.seekg(static_cast<std::streamoff>(offset_));
  std::string line;
  while (std::getline(in, line)) {
    if (in.eof()) break;  // no newline: not complete yet
    offset_ += line.size() + 1;
    ++line_number_;
    auto record = ParseAck(line);
    const std::string source =
        file_.filename().string() + ":" + std::to_string(line_number_);
    if (record) {
      record->source = source;
    } else {
      record = Error(record.error().WithContext(source));
    }
    out.push_back(std::move(record));
  }
  return out;
}

}  // namespace cvault::stress
