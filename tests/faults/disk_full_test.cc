// A full disk, for real: the vault, its keys and its backups live on a small
// tmpfs of the test's own (tests/faults/main.cc), which a filler file fills
// until only a few pages are left. Then a create, an import, a KEK rotation,
// an erasure or a backup runs into the wall. Each must end in a clear error
// (unavailable, naming the full disk, no personal value), and once the space
// is freed the vault opens, its audit chain verifies, `Check` finds nothing
// damaged, and it holds every acknowledged write and nothing of a refused one.
//
// Each test sweeps the free space left (0 to 4 MiB), a fresh vault each
// time, so the wall falls at different steps of the call; across the sweep
// the call must have failed at least once, so no test passes vacuously.
#include <errno.h>
#include <fcntl.h>
#include <sys/mount.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <cstdint>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "tests/faults/mount_namespace.h"
#include "tests/vault/erasure_fixture.h"

namespace cvault {
namespace {

using testing::AccountService;
using testing::AdaLovelace;
using testing::Auditor;

// Free space left for the call, in bytes: none, one page, a few pages, and
// more than one transaction needs.
constexpr std::uintmax_t kSlack[] = {0,      4096,    16384,   65536,  131072,
                                     196608, 262144, 1 << 20, 4 << 20};

class DiskFullTest : public testing::ErasureTest {
 protected:
  void SetUp() override {
    if (!testing::MountNamespaceProblem().empty()) {
      GTEST_SKIP() << testing::MountNamespaceProblem();
    }
    StartOver();
  }

  void TearDown() override {
    vault_.reset();
    if (mounted_) umount2(dir_.path().c_str(), MNT_DETACH);
  }

  // A fresh 24 MiB tmpfs over the test folder, a vault on it (Ada with a
  // consent, a ticket, a purchase and a paid refund; Grace), and the
  // customers every later check expects.
  void StartOver() {
    vault_.reset();
    if (mounted_) {
      ASSERT_EQ(umount2(dir_.path().c_str(), MNT_DETACH), 0) << std::strerror(errno);
    }
    mounted_ = false;
    ASSERT_EQ(mount("tmpfs", dir_.path().c_str(), "tmpfs", MS_NOSUID | MS_NODEV,
                    "size=24m,mode=0700"),
              0)
        << std::strerror(errno);
    mounted_ = true;
    ErasureTest::SetUp();
    if (HasFatalFailure()) return;
    GiveAdaHistory();
    acknowledged_.clear();
    acknowledged_[ada_] = AdaLovelace().email;
    acknowledged_[grace_] = "grace.hopper@example.com";
  }

  // `n` more customers, each with the email the checks expect.
  void AddCustomers(int n) {
    for (int i = 0; i < n; ++i) {
      NewCustomer c = Numbered(next_++);
      auto id = vault_->customers().Create(AccountService(), c);
      ASSERT_TRUE(id.has_value()) << id.error().ToString();
      acknowledged_[*id] = c.email;
    }
  }

  static NewCustomer Numbered(int i) {
    NewCustomer c;
    c.full_name = "Edith Clarke";
    c.email = "edith.clarke." + std::to_string(i) + "@example.com";
    c.country = "US";
    return c;
  }

