// One vault shared by every kind of caller at once: two account writers
// (creates, finds, updates, consent grants and withdrawals, support tickets),
// a reader, two refund workers racing to move the same cases, a DPO erasing
// customers and purging, and the operator rotating the KEK and then the
// blind-index key. Afterwards, and again after a reopen, every acknowledged
// write is there, the erased customers are gone, the audit chain verifies
// and every customer decrypts.
//
// Failure messages name the call, the status and an index, never a field
// value or a customer id.
#include <gtest/gtest.h>

#include <atomic>
#include <barrier>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "tests/vault/key_ops_fixture.h"

namespace cvault {
namespace {

using namespace std::chrono_literals;
using testing::AccountService;
using testing::As;
using testing::Auditor;
using testing::Dpo;
using testing::KeyOpsTest;
using testing::Operator;
using testing::Person;
using testing::PersonNumber;
using testing::RefundSvc;
using testing::WaitForWriterBetweenBatches;

AccessContext Agent() { return As("support-agent", "support", "agent-7"); }
AccessContext Legal() { return As("dpo", "legal_compliance"); }

// Each writer writes at least this many customers, and goes on until the
// key jobs and the erasures are over (at most kMaxWrites).
constexpr int kMinWrites = 12;
constexpr int kMaxWrites = 300;
constexpr int kMinReads = 20;
constexpr int kMaxReads = 2000;
// Both refund workers try each of these moves on each raced case at once.
constexpr RefundStatus kRacedMoves[] = {RefundStatus::kUnderReview,
                                        RefundStatus::kWithdrawn};

// Waits up to `limit` for `done()`; returns whether it came true.
template <class Pred>
bool WaitFor(Pred done, std::chrono::milliseconds limit = 30s) {
  const auto deadline = std::chrono::steady_clock::now() + limit;
  while (!done() && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(1ms);
  }
  return done();
}

// Failures seen on worker threads. Thread-safe.
class FailureLog {
 public:
  void Add(std::string what) {
    std::lock_guard lock(mu_);
    messages_.push_back(std::move(what));
  }
  std::vector<std::string> Messages() {
    std::lock_guard lock(mu_);
    return messages_;
  }

 private:
  std::mutex mu_;
  std::vector<std::string> messages_;  // guarded by mu_
};

// A customer an account writer created, as far as the vault acknowledged:
// `person.data` holds the values after the last update that returned ok.
struct WrittenCustomer {
  Person person;
  std::string first_email;
  ConsentStatus marketing = ConsentStatus::kNeverGiven;
  std::string ticket_id;  // empty when none was opened
  TicketState ticket_state = TicketState::kOpen;
};

// The workers below run on threads of their own at once: they share only
// the vault (thread-safe), the atomics and failures_; each writes its own
// results, read by the test after join().
class SharedVaultTest : public KeyOpsTest {
 protected:
  void SetUp() override {
    KeyOpsTest::SetUp();
    auto notice = vault_->consents().RegisterNotice(Legal(), "privacy", "3",
                                                    "We email offers if you agree.");
    ASSERT_TRUE(notice.has_value()) << notice.error().ToString();
  }

  static ConsentGrant MarketingGrant() {
    return testing::MarketingGrant();
  }

  static NewTicket TicketFor(const CustomerId& id) {
    NewTicket t;
    t.customer = id;
    t.product = {ProductKind::kPlugin, "seo-booster-2"};
    t.summary = "Plugin breaks the checkout page after activation";
    t.substantial = true;
    return t;
  }

  // Customers with a consent, a ticket and a refund case each: what an
  // erasure has to destroy, retain and leave for the purge to sweep.
  std::vector<Person> AddPeopleToErase(int n) {
    std::vector<Person> people = AddPeople(n, /*refund_every=*/1, /*first=*/900);
    for (const Person& p : people) {
      EXPECT_TRUE(vault_->consents().Grant(AccountService(), p.id, MarketingGrant()));
      EXPECT_TRUE(vault_->support().OpenTicket(Agent(), TicketFor(p.id)));
    }
    return people;
  }

