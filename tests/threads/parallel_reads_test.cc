// Parallel reads and group commit in one vault (src/vault/vault_core.h):
// threads reading while others write see whole records and leave a chain
// that verifies, a read that starts after a withdrawal returned is denied,
// and a group commit that fails returns no data to any call in it.
#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <map>
#include <mutex>
#include <thread>
#include <vector>

#include "tests/testing/raw_sqlcipher.h"
#include "tests/testing/vault_fixture.h"

namespace cvault {
namespace {

using testing::AccountService;
using testing::As;
using testing::Auditor;
using testing::SupportAgent;

AccessContext Marketing() { return As("marketing-service", "marketing"); }

class ParallelReadsTest : public testing::VaultTest {
 protected:
  struct Known {
    CustomerId id;
    std::string name;
    std::string email;
  };

  std::vector<Known> AddCustomers(int n) {
    std::vector<Known> out;
    for (int i = 0; i < n; ++i) {
      NewCustomer c;
      c.full_name = "Reader Customer " + std::to_string(i);
      c.email = "reader" + std::to_string(i) + "@example.com";
      auto id = vault_->customers().Create(AccountService(), c);
      EXPECT_TRUE(id.has_value()) << id.error().ToString();
      out.push_back({id.value_or(CustomerId()), c.full_name, c.email});
    }
    return out;
  }

  std::vector<AuditEntry> WholeLog() {
    auto entries = vault_->audit().Tail(Auditor(), 1000000);
    EXPECT_TRUE(entries.has_value()) << entries.error().ToString();
    return entries.value_or(std::vector<AuditEntry>{});
  }

  void ExpectChainVerifies(std::uint64_t entries) {
    auto report = vault_->audit().Verify(Auditor());
    ASSERT_TRUE(report.has_value()) << report.error().ToString();
    EXPECT_TRUE(report->ok) << report->problem;
    EXPECT_EQ(report->entries_checked, entries);
  }
};

TEST_F(ParallelReadsTest, ReadersAndWritersTogetherSeeWholeRecordsAndTheChainVerifies) {
  constexpr int kCustomers = 16;
  constexpr int kReaders = 4;
  constexpr int kReads = 60;
  constexpr int kWriters = 2;
  constexpr int kWrites = 25;
  const auto known = AddCustomers(kCustomers);
  std::atomic<int> wrong{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kReaders; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kReads; ++i) {
        const Known& k = known[static_cast<std::size_t>((t * 7 + i) % kCustomers)];
        auto got = vault_->customers().Get(AccountService(), k.id);
        if (!got || got->fields[CustomerField::kFullName] != k.name) ++wrong;
        auto looked_up = vault_->customers().GetByEmail(SupportAgent(), k.email);
        if (!looked_up || looked_up->id != k.id) ++wrong;
      }
    });
  }
  for (int t = 0; t < kWriters; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kWrites; ++i) {
        const Known& k = known[static_cast<std::size_t>((t * 5 + i) % kCustomers)];
        CustomerUpdate u;
        u.country = i % 2 == 0 ? "DE" : "FR";
        if (!vault_->customers().Update(AccountService(), k.id, u).ok()) ++wrong;
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(wrong.load(), 0);
  // vault.create, the creates, two entries per read round, the updates.
  ExpectChainVerifies(1u + kCustomers + 2u * kReaders * kReads + 1u * kWriters * kWrites);
}

TEST_F(ParallelReadsTest, AReadThatStartsAfterAWithdrawalReturnedIsDenied) {
  auto notice = vault_->consents().RegisterNotice(As("dpo", "legal_compliance"), "privacy",
                                                  "3", "We email offers if you agree.");
  ASSERT_TRUE(notice.has_value()) << notice.error().ToString();
  CustomerId ada = AddAda();
  ASSERT_TRUE(
      vault_->consents().Grant(AccountService(), ada, testing::MarketingGrant()).has_value());

  std::atomic<bool> withdrawn{false};
  std::atomic<bool> stop{false};
  std::atomic<int> allowed_before{0}, denied_after{0}, allowed_after{0};
  std::vector<std::thread> readers;
  for (int t = 0; t < 3; ++t) {
    readers.emplace_back([&] {
      while (!stop) {
        const bool after = withdrawn.load();
        auto read = vault_->customers().Get(Marketing(), ada);
        if (!after && read) ++allowed_before;
        if (after) ++(read ? allowed_after : denied_after);
      }
    });
  }
  while (allowed_before.load() < 20) std::this_thread::yield();
  ASSERT_TRUE(
      vault_->consents().Withdraw(AccountService(), ada, "marketing", "customer").has_value());
  withdrawn = true;
  while (denied_after.load() < 20) std::this_thread::yield();
  stop = true;
  for (auto& th : readers) th.join();
  EXPECT_EQ(allowed_after.load(), 0);
  auto report = vault_->audit().Verify(Auditor());
  ASSERT_TRUE(report.has_value());
  EXPECT_TRUE(report->ok) << report->problem;
}

TEST_F(ParallelReadsTest, AFailedGroupCommitReturnsNoDataToAnyCallInIt) {
  if (testing::TestBackendIsPostgres()) GTEST_SKIP() << "the failure is injected in SQLCipher";
  const auto known = AddCustomers(4);
  // The store refuses every entry of the poisoned requests, so every group
  // holding one fails as a whole.
  SecretBytes key = testing::VaultDbKey(dir_ / "keys", key_file_);
  ASSERT_EQ(testing::RunRawSql(dir_ / "vault" / "vault.db", key,
                               "CREATE TRIGGER test_refuse BEFORE INSERT ON audit_log WHEN "
                               "NEW.request_id LIKE 'poison%' BEGIN SELECT RAISE(ABORT, "
                               "'refused by the test'); END;"),
            SQLITE_OK);

  constexpr int kThreads = 4;
  constexpr int kReads = 40;
  struct Outcome {
    std::string request_id;
    bool returned_data = false;
  };
  std::mutex mu;
  std::vector<Outcome> outcomes;
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kReads; ++i) {
        AccessContext ctx = AccountService();
        const bool poison = t == 0 && i % 3 == 0;
        ctx.request_id = (poison ? "poison-" : "t") + std::to_string(t) + "-" +
                         std::to_string(i);
        auto got =
            vault_->customers().Get(ctx, known[static_cast<std::size_t>(i % 4)].id);
        std::lock_guard lock(mu);
        outcomes.push_back({ctx.request_id, got.has_value()});
      }
    });
  }
  for (auto& th : threads) th.join();

  std::map<std::string, std::vector<AuditEntry>> by_request;
  for (AuditEntry& e : WholeLog()) by_request[e.request_id].push_back(std::move(e));
  int failed = 0;
  for (const Outcome& o : outcomes) {
    const auto& entries = by_request[o.request_id];
    const bool allow_entry =
        std::ranges::any_of(entries, [](const AuditEntry& e) { return e.decision == "allow"; });
    if (o.request_id.starts_with("poison")) {
      EXPECT_FALSE(o.returned_data) << o.request_id;
      EXPECT_TRUE(entries.empty()) << o.request_id;
    }
    // Data went out exactly when the call's allow entry is durable.
    EXPECT_EQ(o.returned_data, allow_entry) << o.request_id;
    if (!o.returned_data) ++failed;
  }
  EXPECT_GE(failed, (kReads + 2) / 3);
  auto report = vault_->audit().Verify(Auditor());
  ASSERT_TRUE(report.has_value());
  EXPECT_TRUE(report->ok) << report->problem;
}

}  // namespace
}  // namespace cvault
