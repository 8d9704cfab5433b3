// Builds vaults for tests: a fresh folder, a key-file root key, a fake clock
// and a capturing logger, plus the contexts the default policy's roles use.
// The vault is embedded, or on the test PostgreSQL cluster when
// CVAULT_TEST_BACKEND=postgres.
#ifndef CVAULT_TESTS_TESTING_VAULT_FIXTURE_H_
#define CVAULT_TESTS_TESTING_VAULT_FIXTURE_H_

#include <gtest/gtest.h>

#include <cstdlib>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "cvault/vault.h"
#include "keys/root_key.h"
#include "store/backend.h"
#include "tests/testing/capture_sink.h"
#include "tests/testing/fake_clock.h"
#include "tests/testing/pg_cluster.h"
#include "tests/testing/temp_dir.h"

namespace cvault::testing {

inline AccessContext As(std::string role, std::string purpose,
                        std::string principal = "test-principal") {
  return AccessContext{std::move(principal), std::move(role), std::move(purpose),
                       "test", ""};
}
inline AccessContext AccountService() { return As("account-service", "account_management"); }
inline AccessContext SupportAgent() { return As("support-agent", "support"); }
inline AccessContext RefundService() { return As("refund-service", "refund_processing"); }
inline AccessContext Auditor() { return As("auditor", "audit"); }
inline AccessContext Dpo() { return As("dpo", "dsr"); }

// The customer most tests create: every field set.
inline NewCustomer AdaLovelace() {
  NewCustomer c;
  c.full_name = "Ada Lovelace";
  c.email = "ada.lovelace@example.com";
  c.phone = "+44 20 7183 8750";
  c.country = "GB";
  c.language = "en-GB";
  c.postal_address = "12 St James's Square\nLondon";
  c.external_ref = "acct-1815";
  return c;
}

// The tests' marketing consent: notice "privacy" version 3, given by
// checkbox on the web (the test registers the notice first).
inline ConsentGrant MarketingGrant() {
  ConsentGrant g;
  g.purpose = "marketing";
  g.notice_id = "privacy";
  g.notice_version = "3";
  g.collection_method = "checkbox";
  g.channel = "web";
  return g;
}

// Whether the vault tests run on the PostgreSQL backend: ctest runs the
// vault test program twice, once with CVAULT_TEST_BACKEND=postgres
// (tests/CMakeLists.txt).
// The Stripe charge the test orders are paid with: 49.00 EUR.
inline PaymentReference StripeCharge() {
  PaymentReference charge;
  charge.processor = Processor::kStripe;
  charge.charge_id = "ch_3N8f2kLkdIwHu7ix0Zq1aB2c";
  charge.amount_minor = 4900;
  charge.currency = "EUR";
  return charge;
}

// A refund of `amount_minor` against StripeCharge(), with `refund_id` when
// the processor has refunded it.
inline PaymentReference StripeRefund(std::int64_t amount_minor,
                                     std::optional<std::string> refund_id) {
  PaymentReference refund = StripeCharge();
  refund.amount_minor = amount_minor;
  refund.refund_id = std::move(refund_id);
  return refund;
}

// The purchase of `order_ref` as the checkout records it: paid with
// StripeCharge(), policy version 2026-01 and system requirements shown, no
// statutory withdrawal right.
inline NewPurchase PurchaseOf(const CustomerId& customer, std::string order_ref,
                              Product product, Timestamp purchased_at) {
  NewPurchase p;
  p.customer = customer;
  p.order_ref = std::move(order_ref);
  p.product = std::move(product);
  p.charge = StripeCharge();
  p.policy_version = "2026-01";
  p.system_requirements = "WordPress 6.4 or later, PHP 8.1 or later";
  p.purchased_at = purchased_at;
  return p;
}

inline bool TestBackendIsPostgres() {
  const char* backend = std::getenv("CVAULT_TEST_BACKEND");
  return backend != nullptr && std::string_view(backend) == "postgres";
}

class VaultTest : public ::testing::Test {
 protected:
  void SetUp() override {
    key_file_ = dir_ / "root.key";
    ASSERT_TRUE(keys::WriteNewKeyFile(key_file_).ok());
    auto vault = Vault::Create(MakeOptions());
    ASSERT_TRUE(vault.has_value()) << vault.error().ToString();
    vault_ = std::move(*vault);
  }