  // Writes a filler file until the file system is full, then gives back
  // `slack` bytes of it.
  void FillLeaving(std::uintmax_t slack) {
    filler_ = dir_ / "filler";
    int fd = open(filler_.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    ASSERT_GE(fd, 0) << std::strerror(errno);
    std::vector<char> chunk(1 << 20, 'x');
    for (std::size_t size : {chunk.size(), std::size_t{4096}}) {
      while (write(fd, chunk.data(), size) > 0) {
      }
    }
    const int full = errno;
    const off_t size = lseek(fd, 0, SEEK_END);
    const off_t keep = size > static_cast<off_t>(slack) ? size - static_cast<off_t>(slack) : 0;
    const int truncated = ftruncate(fd, keep);
    close(fd);
    ASSERT_EQ(full, ENOSPC) << std::strerror(full);
    ASSERT_EQ(truncated, 0) << std::strerror(errno);
    struct statvfs fs {};
    ASSERT_EQ(statvfs(dir_.path().c_str(), &fs), 0);
    ASSERT_LE(fs.f_bavail * fs.f_frsize, slack + 4096) << "the filler left more room than asked";
  }

  // What a call that ran out of space must say: unavailable, the full disk
  // named, no personal value.
  static void ExpectDiskFullError(const Status& s) {
    EXPECT_EQ(s.code(), StatusCode::kUnavailable) << s.ToString();
    const std::string& m = s.message();
    EXPECT_TRUE(m.find("full") != std::string::npos ||
                m.find("No space left") != std::string::npos)
        << s.ToString();
    EXPECT_EQ(m.find("@example.com"), std::string::npos) << "a personal value in the error";
    EXPECT_EQ(m.find("Lovelace"), std::string::npos) << "a personal value in the error";
  }

  // Closes the vault while the disk is still full (its closing housekeeping
  // fails and is only logged), frees the space and opens it again.
  void CloseFreeAndReopen() {
    vault_.reset();
    std::error_code ec;
    std::filesystem::remove(filler_, ec);
    ASSERT_FALSE(ec) << ec.message();
    Reopen();
  }

  // The vault is whole and holds exactly the acknowledged customers.
  void ExpectWholeWithAcknowledged() {
    auto verified = vault_->audit().Verify(Auditor());
    ASSERT_TRUE(verified.has_value()) << verified.error().ToString();
    auto report = vault_->operations().Check(Operator());
    ASSERT_TRUE(report.has_value()) << report.error().ToString();
    for (const CheckProblem& p : report->problems) {
      ADD_FAILURE() << "damaged: " << p.where << " " << p.record_id << ": " << p.problem;
    }
    EXPECT_TRUE(report->ok);
    auto ids = vault_->customers().ListIds(AccountService());
    ASSERT_TRUE(ids.has_value()) << ids.error().ToString();
    EXPECT_EQ(ids->size(), acknowledged_.size()) << "a refused write left a customer behind";
    for (const auto& [id, email] : acknowledged_) {
      static constexpr CustomerField kEmail[] = {CustomerField::kEmail};
      auto record = vault_->customers().Get(AccountService(), id, kEmail);
      ASSERT_TRUE(record.has_value()) << "an acknowledged customer is gone: "
                                      << record.error().ToString();
      EXPECT_EQ(record->fields.at(CustomerField::kEmail), email);
    }
  }

  // One line of the test's output per sweep step: what the call did.
  static void Report(std::uintmax_t slack, const std::string& outcome) {
    std::printf("  %8ju free bytes: %s\n", slack, outcome.c_str());
  }
  static std::string Outcome(const Status& s) {
    return s.ok() ? "done" : std::string(StatusCodeName(s.code())) + ", " + s.message().substr(0, 60);
  }

  bool Absent(const std::string& email) {
    auto found = vault_->customers().GetByEmail(AccountService(), email);
    return !found.has_value() && found.error().code() == StatusCode::kNotFound;
  }

  bool mounted_ = false;
  std::filesystem::path filler_;
  std::map<CustomerId, std::string> acknowledged_;
  int next_ = 0;
};

TEST_F(DiskFullTest, CreateStopsWithAClearErrorAndEveryAcknowledgedCustomerStays) {
  for (std::uintmax_t slack : kSlack) {
    SCOPED_TRACE("free bytes: " + std::to_string(slack));
    if (slack != kSlack[0]) StartOver();
    ASSERT_NO_FATAL_FAILURE(FillLeaving(slack));
    std::string refused;
    for (int i = 0; i < 5000 && refused.empty(); ++i) {
      NewCustomer c = Numbered(next_++);
      auto id = vault_->customers().Create(AccountService(), c);
      if (id) {
        acknowledged_[*id] = c.email;
      } else {
        ExpectDiskFullError(id.error());
        refused = c.email;
      }
    }
    ASSERT_FALSE(refused.empty()) << "the disk never filled";
    Report(slack, std::to_string(acknowledged_.size() - 2) + " created, then refused");
    ASSERT_NO_FATAL_FAILURE(CloseFreeAndReopen());
    ExpectWholeWithAcknowledged();
    EXPECT_TRUE(Absent(refused)) << "the refused create was written";
  }
}

TEST_F(DiskFullTest, ImportKeepsTheBatchesItReportedAndNothingOfTheRest) {
  for (std::uintmax_t slack : kSlack) {
    SCOPED_TRACE("free bytes: " + std::to_string(slack));
    if (slack != kSlack[0]) StartOver();
    std::vector<NewCustomer> records;
    for (int i = 0; i < 3000; ++i) records.push_back(Numbered(next_++));
    ASSERT_NO_FATAL_FAILURE(FillLeaving(slack));
    auto report = vault_->customers().Import(AccountService(), records, {}, 50);
    ASSERT_TRUE(report.has_value()) << report.error().ToString();
    ASSERT_FALSE(report->stopped.ok()) << "the disk never filled";
    ExpectDiskFullError(report->stopped);
    std::vector<std::string> refused;
    for (std::size_t i = 0; i < records.size(); ++i) {
      const ImportOutcome& o = report->outcomes.at(i);
      if (o.status.ok()) {
        ASSERT_TRUE(o.id.has_value());
        acknowledged_[*o.id] = records[i].email;
      } else {
        EXPECT_EQ(o.status.code(), StatusCode::kUnavailable) << o.status.ToString();
        refused.push_back(records[i].email);
      }
    }
    EXPECT_EQ(report->created + refused.size(), records.size());
    Report(slack, std::to_string(report->created) + " imported, " +
                      std::to_string(refused.size()) + " refused");
    ASSERT_NO_FATAL_FAILURE(CloseFreeAndReopen());
    ExpectWholeWithAcknowledged();
    EXPECT_TRUE(Absent(refused.front())) << "the first refused record was written";
    EXPECT_TRUE(Absent(refused.back())) << "the last refused record was written";
  }
}

TEST_F(DiskFullTest, KekRotationThatRunsOutOfSpaceLeavesAVaultThatReadsAndCanFinishIt) {
  int failed = 0;
  for (std::uintmax_t slack : kSlack) {
    SCOPED_TRACE("free bytes: " + std::to_string(slack));
    if (slack != kSlack[0]) StartOver();
    ASSERT_NO_FATAL_FAILURE(AddCustomers(40));
    ASSERT_NO_FATAL_FAILURE(FillLeaving(slack));
    auto rotated = vault_->operations().RotateKek(Operator(), {}, 8);
    Report(slack, rotated ? "rotated" : Outcome(rotated.error()));
    if (!rotated) {
      ++failed;
      ExpectDiskFullError(rotated.error());
    }
    ASSERT_NO_FATAL_FAILURE(CloseFreeAndReopen());
    ExpectWholeWithAcknowledged();
    // With space again, a rotation (resuming one that was cut short) ends
    // with every key under one KEK, and every field still reads.
    auto finished = vault_->operations().RotateKek(Operator(), {}, 8);
    ASSERT_TRUE(finished.has_value()) << finished.error().ToString();
    ASSERT_NO_FATAL_FAILURE(Reopen());
    ExpectWholeWithAcknowledged();
  }
  EXPECT_GT(failed, 0) << "no rotation ran out of space";
}

TEST_F(DiskFullTest, AnErasureEitherFailsAndKeepsTheCustomerOrIsCarriedOut) {
  int failed = 0;
  for (std::uintmax_t slack : kSlack) {
    SCOPED_TRACE("free bytes: " + std::to_string(slack));
    if (slack != kSlack[0]) StartOver();
    ASSERT_NO_FATAL_FAILURE(FillLeaving(slack));
    auto erased = vault_->rights().Erase(testing::Dpo(), ada_);
    Report(slack, erased ? "erased" : Outcome(erased.error()));
    // Reported failed: not carried out later, unless the error itself says
    // the ledger still holds it and the next open finishes it.
    bool gone = erased.has_value();
    if (!erased) {
      ++failed;
      ExpectDiskFullError(erased.error());
      gone = erased.error().message().find("finished when the vault is next opened") !=
             std::string::npos;
    }
    if (gone) acknowledged_.erase(ada_);
    ASSERT_NO_FATAL_FAILURE(CloseFreeAndReopen());
    ExpectWholeWithAcknowledged();
    EXPECT_EQ(Absent(AdaLovelace().email), gone);
    if (!gone) {
      // Asked again with space, it is carried out.
      auto again = vault_->rights().Erase(testing::Dpo(), ada_);
      ASSERT_TRUE(again.has_value()) << again.error().ToString();
      acknowledged_.erase(ada_);
      ASSERT_NO_FATAL_FAILURE(Reopen());
      ExpectWholeWithAcknowledged();
    }
  }
  EXPECT_GT(failed, 0) << "no erasure ran out of space";
}

TEST_F(DiskFullTest, ABackupThatRunsOutOfSpaceLeavesNothingAndOneThatSucceedsRestores) {
  int failed = 0;
  int restored = 0;
  for (std::uintmax_t slack : kSlack) {
    SCOPED_TRACE("free bytes: " + std::to_string(slack));
    if (slack != kSlack[0]) StartOver();
    ASSERT_NO_FATAL_FAILURE(AddCustomers(20));
    const std::filesystem::path backup = dir_ / "backup";
    ASSERT_NO_FATAL_FAILURE(FillLeaving(slack));
    auto made = vault_->operations().Backup(Operator(), backup);
    Report(slack, made ? "backed up" : Outcome(made.error()));
    ASSERT_NO_FATAL_FAILURE(CloseFreeAndReopen());
    ExpectWholeWithAcknowledged();
    if (!made) {
      ++failed;
      ExpectDiskFullError(made.error());
      std::error_code ec;
      EXPECT_TRUE(!std::filesystem::exists(backup, ec) || std::filesystem::is_empty(backup, ec))
          << "a failed backup left files behind";
      continue;
    }
    // The backup is whole: restored, it holds every customer it was taken with.
    vault_.reset();
    auto back = Vault::Restore(MakeOptions(), backup, Operator());
    ASSERT_TRUE(back.has_value()) << back.error().ToString();
    vault_ = std::move(*back);
    ExpectWholeWithAcknowledged();
    ++restored;
  }
  EXPECT_GT(failed, 0) << "no backup ran out of space";
  EXPECT_GT(restored, 0) << "no backup fitted, so none was restored";
}

}  // namespace
}  // namespace cvault