  // One account writer: creates customers, finds and updates them, and
  // gives some consents (withdrawing some) and tickets (resolving some).
  void WriteCustomers(int writer, std::vector<WrittenCustomer>& written) {
    for (int i = 0; i < kMaxWrites && (i < kMinWrites || !maintenance_done_.load());
         ++i) {
      WrittenCustomer w;
      w.person.data = PersonNumber(5000 + 1000 * writer + i);
      w.first_email = w.person.data.email;
      auto id = vault_->customers().Create(AccountService(), w.person.data);
      ++calls_;
      if (!id) {
        failures_.Add("create: " + id.error().ToString());
        continue;
      }
      w.person.id = *id;
      auto found = vault_->customers().FindByEmail(AccountService(), w.first_email);
      if (!found || *found != *id) failures_.Add("a new customer was not found by email");

      CustomerUpdate u;
      u.email = "moved." + w.first_email;
      u.country = "DE";
      Status updated = vault_->customers().Update(AccountService(), *id, u);
      if (updated.ok()) {
        w.person.data.email = *u.email;
        w.person.data.country = *u.country;
      } else {
        failures_.Add("update: " + updated.ToString());
      }

      if (i % 3 == 0) {
        auto given = vault_->consents().Grant(AccountService(), *id, MarketingGrant());
        if (given) {
          w.marketing = ConsentStatus::kActive;
        } else {
          failures_.Add("grant: " + given.error().ToString());
        }
        if (given && i % 6 == 0) {
          auto withdrawn =
              vault_->consents().Withdraw(AccountService(), *id, "marketing");
          if (withdrawn) {
            w.marketing = ConsentStatus::kWithdrawn;
          } else {
            failures_.Add("withdraw: " + withdrawn.error().ToString());
          }
        }
      }

      if (i % 4 == 0) {
        auto ticket = vault_->support().OpenTicket(Agent(), TicketFor(*id));
        if (ticket) {
          w.ticket_id = *ticket;
          Status attempt = vault_->support().RecordAttempt(
              Agent(), *ticket, FixOutcome::kNotFixed, "cleared caches");
          if (!attempt.ok()) failures_.Add("attempt: " + attempt.ToString());
          if (i % 8 == 0) {
            Status resolved =
                vault_->support().Resolve(Agent(), *ticket, TicketState::kFixed);
            if (resolved.ok()) {
              w.ticket_state = TicketState::kFixed;
            } else {
              failures_.Add("resolve: " + resolved.ToString());
            }
          }
        } else {
          failures_.Add("open ticket: " + ticket.error().ToString());
        }
      }
      written.push_back(std::move(w));
      ++calls_;
    }
  }

  // Reads and finds customers nobody changes, and watches the customers
  // being erased: readable until their erasure, NotFound from then on.
  void ReadWhileOthersWrite(const std::vector<Person>& people,
                            const std::vector<Person>& doomed) {
    std::vector<bool> seen_erased(doomed.size(), false);
    for (int i = 0; i < kMaxReads && (i < kMinReads || !maintenance_done_.load()); ++i) {
      const std::size_t n = static_cast<std::size_t>(i) % people.size();
      const Person& p = people[n];
      auto record = vault_->customers().Get(AccountService(), p.id);
      if (!record) {
        failures_.Add("get: " + record.error().ToString());
      } else if (record->fields[CustomerField::kFullName] != p.data.full_name) {
        failures_.Add("get of customer " + std::to_string(n) + " returned another name");
      }
      auto by_email = vault_->customers().FindByEmail(AccountService(), p.data.email);
      if (!by_email || *by_email != p.id) {
        failures_.Add("customer " + std::to_string(n) + " was not found by email");
      }
      auto by_phone = vault_->customers().FindByPhone(Dpo(), *p.data.phone);
      if (!by_phone || *by_phone != std::vector<CustomerId>{p.id}) {
        failures_.Add("customer " + std::to_string(n) + " was not found by phone");
      }
      for (std::size_t d = 0; d < doomed.size(); ++d) {
        auto gone = vault_->customers().Get(AccountService(), doomed[d].id);
        if (gone) {
          if (seen_erased[d]) failures_.Add("an erased customer came back");
        } else if (gone.error().code() == StatusCode::kNotFound) {
          seen_erased[d] = true;
        } else {
          failures_.Add("get of a customer being erased: " + gone.error().ToString());
        }
      }
      if (i % 10 == 0 && !vault_->audit().Tail(Auditor(), 5)) {
        failures_.Add("audit tail failed");
      }
      ++calls_;
    }
  }

