// The acknowledgement log of a stress worker: one line per operation the
// vault acknowledged (returned OK for), written after the call returned and
// before the next one starts, so that a SIGKILL at any instant loses nothing
// the vault had acknowledged. Lines starting with "try" record an attempt
// before the call: what the vault may or may not hold after an error or a
// kill. The verifier holds the vault to every acknowledged line.
//
//   create <customer> <email> <full name ...>
//   [try ]update <customer> <field> <value ...>
//   [try ]consent <customer> <purpose> given|withdrawn
//   [try ]erase <customer>
//   ticket <ticket> <customer>
//   refund-open <case> <customer>
//   refund <case> <status>          the case moved to <status>
//   [try ]rotate | rotate done      a KEK rotation
//   [try ]purge | purge done
//   [try ]backup <dir> | backup <dir>
//   violation <id> <what ...>       the worker itself saw the vault break a
//                                   promise (e.g. an erased customer read back)
//
// Values are synthetic test data, single lines without leading or trailing
// blanks. Everything else here is ids and kinds.
#ifndef CVAULT_TESTS_STRESS_ACK_LOG_H_
#define CVAULT_TESTS_STRESS_ACK_LOG_H_

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "cvault/status.h"

namespace cvault::stress {

enum class AckKind {
  kCreate,
  kUpdate,
  kConsent,
  kErase,
  kTicket,
  kRefundOpen,
  kRefundMove,
  kRotate,
  kPurge,
  kBackup,
  kViolation,
};

struct AckRecord {
  AckKind kind = AckKind::kCreate;
  bool attempt = false;  // a "try" line: not acknowledged
  std::string id;        // customer, ticket or case id (empty for job lines)
  // create: email; update: field name; consent: purpose; ticket and
  // refund-open: customer id; refund: status; backup: folder.
  std::string key;
  // create: full name; update: the value; consent: "given" or "withdrawn";
  // violation: what was seen.
  std::string value;
  // Where the line came from, for messages: file name and line number.
  std::string source;
};

// "create", "update", ..., "refund-open", "refund", "rotate", ...
std::string_view AckKindName(AckKind kind);

// The line for `record`, without the newline.
std::string FormatAck(const AckRecord& record);
// InvalidArgument for a line that is not one of the forms above.
StatusOr<AckRecord> ParseAck(std::string_view line);

// Appends lines with one write(2) each to a file opened O_APPEND: nothing is
// buffered in the process, so a line is in the file once Append returns.
// Move-only; not thread-safe.
class AckWriter {
 public:
  [[nodiscard]] static StatusOr<AckWriter> Open(const std::filesystem::path& file);
  AckWriter(AckWriter&& other) noexcept;
  AckWriter& operator=(AckWriter&& other) noexcept;
  AckWriter(const AckWriter&) = delete;
  AckWriter& operator=(const AckWriter&) = delete;
  ~AckWriter();

  [[nodiscard]] Status Append(const AckRecord& record);

 private:
  explicit AckWriter(int fd) : fd_(fd) {}
  int fd_ = -1;
};

// Reads a log that another process may still be appending to: each call
// returns the complete lines added since the last one. A last line without
// its newline (not yet written, or torn by a kill) is left for later.
// Lines that do not parse come back as errors, so a verifier can count them.
class AckReader {
 public:
  explicit AckReader(std::filesystem::path file) : file_(std::move(file)) {}
  std::vector<StatusOr<AckRecord>> ReadNew();

 private:
  std::filesystem::path file_;
  std::uint64_t offset_ = 0;
  std::size_t line_number_ = 0;
};

}  // namespace cvault::stress

#endif  // CVAULT_TESTS_STRESS_ACK_LOG_H_