  ~VaultTest() override {
    if (pg_schema_.empty()) return;
    vault_.reset();
    Options o;
    o.store = PgChoice();
    store::SiteFor(o)->DiscardCreated();
  }

  Options MakeOptions() {
    Options o;
    if (TestBackendIsPostgres()) o.store = PgChoice();
    o.vault_dir = dir_ / "vault";
    o.keys_dir = dir_ / "keys";
    o.root_key = KeyFile{key_file_};
    o.clock = clock_;
    o.log = CaptureLog(sink_);
    o.checkpoint_every = 10;
    return o;
  }

  // Closes the vault and opens it again from the same files.
  void Reopen() {
    vault_.reset();
    auto vault = Vault::Open(MakeOptions());
    ASSERT_TRUE(vault.has_value()) << vault.error().ToString();
    vault_ = std::move(*vault);
  }

  NewCustomer Ada() { return AdaLovelace(); }

  // Registers the notice MarketingGrant() cites (as the DPO) and records
  // that grant for `customer` (as account-service).
  void GrantMarketing(const CustomerId& customer) {
    ASSERT_TRUE(vault_->consents()
                    .RegisterNotice(As("dpo", "legal_compliance"), "privacy", "3",
                                    "We email offers if you agree.")
                    .has_value());
    auto granted = vault_->consents().Grant(AccountService(), customer, MarketingGrant());
    ASSERT_TRUE(granted.has_value()) << granted.error().ToString();
  }

  CustomerId AddAda() {
    auto id = vault_->customers().Create(AccountService(), Ada());
    EXPECT_TRUE(id.has_value()) << id.error().ToString();
    return id.value_or(CustomerId());
  }

  // Records PurchaseOf(customer, order_ref, product) purchased now; returns
  // the purchase id.
  std::string RecordPurchase(const CustomerId& customer, std::string order_ref,
                             Product product) {
    auto id = vault_->refunds().RecordPurchase(
        RefundService(),
        PurchaseOf(customer, std::move(order_ref), std::move(product), clock_->Now()));
    EXPECT_TRUE(id.has_value()) << id.error().ToString();
    return id.value_or("");
  }

  // How many customers the vault lists (account-service; the list is
  // audited, so call it after reading the entries it would follow).
  std::size_t CountCustomers() {
    auto ids = vault_->customers().ListIds(AccountService());
    EXPECT_TRUE(ids.has_value());
    return ids ? ids->size() : 0;
  }
  // The last `n` audit entries, oldest first, read by the auditor.
  std::vector<AuditEntry> Tail(std::size_t n) {
    auto entries = vault_->audit().Tail(Auditor(), n);
    EXPECT_TRUE(entries.has_value());
    return entries.value_or(std::vector<AuditEntry>{});
  }

  // The PostgreSQL choice of this test: the test cluster, a schema of its
  // own (picked on first use, dropped with the test).
  PostgresStore PgChoice() {
    if (pg_schema_.empty()) pg_schema_ = RandomTestSchema("v_");
    PostgresStore choice;
    choice.dsn = TestPrimaryDsn();
    choice.schema = pg_schema_;
    return choice;
  }

  TempDir dir_;
  std::string pg_schema_;
  std::filesystem::path key_file_;
  std::shared_ptr<FakeClock> clock_ = std::make_shared<FakeClock>();
  std::shared_ptr<CaptureSink> sink_ = std::make_shared<CaptureSink>();
  std::unique_ptr<Vault> vault_;
};

}  // namespace cvault::testing

#endif  // CVAULT_TESTS_TESTING_VAULT_FIXTURE_H_
