// Runs the built cvault binary (CVAULT_CLI_PATH) in a private temporary
// folder and captures its exit code, stdout and stderr separately.
//
// The child gets the test's environment minus every CVAULT_* variable, plus
// the ones a test passes, so the tests do not depend on the caller's shell.
#ifndef CVAULT_TESTS_CLI_CLI_RUNNER_H_
#define CVAULT_TESTS_CLI_CLI_RUNNER_H_

#include <fcntl.h>
#include <spawn.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

extern char** environ;

namespace cvault::cli::testing {

struct CliResult {
  int exit_code = -1;
  std::string out;
  std::string err;
};

inline std::string ReadWholeFile(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string((std::istreambuf_iterator<char>(in)),
                     std::istreambuf_iterator<char>());
}

class CliSandbox {
 public:
  CliSandbox() {
    std::string pattern =
        (std::filesystem::temp_directory_path() / "cvault-cli-test-XXXXXX").string();
    if (::mkdtemp(pattern.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
    dir_ = pattern;
  }
  ~CliSandbox() {
    std::error_code ec;
    std::filesystem::remove_all(dir_, ec);
  }
  CliSandbox(const CliSandbox&) = delete;
  CliSandbox& operator=(const CliSandbox&) = delete;

  const std::filesystem::path& dir() const { return dir_; }

  // Runs `cvault args...` with the sandbox as working folder.
  CliResult Run(const std::vector<std::string>& args,
                const std::map<std::string, std::string>& env = {}) const {
    std::vector<std::string> argv_storage = {CVAULT_CLI_PATH};
    argv_storage.insert(argv_storage.end(), args.begin(), args.end());
    std::vector<char*> argv;
    for (std::string& a : argv_storage) argv.push_back(a.data());
    argv.push_back(nullptr);

    std::vector<std::string> env_storage;
    for (char** e = environ; *e != nullptr; ++e) {
      if (std::string_view(*e).starts_with("CVAULT_")) continue;
      env_storage.emplace_back(*e);
    }
    for (const auto& [name, value] : env) env_storage.push_back(name + "=" + value);
    std::vector<char*> envp;
    for (std::string& e : env_storage) envp.push_back(e.data());
    envp.push_back(nullptr);

    const std::filesystem::path out_path = dir_ / ".stdout";
    const std::filesystem::path err_path = dir_ / ".stderr";
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
    posix_spawn_file_actions_addopen(&actions, 1, out_path.c_str(),
                                     O_WRONLY | O_CREAT | O_TRUNC, 0600);
    posix_spawn_file_actions_addopen(&actions, 2, err_path.c_str(),
                                     O_WRONLY | O_CREAT | O_TRUNC, 0600);
    posix_spawn_file_actions_addchdir_np(&actions, dir_.c_str());
    pid_t pid = 0;
    int spawned = posix_spawn(&pid, argv[0], &actions, nullptr, argv.data(), envp.data());
    posix_spawn_file_actions_destroy(&actions);
    if (spawned != 0) throw std::runtime_error("posix_spawn failed");
    int status = 0;
    while (::waitpid(pid, &status, 0) < 0) {
    }
    CliResult result;
    result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    result.out = ReadWholeFile(out_path);
    result.err = ReadWholeFile(err_path);
    return result;
  }

 private:
  std::filesystem::path dir_;
};

}  // namespace cvault::cli::testing

#endif  // CVAULT_TESTS_CLI_CLI_RUNNER_H_
