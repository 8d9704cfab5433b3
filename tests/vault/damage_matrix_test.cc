// Damaged files and wrong keys, as a matrix: vault.db, keystore.db, their
// WAL files, the keyring, the key file and a backup, each hurt in one way
// (a byte flipped in the header, the middle or the last page, truncation,
// a page swapped between the databases, a keyring of another vault, a
// wrong or world-readable key file). Every case must end in an integrity or
// key error, or in answers equal to the undamaged vault's, never in a
// crash, a hang (ctest's timeout) or different data; the test prints each
// case and its outcome.
//
// Embedded only: these are the embedded store's files.
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <fmt/format.h>

#include <filesystem>
#include <fstream>
#include <functional>
#include <iostream>
#include <iterator>
#include <map>
#include <string>
#include <vector>

#include "tests/testing/vault_fixture.h"

namespace cvault {
namespace {

namespace fs = std::filesystem;
using testing::AccountService;
using testing::Auditor;

constexpr std::size_t kPage = 4096;

std::string ReadAll(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), {}};
}

void WriteAll(const fs::path& p, const std::string& bytes) {
  std::ofstream(p, std::ios::binary | std::ios::trunc) << bytes;
}

void FlipAt(const fs::path& p, std::size_t offset) {
  std::string bytes = ReadAll(p);
  if (offset < bytes.size()) bytes[offset] = static_cast<char>(bytes[offset] ^ 0x5a);
  WriteAll(p, bytes);
}

void TruncateTo(const fs::path& p, std::size_t size) { fs::resize_file(p, size); }

// What the undamaged vault answers: the customer list, every customer's
// fields and the audit head.
struct Answers {
  std::vector<std::string> ids;
  std::map<std::string, std::map<CustomerField, std::string>> fields;
  std::uint64_t head = 0;
};

bool IsIntegrityOrKey(const Status& s) {
  return s.code() == StatusCode::kIntegrity || s.code() == StatusCode::kKeyFailure;
}

class DamageMatrixTest : public testing::VaultTest {
 protected:
  void SetUp() override {
    VaultTest::SetUp();
    ada_ = AddAda();
    for (int i = 0; i < 60; ++i) {
      NewCustomer c;
      c.full_name = "Person " + std::to_string(i);
      c.email = "p" + std::to_string(i) + "@example.com";
      c.postal_address = std::string(300, static_cast<char>('a' + i % 26));
      ASSERT_TRUE(vault_->customers().Create(AccountService(), c).has_value());
    }
    auto backup = vault_->operations().Backup(testing::As("operator", "operations"),
                                              dir_ / "backup");
    ASSERT_TRUE(backup.has_value()) << backup.error().ToString();
    at_backup_ = Read(*vault_).value();
    // Everything so far in the main files; the next writes in the WALs.
    Reopen();
    for (int i = 0; i < 10; ++i) {
      NewCustomer c;
      c.full_name = "Later " + std::to_string(i);
      c.email = "later" + std::to_string(i) + "@example.com";
      ASSERT_TRUE(vault_->customers().Create(AccountService(), c).has_value());
    }
    // The vault stays open: its files are copied with their WAL, as a
    // crash would leave them (nothing is being written meanwhile).
    ASSERT_TRUE(vault_->customers().Get(AccountService(), ada_).has_value());
    expected_ = Read(*vault_).value();
    ASSERT_TRUE(fs::exists(dir_ / "vault" / "vault.db-wal"));
    pristine_ = dir_ / "pristine";
    Copy(dir_.path(), pristine_);
    ASSERT_TRUE(keys::WriteNewKeyFile(dir_ / "other.key").ok());
    Options other = MakeOptions();
    other.vault_dir = dir_ / "other" / "vault";
    other.keys_dir = dir_ / "other" / "keys";
    ASSERT_TRUE(Vault::Create(std::move(other)).has_value());
  }

  // Copies the vault folder (less the -shm files and the holder records of
  // this live process), the keys folder, the key file and the backup.
  static void Copy(const fs::path& from, const fs::path& to) {
    for (const char* folder : {"vault", "keys", "backup"}) {
      fs::create_directories(to / folder);
      for (const auto& entry : fs::directory_iterator(from / folder)) {
        if (!entry.is_regular_file()) continue;
        if (entry.path().extension() == ".db-shm") continue;
        fs::copy_file(entry.path(), to / folder / entry.path().filename());
      }
    }
    fs::copy_file(from / "root.key", to / "root.key");
    fs::permissions(to / "root.key", fs::perms::owner_read | fs::perms::owner_write);
  }

