#include "vault/group_commit.h"

#include <utility>

namespace cvault::internal {

Status GroupCommitter::Submit(const Entry& entry) {
  std::unique_lock lock(mu_);
  std::shared_ptr<Group> group = open_;
  group->entries.push_back(entry);
  while (!group->done) {
    if (committing_) {
      ended_.wait(lock);
      continue;
    }
    // No commit is running, so `group` is still the open one: commit it,
    // and everything handed in with it, while new entries gather in the
    // next group.
    committing_ = true;
    std::shared_ptr<Group> taken = std::exchange(open_, std::make_shared<Group>());
    lock.unlock();
    Status status = commit_(taken->entries);
    lock.lock();
    ++counts_.groups;
    counts_.entries += taken->entries.size();
    taken->status = std::move(status);
    taken->done = true;
    committing_ = false;
    ended_.notify_all();
  }
  return group->status;
}

GroupCommitter::Counts GroupCommitter::counts() const {
  std::lock_guard lock(mu_);
  return counts_;
}

std::size_t GroupCommitter::waiting() const {
  std::lock_guard lock(mu_);
  return open_->entries.size();
}

}  // namespace cvault::internal