  // One of two refund workers: every move of every case starts in both at
  // once, so the two identical calls race. Returns each call's status code.
  std::vector<StatusCode> RaceRefundMoves(const std::vector<std::string>& cases,
                                          std::barrier<>& together) {
    std::vector<StatusCode> codes;
    for (const std::string& case_id : cases) {
      for (RefundStatus to : kRacedMoves) {
        together.arrive_and_wait();
        codes.push_back(vault_->refunds().Transition(RefundSvc(), case_id, to).code());
      }
    }
    return codes;
  }

  // The DPO: once the KEK rotation has begun, erases each customer and runs
  // the purge after each erasure.
  std::vector<PurgeResult> EraseAndPurge(const std::vector<Person>& doomed) {
    std::vector<PurgeResult> purges;
    if (!WaitFor([&] { return kek_rotation_started_.load(); })) {
      failures_.Add("the KEK rotation never started");
    }
    for (const Person& p : doomed) {
      auto erased = vault_->rights().Erase(Dpo(), p.id);
      if (!erased) failures_.Add("erase: " + erased.error().ToString());
      ++erasures_;
      auto purged = vault_->rights().Purge(Dpo());
      if (purged) {
        purges.push_back(*purged);
      } else {
        failures_.Add("purge: " + purged.error().ToString());
      }
    }
    return purges;
  }

