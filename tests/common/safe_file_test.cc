#include "common/safe_file.h"

#include <gtest/gtest.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/stat.h>

#include <filesystem>
#include <fstream>
#include <iterator>

#include "tests/testing/temp_dir.h"

namespace cvault::internal {
namespace {

namespace fs = std::filesystem;

std::string Contents(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

std::size_t EntriesIn(const fs::path& dir) {
  return static_cast<std::size_t>(
      std::distance(fs::directory_iterator(dir), fs::directory_iterator()));
}

// Lowers this process's file size limit to `bytes` and makes exceeding it
// fail the write with EFBIG instead of raising SIGXFSZ; restores both.
class FileSizeLimit {
 public:
  explicit FileSizeLimit(rlim_t bytes) {
    ::getrlimit(RLIMIT_FSIZE, &saved_);
    saved_handler_ = ::signal(SIGXFSZ, SIG_IGN);
    rlimit lowered = saved_;
    lowered.rlim_cur = bytes;
    ::setrlimit(RLIMIT_FSIZE, &lowered);
  }
  ~FileSizeLimit() {
    ::setrlimit(RLIMIT_FSIZE, &saved_);
    ::signal(SIGXFSZ, saved_handler_);
  }
  FileSizeLimit(const FileSizeLimit&) = delete;
  FileSizeLimit& operator=(const FileSizeLimit&) = delete;

 private:
  rlimit saved_{};
  sighandler_t saved_handler_ = SIG_DFL;
};

TEST(SafeFileTest, WritesTheBytesWithTheModeAndLeavesNoTemporaryFile) {
  testing::TempDir dir;
  ASSERT_TRUE(
      WriteFileAtomically(dir / "out.json", "hello", 0640, ExistingFile::kRefuse, "--out")
          .ok());
  EXPECT_EQ(Contents(dir / "out.json"), "hello");
  EXPECT_EQ(fs::status(dir / "out.json").permissions() & fs::perms::all,
            fs::perms::owner_read | fs::perms::owner_write | fs::perms::group_read);
  EXPECT_EQ(EntriesIn(dir.path()), 1u);
}

TEST(SafeFileTest, AFailedWriteIsReportedAndLeavesTheOldFileAndNothingElse) {
  testing::TempDir dir;
  std::ofstream(dir / "out.json") << "old";
  Status written;
  {
    FileSizeLimit limit(4096);  // as a full disk would: the write fails part-way
    written = WriteFileAtomically(dir / "out.json", std::string(64 * 1024, 'x'), 0600,
                                  ExistingFile::kReplace, "--out");
  }
  EXPECT_EQ(written.code(), StatusCode::kUnavailable);
  EXPECT_NE(written.message().find("--out: writing the file failed"), std::string::npos);
  EXPECT_EQ(Contents(dir / "out.json"), "old");
  EXPECT_EQ(EntriesIn(dir.path()), 1u);
}

TEST(SafeFileTest, RefuseNeverReplacesAndReplaceOnlyReplacesARegularFile) {
  testing::TempDir dir;
  std::ofstream(dir / "file") << "old";
  ASSERT_EQ(::mkfifo((dir / "pipe").c_str(), 0600), 0);
  fs::create_symlink("file", dir / "link");
  EXPECT_EQ(WriteFileAtomically(dir / "file", "new", 0600, ExistingFile::kRefuse, "--out")
                .code(),
            StatusCode::kAlreadyExists);
  for (const char* name : {"pipe", "link"}) {
    EXPECT_EQ(WriteFileAtomically(dir / name, "new", 0600, ExistingFile::kReplace, "--out")
                  .code(),
              StatusCode::kInvalidArgument)
        << name;
  }
  EXPECT_TRUE(fs::is_fifo(fs::symlink_status(dir / "pipe")));
  EXPECT_TRUE(fs::is_symlink(fs::symlink_status(dir / "link")));
  ASSERT_TRUE(
      WriteFileAtomically(dir / "file", "new", 0600, ExistingFile::kReplace, "--out").ok());
  EXPECT_EQ(Contents(dir / "file"), "new");
}

TEST(SafeFileTest, AMissingFolderIsNotFound) {
  testing::TempDir dir;
  EXPECT_EQ(
      WriteFileAtomically(dir / "no/out", "x", 0600, ExistingFile::kRefuse, "--out").code(),
      StatusCode::kNotFound);
}

TEST(SafeFileTest, ReadingAFifoOrADeviceFailsAtOnce) {
  testing::TempDir dir;
  ASSERT_EQ(::mkfifo((dir / "pipe").c_str(), 0600), 0);
  for (fs::path path : {dir / "pipe", fs::path("/dev/zero"), dir.path()}) {
    auto read = ReadRegularFile(path, 1024, "--checkpoint");
    ASSERT_FALSE(read.has_value()) << path;
    EXPECT_EQ(read.error().code(), StatusCode::kInvalidArgument) << path;
    EXPECT_NE(read.error().message().find("--checkpoint"), std::string::npos);
  }
}

TEST(SafeFileTest, ReadingHonoursTheBound) {
  testing::TempDir dir;
  std::ofstream(dir / "small") << "12345";
  auto read = ReadRegularFile(dir / "small", 5, "FILE");
  ASSERT_TRUE(read.has_value());
  EXPECT_EQ(*read, "12345");
  EXPECT_EQ(ReadRegularFile(dir / "small", 4, "FILE").error().code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(ReadRegularFile(dir / "none", 4, "FILE").error().code(), StatusCode::kNotFound);
}

}  // namespace
}  // namespace cvault::internal
