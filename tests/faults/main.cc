// The fault tests' main: a private mount namespace first, while the process
// still has one thread (a user namespace cannot be entered later, and a
// thread started before the unshare would keep seeing the machine's mounts).
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <sys/mount.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <cstring>
#include <string>

#include "tests/faults/mount_namespace.h"

namespace cvault::testing {
namespace {

std::string& Problem() {
  static std::string problem = "the test program did not try to enter a mount namespace";
  return problem;
}

bool WriteProcFile(const char* path, const std::string& text) {
  int fd = open(path, O_WRONLY | O_CLOEXEC);
  if (fd < 0) return false;
  bool ok = write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size());
  close(fd);
  return ok;
}

}  // namespace

std::string EnterPrivateMountNamespace() {
  if (unshare(CLONE_NEWNS) != 0) {
    // Not root: a user namespace of our own may create the mount namespace.
    const uid_t uid = getuid();
    const gid_t gid = getgid();
    if (unshare(CLONE_NEWUSER | CLONE_NEWNS) != 0) {
      return std::string("cannot create a mount namespace (") + std::strerror(errno) +
             "): run as root, or allow unprivileged user namespaces";
    }
    if (!WriteProcFile("/proc/self/setgroups", "deny") ||
        !WriteProcFile("/proc/self/uid_map", "0 " + std::to_string(uid) + " 1") ||
        !WriteProcFile("/proc/self/gid_map", "0 " + std::to_string(gid) + " 1")) {
      return "cannot map the user into the new user namespace";
    }
  }
  // Without this, a mount under a shared parent (systemd makes / shared)
  // would propagate to the machine's own namespace.
  if (mount(nullptr, "/", nullptr, MS_REC | MS_PRIVATE, nullptr) != 0) {
    return std::string("cannot make the mounts private (") + std::strerror(errno) + ")";
  }
  return "";
}

const std::string& MountNamespaceProblem() { return Problem(); }

}  // namespace cvault::testing

int main(int argc, char** argv) {
  cvault::testing::Problem() = cvault::testing::EnterPrivateMountNamespace();
  ::testing::InitGoogleTest(&argc, argv);
  return RUN_ALL_TESTS();
}
