// The operator's key duties through the public API (Vault::operations()):
// KEK rotation, keyring resealing, database rekeying and blind-index
// rotation: what they leave in the keyring and the databases, that they
// resume after an interruption, that the vault keeps serving meanwhile, that
// they are audited and refused to everyone but the operator.
#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <chrono>
#include <fstream>
#include <map>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <thread>
#include <type_traits>
#include <utility>

#include "crypto/bytes.h"
#include "keys/keyring.h"
#include "keys/root_key.h"
#include "store/sqlcipher/sqlcipher_store.h"
#include "tests/testing/raw_sqlcipher.h"
#include "tests/testing/vault_fixture.h"

namespace cvault {
namespace {

using namespace std::chrono_literals;
using testing::AccountService;
using testing::As;
using testing::Auditor;
using testing::Dpo;
using testing::SupportAgent;

AccessContext Operator() { return As("operator", "operations", "ops-1"); }
AccessContext RefundSvc() {
  return As("refund-service", "refund_processing", "refund-svc");
}

// Thrown from a progress callback to stop a job between batches, as a kill
// would.
struct Interrupted : std::runtime_error {
  Interrupted() : std::runtime_error("interrupted by the test") {}
};

// A progress callback that stops the job once the first batch is done.
ProgressFn InterruptAfterFirstBatch() {
  return [](const JobProgress& p) {
    if (p.done > 0) throw Interrupted();
  };
}

std::string Padded(int n) { return std::to_string(10000 + n).substr(1); }

NewCustomer PersonNumber(int n) {
  NewCustomer c;
  c.full_name = "Testperson Number " + std::to_string(n);
  c.email = "person" + std::to_string(n) + "@example.com";
  c.phone = "+44 20 7946 " + Padded(n);
  c.country = "GB";
  c.postal_address = std::to_string(n) + " Test Street\nLondon";
  return c;
}

struct Person {
  CustomerId id;
  NewCustomer data;
  std::string refund_case;  // empty when the person has no refund case
  std::string order_ref;    // of the refund case
};

// Re-encrypts a database file under `new_key` behind the vault's back, with
// SQL as an operator with the keys could: what a crash right after the vault
// rekeyed this one file leaves. Returns the SQLite result code.
int RawRekey(const std::filesystem::path& file, const SecretBytes& old_key,
             const SecretBytes& new_key) {
  sqlite3* db = nullptr;
  int rc = sqlite3_open_v2(file.c_str(), &db, SQLITE_OPEN_READWRITE, nullptr);
  if (rc == SQLITE_OK) {
    std::string raw = "x'" + crypto::ToHex(old_key.Reveal()) + "'";
    rc = sqlite3_key(db, raw.data(), static_cast<int>(raw.size()));
  }
  if (rc == SQLITE_OK) {
    rc = sqlite3_exec(
        db, "PRAGMA cipher_page_size = 4096; SELECT count(*) FROM sqlite_master;",
        nullptr, nullptr, nullptr);
  }
  if (rc == SQLITE_OK) {
    std::string sql = "PRAGMA rekey = \"x'" + crypto::ToHex(new_key.Reveal()) + "'\";";
    rc = sqlite3_exec(db, sql.c_str(), nullptr, nullptr, nullptr);
  }
  sqlite3_close_v2(db);
  return rc;
}

constexpr char kCountCustomers[] = "SELECT count(*) FROM customers;";
constexpr char kCountDataKeys[] = "SELECT count(*) FROM data_keys;";

class KeyOpsTest : public testing::VaultTest {
 protected:
  // `n` customers numbered from `first`; every `refund_every`-th one (none
  // when 0) also gets a refund case, so a financial-class data key.
  std::vector<Person> AddPeople(int n, int refund_every = 0, int first = 0) {
    std::vector<Person> people;
    for (int i = first; i < first + n; ++i) {
      Person p{CustomerId(), PersonNumber(i), "", ""};
      auto id = vault_->customers().Create(AccountService(), p.data);
      EXPECT_TRUE(id.has_value()) << id.error().ToString();
      if (!id) continue;
      p.id = *id;
      if (refund_every > 0 && (i - first) % refund_every == 0) {
        NewRefundCase r;
        r.customer = p.id;
        r.order_ref = "ORD-2026-" + Padded(i);
        r.product = {ProductKind::kPlugin, "seo-booster-2"};
        r.reason = RefundReason::kFunctionalDefect;
        auto refund = vault_->refunds().Open(RefundSvc(), r);
        EXPECT_TRUE(refund.has_value()) << refund.error().ToString();
        p.refund_case = refund.value_or("");
        p.order_ref = r.order_ref;
      }
      people.push_back(std::move(p));
    }
    return people;
  }

  static std::size_t RefundCount(const std::vector<Person>& people) {
    std::size_t n = 0;
    for (const Person& p : people) n += p.refund_case.empty() ? 0 : 1;
    return n;
  }

  // What the account service reads of each person, checked against what was
  // stored, so that a later comparison compares real values.
  std::map<CustomerId, std::map<CustomerField, std::string>> ReadAll(
      const std::vector<Person>& people) {
    std::map<CustomerId, std::map<CustomerField, std::string>> out;
    for (const Person& p : people) {
      auto record = vault_->customers().Get(AccountService(), p.id);
      EXPECT_TRUE(record.has_value()) << record.error().ToString();
      if (!record) continue;
      EXPECT_EQ(record->fields[CustomerField::kFullName], p.data.full_name);
      EXPECT_EQ(record->fields[CustomerField::kEmail], p.data.email);
      EXPECT_EQ(record->fields[CustomerField::kPostalAddress], *p.data.postal_address);
      out[p.id] = record->fields;
      if (!p.refund_case.empty()) {
        auto refund = vault_->refunds().Get(RefundSvc(), p.refund_case);
        EXPECT_TRUE(refund.has_value()) << refund.error().ToString();
        if (refund) {
          EXPECT_EQ(refund->customer, p.id);
          EXPECT_EQ(refund->order_ref, p.order_ref);
        }
      }
    }
    return out;
  }

  void ExpectLookupsWork(const std::vector<Person>& people) {
    for (const Person& p : people) {
      auto by_email = vault_->customers().FindByEmail(Dpo(), p.data.email);
      ASSERT_TRUE(by_email.has_value()) << by_email.error().ToString();
      EXPECT_EQ(*by_email, p.id);
      if (!p.data.phone) continue;
      auto by_phone = vault_->customers().FindByPhone(Dpo(), *p.data.phone);
      ASSERT_TRUE(by_phone.has_value()) << by_phone.error().ToString();
      EXPECT_EQ(*by_phone, std::vector<CustomerId>{p.id});
    }
  }

  StatusCode FindByEmailCode(std::string_view email) {
    auto found = vault_->customers().FindByEmail(Dpo(), email);
    return found ? StatusCode::kOk : found.error().code();
  }

  keys::Keyring OpenKeyring(const RootKeySource& root) {
    auto keyring = keys::Keyring::Open(dir_ / "keys", root);
    // Every caller needs the keyring: end the test (gtest reports the throw).
    if (!keyring) throw std::runtime_error("keyring: " + keyring.error().ToString());
    return std::move(*keyring);
  }
  keys::Keyring OpenKeyring() { return OpenKeyring(KeyFile{key_file_}); }

