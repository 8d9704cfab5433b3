// GroupCommitter: one commit makes many audit entries durable. Threads hand
// it their entries (Submit) and wait; whichever waiting thread finds no
// commit running becomes the committer for everything handed in so far and
// runs the commit function once for all of it; entries handed in meanwhile
// form the next group. Each Submit returns only after the commit that held
// its entry has ended, with that commit's status: a failed group fails
// every call in it.
//
// With one thread it costs nothing extra: the caller commits its own entry
// at once. Under load a group holds every entry handed in while the
// previous commit ran, so commits (and their fsyncs) are shared.
//
// Thread-safe. The commit function runs on a calling thread, one at a time,
// with no lock of the committer held.
#ifndef CVAULT_VAULT_GROUP_COMMIT_H_
#define CVAULT_VAULT_GROUP_COMMIT_H_

#include <condition_variable>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <span>
#include <vector>

#include "audit/audit_writer.h"
#include "cvault/access.h"
#include "cvault/status.h"

namespace cvault::internal {

class GroupCommitter {
 public:
  // One audit entry waiting for its commit; both pointers stay valid until
  // the Submit that handed it in returns.
  struct Entry {
    const AccessContext* ctx = nullptr;
    const audit::AuditEvent* event = nullptr;
  };
  // Appends every entry, in order, in one transaction and commits it;
  // returns the commit's status.
  using CommitFn = std::function<Status(std::span<const Entry>)>;

  explicit GroupCommitter(CommitFn commit) : commit_(std::move(commit)) {}
  GroupCommitter(const GroupCommitter&) = delete;
  GroupCommitter& operator=(const GroupCommitter&) = delete;

  // Hands `entry` in and waits for the commit that holds it.
  [[nodiscard]] Status Submit(const Entry& entry);

  // How many commits ran and how many entries they held, since creation.
  struct Counts {
    std::uint64_t groups = 0;
    std::uint64_t entries = 0;
  };
  Counts counts() const;
  // How many entries wait for the next commit (handed in while one runs).
  std::size_t waiting() const;

 private:
  struct Group {
    std::vector<Entry> entries;
    bool done = false;
    Status status;
  };

  CommitFn commit_;
  mutable std::mutex mu_;
  std::condition_variable ended_;
  std::shared_ptr<Group> open_ = std::make_shared<Group>();  // taking entries
  bool committing_ = false;
  Counts counts_;
};

}  // namespace cvault::internal

#endif  // CVAULT_VAULT_GROUP_COMMIT_H_