  StatusOr<Answers> Read(Vault& vault) {
    Answers a;
    auto ids = vault.customers().ListIds(AccountService());
    if (!ids) return Error(ids.error());
    for (const CustomerId& id : *ids) {
      a.ids.push_back(id.str());
      auto record = vault.customers().Get(AccountService(), id);
      if (!record) return Error(record.error());
      a.fields[id.str()] = record->fields;
    }
    auto report = vault.audit().Verify(Auditor());
    if (!report) return Error(report.error());
    if (!report->ok) return Error(Status::Integrity("audit log: " + report->problem));
    a.head = report->head_sequence;
    return a;
  }

  Options CaseOptions(const fs::path& root) {
    Options o = MakeOptions();
    o.vault_dir = root / "vault";
    o.keys_dir = root / "keys";
    o.root_key = KeyFile{root / "root.key"};
    return o;
  }

  // Runs one case: a fresh copy of the pristine files, `damage` applied,
  // then the vault opened (or restored from the damaged backup) and read.
  void Case(const std::string& name, const std::function<void(const fs::path&)>& damage,
            bool restore = false) {
    SCOPED_TRACE(name);
    const fs::path root = dir_ / ("case-" + std::to_string(++cases_));
    Copy(pristine_, root);
    damage(root);
    StatusOr<std::unique_ptr<Vault>> vault =
        restore ? Vault::Restore(CaseOptions(root), root / "backup",
                                 testing::As("operator", "operations"))
                : Vault::Open(CaseOptions(root));
    std::string outcome;
    if (!vault) {
      outcome = fmt::format("{} refused: {}", restore ? "restore" : "open",
                            StatusCodeName(vault.error().code()));
      // A restore may also find a file of the backup missing.
      EXPECT_TRUE(IsIntegrityOrKey(vault.error()) ||
                  (restore && vault.error().code() == StatusCode::kNotFound))
          << vault.error().ToString();
    } else {
      auto answers = Read(**vault);
      if (!answers) {
        outcome = fmt::format("opened; reading failed: {}", StatusCodeName(answers.error().code()));
        EXPECT_TRUE(IsIntegrityOrKey(answers.error())) << answers.error().ToString();
      } else {
        // A restore brings back the vault as the backup saw it.
        const Answers& expected = restore ? at_backup_ : expected_;
        const bool same_data =
            answers->ids == expected.ids && answers->fields == expected.fields;
        // Reading adds audit entries after the undamaged head: fewer than
        // the undamaged vault had is a lost write. (A restore brings back
        // the backup's older log by design.)
        const bool lost_entries = !restore && answers->head < expected_.head;
        outcome = same_data && !lost_entries ? "opened; every answer as before"
                                             : "WRONG DATA";
        EXPECT_TRUE(same_data) << "different data, no error";
        EXPECT_FALSE(lost_entries) << "audit entries lost without an error: head "
                                   << answers->head << " < " << expected_.head;
      }
    }
    if (vault.has_value()) vault->reset();
    std::cout << fmt::format("  {:<44} {}\n", name, outcome);
    outcomes_.push_back(outcome);
  }

  CustomerId ada_;
  Answers expected_;
  Answers at_backup_;
  fs::path pristine_;
  int cases_ = 0;
  std::vector<std::string> outcomes_;
};

