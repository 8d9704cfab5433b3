// The audit chain's canonical encoding. Each entry's hash is BLAKE2b-256 over
// a fixed-order, length-prefixed encoding of every field and the previous
// entry's hash, so an edit, deletion or reordering breaks the chain.
// Checkpoints sign (sequence, head hash, time) with Ed25519.
// Pure functions: thread-safe.
#ifndef CVAULT_AUDIT_CHAIN_H_
#define CVAULT_AUDIT_CHAIN_H_

#include <cstdint>

#include "cvault/audit.h"
#include "crypto/bytes.h"
#include "store/store.h"

namespace cvault::audit {

inline constexpr std::size_t kHashSize = 32;

// The previous hash of entry 1: 32 zero bytes.
crypto::Bytes GenesisHash();

// BLAKE2b-256 over the canonical encoding of `row` (its entry_hash field is
// ignored). docs/audit-log.md gives the encoding.
crypto::Bytes ComputeEntryHash(const store::AuditRow& row);
// Whether `row.entry_hash` is that hash (compared in constant time). Makes
// no allocation once a thread has encoded an entry of this size: a
// verification calls it for every entry of the log.
bool EntryHashMatches(const store::AuditRow& row);

// The exact bytes a checkpoint signature covers.
crypto::Bytes CheckpointMessage(std::uint64_t sequence,
                                std::span<const std::uint8_t> head_hash,
                                std::int64_t time_us);

AuditEntry ToAuditEntry(const store::AuditRow& row);
AuditCheckpoint ToAuditCheckpoint(const store::CheckpointRow& row);

}  // namespace cvault::audit

#endif  // CVAULT_AUDIT_CHAIN_H_
