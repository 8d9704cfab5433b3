#include "vault/vault_holders.h"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <thread>
#include <utility>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "crypto/bytes.h"
#include "crypto/random.h"
#include "cvault/clock.h"
#include "keys/private_file.h"

namespace cvault::internal {
namespace {

constexpr char kLockFile[] = "vault.lock";
constexpr char kHoldersDir[] = "holders";
constexpr auto kPollInterval = std::chrono::milliseconds(20);

int OpenForLock(const std::filesystem::path& path, int extra_flags) {
  int fd;
  do {
    fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW | extra_flags, 0600);
  } while (fd < 0 && errno == EINTR);
  return fd;
}

bool TryFlock(int fd, int operation) {
  while (::flock(fd, operation | LOCK_NB) != 0) {
    if (errno != EINTR) return false;
  }
  return true;
}

std::string ProgramName() {
  std::ifstream comm("/proc/self/comm");
  std::string name;
  std::getline(comm, name);
  return name.empty() ? "unknown" : name;
}

Status Io(std::string_view what, const std::filesystem::path& path) {
  return Status::Unavailable(fmt::format("cannot {} {}: {}", what, path.string(),
                                         std::strerror(errno)));
}

}  // namespace

StatusOr<VaultHolders> VaultHolders::Join(const std::filesystem::path& vault_dir,
                                          bool exclusive, std::chrono::milliseconds wait) {
  const std::filesystem::path holders_dir = vault_dir / kHoldersDir;
  CVAULT_RETURN_IF_ERROR(keys::EnsurePrivateDirectory(holders_dir));
  int lock_fd = OpenForLock(vault_dir / kLockFile, 0);
  if (lock_fd < 0) return Error(Io("open the vault lock", vault_dir / kLockFile));

  std::string token = fmt::format("{}-{}", ::getpid(), crypto::ToHex(crypto::RandomBytes(6)));
  int holder_fd = OpenForLock(holders_dir / token, O_EXCL);
  if (holder_fd < 0) {
    Status s = Io("register in", holders_dir);
    ::close(lock_fd);
    return Error(s);
  }
  VaultHolders holders(vault_dir, lock_fd, holder_fd, std::move(token));
  if (!TryFlock(holder_fd, LOCK_EX)) return Error(Io("lock", holders_dir / holders.token_));
  const std::string description =
      fmt::format("pid={} program={} since={}\n", ::getpid(), ProgramName(),
                  FormatTimestamp(std::chrono::time_point_cast<std::chrono::microseconds>(
                      std::chrono::system_clock::now())));
  if (::write(holder_fd, description.data(), description.size()) !=
      static_cast<ssize_t>(description.size())) {
    return Error(Io("describe this process in", holders_dir / holders.token_));
  }

  const auto deadline = std::chrono::steady_clock::now() + wait;
  const int operation = exclusive ? LOCK_EX : LOCK_SH;
  while (!TryFlock(lock_fd, operation)) {
    if (errno != EWOULDBLOCK) return Error(Io("lock", vault_dir / kLockFile));
    if (std::chrono::steady_clock::now() >= deadline) {
      std::vector<std::string> others = holders.DescribeOthers();
      return Error(Status::Busy(fmt::format(
          "the vault in {} is held {} by {}; retry when it is done",
          vault_dir.string(), exclusive ? "open" : "exclusively (a restore or a database rekey)",
          others.empty() ? std::string("another process")
                         : fmt::format("{}", fmt::join(others, "; ")))));
    }
    std::this_thread::sleep_for(kPollInterval);
  }
  holders.exclusive_ = exclusive;
  return holders;
}

VaultHolders::VaultHolders(VaultHolders&& other) noexcept
    : dir_(std::move(other.dir_)),
      lock_fd_(std::exchange(other.lock_fd_, -1)),
      holder_fd_(std::exchange(other.holder_fd_, -1)),
      token_(std::move(other.token_)),
      exclusive_(other.exclusive_) {}

VaultHolders& VaultHolders::operator=(VaultHolders&& other) noexcept {
  if (this != &other) {
    Close();
    dir_ = std::move(other.dir_);
    lock_fd_ = std::exchange(other.lock_fd_, -1);
    holder_fd_ = std::exchange(other.holder_fd_, -1);
    token_ = std::move(other.token_);
    exclusive_ = other.exclusive_;
  }
  return *this;
}

VaultHolders::~VaultHolders() { Close(); }

void VaultHolders::Close() {
  if (holder_fd_ >= 0) {
    // Removed before the lock goes, so nobody sees a dead holder file.
    std::error_code ec;
    std::filesystem::remove(dir_ / kHoldersDir / token_, ec);
    ::close(holder_fd_);
    holder_fd_ = -1;
  }
  if (lock_fd_ >= 0) {
    ::close(lock_fd_);
    lock_fd_ = -1;
  }
}

Status VaultHolders::AcquireExclusive() {
  if (exclusive_) return Status::Ok();
  // flock converts a shared lock by dropping it first, so a failed attempt
  // may leave none: take the shared one back before reporting.
  if (TryFlock(lock_fd_, LOCK_EX)) {
    exclusive_ = true;
    return Status::Ok();
  }
  std::vector<std::string> others = DescribeOthers();
  while (!TryFlock(lock_fd_, LOCK_SH) && errno == EINTR) {
  }
  return Status::Busy(fmt::format(
      "this needs the vault to itself, and {} other open vault(s) hold it: {}; close them "
      "and retry",
      others.size(), others.empty() ? std::string("(not named)")
                                    : fmt::format("{}", fmt::join(others, "; "))));
}

void VaultHolders::ReleaseExclusive() {
  if (!exclusive_) return;
  // Downgrading never waits: nobody else can hold the lock now.
  (void)TryFlock(lock_fd_, LOCK_SH);
  exclusive_ = false;
}

bool VaultHolders::IsLive(const std::string& token, bool absent) const {
  if (token == token_) return holder_fd_ >= 0;
  if (token.empty() || token.find('/') != std::string::npos) return false;
  const std::filesystem::path path = dir_ / kHoldersDir / token;
  int fd;
  do {
    fd = ::open(path.c_str(), O_RDWR | O_CLOEXEC | O_NOFOLLOW);
  } while (fd < 0 && errno == EINTR);
  if (fd < 0) return absent;  // closed cleanly, or registered on another host
  const bool free = TryFlock(fd, LOCK_EX);
  if (free) {
    // Its owner died without closing: the file is ours to remove.
    std::error_code ec;
    std::filesystem::remove(path, ec);
  }
  ::close(fd);
  return !free;
}

std::vector<std::string> VaultHolders::DescribeOthers() const {
  std::vector<std::string> out;
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator(dir_ / kHoldersDir, ec)) {
    const std::string token = entry.path().filename().string();
    if (token == token_ || !IsLive(token)) continue;
    std::ifstream in(entry.path());
    std::string line;
    std::getline(in, line);
    out.push_back(line.empty() ? token : line);
  }
  return out;
}

}  // namespace cvault::internal