  // How opening the keyring with `root` fails (kOk when it opens).
  StatusCode KeyringOpenCode(const RootKeySource& root) {
    auto keyring = keys::Keyring::Open(dir_ / "keys", root);
    return keyring ? StatusCode::kOk : keyring.error().code();
  }

  // How many data keys each KEK wraps, read from the keystore file with the
  // vault closed (it stays closed: call Reopen() after).
  std::map<std::uint32_t, std::uint64_t> DataKeysByKek() {
    vault_.reset();
    keys::Keyring keyring = OpenKeyring();
    auto key_store = store::OpenSqlcipherKeyStore(dir_ / "vault" / "keystore.db",
                                                  keyring.keystore_db_key(), false);
    EXPECT_TRUE(key_store.has_value()) << key_store.error().ToString();
    if (!key_store) return {};
    auto tx = (*key_store)->Begin(false);
    EXPECT_TRUE(tx.has_value());
    if (!tx) return {};
    auto counts = (*tx)->CountDataKeysByKek();
    EXPECT_TRUE(counts.has_value());
    return counts.value_or(std::map<std::uint32_t, std::uint64_t>{});
  }

  // The encrypted fields of one customer row, read with the vault closed.
  std::array<std::optional<store::Bytes>, store::kCustomerFieldCount> RawFields(
      const CustomerId& id) {
    vault_.reset();
    keys::Keyring keyring = OpenKeyring();
    auto vault_store = store::OpenSqlcipherVaultStore(dir_ / "vault" / "vault.db",
                                                      keyring.vault_db_key(), false);
    EXPECT_TRUE(vault_store.has_value());
    if (!vault_store) return {};
    auto tx = (*vault_store)->Begin(false);
    EXPECT_TRUE(tx.has_value());
    if (!tx) return {};
    auto row = (*tx)->GetCustomer(id.str());
    EXPECT_TRUE(row.has_value() && row->has_value());
    if (!row || !*row) return {};
    return (*row)->fields;
  }

  // (action, reason) of the audit entries of the four key actions, oldest
  // first, with the given decision.
  std::vector<std::pair<std::string, std::string>> KeyAuditTrail(
      std::string_view decision = "allow") {
    auto tail = vault_->audit().Tail(Auditor(), 100000);
    EXPECT_TRUE(tail.has_value()) << tail.error().ToString();
    std::vector<std::pair<std::string, std::string>> out;
    if (!tail) return out;
    for (const AuditEntry& e : *tail) {
      if (e.action != "keys.rotate_kek" && e.action != "keys.reseal" &&
          e.action != "keys.rekey_db" && e.action != "keys.rotate_index") {
        continue;
      }
      if (e.decision != decision) continue;
      out.emplace_back(e.action, e.reason_code);
    }
    return out;
  }

  // No customer's name, email, phone or address anywhere in the log.
  void ExpectNoPersonalDataLogged(const std::vector<Person>& people) {
    const std::string log = sink_->Text();
    for (const Person& p : people) {
      EXPECT_EQ(log.find(p.data.full_name), std::string::npos) << "a name was logged";
      EXPECT_EQ(log.find(p.data.email), std::string::npos) << "an email was logged";
      if (p.data.phone) {
        std::string e164 = *p.data.phone;
        std::erase(e164, ' ');
        EXPECT_EQ(log.find(*p.data.phone), std::string::npos) << "a phone was logged";
        EXPECT_EQ(log.find(e164), std::string::npos) << "a phone was logged";
      }
      EXPECT_EQ(log.find(*p.data.postal_address), std::string::npos);
      EXPECT_EQ(log.find(p.id.str()), std::string::npos) << "a customer id was logged";
    }
  }

