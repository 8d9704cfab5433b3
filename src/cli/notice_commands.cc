// cvault notice add: registers a version of a privacy notice, the text that
// consent receipts cite by its SHA-256.
#include <fmt/format.h>

#include <cstddef>
#include <filesystem>
#include <memory>

#include "cli/commands.h"
#include "cli/file_io.h"
#include "cli/output.h"

namespace cvault::cli {
namespace {

namespace fs = std::filesystem;

// The library refuses longer notices; checking first avoids reading a huge
// file only to have it refused.
constexpr std::size_t kMaxNoticeBytes = 1 << 20;

struct NoticeArgs {
  std::string notice_id;
  std::string version;
  std::string text_file;
};

// The whole notice text. NotFound when the file does not exist; InvalidArgument
// when it exists but cannot be used.
CliOr<std::string> ReadNoticeText(const fs::path& path) {
  CVAULT_CLI_ASSIGN_OR_RETURN(std::string text, ReadInputFile(path, kMaxNoticeBytes, "--file"));
  return text;
}

CliOr<> RunAdd(const GlobalOptions& global, const NoticeArgs& args) {
  CVAULT_CLI_ASSIGN_OR_RETURN(std::string text, ReadNoticeText(args.text_file));
  CVAULT_CLI_ASSIGN_OR_RETURN(Session s, StartSession(global));
  CVAULT_CLI_ASSIGN_OR_RETURN(
      Notice notice,
      s.vault->consents().RegisterNotice(s.ctx, args.notice_id, args.version, text));
  CloseVault(*s.vault);
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
