// cvault_vault_worker: one process of the multi-process stress tests.
//
//   cvault_vault_worker --vault DIR --keys DIR --key-file FILE --ack FILE
//       [--worker N] [--seed N] [--ops N] [--durability full|normal]
//       [--peer-ack FILE]... [--rotate-kek-at N] [--rotate-batch N]
//       [--purge-at N] [--backup-at N --backup-dir DIR]
//     runs the seeded workload (workload.h) on an existing vault and logs
//     what the vault acknowledged to --ack.
//
//   cvault_vault_worker --verify --vault DIR --keys DIR --key-file FILE
//       [--durability full|normal] --ack FILE...
//     holds the vault to every line of the logs (verifier.h) and prints
//     "checked N acknowledged operations, M failures".
//
// Both take [--pg-dsn DSN --pg-schema NAME] for a vault on PostgreSQL.
//
// Exit status: 0 done (errors from the vault are only "not acknowledged"),
// 1 verification failures, 2 bad arguments, 3 the worker could not run.
// Prints ids, kinds and counts; never a stored value. Links only the
// public library.
#include <charconv>
#include <cstdio>
#include <cstring>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "tests/stress/ack_model.h"
#include "tests/stress/verifier.h"
#include "tests/stress/workload.h"

namespace {

using cvault::stress::AckModel;
using cvault::stress::VerifyReport;
using cvault::stress::VerifyRequest;
using cvault::stress::WorkloadOptions;

struct Args {
  WorkloadOptions workload;
  bool verify = false;
  std::vector<std::filesystem::path> acks;
};

std::optional<std::uint64_t> ParseCount(std::string_view text) {
  std::uint64_t value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size()) return std::nullopt;
  return value;
}

// Parses argv into `args`; prints what is wrong and returns false.
bool ParseArgs(int argc, char** argv, Args& args) {
  WorkloadOptions& w = args.workload;
  for (int i = 1; i < argc; ++i) {
    const std::string_view flag = argv[i];
    if (flag == "--verify") {
      args.verify = true;
      continue;
    }
    if (i + 1 >= argc) {
      std::fprintf(stderr, "%s needs a value\n", argv[i]);
      return false;
    }
    const std::string_view value = argv[++i];
    std::optional<std::uint64_t> count = ParseCount(value);
    auto need_count = [&](std::optional<std::uint64_t>& into) {
      if (!count) std::fprintf(stderr, "%s needs a whole number\n", flag.data());
      into = count;
      return count.has_value();
    };
    std::optional<std::uint64_t> n;
    if (flag == "--vault") {
      w.paths.vault_dir = value;
    } else if (flag == "--keys") {
      w.paths.keys_dir = value;
    } else if (flag == "--key-file") {
      w.paths.key_file = value;
    } else if (flag == "--pg-dsn") {
      w.paths.pg_dsn = value;
    } else if (flag == "--pg-schema") {
      w.paths.pg_schema = value;
    } else if (flag == "--ack") {
      args.acks.emplace_back(value);
    } else if (flag == "--peer-ack") {
      w.peer_acks.emplace_back(value);
    } else if (flag == "--backup-dir") {
      w.backup_dir = value;
    } else if (flag == "--durability") {
      if (value != "full" && value != "normal") {
        std::fprintf(stderr, "--durability is full or normal\n");
        return false;
      }
      w.durability =
          value == "full" ? cvault::Durability::kFull : cvault::Durability::kNormal;
    } else if (flag == "--worker") {
      // Small numbers keep the digit runs in emails and names far from
      // anything the card-number screen would refuse.
      if (!need_count(n) || *n > 9999) return false;
      w.worker = static_cast<std::uint32_t>(*n);
    } else if (flag == "--seed") {
      if (!need_count(n) || *n > 999999999) return false;
      w.seed = *n;
    } else if (flag == "--ops") {
      if (!need_count(n)) return false;
      w.ops = *n;
    } else if (flag == "--rotate-batch") {
      if (!need_count(n) || *n == 0) return false;
      w.rotate_batch = *n;
    } else if (flag == "--rotate-kek-at") {
      if (!need_count(w.rotate_kek_at)) return false;
    } else if (flag == "--purge-at") {
      if (!need_count(w.purge_at)) return false;
    } else if (flag == "--backup-at") {
      if (!need_count(w.backup_at)) return false;
    } else {
      std::fprintf(stderr, "unknown argument %s\n", argv[i - 1]);
      return false;
    }
  }
  if (w.paths.vault_dir.empty() || w.paths.keys_dir.empty() || w.paths.key_file.empty() ||
      args.acks.empty()) {
    std::fprintf(stderr, "--vault, --keys, --key-file and --ack are required\n");
    return false;
  }
  if (!args.verify && args.acks.size() != 1) {
    std::fprintf(stderr, "a worker writes one --ack log\n");
    return false;
  }
  if (w.backup_at && w.backup_dir.empty()) {
    std::fprintf(stderr, "--backup-at needs --backup-dir\n");
    return false;
  }
  w.ack_file = args.acks.front();
  return true;
}

int Verify(const Args& args) {
  AckModel model;
  for (const auto& ack : args.acks) model.AddFile(ack);
  VerifyRequest request;
  request.paths = args.workload.paths;
  request.durability = args.workload.durability;
  request.finish_rotation = model.rotation_attempted();
  VerifyReport report = cvault::stress::VerifyVault(request, model);
  for (const std::string& failure : report.failures) {
    std::printf("FAILED %s\n", failure.c_str());
  }
  std::printf("%s\n", report.Summary().c_str());
  return report.failures.empty() ? 0 : 1;
}

}  // namespace

int main(int argc, char** argv) {
  Args args;
  if (!ParseArgs(argc, argv, args)) return 2;
  if (args.verify) return Verify(args);
  auto result = cvault::stress::RunWorkload(args.workload);
  std::printf("worker %u seed %llu: %s\n", args.workload.worker,
              static_cast<unsigned long long>(args.workload.seed),
              result.Summary().c_str());
  return result.fatal.ok() ? 0 : 3;
}
