// cvault customer import FILE: JSON Lines (cli/import_lines.h) through
// Customers::Import, a progress bar on a terminal, then a summary: the
// rejected lines as text, or every line's outcome with --json. Exit 0 when
// every record was created, 6 when some were rejected (the others are in),
// 3 when the policy refused them all, and the failure's own code when a
// failure that was no record's fault stopped the import.
#include <fmt/format.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <memory>
#include <string>
#include <vector>

#include "cli/commands.h"
#include "cli/output.h"
#include "cli/import_lines.h"
#include "cli/progress.h"

namespace cvault::cli {
namespace {

// Records handed to the vault per call; the file is read this many at a
// time, so its size is bounded only by the disk.
constexpr std::size_t kRecordsPerCall = 10000;

struct ImportArgs {
  std::string file;
  std::size_t batch = 500;
  std::string progress = "auto";
};

// One input line's outcome. Line numbers count from 1, blank lines too.
struct LineOutcome {
  std::size_t line = 0;
  std::optional<CustomerId> id;
  Status status;
  std::optional<CustomerField> field;
};

Json LineToJson(const LineOutcome& o) {
  if (o.id) return {{"line", o.line}, {"customer_id", o.id->str()}};
  Json error = {{"code", StatusCodeName(o.status.code())},
                {"reason", o.status.reason_code()},
                {"message", o.status.message()}};
  if (o.field) error["field"] = FieldName(*o.field);
  return {{"line", o.line}, {"error", std::move(error)}};
}

// The number of lines in the file (for the progress total).
StatusOr<std::size_t> CountLines(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Error(Status::NotFound("FILE: cannot open the file to import"));
  std::size_t lines = 0;
  std::string line;
  while (std::getline(in, line)) ++lines;
  if (in.bad()) return Error(Status::Unavailable("FILE: reading the file failed"));
  return lines;
}

CliOr<> RunImport(const GlobalOptions& global, const ImportArgs& args) {
  auto style = ParseProgressStyle(args.progress);
  if (!style) return Usage("--progress: one of auto, bar, lines, none");
  if (args.batch == 0) return Usage("--batch: must be at least 1");
  std::error_code ec;
  if (!std::filesystem::is_regular_file(args.file, ec)) {
    return Fail(Status::NotFound("FILE: no regular file to import at that path"));
  }
  CVAULT_CLI_ASSIGN_OR_RETURN(std::size_t total_lines, CountLines(args.file));
  CVAULT_CLI_ASSIGN_OR_RETURN(Session s, StartSession(global));

  std::vector<LineOutcome> outcomes;
  std::size_t created = 0;
  std::size_t rejected = 0;
  Status stopped;
  {
    ProgressReporter progress(*style);
    std::ifstream in(args.file, std::ios::binary);
    std::size_t line_number = 0;
    bool more = true;
    while (more && stopped.ok()) {
      // Parse up to kRecordsPerCall records; a line that is no record is
      // rejected here and never reaches the vault.
      std::vector<NewCustomer> records;
      std::vector<std::size_t> record_lines;
      const std::size_t first_line = line_number;
      std::string line;
      while (records.size() < kRecordsPerCall && (more = !!std::getline(in, line))) {
        ++line_number;
        if (IsBlankLine(line)) continue;
        auto record = ParseImportLine(line);
        if (!record) {
          ++rejected;
          outcomes.push_back({line_number, std::nullopt, record.error(), std::nullopt});
          continue;
        }
        records.push_back(std::move(*record));
        record_lines.push_back(line_number);
      }
      if (in.bad()) {
        stopped = Status::Unavailable("FILE: reading the file failed");
        break;
      }
      auto report = s.vault->customers().Import(
          s.ctx, records,
          [&](const JobProgress& p) {
            // Lines read before this call, plus this call's share of its own.
            const std::size_t lines_here = line_number - first_line;
            const std::size_t done =
                first_line + (p.total == 0 ? lines_here : lines_here * p.done / p.total);
            progress.Update({"import", done, total_lines});
          },
          args.batch);
      if (!report) {
        // Nothing of this call was written (a bad context, on the first).
        if (created == 0 && rejected == 0) return Fail(report.error());
        stopped = report.error();
        break;
      }
      for (std::size_t i = 0; i < report->outcomes.size(); ++i) {
        ImportOutcome& o = report->outcomes[i];
        outcomes.push_back({record_lines[i], std::move(o.id), std::move(o.status), o.field});
      }
      created += report->created;
      rejected += report->rejected;
      stopped = report->stopped;
    }
  }
  std::sort(outcomes.begin(), outcomes.end(),
            [](const LineOutcome& a, const LineOutcome& b) { return a.line < b.line; });
  CloseVault(*s.vault);

  const std::size_t records = outcomes.size();
  if (global.json) {
    Json results = Json::array();
    for (const LineOutcome& o : outcomes) results.push_back(LineToJson(o));
    Json summary = {{"records", records}, {"created", created}, {"rejected", rejected},
                    {"results", std::move(results)}};
    if (!stopped.ok()) summary["stopped"] = stopped.message();
    PrintJson(summary);
  } else {
    fmt::print("imported {} of {} records ({} rejected{})\n", created, records, rejected,
               stopped.ok() ? "" : "; the import stopped early");
    // Records the stop left unwritten carry its status; the error says it.
    auto unwritten = [&](const LineOutcome& o) {
      return !stopped.ok() && o.status.code() == stopped.code() &&
             o.status.message() == stopped.message();
    };
    for (const LineOutcome& o : outcomes) {
      if (o.id || unwritten(o)) continue;
      fmt::print("line {}: {}{}\n", o.line, o.status.message(),
                 o.status.reason_code().empty() ? ""
                                                : fmt::format(" ({})", o.status.reason_code()));
    }
  }
  if (!stopped.ok()) {
    return Fail(Status(stopped).WithContext(
        fmt::format("the import stopped after {} of {} records were created", created,
                    records)));
  }
  const std::size_t denied = static_cast<std::size_t>(
      std::count_if(outcomes.begin(), outcomes.end(), [](const LineOutcome& o) {
        return o.status.code() == StatusCode::kPermissionDenied;
      }));
  if (records > 0 && denied == records) {
    return Fail(Status::PermissionDenied(outcomes.front().status.reason_code(),
                                         "the policy refused every record of the import"));
  }
  if (rejected > 0) {
    return Fail(Status::InvalidArgument(fmt::format(
        "{} of {} records were rejected; {} were imported", rejected, records, created)));
  }
  return {};
}

}  // namespace

void AddCustomerImportCommand(CLI::App& customer, const GlobalOptions& global,
                              CommandAction& action) {
  auto args = std::make_shared<ImportArgs>();
  CLI::App* command = customer.add_subcommand(
      "import",
      "Add many customers from a JSON Lines file (one object per line, keys name, email, "
      "phone, address, country, language, external_ref)");
  command->add_option("FILE", args->file, "The JSON Lines file")->required();
  command->add_option("--batch", args->batch, "Records per transaction (default 500)")
      ->type_name("N");
  command->add_option("--progress", args->progress,
                      "auto (a bar on a terminal), bar, lines or none")
      ->type_name("STYLE");
  OnSelected(command, global, action, args, RunImport);
}

}  // namespace cvault::cli
