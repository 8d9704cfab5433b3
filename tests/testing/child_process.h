// A child process for tests that run programs: started with posix_spawn,
// its output appended to a file, and always reaped. Destroying a
// ChildProcess that still runs kills it (SIGKILL) and waits for it, so a
// failing test leaves no process behind.
//
// Move-only; not thread-safe.
#ifndef CVAULT_TESTS_TESTING_CHILD_PROCESS_H_
#define CVAULT_TESTS_TESTING_CHILD_PROCESS_H_

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <optional>
#include <string>
#include <utility>
#include <vector>

extern char** environ;

namespace cvault::testing {

class ChildProcess {
 public:
  // Starts argv[0] with `argv`, stdout and stderr appended to `output`.
  // nullopt (with the reason in `error`) when it cannot be started.
  static std::optional<ChildProcess> Spawn(const std::vector<std::string>& argv,
                                           const std::filesystem::path& output,
                                           std::string* error) {
    std::vector<char*> args;
    for (const std::string& a : argv) args.push_back(const_cast<char*>(a.c_str()));
    args.push_back(nullptr);
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, STDOUT_FILENO, output.c_str(),
                                     O_WRONLY | O_CREAT | O_APPEND, 0600);
    posix_spawn_file_actions_adddup2(&actions, STDOUT_FILENO, STDERR_FILENO);
    pid_t pid = -1;
    int rc = posix_spawn(&pid, args[0], &actions, nullptr, args.data(), environ);
    posix_spawn_file_actions_destroy(&actions);
    if (rc != 0) {
      if (error != nullptr) *error = std::string("posix_spawn: ") + std::strerror(rc);
      return std::nullopt;
    }
    return ChildProcess(pid);
  }

  ChildProcess(ChildProcess&& other) noexcept
      : pid_(std::exchange(other.pid_, -1)), status_(other.status_) {}
  ChildProcess& operator=(ChildProcess&& other) noexcept {
    if (this != &other) {
      KillAndReap();
      pid_ = std::exchange(other.pid_, -1);
      status_ = other.status_;
    }
    return *this;
  }
  ChildProcess(const ChildProcess&) = delete;
  ChildProcess& operator=(const ChildProcess&) = delete;
  ~ChildProcess() { KillAndReap(); }

  bool running() const { return pid_ > 0; }

  // Sends SIGKILL (if it still runs) and waits; returns the wait status.
  int KillAndReap() {
    if (pid_ > 0) ::kill(pid_, SIGKILL);
    return Wait();
  }

  // Waits for the process to end; returns its wait status (as waitpid).
  int Wait() {
    while (pid_ > 0) {
      int status = 0;
      pid_t done = ::waitpid(pid_, &status, 0);
      if (done == pid_ || (done < 0 && errno != EINTR)) {
        status_ = status;
        pid_ = -1;
      }
    }
    return status_;
  }

  // The wait status if the process has ended (reaping it), else nullopt.
  std::optional<int> Poll() {
    if (pid_ <= 0) return status_;
    int status = 0;
    pid_t done = ::waitpid(pid_, &status, WNOHANG);
    if (done == 0) return std::nullopt;
    status_ = status;
    pid_ = -1;
    return status_;
  }

 private:
  explicit ChildProcess(pid_t pid) : pid_(pid) {}

  pid_t pid_ = -1;
  int status_ = 0;
};

// "exited with 0", "killed by signal 9", for messages.
inline std::string DescribeWaitStatus(int status) {
  if (WIFEXITED(status)) return "exited with " + std::to_string(WEXITSTATUS(status));
  if (WIFSIGNALED(status)) return "killed by signal " + std::to_string(WTERMSIG(status));
  return "ended with wait status " + std::to_string(status);
}

}  // namespace cvault::testing

#endif  // CVAULT_TESTS_TESTING_CHILD_PROCESS_H_