  Options OptionsWithRoot(RootKeySource root) {
    Options o = MakeOptions();
    o.root_key = std::move(root);
    o.passphrase_cost = PassphraseCost::kTestingOnly;
    return o;
  }
};

// --- KEK rotation ------------------------------------------------------------

TEST_F(KeyOpsTest, RotateKekRewrapsEveryDataKeyAndRetiresTheOldKek) {
  std::vector<Person> people = AddPeople(40, /*refund_every=*/4);
  const std::size_t refunds = RefundCount(people);
  ASSERT_EQ(refunds, 10u);
  const std::uint64_t data_keys = people.size() + refunds;
  auto before = ReadAll(people);
  auto raw_before = RawFields(people[3].id);
  EXPECT_EQ(DataKeysByKek(), (std::map<std::uint32_t, std::uint64_t>{{1, data_keys}}));
  Reopen();

  std::vector<JobProgress> calls;
  auto result = vault_->operations().RotateKek(
      Operator(), [&](const JobProgress& p) { calls.push_back(p); }, /*batch=*/7);
  ASSERT_TRUE(result.has_value()) << result.error().ToString();
  EXPECT_EQ(result->primary_version, 2u);
  EXPECT_FALSE(result->resumed);
  EXPECT_EQ(result->rewrapped, data_keys);
  EXPECT_EQ(result->retired, std::vector<std::uint32_t>{1});

  // (0, total), then one call per batch of 7, the last at (total, total).
  ASSERT_EQ(calls.size(), 1 + (data_keys + 6) / 7);
  EXPECT_EQ(calls.front().done, 0u);
  for (std::size_t i = 0; i < calls.size(); ++i) {
    EXPECT_EQ(calls[i].stage, "rewrap");
    EXPECT_EQ(calls[i].total, data_keys);
    if (i > 0) {
      EXPECT_GT(calls[i].done, calls[i - 1].done);
    }
  }
  EXPECT_EQ(calls.back().done, data_keys);

  EXPECT_EQ(ReadAll(people), before);
  EXPECT_EQ(OpenKeyring().kek_versions(), std::vector<std::uint32_t>{2});
  Reopen();
  EXPECT_EQ(ReadAll(people), before);

  EXPECT_EQ(DataKeysByKek(), (std::map<std::uint32_t, std::uint64_t>{{2, data_keys}}));
  // Only the data keys were rewrapped: the field ciphertext is as it was.
  EXPECT_EQ(RawFields(people[3].id), raw_before);
  Reopen();
  ExpectNoPersonalDataLogged(people);
  EXPECT_NE(sink_->Text().find("KEK rotation"), std::string::npos);
}

TEST_F(KeyOpsTest, SecondRotateKekRetiresTheFirstRotationsKek) {
  std::vector<Person> people = AddPeople(9, /*refund_every=*/3);
  auto before = ReadAll(people);
  auto first = vault_->operations().RotateKek(Operator(), {}, 4);
  ASSERT_TRUE(first.has_value()) << first.error().ToString();
  EXPECT_EQ(first->primary_version, 2u);
  std::vector<Person> more = AddPeople(3, 0, /*first=*/100);  // wrapped under KEK 2

  auto second = vault_->operations().RotateKek(Operator(), {}, 4);
  ASSERT_TRUE(second.has_value()) << second.error().ToString();
  EXPECT_EQ(second->primary_version, 3u);
  EXPECT_FALSE(second->resumed);
  EXPECT_EQ(second->rewrapped, 9u + 3u + 3u);
  EXPECT_EQ(second->retired, std::vector<std::uint32_t>{2});
  EXPECT_EQ(OpenKeyring().kek_versions(), std::vector<std::uint32_t>{3});
  EXPECT_EQ(DataKeysByKek(), (std::map<std::uint32_t, std::uint64_t>{{3, 15}}));
  Reopen();
  EXPECT_EQ(ReadAll(people), before);
  ReadAll(more);
}

// After an erasure the kept refund record is sealed under the retention
// hold's own data key: rotation rewraps it like a customer's.
TEST_F(KeyOpsTest, RotateKekRewrapsRetentionHoldKeys) {
  std::vector<Person> people = AddPeople(3, /*refund_every=*/1);
  auto erased = vault_->rights().Erase(Dpo(), people[0].id);
  ASSERT_TRUE(erased.has_value()) << erased.error().ToString();
  // Two customers with two keys each, and the hold's key.
  EXPECT_EQ(DataKeysByKek(), (std::map<std::uint32_t, std::uint64_t>{{1, 5}}));
  Reopen();

  auto result = vault_->operations().RotateKek(Operator(), {}, 2);
  ASSERT_TRUE(result.has_value()) << result.error().ToString();
  EXPECT_EQ(result->rewrapped, 5u);
  EXPECT_EQ(result->retired, std::vector<std::uint32_t>{1});
  EXPECT_EQ(DataKeysByKek(), (std::map<std::uint32_t, std::uint64_t>{{2, 5}}));
  Reopen();
  auto kept = vault_->refunds().Get(As("dpo", "legal_compliance"), people[0].refund_case);
  ASSERT_TRUE(kept.has_value()) << kept.error().ToString();
  EXPECT_EQ(kept->order_ref, people[0].order_ref);
  EXPECT_FALSE(kept->retention_hold.empty());
  people.erase(people.begin());
  ReadAll(people);
}

TEST_F(KeyOpsTest, RotateKekResumesAfterTheProgressCallbackThrows) {
  std::vector<Person> people = AddPeople(20, /*refund_every=*/5);
  const std::uint64_t data_keys = people.size() + RefundCount(people);
  auto before = ReadAll(people);

  EXPECT_THROW(
      (void)vault_->operations().RotateKek(Operator(), InterruptAfterFirstBatch(), 7),
      Interrupted);
  // Half-way: both KEKs in the keyring, and the vault serves as usual.
  EXPECT_EQ(OpenKeyring().kek_versions(), (std::vector<std::uint32_t>{1, 2}));
  EXPECT_EQ(ReadAll(people), before);
  std::vector<Person> late = AddPeople(2, 0, /*first=*/500);
  ASSERT_EQ(late.size(), 2u);

  auto result = vault_->operations().RotateKek(Operator(), {}, 7);
  ASSERT_TRUE(result.has_value()) << result.error().ToString();
  EXPECT_TRUE(result->resumed);
  EXPECT_EQ(result->primary_version, 2u);
  EXPECT_EQ(result->rewrapped, data_keys - 7);
  EXPECT_EQ(result->retired, std::vector<std::uint32_t>{1});
  EXPECT_EQ(ReadAll(people), before);
  EXPECT_EQ(OpenKeyring().kek_versions(), std::vector<std::uint32_t>{2});
  EXPECT_EQ(DataKeysByKek(),
            (std::map<std::uint32_t, std::uint64_t>{{2, data_keys + 2}}));
  Reopen();
  EXPECT_EQ(ReadAll(people), before);
  ReadAll(late);
}

TEST_F(KeyOpsTest, RotateKekResumesAfterARestartMidRotation) {
  std::vector<Person> people = AddPeople(20, /*refund_every=*/5);
  const std::uint64_t data_keys = people.size() + RefundCount(people);
  auto before = ReadAll(people);
  EXPECT_THROW(
      (void)vault_->operations().RotateKek(Operator(), InterruptAfterFirstBatch(), 7),
      Interrupted);
  // The process dies here; what is on disk is half of each.
  EXPECT_EQ(DataKeysByKek(),
            (std::map<std::uint32_t, std::uint64_t>{{1, data_keys - 7}, {2, 7}}));
  EXPECT_EQ(OpenKeyring().kek_versions(), (std::vector<std::uint32_t>{1, 2}));
  Reopen();
  EXPECT_EQ(ReadAll(people), before);

  std::vector<JobProgress> calls;
  auto result = vault_->operations().RotateKek(
      Operator(), [&](const JobProgress& p) { calls.push_back(p); }, 7);
  ASSERT_TRUE(result.has_value()) << result.error().ToString();
  EXPECT_TRUE(result->resumed);
  EXPECT_EQ(result->primary_version, 2u);
  EXPECT_EQ(result->rewrapped, data_keys - 7);
  EXPECT_EQ(result->retired, std::vector<std::uint32_t>{1});
  ASSERT_FALSE(calls.empty());
  EXPECT_EQ(calls.back().done, calls.back().total);
  EXPECT_EQ(calls.back().total, data_keys - 7);
  EXPECT_EQ(DataKeysByKek(), (std::map<std::uint32_t, std::uint64_t>{{2, data_keys}}));
  EXPECT_EQ(OpenKeyring().kek_versions(), std::vector<std::uint32_t>{2});
  Reopen();
  EXPECT_EQ(ReadAll(people), before);
  EXPECT_EQ(KeyAuditTrail(), (std::vector<std::pair<std::string, std::string>>{
                                 {"keys.rotate_kek", "started"},
                                 {"keys.rotate_kek", "resumed"},
                                 {"keys.rotate_kek", "completed"}}));
}

TEST_F(KeyOpsTest, ReadsAndWritesKeepWorkingDuringRotateKek) {
  std::vector<Person> people = AddPeople(200);
  ASSERT_EQ(people.size(), 200u);
  std::atomic<bool> rotation_done{false};
  std::atomic<int> calls{0};
  std::mutex mu;
  std::vector<std::string> failures;  // guarded by mu
  std::vector<Person> written;        // guarded by mu
  std::thread writer([&] {
    for (int i = 0; !rotation_done.load(); ++i) {
      Person p{CustomerId(), PersonNumber(1000 + i), "", ""};
      auto id = vault_->customers().Create(AccountService(), p.data);
      const Person& old = people[static_cast<std::size_t>(i) % people.size()];
      auto record = vault_->customers().Get(AccountService(), old.id);
      std::lock_guard lock(mu);
      if (id) {
        p.id = *id;
        written.push_back(std::move(p));
      } else {
        failures.push_back("create: " + id.error().ToString());
      }
      if (!record) {
        failures.push_back("get: " + record.error().ToString());
      } else if (record->fields[CustomerField::kFullName] != old.data.full_name) {
        failures.push_back("get returned another name");
      }
      ++calls;
    }
  });
  // Between batches, wait until the writer got a call through, so the calls
  // provably interleave with the rotation.
  int batches_without_writer = 0;
  auto wait_for_writer = [&](const JobProgress&) {
    const int seen = calls.load();
    const auto deadline = std::chrono::steady_clock::now() + 10s;
    while (calls.load() == seen && std::chrono::steady_clock::now() < deadline) {
      std::this_thread::sleep_for(1ms);
    }
    if (calls.load() == seen) ++batches_without_writer;
  };
  auto result = vault_->operations().RotateKek(Operator(), wait_for_writer, /*batch=*/5);
  rotation_done = true;
  writer.join();

  ASSERT_TRUE(result.has_value()) << result.error().ToString();
  EXPECT_EQ(batches_without_writer, 0);
  EXPECT_TRUE(failures.empty())
      << failures.size() << " failures, first: " << failures.front();
  EXPECT_GE(calls.load(), 200 / 5);
  EXPECT_GE(result->rewrapped, 200u);  // plus what the writer made before the new KEK
  EXPECT_EQ(result->retired, std::vector<std::uint32_t>{1});
  const std::uint64_t all_keys = people.size() + written.size();
  EXPECT_EQ(DataKeysByKek(), (std::map<std::uint32_t, std::uint64_t>{{2, all_keys}}));
  Reopen();
  ReadAll(people);
  ReadAll(written);
  ExpectNoPersonalDataLogged(people);
}

// Makes every keyring save fail while it lives: keyring.cvk is moved aside
// and a non-empty folder takes its name, so the atomic rename onto it fails.
class KeyringSavesFail {
 public:
  explicit KeyringSavesFail(const std::filesystem::path& keys_dir)
      : file_(keys_dir / keys::kKeyringFileName), aside_(file_.string() + ".aside") {
    std::filesystem::rename(file_, aside_);
    std::filesystem::create_directory(file_);
    std::ofstream(file_ / "occupied") << "in the way\n";
  }
  ~KeyringSavesFail() {
    std::filesystem::remove_all(file_);
    std::filesystem::rename(aside_, file_);
  }
  KeyringSavesFail(const KeyringSavesFail&) = delete;
  KeyringSavesFail& operator=(const KeyringSavesFail&) = delete;

