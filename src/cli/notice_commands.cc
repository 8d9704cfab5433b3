// cvault notice add: registers a version of a privacy notice, the text that
// consent receipts cite by its SHA-256.
#include <fmt/format.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <memory>
#include <system_error>

#include "cli/commands.h"
#include "cli/output.h"

namespace cvault::cli {
namespace {

namespace fs = std::filesystem;

// The library refuses longer notices; checking first avoids reading a huge
// file only to have it refused.
constexpr std::uintmax_t kMaxNoticeBytes = 1 << 20;

struct NoticeArgs {
  std::string notice_id;
  std::string version;
  std::string text_file;
};

// The whole notice text. NotFound when the file does not exist; InvalidArgument
// when it exists but cannot be used.
CliOr<std::string> ReadNoticeText(const fs::path& path) {
  std::error_code ec;
  fs::file_status status = fs::status(path, ec);
  if (!fs::exists(status)) {
    return Fail(Status::NotFound(
        fmt::format("--file: the notice text file {} does not exist", path.string())));
  }
  if (!fs::is_regular_file(status)) {
    return Fail(Status::InvalidArgument(
        fmt::format("--file: {} is not a regular file", path.string())));
  }
  std::uintmax_t size = fs::file_size(path, ec);
  if (!ec && size > kMaxNoticeBytes) {
    return Fail(Status::InvalidArgument(fmt::format(
        "--file: {} is larger than 1 MiB, the most a notice may hold", path.string())));
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    return Fail(Status::InvalidArgument(
        fmt::format("--file: cannot read the notice text file {}: {}", path.string(),
                    std::strerror(errno))));
  }
  std::string text((std::istreambuf_iterator<char>(in)),
                   std::istreambuf_iterator<char>());
  if (in.bad()) {
    return Fail(Status::InvalidArgument(
        fmt::format("--file: reading the notice text file {} failed", path.string())));
  }
  return text;
}

CliOr<> RunAdd(const GlobalOptions& global, const NoticeArgs& args) {
  CVAULT_CLI_ASSIGN_OR_RETURN(std::string text, ReadNoticeText(args.text_file));
  CVAULT_CLI_ASSIGN_OR_RETURN(Session s, StartSession(global));
  CVAULT_CLI_ASSIGN_OR_RETURN(
      Notice notice,
      s.vault->consents().RegisterNotice(s.ctx, args.notice_id, args.version, text));
  CVAULT_CLI_RETURN_IF_ERROR(s.vault->Close());
  if (global.json) {
    PrintJson(NoticeToJson(notice));
  } else {
    fmt::print("registered notice {}@{} (sha256 {})\n", notice.notice_id, notice.version,
               notice.text_sha256);
  }
  return {};
}

}  // namespace

void AddNoticeCommands(CLI::App& app, const GlobalOptions& global,
                       CommandAction& action) {
  CLI::App* notice =
      app.add_subcommand("notice", "Register the privacy notices consent is given to");
  notice->require_subcommand(1);

  auto add_args = std::make_shared<NoticeArgs>();
  CLI::App* add = notice->add_subcommand(
      "add", "Register a notice version; prints id@version and the text's SHA-256");
  add->add_option("--id", add_args->notice_id, "Notice id (e.g. marketing-emails)")
      ->type_name("ID")
      ->required();
  add->add_option("--version", add_args->version, "Notice version (e.g. 2026-11)")
      ->type_name("VERSION")
      ->required();
  add->add_option("--file", add_args->text_file,
                  "The notice text exactly as shown to customers (UTF-8, at most 1 MiB)")
      ->type_name("TEXT_FILE")
      ->required();
  OnSelected(add, global, action, add_args, RunAdd);
}

}  // namespace cvault::cli
