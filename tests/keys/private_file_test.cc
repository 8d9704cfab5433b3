#include "keys/private_file.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>

#include "crypto/bytes.h"
#include "tests/testing/temp_dir.h"

namespace cvault::keys {
namespace {

using ::cvault::testing::TempDir;

std::string ReadAll(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

mode_t ModeOf(const std::filesystem::path& path) {
  struct stat st {};
  EXPECT_EQ(::stat(path.c_str(), &st), 0);
  return st.st_mode & 07777;
}

std::size_t EntryCount(const std::filesystem::path& dir) {
  std::size_t n = 0;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    (void)entry;
    ++n;
  }
  return n;
}

TEST(PrivateFileTest, AtomicWriteCreatesMode0600AndLeavesNoTemporary) {
  TempDir dir;
  ASSERT_TRUE(WriteOwnerOnlyFileAtomically(dir.path(), "f", crypto::AsBytes("one"),
                                           ReplaceMode::kMustNotExist)
                  .ok());
  EXPECT_EQ(ReadAll(dir.path() / "f"), "one");
  EXPECT_EQ(ModeOf(dir.path() / "f"), 0600u);
  EXPECT_EQ(EntryCount(dir.path()), 1u);
}

TEST(PrivateFileTest, MustNotExistRefusesAnExistingFileAndKeepsIt) {
  TempDir dir;
  ASSERT_TRUE(WriteOwnerOnlyFileAtomically(dir.path(), "f", crypto::AsBytes("one"),
                                           ReplaceMode::kMustNotExist)
                  .ok());
  Status status = WriteOwnerOnlyFileAtomically(dir.path(), "f", crypto::AsBytes("two"),
                                               ReplaceMode::kMustNotExist);
  EXPECT_EQ(status.code(), StatusCode::kAlreadyExists);
  EXPECT_EQ(ReadAll(dir.path() / "f"), "one");
  EXPECT_EQ(EntryCount(dir.path()), 1u);
}

TEST(PrivateFileTest, ReplaceSwapsTheContentAndLeavesNoTemporary) {
  TempDir dir;
  ASSERT_TRUE(WriteOwnerOnlyFileAtomically(dir.path(), "f", crypto::AsBytes("one"),
                                           ReplaceMode::kMustNotExist)
                  .ok());
  ASSERT_TRUE(WriteOwnerOnlyFileAtomically(dir.path(), "f", crypto::AsBytes("two"),
                                           ReplaceMode::kReplace)
                  .ok());
  EXPECT_EQ(ReadAll(dir.path() / "f"), "two");
  EXPECT_EQ(EntryCount(dir.path()), 1u);
}

TEST(PrivateFileTest, CreateOwnerOnlyFileIsExclusiveAndMode0600EvenWithOpenUmask) {
  TempDir dir;
  const mode_t old_umask = ::umask(0);
  Status first = CreateOwnerOnlyFile(dir.path() / "k", crypto::AsBytes("abc"));
  Status second = CreateOwnerOnlyFile(dir.path() / "k", crypto::AsBytes("xyz"));
  ::umask(old_umask);
  ASSERT_TRUE(first.ok()) << first.ToString();
  EXPECT_EQ(second.code(), StatusCode::kAlreadyExists);
  EXPECT_EQ(ModeOf(dir.path() / "k"), 0600u);
  EXPECT_EQ(ReadAll(dir.path() / "k"), "abc");
}

TEST(PrivateFileTest, CreateOwnerOnlyFileRefusesASymlink) {
  TempDir dir;
  std::filesystem::create_symlink(dir.path() / "target", dir.path() / "link");
  Status status = CreateOwnerOnlyFile(dir.path() / "link", crypto::AsBytes("abc"));
  EXPECT_FALSE(status.ok());
  EXPECT_FALSE(std::filesystem::exists(dir.path() / "target"));
}

TEST(PrivateFileTest, ReadReportsMissingFileAsNotFound) {
  TempDir dir;
  std::uint8_t buffer[8];
  StatusOr<std::size_t> n = ReadOwnerOnlyFile(dir.path() / "none", "test file", buffer);
  ASSERT_FALSE(n.has_value());
  EXPECT_EQ(n.error().code(), StatusCode::kNotFound);
}

TEST(PrivateFileTest, ReadStopsAtTheBufferSize) {
  TempDir dir;
  ASSERT_TRUE(CreateOwnerOnlyFile(dir.path() / "k", crypto::AsBytes("0123456789")).ok());
  std::uint8_t buffer[4];
  StatusOr<std::size_t> n = ReadOwnerOnlyFile(dir.path() / "k", "test file", buffer);
  ASSERT_TRUE(n.has_value());
  EXPECT_EQ(*n, 4u);
}

TEST(PrivateFileTest, EnsurePrivateDirectoryCreatesMode0700AndKeepsExisting) {
  TempDir dir;
  const auto keys = dir.path() / "a" / "keys";
  ASSERT_TRUE(EnsurePrivateDirectory(keys).ok());
  EXPECT_EQ(ModeOf(keys), 0700u);
  ASSERT_EQ(::chmod(keys.c_str(), 0750), 0);
  ASSERT_TRUE(EnsurePrivateDirectory(keys).ok());
  EXPECT_EQ(ModeOf(keys), 0750u);
}

TEST(PrivateFileTest, EnsurePrivateDirectoryRefusesAFile) {
  TempDir dir;
  ASSERT_TRUE(CreateOwnerOnlyFile(dir.path() / "f", crypto::AsBytes("x")).ok());
  EXPECT_FALSE(EnsurePrivateDirectory(dir.path() / "f").ok());
}

}  // namespace
}  // namespace cvault::keys