  // What must hold once every thread is done, and again after a reopen.
  void ExpectEverythingKept(const std::vector<Person>& people,
                            const std::vector<WrittenCustomer>& written,
                            const std::vector<Person>& erased) {
    std::set<CustomerId> expected_ids;
    for (std::size_t n = 0; n < people.size(); ++n) {
      SCOPED_TRACE("untouched customer " + std::to_string(n));
      const Person& p = people[n];
      expected_ids.insert(p.id);
      auto record = vault_->customers().Get(AccountService(), p.id);
      ASSERT_TRUE(record.has_value()) << record.error().ToString();
      EXPECT_TRUE(record->fields[CustomerField::kFullName] == p.data.full_name);
      EXPECT_TRUE(record->fields[CustomerField::kEmail] == p.data.email);
      EXPECT_TRUE(record->fields[CustomerField::kPostalAddress] ==
                  *p.data.postal_address);
      auto by_email = vault_->customers().FindByEmail(AccountService(), p.data.email);
      EXPECT_TRUE(by_email && *by_email == p.id);
      auto by_phone = vault_->customers().FindByPhone(Dpo(), *p.data.phone);
      EXPECT_TRUE(by_phone && *by_phone == std::vector<CustomerId>{p.id});
      if (p.refund_case.empty()) continue;
      // Every case was raced to under_review, then to withdrawn: one move each.
      auto refund = vault_->refunds().Get(RefundSvc(), p.refund_case);
      ASSERT_TRUE(refund.has_value()) << refund.error().ToString();
      EXPECT_EQ(refund->status, RefundStatus::kWithdrawn);
      EXPECT_EQ(refund->history.size(), std::size(kRacedMoves));
      EXPECT_TRUE(refund->customer == p.id);
    }

    for (std::size_t n = 0; n < written.size(); ++n) {
      SCOPED_TRACE("written customer " + std::to_string(n));
      const WrittenCustomer& w = written[n];
      expected_ids.insert(w.person.id);
      auto record = vault_->customers().Get(AccountService(), w.person.id);
      ASSERT_TRUE(record.has_value()) << record.error().ToString();
      EXPECT_TRUE(record->fields[CustomerField::kFullName] == w.person.data.full_name);
      EXPECT_TRUE(record->fields[CustomerField::kEmail] == w.person.data.email);
      EXPECT_TRUE(record->fields[CustomerField::kCountry] == *w.person.data.country);
      auto by_email =
          vault_->customers().FindByEmail(AccountService(), w.person.data.email);
      EXPECT_TRUE(by_email && *by_email == w.person.id);
      if (w.person.data.email != w.first_email) {
        EXPECT_EQ(StatusCodeName(FindByEmailCode(w.first_email)), "not_found");
      }
      auto states = vault_->consents().Status(Auditor(), w.person.id);
      ASSERT_TRUE(states.has_value()) << states.error().ToString();
      std::optional<ConsentStatus> marketing;
      for (const ConsentState& s : *states) {
        if (s.purpose == "marketing") marketing = s.status;
      }
      ASSERT_TRUE(marketing.has_value());
      EXPECT_EQ(ConsentStatusName(*marketing), ConsentStatusName(w.marketing));
      if (w.ticket_id.empty()) continue;
      auto ticket = vault_->support().GetTicket(Agent(), w.ticket_id);
      ASSERT_TRUE(ticket.has_value()) << ticket.error().ToString();
      EXPECT_EQ(ticket->attempts.size(), 1u);
      EXPECT_EQ(TicketStateName(ticket->state), TicketStateName(w.ticket_state));
    }

    for (std::size_t n = 0; n < erased.size(); ++n) {
      SCOPED_TRACE("erased customer " + std::to_string(n));
      const Person& p = erased[n];
      auto record = vault_->customers().Get(AccountService(), p.id);
      ASSERT_FALSE(record.has_value());
      EXPECT_EQ(StatusCodeName(record.error().code()), "not_found");
      EXPECT_EQ(StatusCodeName(FindByEmailCode(p.data.email)), "not_found");
      auto history = vault_->consents().History(Dpo(), p.id);
      ASSERT_FALSE(history.has_value());
      EXPECT_EQ(StatusCodeName(history.error().code()), "not_found");
      // The refund record is kept, minimised, under its retention hold.
      auto kept = vault_->refunds().Get(Legal(), p.refund_case);
      ASSERT_TRUE(kept.has_value()) << kept.error().ToString();
      EXPECT_FALSE(kept->retention_hold.empty());
      EXPECT_TRUE(kept->customer.str().empty());
    }

    // Nobody else is in the vault, and every customer decrypts.
    auto ids = vault_->customers().ListIds(AccountService(), std::nullopt, 10000);
    ASSERT_TRUE(ids.has_value()) << ids.error().ToString();
    EXPECT_TRUE(std::set<CustomerId>(ids->begin(), ids->end()) == expected_ids);
    EXPECT_EQ(ids->size(), expected_ids.size());
    std::size_t unreadable = 0;
    for (const CustomerId& id : *ids) {
      if (!vault_->customers().Get(AccountService(), id)) ++unreadable;
    }
    EXPECT_EQ(unreadable, 0u);

    auto report = vault_->audit().Verify(Auditor());
    ASSERT_TRUE(report.has_value()) << report.error().ToString();
    EXPECT_TRUE(report->ok) << report->problem;
  }