TEST_F(DamageMatrixTest, EveryDamageEndsInAnErrorOrTheSameAnswers) {
  const std::size_t db_size = fs::file_size(pristine_ / "vault" / "vault.db");
  const std::size_t ks_size = fs::file_size(pristine_ / "vault" / "keystore.db");
  const std::size_t wal_size = fs::file_size(pristine_ / "vault" / "vault.db-wal");
  ASSERT_GE(db_size, 8 * kPage);
  std::cout << "damage matrix (vault.db " << db_size / kPage << " pages, keystore.db "
            << ks_size / kPage << ", vault.db-wal " << wal_size << " bytes):\n";

  for (const char* file : {"vault.db", "keystore.db"}) {
    const std::string f = file;
    const std::size_t size = f == "vault.db" ? db_size : ks_size;
    Case(f + ": byte flipped in the header", [&](const fs::path& r) {
      FlipAt(r / "vault" / f, 20);
    });
    Case(f + ": byte flipped in the first page", [&](const fs::path& r) {
      FlipAt(r / "vault" / f, 2000);
    });
    Case(f + ": byte flipped in the middle", [&](const fs::path& r) {
      FlipAt(r / "vault" / f, (size / kPage / 2) * kPage + 1000);
    });
    Case(f + ": byte flipped in the last page", [&](const fs::path& r) {
      FlipAt(r / "vault" / f, size - 100);
    });
    Case(f + ": truncated to half", [&](const fs::path& r) {
      TruncateTo(r / "vault" / f, size / 2);
    });
    Case(f + ": truncated by one byte", [&](const fs::path& r) {
      TruncateTo(r / "vault" / f, size - 1);
    });
    Case(f + ": one byte long", [&](const fs::path& r) { TruncateTo(r / "vault" / f, 1); });
    Case(f + ": empty", [&](const fs::path& r) { TruncateTo(r / "vault" / f, 0); });
  }
  for (const char* file : {"vault.db-wal", "keystore.db-wal"}) {
    const std::string f = file;
    if (!fs::exists(pristine_ / "vault" / f)) continue;
    const std::size_t size = fs::file_size(pristine_ / "vault" / f);
    Case(f + ": byte flipped in the WAL header", [&](const fs::path& r) {
      FlipAt(r / "vault" / f, 10);
    });
    Case(f + ": byte flipped in the first frame", [&](const fs::path& r) {
      FlipAt(r / "vault" / f, 32 + 24 + 1000);
    });
    Case(f + ": byte flipped in the middle", [&](const fs::path& r) {
      FlipAt(r / "vault" / f, size / 2);
    });
    Case(f + ": byte flipped in the last frame", [&](const fs::path& r) {
      FlipAt(r / "vault" / f, size - 100);
    });
    Case(f + ": truncated to half", [&](const fs::path& r) {
      TruncateTo(r / "vault" / f, size / 2);
    });
    Case(f + ": removed", [&](const fs::path& r) { fs::remove(r / "vault" / f); });
  }
  Case("page 2 swapped between vault.db and keystore.db", [&](const fs::path& r) {
    std::string db = ReadAll(r / "vault" / "vault.db");
    std::string ks = ReadAll(r / "vault" / "keystore.db");
    std::string page = db.substr(kPage, kPage);
    db.replace(kPage, kPage, ks.substr(kPage, kPage));
    ks.replace(kPage, kPage, page);
    WriteAll(r / "vault" / "vault.db", db);
    WriteAll(r / "vault" / "keystore.db", ks);
  });
  Case("vault.db and keystore.db swapped", [&](const fs::path& r) {
    fs::rename(r / "vault" / "vault.db", r / "vault" / "tmp");
    fs::rename(r / "vault" / "keystore.db", r / "vault" / "vault.db");
    fs::rename(r / "vault" / "tmp", r / "vault" / "keystore.db");
    fs::remove(r / "vault" / "vault.db-wal");
    fs::remove(r / "vault" / "keystore.db-wal");
  });
  const std::size_t keyring_size = fs::file_size(pristine_ / "keys" / "keyring.cvk");
  Case("keyring: byte flipped in the middle", [&](const fs::path& r) {
    FlipAt(r / "keys" / "keyring.cvk", keyring_size / 2);
  });
  Case("keyring: byte flipped at the end", [&](const fs::path& r) {
    FlipAt(r / "keys" / "keyring.cvk", keyring_size - 1);
  });
  Case("keyring: truncated to half", [&](const fs::path& r) {
    TruncateTo(r / "keys" / "keyring.cvk", keyring_size / 2);
  });
  Case("keyring: empty", [&](const fs::path& r) { TruncateTo(r / "keys" / "keyring.cvk", 0); });
  Case("keyring of another vault", [&](const fs::path& r) {
    fs::copy_file(dir_ / "other" / "keys" / "keyring.cvk", r / "keys" / "keyring.cvk",
                  fs::copy_options::overwrite_existing);
  });
  Case("keyring readable by others", [&](const fs::path& r) {
    ASSERT_EQ(::chmod((r / "keys" / "keyring.cvk").c_str(), 0644), 0);
  });
  Case("a wrong key file", [&](const fs::path& r) {
    fs::copy_file(dir_ / "other.key", r / "root.key", fs::copy_options::overwrite_existing);
  });
  Case("key file readable by others", [&](const fs::path& r) {
    ASSERT_EQ(::chmod((r / "root.key").c_str(), 0644), 0);
  });
  Case("key file truncated", [&](const fs::path& r) { TruncateTo(r / "root.key", 10); });

  const std::size_t backup_size = fs::file_size(pristine_ / "backup" / "vault.db");
  Case("backup: byte flipped in vault.db", [&](const fs::path& r) {
    FlipAt(r / "backup" / "vault.db", backup_size / 2);
  }, /*restore=*/true);
  Case("backup: vault.db truncated", [&](const fs::path& r) {
    TruncateTo(r / "backup" / "vault.db", backup_size / 2);
  }, /*restore=*/true);
  Case("backup: byte flipped in keystore.db", [&](const fs::path& r) {
    FlipAt(r / "backup" / "keystore.db", 5000);
  }, /*restore=*/true);
  Case("backup: byte flipped in the manifest", [&](const fs::path& r) {
    FlipAt(r / "backup" / "manifest.json", 40);
  }, /*restore=*/true);
  Case("backup: manifest removed", [&](const fs::path& r) {
    fs::remove(r / "backup" / "manifest.json");
  }, /*restore=*/true);
  Case("backup: restored undamaged (the control)", [](const fs::path&) {}, /*restore=*/true);

  EXPECT_GE(outcomes_.size(), 40u);
}

}  // namespace
}  // namespace cvault