 private:
  std::filesystem::path file_;
  std::filesystem::path aside_;
};

// A rotation that cannot save its new KEK must leave the vault on the KEK
// the keyring file holds: a data key wrapped under a KEK that never reached
// the disk is lost at the next open.
TEST_F(KeyOpsTest, RotateKekThatCannotSaveTheKeyringWrapsNothingUnderTheUnsavedKek) {
  std::vector<Person> people = AddPeople(3);
  {
    KeyringSavesFail saves_fail(dir_ / "keys");
    auto result = vault_->operations().RotateKek(Operator(), {}, 2);
    ASSERT_FALSE(result.has_value());
    EXPECT_EQ(result.error().reason_code(), "keyring_save_failed");
  }
  EXPECT_EQ(OpenKeyring().kek_versions(), std::vector<std::uint32_t>{1});
  std::vector<Person> later = AddPeople(2, /*refund_every=*/1, /*first=*/40);
  ASSERT_EQ(later.size(), 2u);
  EXPECT_EQ(DataKeysByKek(), (std::map<std::uint32_t, std::uint64_t>{{1, 3 + 4}}));
  Reopen();
  ReadAll(people);
  ReadAll(later);
}

TEST_F(KeyOpsTest, RotateBlindIndexThatCannotSaveTheKeyringChangesNothing) {
  std::vector<Person> people = AddPeople(3);
  {
    KeyringSavesFail saves_fail(dir_ / "keys");
    auto result = vault_->operations().RotateBlindIndex(Operator(), {}, 2);
    ASSERT_FALSE(result.has_value());
    EXPECT_EQ(result.error().reason_code(), "keyring_save_failed");
  }
  std::vector<Person> later = AddPeople(2, 0, /*first=*/40);
  Reopen();
  ExpectLookupsWork(people);
  ExpectLookupsWork(later);
  auto retried = vault_->operations().RotateBlindIndex(Operator(), {}, 2);
  ASSERT_TRUE(retried.has_value()) << retried.error().ToString();
  EXPECT_FALSE(retried->resumed);
  EXPECT_EQ(retried->index_version, 2u);
  Reopen();
  ExpectLookupsWork(people);
  ExpectLookupsWork(later);
}

TEST_F(KeyOpsTest, ResealAndRekeyThatCannotSaveTheKeyringChangeNothing) {
  std::vector<Person> people = AddPeople(3, 1);
  auto before = ReadAll(people);
  const SecretBytes vault_key = OpenKeyring().vault_db_key().Clone();
  const std::filesystem::path new_key = dir_ / "new-root.key";
  ASSERT_TRUE(keys::WriteNewKeyFile(new_key).ok());
  {
    KeyringSavesFail saves_fail(dir_ / "keys");
    Status resealed = vault_->operations().Reseal(Operator(), KeyFile{new_key});
    EXPECT_FALSE(resealed.ok());
    EXPECT_EQ(resealed.reason_code(), "reseal_failed");
    Status rekeyed = vault_->operations().RekeyDatabases(Operator());
    EXPECT_FALSE(rekeyed.ok());
    EXPECT_EQ(rekeyed.reason_code(), "keyring_save_failed");
  }
  EXPECT_EQ(ReadAll(people), before);
  Reopen();  // with the old key file
  EXPECT_EQ(ReadAll(people), before);
  keys::Keyring keyring = OpenKeyring();
  EXPECT_EQ(keyring.pending_vault_db_key(), nullptr);
  EXPECT_TRUE(std::ranges::equal(keyring.vault_db_key().Reveal(), vault_key.Reveal()));
  EXPECT_EQ(KeyAuditTrail("deny"), (std::vector<std::pair<std::string, std::string>>{
                                       {"keys.reseal", "reseal_failed"},
                                       {"keys.rekey_db", "keyring_save_failed"}}));
}

TEST_F(KeyOpsTest, RotateKekStopsAtATamperedDataKeyAndTheVaultKeepsServing) {
  std::vector<Person> people = AddPeople(6);
  vault_.reset();
  // people[0]'s key row now holds people[1]'s wrapped key: it fails
  // authentication (the customer id is bound into it).
  const std::string sql =
      "UPDATE data_keys SET wrapped = (SELECT wrapped FROM data_keys "
      "WHERE customer_id = '" +
      people[1].id.str() + "') WHERE customer_id = '" + people[0].id.str() + "';";
  ASSERT_EQ(testing::RunRawSql(dir_ / "vault" / "keystore.db",
                               OpenKeyring().keystore_db_key(), sql),
            SQLITE_OK);
  Reopen();
  auto result = vault_->operations().RotateKek(Operator(), {}, 2);
  ASSERT_FALSE(result.has_value());
  EXPECT_EQ(result.error().code(), StatusCode::kIntegrity);
  people.erase(people.begin());
  ReadAll(people);
  ReadAll(AddPeople(1, 0, /*first=*/60));
  // The old KEK stays while a key is still under it.
  EXPECT_EQ(OpenKeyring().kek_versions(), (std::vector<std::uint32_t>{1, 2}));
  Reopen();
  ReadAll(people);
  EXPECT_EQ(
      KeyAuditTrail(),
      (std::vector<std::pair<std::string, std::string>>{{"keys.rotate_kek", "started"}}));
}

// --- Reseal ------------------------------------------------------------------

TEST_F(KeyOpsTest, ResealToANewKeyFileLocksOutTheOldOne) {
  std::vector<Person> people = AddPeople(5, 2);
  auto before = ReadAll(people);
  const std::filesystem::path new_key = dir_ / "new-root.key";
  ASSERT_TRUE(keys::WriteNewKeyFile(new_key).ok());
  ASSERT_TRUE(vault_->operations().Reseal(Operator(), KeyFile{new_key}).ok());
  // Later keyring saves use the new root key too.
  auto rotated = vault_->operations().RotateKek(Operator());
  ASSERT_TRUE(rotated.has_value()) << rotated.error().ToString();
  vault_.reset();

  auto with_old = Vault::Open(MakeOptions());
  ASSERT_FALSE(with_old.has_value());
  EXPECT_EQ(with_old.error().code(), StatusCode::kKeyFailure);
  EXPECT_EQ(KeyringOpenCode(KeyFile{key_file_}), StatusCode::kKeyFailure);

  auto with_new = Vault::Open(OptionsWithRoot(KeyFile{new_key}));
  ASSERT_TRUE(with_new.has_value()) << with_new.error().ToString();
  vault_ = std::move(*with_new);
  EXPECT_EQ(ReadAll(people), before);
  EXPECT_EQ(OpenKeyring(KeyFile{new_key}).kek_versions(), std::vector<std::uint32_t>{2});
}

TEST_F(KeyOpsTest, ResealToAPassphraseOpensWithThePassphraseOnly) {
  std::vector<Person> people = AddPeople(5);
  auto before = ReadAll(people);
  ASSERT_TRUE(vault_->operations()
                  .Reseal(Operator(),
                          Passphrase{SecretBytes::CopyFrom("correct horse battery")},
                          PassphraseCost::kTestingOnly)
                  .ok());
  vault_.reset();

  auto with_file = Vault::Open(MakeOptions());
  ASSERT_FALSE(with_file.has_value());
  EXPECT_EQ(with_file.error().code(), StatusCode::kKeyFailure);
  auto wrong =
      Vault::Open(OptionsWithRoot(Passphrase{SecretBytes::CopyFrom("wrong horse")}));
  ASSERT_FALSE(wrong.has_value());
  EXPECT_EQ(wrong.error().code(), StatusCode::kKeyFailure);

  auto right = Vault::Open(
      OptionsWithRoot(Passphrase{SecretBytes::CopyFrom("correct horse battery")}));
  ASSERT_TRUE(right.has_value()) << right.error().ToString();
  vault_ = std::move(*right);
  EXPECT_EQ(ReadAll(people), before);
}

TEST_F(KeyOpsTest, FailedResealKeepsTheOldRootKey) {
  std::vector<Person> people = AddPeople(3);
  Status resealed =
      vault_->operations().Reseal(Operator(), KeyFile{dir_ / "no-such-file.key"});
  EXPECT_EQ(resealed.code(), StatusCode::kKeyFailure);
  // A keyring save after the failure still seals under the old root key.
  ASSERT_TRUE(vault_->operations().RotateKek(Operator()).has_value());
  Reopen();
  ReadAll(people);
  EXPECT_EQ(OpenKeyring().kek_versions(), std::vector<std::uint32_t>{2});
}

// --- Database rekey ----------------------------------------------------------

TEST_F(KeyOpsTest, RekeyDatabasesReplacesBothDatabaseKeys) {
  std::vector<Person> people = AddPeople(6, 3);
  auto before = ReadAll(people);
  const SecretBytes old_vault_key = OpenKeyring().vault_db_key().Clone();
  const SecretBytes old_keystore_key = OpenKeyring().keystore_db_key().Clone();

  ASSERT_TRUE(vault_->operations().RekeyDatabases(Operator()).ok());
  EXPECT_EQ(ReadAll(people), before);  // the open vault works under the new keys
  std::vector<Person> late = AddPeople(1, 1, /*first=*/50);
  Reopen();
  EXPECT_EQ(ReadAll(people), before);
  ReadAll(late);
  vault_.reset();

  keys::Keyring keyring = OpenKeyring();
  EXPECT_EQ(keyring.pending_vault_db_key(), nullptr);
  EXPECT_EQ(keyring.pending_keystore_db_key(), nullptr);
  const auto vault_db = dir_ / "vault" / "vault.db";
  const auto keystore_db = dir_ / "vault" / "keystore.db";
  EXPECT_NE(testing::RunRawSql(vault_db, old_vault_key, kCountCustomers), SQLITE_OK);
  EXPECT_EQ(testing::RunRawSql(vault_db, keyring.vault_db_key(), kCountCustomers),
            SQLITE_OK);
  EXPECT_NE(testing::RunRawSql(keystore_db, old_keystore_key, kCountDataKeys), SQLITE_OK);
  EXPECT_EQ(testing::RunRawSql(keystore_db, keyring.keystore_db_key(), kCountDataKeys),
            SQLITE_OK);
  Reopen();
  EXPECT_EQ(
      KeyAuditTrail(),
      (std::vector<std::pair<std::string, std::string>>{{"keys.rekey_db", "rekeyed"}}));
}

// What RekeyDatabases leaves when killed part-way: the pending keys saved in
// the keyring, and each database under its old or its pending key. Opening
// finishes the rekey from any of these states.
TEST_F(KeyOpsTest, OpenFinishesARekeyInterruptedAtAnyPoint) {
  std::vector<Person> people = AddPeople(6, 3);
  auto before = ReadAll(people);
  const auto vault_db = dir_ / "vault" / "vault.db";
  const auto keystore_db = dir_ / "vault" / "keystore.db";
  struct Crash {
    const char* after;
    bool vault_rekeyed;
    bool keystore_rekeyed;
  };
  for (const Crash& crash :
       {Crash{"vault.db rekeyed", true, false}, Crash{"keystore.db rekeyed", false, true},
        Crash{"both rekeyed", true, true},
        Crash{"the first keyring save", false, false}}) {
    SCOPED_TRACE(crash.after);
    vault_.reset();
    SecretBytes pending_vault_key;
    SecretBytes pending_keystore_key;
    {
      keys::Keyring keyring = OpenKeyring();
      keyring.BeginDbRekey();
      ASSERT_TRUE(
          keyring.Save(dir_ / "keys", KeyFile{key_file_}, PassphraseCost::kTestingOnly)
              .ok());
      pending_vault_key = keyring.pending_vault_db_key()->Clone();
      pending_keystore_key = keyring.pending_keystore_db_key()->Clone();
      if (crash.vault_rekeyed) {
        ASSERT_EQ(RawRekey(vault_db, keyring.vault_db_key(), pending_vault_key),
                  SQLITE_OK);
        ASSERT_EQ(testing::RunRawSql(vault_db, pending_vault_key, kCountCustomers),
                  SQLITE_OK);
        ASSERT_NE(testing::RunRawSql(vault_db, keyring.vault_db_key(), kCountCustomers),
                  SQLITE_OK);
      }
      if (crash.keystore_rekeyed) {
        ASSERT_EQ(RawRekey(keystore_db, keyring.keystore_db_key(), pending_keystore_key),
                  SQLITE_OK);
        ASSERT_EQ(testing::RunRawSql(keystore_db, pending_keystore_key, kCountDataKeys),
                  SQLITE_OK);
      }
    }

    auto reopened = Vault::Open(MakeOptions());
    ASSERT_TRUE(reopened.has_value()) << reopened.error().ToString();
    vault_ = std::move(*reopened);
    EXPECT_EQ(ReadAll(people), before);
    vault_.reset();

    keys::Keyring keyring = OpenKeyring();
    EXPECT_EQ(keyring.pending_vault_db_key(), nullptr);
    EXPECT_EQ(keyring.pending_keystore_db_key(), nullptr);
    EXPECT_TRUE(
        std::ranges::equal(keyring.vault_db_key().Reveal(), pending_vault_key.Reveal()));
    EXPECT_TRUE(std::ranges::equal(keyring.keystore_db_key().Reveal(),
                                   pending_keystore_key.Reveal()));
    EXPECT_EQ(testing::RunRawSql(vault_db, pending_vault_key, kCountCustomers),
              SQLITE_OK);
    EXPECT_EQ(testing::RunRawSql(keystore_db, pending_keystore_key, kCountDataKeys),
              SQLITE_OK);
    Reopen();
    EXPECT_EQ(ReadAll(people), before);
  }
}

// --- Blind-index rotation ----------------------------------------------------

TEST_F(KeyOpsTest, RotateBlindIndexKeepsLookupsWorking) {
  std::vector<Person> people = AddPeople(11);
  Person no_phone{CustomerId(), PersonNumber(11), "", ""};
  no_phone.data.phone.reset();
  auto id = vault_->customers().Create(AccountService(), no_phone.data);
  ASSERT_TRUE(id.has_value()) << id.error().ToString();
  no_phone.id = *id;
  people.push_back(no_phone);
  ASSERT_TRUE(vault_->rights().Restrict(Dpo(), people[4].id).ok());
  ExpectLookupsWork(people);
  std::vector<JobProgress> calls;
  auto result = vault_->operations().RotateBlindIndex(
      Operator(), [&](const JobProgress& p) { calls.push_back(p); }, /*batch=*/5);
  ASSERT_TRUE(result.has_value()) << result.error().ToString();
  EXPECT_EQ(result->index_version, 2u);
  EXPECT_FALSE(result->resumed);
  EXPECT_EQ(result->rebuilt, 12u);
  EXPECT_EQ(result->retired, std::vector<std::uint32_t>{1});
  ASSERT_FALSE(calls.empty());
  EXPECT_EQ(calls.back().stage, "reindex");
  EXPECT_EQ(calls.back().done, 12u);
  EXPECT_EQ(calls.back().total, 12u);
  ExpectLookupsWork(people);
  EXPECT_EQ(FindByEmailCode("nobody@example.com"), StatusCode::kNotFound);
  EXPECT_EQ(OpenKeyring().blind_index_versions(), std::vector<std::uint32_t>{2});
  EXPECT_EQ(OpenKeyring().blind_index_version(), 2u);
  Reopen();
  ExpectLookupsWork(people);
  // A second rotation moves on to version 3.
  auto again = vault_->operations().RotateBlindIndex(Operator(), {}, 5);
  ASSERT_TRUE(again.has_value()) << again.error().ToString();
  EXPECT_EQ(again->index_version, 3u);
  EXPECT_EQ(again->retired, std::vector<std::uint32_t>{2});
  Reopen();
  ExpectLookupsWork(people);
}

TEST_F(KeyOpsTest, WritesDuringBlindIndexRotationAreIndexedUnderTheNewKey) {
  std::vector<Person> people = AddPeople(20);
  // people[2] is in the first batch (already re-indexed when the callback
  // runs), people[15] in a later one.
  const std::string old_email_2 = people[2].data.email;
  const std::string old_email_15 = people[15].data.email;
  std::vector<Person> late;
  bool wrote = false;
  auto write_between_batches = [&](const JobProgress& p) {
    if (p.done == 0 || wrote) return;
    wrote = true;
    late = AddPeople(1, 0, /*first=*/700);
    for (Person* changed : {&people[2], &people[15]}) {
      changed->data.email = "renamed." + changed->data.email;
      CustomerUpdate u;
      u.email = changed->data.email;
      Status updated = vault_->customers().Update(AccountService(), changed->id, u);
      EXPECT_TRUE(updated.ok()) << updated.ToString();
    }
    // During the window, lookups use the old index and see the writes.
    EXPECT_EQ(FindByEmailCode(people[2].data.email), StatusCode::kOk);
    EXPECT_EQ(FindByEmailCode(old_email_2), StatusCode::kNotFound);
  };
  auto result = vault_->operations().RotateBlindIndex(Operator(), write_between_batches,
                                                      /*batch=*/5);
  ASSERT_TRUE(result.has_value()) << result.error().ToString();
  ASSERT_TRUE(wrote);
  ASSERT_EQ(late.size(), 1u);
  EXPECT_EQ(result->index_version, 2u);
  EXPECT_EQ(result->retired, std::vector<std::uint32_t>{1});

  std::vector<Person> everyone = people;
  everyone.push_back(late[0]);
  ExpectLookupsWork(everyone);
  EXPECT_EQ(FindByEmailCode(old_email_2), StatusCode::kNotFound);
  EXPECT_EQ(FindByEmailCode(old_email_15), StatusCode::kNotFound);
  Reopen();
  ExpectLookupsWork(everyone);
  EXPECT_EQ(FindByEmailCode(old_email_2), StatusCode::kNotFound);
  // The old address is free again.
  NewCustomer reuse = PersonNumber(800);
  reuse.email = old_email_2;
  EXPECT_TRUE(vault_->customers().Create(AccountService(), reuse).has_value());
}

TEST_F(KeyOpsTest, RotateBlindIndexResumesAfterAnInterruptionAndRestart) {
  std::vector<Person> people = AddPeople(20);
  EXPECT_THROW((void)vault_->operations().RotateBlindIndex(Operator(),
                                                           InterruptAfterFirstBatch(), 5),
               Interrupted);
  // Interrupted: lookups still use the old index; writes dual-write.
  ExpectLookupsWork(people);
  EXPECT_EQ(OpenKeyring().blind_index_versions(), (std::vector<std::uint32_t>{1, 2}));
  std::vector<Person> before_restart = AddPeople(1, 0, /*first=*/300);
  people[19].data.email = "moved.person19@example.com";
  CustomerUpdate u;
  u.email = people[19].data.email;
  ASSERT_TRUE(vault_->customers().Update(AccountService(), people[19].id, u).ok());

  Reopen();
  ExpectLookupsWork(people);
  ExpectLookupsWork(before_restart);
  std::vector<Person> after_restart = AddPeople(1, 0, /*first=*/301);

  std::vector<JobProgress> calls;
  auto result = vault_->operations().RotateBlindIndex(
      Operator(), [&](const JobProgress& p) { calls.push_back(p); }, 5);
  ASSERT_TRUE(result.has_value()) << result.error().ToString();
  EXPECT_TRUE(result->resumed);
  EXPECT_EQ(result->index_version, 2u);
  // Progress counts this run's work to its end, as for a resumed KEK rotation.
  ASSERT_FALSE(calls.empty());
  EXPECT_EQ(calls.back().done, calls.back().total);
  // The 15 not done before the interruption; the two new customers were
  // indexed under both keys when written.
  EXPECT_EQ(result->rebuilt, 15u);
  EXPECT_EQ(result->retired, std::vector<std::uint32_t>{1});
  ExpectLookupsWork(people);
  ExpectLookupsWork(before_restart);
  ExpectLookupsWork(after_restart);
  EXPECT_EQ(FindByEmailCode("person19@example.com"), StatusCode::kNotFound);
  Reopen();
  ExpectLookupsWork(people);
  ExpectLookupsWork(after_restart);
  EXPECT_EQ(OpenKeyring().blind_index_versions(), std::vector<std::uint32_t>{2});
  EXPECT_EQ(KeyAuditTrail(), (std::vector<std::pair<std::string, std::string>>{
                                 {"keys.rotate_index", "started"},
                                 {"keys.rotate_index", "resumed"},
                                 {"keys.rotate_index", "completed"}}));
}

TEST_F(KeyOpsTest, ConcurrentWritesDuringBlindIndexRotationStayFindable) {
  std::vector<Person> people = AddPeople(100);
  ASSERT_EQ(people.size(), 100u);
  std::vector<std::string> first_emails;
  for (const Person& p : people) first_emails.push_back(p.data.email);
  std::atomic<bool> rotation_done{false};
  std::atomic<int> calls{0};
  std::mutex mu;
  std::vector<std::string> failures;  // guarded by mu
  std::vector<Person> written;        // guarded by mu
  std::thread writer([&] {
    for (int i = 0; !rotation_done.load(); ++i) {
      Person p{CustomerId(), PersonNumber(2000 + i), "", ""};
      auto id = vault_->customers().Create(AccountService(), p.data);
      // Moves customers on both sides of the rebuild's cursor.
      Person& moved = people[static_cast<std::size_t>(i * 37) % people.size()];
      const std::string email =
          "v" + std::to_string(i) + "." +
          first_emails[static_cast<std::size_t>(i * 37) % people.size()];
      CustomerUpdate u;
      u.email = email;
      Status updated = vault_->customers().Update(AccountService(), moved.id, u);
      auto found = vault_->customers().FindByEmail(AccountService(), email);
      std::lock_guard lock(mu);
      if (id) {
        p.id = *id;
        written.push_back(std::move(p));
      } else {
        failures.push_back("create: " + id.error().ToString());
      }
      if (updated.ok()) {
        moved.data.email = email;
      } else {
        failures.push_back("update: " + updated.ToString());
      }
      if (!found || *found != moved.id) failures.push_back("the new email was not found");
      ++calls;
    }
  });
  int batches_without_writer = 0;
  auto wait_for_writer = [&](const JobProgress&) {
    const int seen = calls.load();
    const auto deadline = std::chrono::steady_clock::now() + 10s;
    while (calls.load() == seen && std::chrono::steady_clock::now() < deadline) {
      std::this_thread::sleep_for(1ms);
    }
    if (calls.load() == seen) ++batches_without_writer;
  };
  auto result = vault_->operations().RotateBlindIndex(Operator(), wait_for_writer, 5);
  rotation_done = true;
  writer.join();

  ASSERT_TRUE(result.has_value()) << result.error().ToString();
  EXPECT_EQ(batches_without_writer, 0);
  EXPECT_TRUE(failures.empty())
      << failures.size() << " failures, first: " << failures.front();
  EXPECT_EQ(result->index_version, 2u);
  ExpectLookupsWork(people);
  ExpectLookupsWork(written);
  for (std::size_t i = 0; i < people.size(); ++i) {
    if (people[i].data.email != first_emails[i]) {
      EXPECT_EQ(FindByEmailCode(first_emails[i]), StatusCode::kNotFound);
    }
  }
  Reopen();
  ExpectLookupsWork(people);
  ExpectLookupsWork(written);
}

// Runs job(progress) twice, overlapping: the first run, after its first
// batch, starts the second on another thread and lets it get past its setup
// (or be refused); the second then waits until the first has returned.
template <class Job>
auto RunOverlapped(Job job) {
  using Result = std::invoke_result_t<Job, ProgressFn>;
  std::atomic<bool> second_started{false};
  std::atomic<bool> first_finished{false};
  std::optional<Result> second;
  std::thread other;
  auto wait_until = [](const std::atomic<bool>& flag) {
    const auto deadline = std::chrono::steady_clock::now() + 10s;
    while (!flag && std::chrono::steady_clock::now() < deadline) {
      std::this_thread::sleep_for(1ms);
    }
  };
  ProgressFn hold_second = [&](const JobProgress& q) {
    if (q.done != 0) return;
    second_started = true;
    wait_until(first_finished);
  };
  ProgressFn start_second = [&](const JobProgress& p) {
    if (p.done == 0 || other.joinable()) return;
    other = std::thread([&] {
      second = job(hold_second);
      second_started = true;
    });
    wait_until(second_started);
  };
  std::optional<Result> first(job(start_second));
  first_finished = true;
  if (other.joinable()) other.join();
  return std::pair(std::move(first), std::move(second));
}

// vault.h: Operations is "Thread-safe; one job at a time": a second job
// started while one runs must be refused (FailedPrecondition) or finish
// harmlessly. Run in a child process, since a broken library aborts here.
using KeyOpsDeathTest = KeyOpsTest;

TEST_F(KeyOpsDeathTest, OverlappingBlindIndexRotationsLeaveLookupsWorking) {
  GTEST_FLAG_SET(death_test_style, "threadsafe");
  auto overlap = [&]() -> int {
    std::vector<Person> people = AddPeople(10);
    auto [first, second] = RunOverlapped([&](ProgressFn progress) {
      return vault_->operations().RotateBlindIndex(Operator(), progress, 2);
    });
    if (!*first) return 10;
    if (!second) return 11;
    if (!*second && second->error().code() != StatusCode::kFailedPrecondition) return 12;
    for (const Person& p : people) {
      auto found = vault_->customers().FindByEmail(AccountService(), p.data.email);
      if (!found || *found != p.id) return 13;
    }
    NewCustomer late = PersonNumber(99);
    auto id = vault_->customers().Create(AccountService(), late);
    if (!id) return 14;
    auto found = vault_->customers().FindByEmail(AccountService(), late.email);
    if (!found || *found != *id) return 15;
    return 0;
  };
  EXPECT_EXIT(std::_Exit(overlap()), ::testing::ExitedWithCode(0), "");
}

TEST_F(KeyOpsDeathTest, OverlappingKekRotationsLeaveOneKek) {
  GTEST_FLAG_SET(death_test_style, "threadsafe");
  auto overlap = [&]() -> int {
    std::vector<Person> people = AddPeople(10, 2);
    auto [first, second] = RunOverlapped([&](ProgressFn progress) {
      return vault_->operations().RotateKek(Operator(), progress, 2);
    });
    if (!*first) return 10;
    if (!second) return 11;
    if (!*second && second->error().code() != StatusCode::kFailedPrecondition) return 12;
    if (OpenKeyring().kek_versions().size() != 1) return 13;
    for (const Person& p : people) {
      if (!vault_->customers().Get(AccountService(), p.id)) return 14;
    }
    if (DataKeysByKek().size() != 1) return 15;
    Reopen();
    for (const Person& p : people) {
      if (!vault_->customers().Get(AccountService(), p.id)) return 16;
    }
    return 0;
  };
  EXPECT_EXIT(std::_Exit(overlap()), ::testing::ExitedWithCode(0), "");
}

// --- Audit, access, arguments, logs ------------------------------------------

TEST_F(KeyOpsTest, EveryKeyOperationIsAuditedAndTheChainVerifies) {
  std::vector<Person> people = AddPeople(8, 4);
  const std::filesystem::path new_key = dir_ / "new-root.key";
  ASSERT_TRUE(keys::WriteNewKeyFile(new_key).ok());
  ASSERT_TRUE(vault_->operations().RotateKek(Operator(), {}, 3).has_value());
  ASSERT_TRUE(vault_->operations().Reseal(Operator(), KeyFile{new_key}).ok());
  ASSERT_TRUE(vault_->operations().RekeyDatabases(Operator()).ok());
  ASSERT_TRUE(vault_->operations().RotateBlindIndex(Operator(), {}, 3).has_value());

  EXPECT_EQ(KeyAuditTrail(), (std::vector<std::pair<std::string, std::string>>{
                                 {"keys.rotate_kek", "started"},
                                 {"keys.rotate_kek", "completed"},
                                 {"keys.reseal", "resealed"},
                                 {"keys.rekey_db", "rekeyed"},
                                 {"keys.rotate_index", "started"},
                                 {"keys.rotate_index", "completed"}}));
  auto tail = vault_->audit().Tail(Auditor(), 100);
  ASSERT_TRUE(tail.has_value());
  int key_entries = 0;
  for (const AuditEntry& e : *tail) {
    if (!e.action.starts_with("keys.")) continue;
    ++key_entries;
    EXPECT_EQ(e.principal_id, "ops-1");
    EXPECT_EQ(e.role, "operator");
    EXPECT_EQ(e.purpose, "operations");
    EXPECT_TRUE(e.subject.empty()) << e.action << " names a customer";
    EXPECT_TRUE(e.fields_returned.empty()) << e.action << " returned personal fields";
  }
  EXPECT_EQ(key_entries, 6);
  auto report = vault_->audit().Verify(Auditor());
  ASSERT_TRUE(report.has_value()) << report.error().ToString();
  EXPECT_TRUE(report->ok) << report->problem;

  vault_.reset();
  auto reopened = Vault::Open(OptionsWithRoot(KeyFile{new_key}));
  ASSERT_TRUE(reopened.has_value()) << reopened.error().ToString();
  vault_ = std::move(*reopened);
  report = vault_->audit().Verify(Auditor());
  ASSERT_TRUE(report.has_value()) << report.error().ToString();
  EXPECT_TRUE(report->ok) << report->problem;
  ExpectLookupsWork(people);
  ExpectNoPersonalDataLogged(people);
}

TEST_F(KeyOpsTest, OnlyTheOperatorMayRunKeyOperations) {
  std::vector<Person> people = AddPeople(4, 2);
  auto before = ReadAll(people);
  const SecretBytes vault_key = OpenKeyring().vault_db_key().Clone();
  const std::filesystem::path new_key = dir_ / "new-root.key";
  ASSERT_TRUE(keys::WriteNewKeyFile(new_key).ok());
  const std::vector<AccessContext> others = {
      Dpo(),     AccountService(), As("dpo", "legal_compliance"),   SupportAgent(),
      Auditor(), RefundSvc(),      As("operator", "audit", "ops-1")};
  for (const AccessContext& ctx : others) {
    SCOPED_TRACE(ctx.role + "/" + ctx.purpose);
    Operations& ops = vault_->operations();
    auto kek = ops.RotateKek(ctx, {}, 5);
    ASSERT_FALSE(kek.has_value());
    EXPECT_EQ(kek.error().code(), StatusCode::kPermissionDenied);
    auto index = ops.RotateBlindIndex(ctx, {}, 5);
    ASSERT_FALSE(index.has_value());
    EXPECT_EQ(index.error().code(), StatusCode::kPermissionDenied);
    EXPECT_EQ(ops.Reseal(ctx, KeyFile{new_key}, PassphraseCost::kTestingOnly).code(),
              StatusCode::kPermissionDenied);
    EXPECT_EQ(ops.RekeyDatabases(ctx).code(), StatusCode::kPermissionDenied);
    auto backup = ops.Backup(ctx, dir_ / "backup");
    ASSERT_FALSE(backup.has_value());
    EXPECT_EQ(backup.error().code(), StatusCode::kPermissionDenied);
    EXPECT_FALSE(std::filesystem::exists(dir_ / "backup"));
  }
  // Nothing changed: the same keys, sealed under the same root key.
  keys::Keyring keyring = OpenKeyring();
  EXPECT_EQ(keyring.kek_versions(), std::vector<std::uint32_t>{1});
  EXPECT_EQ(keyring.blind_index_versions(), std::vector<std::uint32_t>{1});
  EXPECT_EQ(keyring.pending_vault_db_key(), nullptr);
  EXPECT_TRUE(std::ranges::equal(keyring.vault_db_key().Reveal(), vault_key.Reveal()));
  EXPECT_EQ(KeyringOpenCode(KeyFile{new_key}), StatusCode::kKeyFailure);
  // Each refusal is audited as a denial.
  auto denied = KeyAuditTrail("deny");
  EXPECT_EQ(denied.size(), 4 * others.size());
  EXPECT_TRUE(KeyAuditTrail("allow").empty());
  Reopen();
  EXPECT_EQ(ReadAll(people), before);
  ExpectLookupsWork(people);
  EXPECT_EQ(DataKeysByKek(), (std::map<std::uint32_t, std::uint64_t>{{1, 6}}));
}

TEST_F(KeyOpsTest, OperatorSeesNoPersonalField) {
  std::vector<Person> people = AddPeople(2);
  Customers& customers = vault_->customers();
  auto record = customers.Get(Operator(), people[0].id);
  ASSERT_FALSE(record.has_value());
  EXPECT_EQ(record.error().code(), StatusCode::kPermissionDenied);
  auto country =
      customers.Get(Operator(), people[0].id, std::vector{CustomerField::kCountry});
  ASSERT_FALSE(country.has_value());
  EXPECT_EQ(country.error().code(), StatusCode::kPermissionDenied);
  auto found = customers.FindByEmail(Operator(), people[0].data.email);
  ASSERT_FALSE(found.has_value());
  EXPECT_EQ(found.error().code(), StatusCode::kPermissionDenied);
  auto by_phone = customers.FindByPhone(Operator(), *people[0].data.phone);
  ASSERT_FALSE(by_phone.has_value());
  EXPECT_EQ(by_phone.error().code(), StatusCode::kPermissionDenied);
  auto ids = customers.ListIds(Operator());
  ASSERT_FALSE(ids.has_value());
  EXPECT_EQ(ids.error().code(), StatusCode::kPermissionDenied);
  auto exported = vault_->rights().Export(Operator(), people[0].id);
  ASSERT_FALSE(exported.has_value());
  EXPECT_EQ(exported.error().code(), StatusCode::kPermissionDenied);
  // What the operator is allowed works, and returns counts and versions only.
  auto kek = vault_->operations().RotateKek(Operator());
  ASSERT_TRUE(kek.has_value()) << kek.error().ToString();
  EXPECT_EQ(kek->rewrapped, 2u);
}

TEST_F(KeyOpsTest, ZeroBatchIsInvalidArgumentAndChangesNothing) {
  std::vector<Person> people = AddPeople(2);
  auto kek = vault_->operations().RotateKek(Operator(), {}, 0);
  ASSERT_FALSE(kek.has_value());
  EXPECT_EQ(kek.error().code(), StatusCode::kInvalidArgument);
  auto index = vault_->operations().RotateBlindIndex(Operator(), {}, 0);
  ASSERT_FALSE(index.has_value());
  EXPECT_EQ(index.error().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(OpenKeyring().kek_versions(), std::vector<std::uint32_t>{1});
  EXPECT_EQ(OpenKeyring().blind_index_versions(), std::vector<std::uint32_t>{1});
  // batch 1 is the smallest that works.
  auto one = vault_->operations().RotateKek(Operator(), {}, 1);
  ASSERT_TRUE(one.has_value()) << one.error().ToString();
  EXPECT_EQ(one->rewrapped, 2u);
  ExpectLookupsWork(people);
}

}  // namespace
}  // namespace cvault
