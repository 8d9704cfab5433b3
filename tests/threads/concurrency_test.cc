// One vault shared by several threads doing mixed calls.
#include <gtest/gtest.h>

#include <atomic>
#include <thread>

#include "tests/testing/vault_fixture.h"

namespace cvault {
namespace {

using testing::AccountService;
using testing::Auditor;
using testing::SupportAgent;

class ConcurrencyTest : public testing::VaultTest {};

TEST_F(ConcurrencyTest, MixedCallsFromSeveralThreadsStayConsistent) {
  constexpr int kThreads = 4;
  constexpr int kPerThread = 25;
  std::atomic<int> failures{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kPerThread; ++i) {
        NewCustomer c;
        c.full_name = "Thread " + std::to_string(t) + " Customer " + std::to_string(i);
        c.email = "t" + std::to_string(t) + "c" + std::to_string(i) + "@example.com";
        auto id = vault_->customers().Create(AccountService(), c);
        if (!id) { ++failures; continue; }
        auto found = vault_->customers().FindByEmail(SupportAgent(), c.email);
        if (!found || *found != *id) ++failures;
        auto record = vault_->customers().Get(AccountService(), *id);
        if (!record || record->fields.at(CustomerField::kFullName) != c.full_name) ++failures;
        CustomerUpdate u;
        u.country = "DE";
        if (!vault_->customers().Update(AccountService(), *id, u).ok()) ++failures;
        if (i % 10 == 0 && !vault_->audit().Tail(Auditor(), 5)) ++failures;
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(failures.load(), 0);

  auto ids = vault_->customers().ListIds(AccountService(), std::nullopt, 1000);
  ASSERT_TRUE(ids.has_value());
  EXPECT_EQ(ids->size(), static_cast<std::size_t>(kThreads * kPerThread));
  auto report = vault_->audit().Verify(Auditor());
  ASSERT_TRUE(report.has_value());
  EXPECT_TRUE(report->ok) << report->problem;
  // vault.create + 4 calls per customer + the tails + the list.
  EXPECT_EQ(report->entries_checked,
            1u + 4u * kThreads * kPerThread + kThreads * 3u + 1u);
}

}  // namespace
}  // namespace cvault