  std::atomic<bool> maintenance_done_{false};
  std::atomic<bool> kek_rotation_started_{false};
  std::atomic<int> erasures_{0};
  std::atomic<int> calls_{0};  // calls by the writers and the reader
  FailureLog failures_;
};

TEST_F(SharedVaultTest, EveryAcknowledgedWriteSurvivesMixedCallsKeyJobsAndErasures) {
  // Every sixth customer has a refund case the refund workers race on.
  std::vector<Person> people = AddPeople(30, /*refund_every=*/6);
  ASSERT_EQ(people.size(), 30u);
  std::vector<std::string> raced_cases;
  for (const Person& p : people) {
    if (!p.refund_case.empty()) raced_cases.push_back(p.refund_case);
  }
  ASSERT_EQ(raced_cases.size(), 5u);
  std::vector<Person> doomed = AddPeopleToErase(2);
  ASSERT_EQ(doomed.size(), 2u);

  std::vector<WrittenCustomer> written_by[2];
  std::vector<StatusCode> race_codes[2];
  std::vector<PurgeResult> purges;
  std::barrier<> together(2);
  std::vector<std::thread> threads;
  for (int w = 0; w < 2; ++w) {
    threads.emplace_back([&, w] { WriteCustomers(w, written_by[w]); });
  }
  threads.emplace_back([&] { ReadWhileOthersWrite(people, doomed); });
  for (int r = 0; r < 2; ++r) {
    threads.emplace_back(
        [&, r] { race_codes[r] = RaceRefundMoves(raced_cases, together); });
  }
  std::thread dpo([&] { purges = EraseAndPurge(doomed); });

  // The operator, on this thread: a KEK rotation that waits after its first
  // batch until a customer has been erased (so an erasure provably lands in
  // the middle of it), then a blind-index rotation. Between batches both
  // wait for a writer's or the reader's next call.
  int batches_without_caller = 0;
  ProgressFn wait_for_caller =
      WaitForWriterBetweenBatches(calls_, batches_without_caller);
  bool erased_during_rotation = false;
  auto kek = vault_->operations().RotateKek(
      Operator(),
      [&](const JobProgress& p) {
        kek_rotation_started_ = true;
        if (p.done > 0 && !erased_during_rotation) {
          erased_during_rotation = WaitFor([&] { return erasures_.load() > 0; });
        }
        wait_for_caller(p);
      },
      /*batch=*/5);
  auto index = vault_->operations().RotateBlindIndex(Operator(), wait_for_caller, 5);
  kek_rotation_started_ = true;  // lets the DPO go on even if the rotation failed early
  dpo.join();
  maintenance_done_ = true;
  for (std::thread& t : threads) t.join();

  const std::vector<std::string> failures = failures_.Messages();
  EXPECT_TRUE(failures.empty())
      << failures.size() << " failures, first: " << failures.front();
  ASSERT_TRUE(kek.has_value()) << kek.error().ToString();
  ASSERT_TRUE(index.has_value()) << index.error().ToString();
  EXPECT_TRUE(erased_during_rotation);
  EXPECT_EQ(batches_without_caller, 0);
  EXPECT_EQ(kek->primary_version, 2u);
  EXPECT_EQ(kek->retired, std::vector<std::uint32_t>{1});
  EXPECT_EQ(index->index_version, 2u);
  EXPECT_EQ(index->retired, std::vector<std::uint32_t>{1});
  EXPECT_EQ(OpenKeyring().kek_versions(), std::vector<std::uint32_t>{2});
  EXPECT_EQ(OpenKeyring().blind_index_versions(), std::vector<std::uint32_t>{2});

  // Each purge swept what the erasure just before it left, and only that.
  ASSERT_EQ(purges.size(), doomed.size());
  for (const PurgeResult& purge : purges) {
    EXPECT_EQ(purge.erasures_swept, 1u);
    EXPECT_GT(purge.rows_swept, 0u);
    EXPECT_EQ(purge.holds_expired, 0u);
  }

  // Of every pair of identical moves, exactly one went through; the other
  // found the case already moved.
  ASSERT_EQ(race_codes[0].size(), raced_cases.size() * std::size(kRacedMoves));
  ASSERT_EQ(race_codes[1].size(), race_codes[0].size());
  for (std::size_t m = 0; m < race_codes[0].size(); ++m) {
    SCOPED_TRACE("raced move " + std::to_string(m));
    const StatusCode a = race_codes[0][m];
    const StatusCode b = race_codes[1][m];
    EXPECT_TRUE((a == StatusCode::kOk) != (b == StatusCode::kOk))
        << StatusCodeName(a) << " and " << StatusCodeName(b);
    EXPECT_EQ(StatusCodeName(a == StatusCode::kOk ? b : a),
              StatusCodeName(StatusCode::kFailedPrecondition));
  }

  std::vector<WrittenCustomer> written = written_by[0];
  written.insert(written.end(), written_by[1].begin(), written_by[1].end());
  EXPECT_GE(written.size(), 2u * kMinWrites);
  ExpectEverythingKept(people, written, doomed);
  Reopen();
  ExpectEverythingKept(people, written, doomed);

  std::vector<Person> everyone = people;
  everyone.insert(everyone.end(), doomed.begin(), doomed.end());
  for (const WrittenCustomer& w : written) everyone.push_back(w.person);
  ExpectNoPersonalDataLogged(everyone);
}

}  // namespace
}  // namespace cvault
