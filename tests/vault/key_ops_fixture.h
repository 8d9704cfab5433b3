// The fixture the key-operation tests share (KeyOpsTest): numbered customers
// with and without refund cases, reads of what the account service sees, and
// views of the keyring, the keystore and the audit log taken behind the
// vault's back; plus the helpers the key-operation test files have in common
// (tests/vault/key_*_test.cc, and the thread tests in tests/threads/).
// Not thread-safe, as every gtest fixture.
#ifndef CVAULT_TESTS_VAULT_KEY_OPS_FIXTURE_H_
#define CVAULT_TESTS_VAULT_KEY_OPS_FIXTURE_H_

#include <gtest/gtest.h>

#include <array>
#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <map>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <thread>
#include <utility>
#include <vector>

#include "crypto/bytes.h"
#include "keys/keyring.h"
#include "keys/root_key.h"
#include "store/sqlcipher/sqlcipher_store.h"
#include "tests/testing/raw_sqlcipher.h"
#include "tests/testing/vault_fixture.h"

namespace cvault::testing {

inline AccessContext Operator() { return As("operator", "operations", "ops-1"); }
inline AccessContext RefundSvc() {
  return As("refund-service", "refund_processing", "refund-svc");
}

// Thrown from a progress callback to stop a job between batches, as a kill
// would.
struct Interrupted : std::runtime_error {
  Interrupted() : std::runtime_error("interrupted by the test") {}
};

// A progress callback that stops the job once the first batch is done.
inline ProgressFn InterruptAfterFirstBatch() {
  return [](const JobProgress& p) {
    if (p.done > 0) throw Interrupted();
  };
}

// A progress callback for jobs racing a writer thread: between batches it
// waits (up to 10 s) until the writer has counted another call in `calls`,
// so the calls provably interleave with the job, and counts the batches
// where none came in `batches_without_writer`.
inline ProgressFn WaitForWriterBetweenBatches(const std::atomic<int>& calls,
                                              int& batches_without_writer) {
  return [&calls, &batches_without_writer](const JobProgress&) {
    using namespace std::chrono_literals;
    const int seen = calls.load();
    const auto deadline = std::chrono::steady_clock::now() + 10s;
    while (calls.load() == seen && std::chrono::steady_clock::now() < deadline) {
      std::this_thread::sleep_for(1ms);
    }
    if (calls.load() == seen) ++batches_without_writer;
  };
}

inline std::string Padded(int n) { return std::to_string(10000 + n).substr(1); }

inline NewCustomer PersonNumber(int n) {
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
inline int RawRekey(const std::filesystem::path& file, const SecretBytes& old_key,
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

inline constexpr char kCountCustomers[] = "SELECT count(*) FROM customers;";
inline constexpr char kCountDataKeys[] = "SELECT count(*) FROM data_keys;";

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

  // The stores of the test's vault, opened as the vault would open them,
  // under `keyring`'s database keys (null after a failed expectation).
  std::unique_ptr<store::Backend> OpenBackend(const keys::Keyring& keyring) {
    store::DatabaseKeys keys{&keyring.vault_db_key(), &keyring.keystore_db_key(), nullptr,
                             nullptr};
    auto backend = store::SiteFor(MakeOptions())->Open(keys, /*create=*/false);
    EXPECT_TRUE(backend.has_value()) << backend.error().ToString();
    return backend ? std::move(*backend) : nullptr;
  }

  // How many data keys each KEK wraps, read from the keystore with the
  // vault closed (it stays closed: call Reopen() after).
  std::map<std::uint32_t, std::uint64_t> DataKeysByKek() {
    vault_.reset();
    keys::Keyring keyring = OpenKeyring();
    auto backend = OpenBackend(keyring);
    if (!backend) return {};
    auto tx = backend->key_store().Begin(false);
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
    auto backend = OpenBackend(keyring);
    if (!backend) return {};
    auto tx = backend->vault_store().Begin(false);
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

// The same fixture, named apart so that gtest runs the tests that fork a
// child process first.
using KeyOpsDeathTest = KeyOpsTest;

}  // namespace cvault::testing

#endif  // CVAULT_TESTS_VAULT_KEY_OPS_FIXTURE_H_
