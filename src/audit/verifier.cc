#include "audit/verifier.h"

#include <fmt/format.h>

#include <future>
#include <map>
#include <system_error>
#include <vector>

#include "audit/chain.h"
#include "crypto/hash.h"
#include "crypto/signer.h"

namespace cvault::audit {
namespace {

constexpr std::size_t kBatch = 2000;

struct Claim {  // a (sequence -> head hash) that a checkpoint vouches for
  crypto::Bytes hash;
  std::string source;
};

AuditVerifyReport Bad(AuditVerifyReport report, std::uint64_t sequence,
                      std::string problem) {
  report.ok = false;
  report.first_bad_sequence = sequence;
  report.problem = std::move(problem);
  return report;
}

// Whether each row's entry hash matches its contents, worked out on another
// thread (or on this one, at get(), when no thread can be started).
std::future<std::vector<char>> HashInBackground(const std::vector<store::AuditRow>& rows) {
  auto hash_all = [&rows] {
    std::vector<char> matches(rows.size());
    for (std::size_t i = 0; i < rows.size(); ++i) matches[i] = EntryHashMatches(rows[i]);
    return matches;
  };
  try {
    return std::async(std::launch::async, hash_all);
  } catch (const std::system_error&) {
    return std::async(std::launch::deferred, hash_all);
  }
}

}  // namespace

StatusOr<AuditVerifyReport> VerifyAuditLog(
    store::VaultStore& store, std::span<const std::uint8_t> signing_key,
    const std::optional<AuditCheckpoint>& trusted) {
  AuditVerifyReport report;
  CVAULT_ASSIGN_OR_RETURN(auto tx, store.Begin(/*write=*/false));

  // Every checkpoint is checked for its signature first; what it vouches for
  // is then checked against the chain while walking it.
  std::map<std::uint64_t, Claim> claims;
  CVAULT_ASSIGN_OR_RETURN(auto checkpoints, tx->ListCheckpoints());
  for (const store::CheckpointRow& cp : checkpoints) {
    if (!crypto::ConstantTimeEquals(cp.public_key, signing_key)) {
      return Bad(report, cp.sequence,
                 fmt::format("checkpoint at sequence {} is signed by a key that is "
                             "not this vault's audit key",
                             cp.sequence));
    }
    if (!crypto::VerifySignature(cp.public_key,
                                 CheckpointMessage(cp.sequence, cp.head_hash, cp.time_us),
                                 cp.signature)) {
      return Bad(report, cp.sequence,
                 fmt::format("checkpoint at sequence {} has an invalid signature",
                             cp.sequence));
    }
    claims[cp.sequence] = Claim{cp.head_hash, "stored checkpoint"};
    ++report.checkpoints_checked;
  }
  if (trusted) {
    auto hash = crypto::FromHex(trusted->head_hash);
    auto key = crypto::FromHex(trusted->public_key);
    auto sig = crypto::FromHex(trusted->signature);
    if (!hash || !key || !sig) {
      return Error(Status::InvalidArgument(
          "trusted checkpoint: head_hash, public_key and signature must be hex"));
    }
    std::int64_t time_us = trusted->time.time_since_epoch().count();
    if (!crypto::ConstantTimeEquals(*key, signing_key) ||
        !crypto::VerifySignature(*key, CheckpointMessage(trusted->sequence, *hash, time_us),
                                 *sig)) {
      return Bad(report, trusted->sequence,
                 "the trusted checkpoint is not validly signed by this vault's "
                 "audit key");
    }
    claims[trusted->sequence] = Claim{*hash, "trusted checkpoint"};
    ++report.checkpoints_checked;
  }

  crypto::Bytes previous = GenesisHash();
  std::uint64_t expected = 1;
  // Two batches in turn, their buffers reused: another thread hashes one
  // (most of the work) while this one reads the next (the store is only
  // ever used from here).
  std::vector<store::AuditRow> rows;
  std::vector<store::AuditRow> next;
  CVAULT_RETURN_IF_ERROR(tx->ReadAuditInto(expected, kBatch, rows));
  while (true) {
    std::future<std::vector<char>> hashed = HashInBackground(rows);
    Status read_next;
    if (rows.size() == kBatch) {
      read_next = tx->ReadAuditInto(rows.back().sequence + 1, kBatch, next);
    }
    const std::vector<char> matches = hashed.get();
    for (std::size_t i = 0; i < rows.size(); ++i) {
      const store::AuditRow& row = rows[i];
      if (row.sequence != expected) {
        return Bad(report, expected,
                   fmt::format("entry {} is missing (the next entry found is {})",
                               expected, row.sequence));
      }
      if (!crypto::ConstantTimeEquals(row.previous_hash, previous)) {
        return Bad(report, row.sequence,
                   fmt::format("entry {} does not link to entry {} (an entry was "
                               "removed, reordered or replaced)",
                               row.sequence, row.sequence - 1));
      }
      if (!matches[i]) {
        return Bad(report, row.sequence,
                   fmt::format("entry {} was altered: its contents do not match "
                               "its hash",
                               row.sequence));
      }
      auto claim = claims.find(row.sequence);
      if (claim != claims.end() &&
          !crypto::ConstantTimeEquals(claim->second.hash, row.entry_hash)) {
        return Bad(report, row.sequence,
                   fmt::format("entry {} differs from what the {} signed (the log "
                               "was rewritten or forked)",
                               row.sequence, claim->second.source));
      }
      previous = row.entry_hash;
      ++expected;
      ++report.entries_checked;
    }
    if (rows.size() < kBatch) break;
    CVAULT_RETURN_IF_ERROR(read_next);
    std::swap(rows, next);
  }
  report.head_sequence = expected - 1;
  if (!claims.empty() && claims.rbegin()->first > report.head_sequence) {
    const auto& [sequence, claim] = *claims.rbegin();
    return Bad(report, report.head_sequence + 1,
               fmt::format("the log was truncated: the {} covers entry {} but the "
                           "log ends at entry {}",
                           claim.source, sequence, report.head_sequence));
  }
  report.ok = true;
  return report;
}

}  // namespace cvault::audit
