// Which processes have an embedded vault open, told through files in the
// vault folder, so that work needing the vault to itself (restore, database
// rekey) can refuse while others use it and say who they are, and a
// key-duty lease can tell a dead owner from a live one without waiting for
// the lease to expire.
//
//   <vault_dir>/vault.lock          every open vault holds a shared flock on
//                                   it; restore and rekey take it exclusively
//   <vault_dir>/holders/<token>     one file per open vault, flocked by its
//                                   owner for as long as it is open, holding
//                                   "pid=.. program=.. since=.." (no personal
//                                   data); a file whose lock is free was left
//                                   by a process that died, and is removed
//
// flock locks belong to an open file description, so two Vaults in one
// process are two holders, as two processes would be. The vault folder must
// be on a local file system (as SQLite in WAL mode requires anyway).
//
// Move-only; not thread-safe (the vault calls it under its own mutex).
#ifndef CVAULT_VAULT_VAULT_HOLDERS_H_
#define CVAULT_VAULT_VAULT_HOLDERS_H_

#include <chrono>
#include <filesystem>
#include <string>
#include <vector>

#include "cvault/status.h"

namespace cvault::internal {

class VaultHolders {
 public:
  // Registers this open of the vault in `vault_dir`. With `exclusive`, the
  // vault lock is taken exclusively (no other holder may be registered).
  // Waits up to `wait` for a restore or rekey elsewhere to finish, then
  // fails with Busy naming the process that holds the vault.
  [[nodiscard]] static StatusOr<VaultHolders> Join(const std::filesystem::path& vault_dir,
                                                   bool exclusive,
                                                   std::chrono::milliseconds wait);

  VaultHolders(VaultHolders&& other) noexcept;
  VaultHolders& operator=(VaultHolders&& other) noexcept;
  VaultHolders(const VaultHolders&) = delete;
  VaultHolders& operator=(const VaultHolders&) = delete;
  ~VaultHolders();

  // Takes the vault lock exclusively. Busy, naming the other holders, when
  // another open vault holds it. On failure this holder keeps (or takes
  // back) its shared lock.
  [[nodiscard]] Status AcquireExclusive();
  // Back to a shared lock. No-op when not exclusive.
  void ReleaseExclusive();

  // This holder's token: unique among live holders; names it in leases.
  const std::string& token() const { return token_; }
  // True while the holder registered under `token` is open (this one
  // included). A token left by a dead process reads as false, and its file
  // is removed. A token with no file here reads as `absent`: false when
  // every holder registers in this folder (the embedded backend: the holder
  // closed), true when holders on other hosts share the vault (a server
  // backend: its liveness is not known here, so a lease it holds lasts
  // until it expires).
  bool IsLive(const std::string& token, bool absent = false) const;

 private:
  VaultHolders(std::filesystem::path dir, int lock_fd, int holder_fd, std::string token)
      : dir_(std::move(dir)), lock_fd_(lock_fd), holder_fd_(holder_fd), token_(std::move(token)) {}

  // "pid 123 (refund-svc) since 2026-12-06T03:20:00Z" for each other live
  // holder, removing the files of dead ones.
  std::vector<std::string> DescribeOthers() const;
  void Close();

  std::filesystem::path dir_;
  int lock_fd_ = -1;
  int holder_fd_ = -1;
  std::string token_;
  bool exclusive_ = false;
};

}  // namespace cvault::internal

#endif  // CVAULT_VAULT_VAULT_HOLDERS_H_
