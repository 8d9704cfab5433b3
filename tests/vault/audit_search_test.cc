// AuditLog::Search: each filter narrows the answer to exactly the entries
// it should, the search decrypts nothing and reveals no personal value, it
// is itself audited (naming the customer's pseudonym when it filters by
// one), and it is refused to roles the policy does not give it.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "tests/testing/vault_fixture.h"

namespace cvault {
namespace {

using namespace std::chrono_literals;
using testing::AccountService;
using testing::As;
using testing::Auditor;
using testing::Dpo;

AccessContext Agent(std::string principal) {
  return As("support-agent", "support", std::move(principal));
}

NewCustomer Bob() {
  NewCustomer c;
  c.full_name = "Bob Example";
  c.email = "bob.example@example.com";
  c.country = "DE";
  return c;
}

class AuditSearchTest : public testing::VaultTest {
 protected:
  // Ada and Bob are created at hour 0; then one read an hour:
  //   hour 1: agent-1 reads Ada     hour 2: agent-2 reads Bob
  //   hour 3: agent-1 reads Bob     hour 4: agent-2 reads Ada
  void SetUp() override {
    VaultTest::SetUp();
    start_ = clock_->Now();
    ada_ = AddAda();
    auto bob = vault_->customers().Create(AccountService(), Bob());
    ASSERT_TRUE(bob.has_value()) << bob.error().ToString();
    bob_ = *bob;
    Read("agent-1", ada_);
    Read("agent-2", bob_);
    Read("agent-1", bob_);
    Read("agent-2", ada_);
    clock_->Advance(1h);
  }

  void Read(const std::string& principal, const CustomerId& id) {
    clock_->Advance(1h);
    ASSERT_TRUE(vault_->customers().Get(Agent(principal), id).has_value());
  }

  Timestamp Hour(int n) { return start_ + std::chrono::hours(n); }

  // One line per entry: "principal action @hour", hours counted from the
  // test's start, to compare answers at a glance.
  std::vector<std::string> Lines(const std::vector<AuditEntry>& entries) {
    std::vector<std::string> lines;
    for (const AuditEntry& e : entries) {
      auto hours = std::chrono::duration_cast<std::chrono::hours>(e.time - start_);
      lines.push_back(e.principal_id + " " + e.action + " @" +
                      std::to_string(hours.count()));
    }
    return lines;
  }

  std::vector<std::string> Search(const AuditQuery& query,
                                  const AccessContext& ctx = Dpo()) {
    auto found = vault_->audit().Search(ctx, query);
    EXPECT_TRUE(found.has_value()) << found.error().ToString();
    return Lines(found.value_or(std::vector<AuditEntry>{}));
  }

  Timestamp start_;
  CustomerId ada_;
  CustomerId bob_;
};

TEST_F(AuditSearchTest, CustomerFilterFindsOnlyThatCustomersEntries) {
  AuditQuery query;
  query.customer = ada_;
  query.action = "customer.read";
  EXPECT_EQ(Search(query), (std::vector<std::string>{"agent-1 customer.read @1",
                                                     "agent-2 customer.read @4"}));
  query.customer = bob_;
  EXPECT_EQ(Search(query), (std::vector<std::string>{"agent-2 customer.read @2",
                                                     "agent-1 customer.read @3"}));
}

TEST_F(AuditSearchTest, PrincipalFilterFindsOnlyThatPrincipalsEntries) {
  AuditQuery query;
  query.principal_id = "agent-1";
  EXPECT_EQ(Search(query), (std::vector<std::string>{"agent-1 customer.read @1",
                                                     "agent-1 customer.read @3"}));
}

TEST_F(AuditSearchTest, TimeRangeIncludesFromAndExcludesTo) {
  AuditQuery query;
  query.from = Hour(2);
  query.to = Hour(4);
  EXPECT_EQ(Search(query), (std::vector<std::string>{"agent-2 customer.read @2",
                                                     "agent-1 customer.read @3"}));
}

TEST_F(AuditSearchTest, ActionAndPurposeFiltersCombine) {
  AuditQuery query;
  query.purpose = "account_management";
  query.action = "customer.create";
  EXPECT_EQ(Search(query), (std::vector<std::string>{"test-principal customer.create @0",
                                                     "test-principal customer.create @0"}));
  query.purpose = "support";
  EXPECT_TRUE(Search(query).empty());
}

TEST_F(AuditSearchTest, WhoReadWhoseDataBetweenTwoInstants) {
  AuditQuery query;
  query.customer = ada_;
  query.principal_id = "agent-2";
  query.from = Hour(1);
  query.to = Hour(5);
  EXPECT_EQ(Search(query), (std::vector<std::string>{"agent-2 customer.read @4"}));
}

TEST_F(AuditSearchTest, LimitAndAfterSequencePage) {
  AuditQuery query;
  query.action = "customer.read";
  query.limit = 3;
  auto first = vault_->audit().Search(Dpo(), query);
  ASSERT_TRUE(first.has_value()) << first.error().ToString();
  ASSERT_EQ(first->size(), 3u);
  query.after_sequence = first->back().sequence;
  EXPECT_EQ(Search(query), (std::vector<std::string>{"agent-2 customer.read @4"}));
}

TEST_F(AuditSearchTest, SearchIsAuditedUnderTheCustomersPseudonym) {
  AuditQuery by_principal;
  by_principal.principal_id = "agent-1";
  auto reads = vault_->audit().Search(Dpo(), by_principal);
  ASSERT_TRUE(reads.has_value());
  ASSERT_FALSE(reads->empty());
  const std::string ada_pseudonym = reads->front().subject;
  ASSERT_FALSE(ada_pseudonym.empty());

  AuditQuery by_customer;
  by_customer.customer = ada_;
  ASSERT_TRUE(vault_->audit().Search(Dpo(), by_customer).has_value());
  std::vector<AuditEntry> last = Tail(1);  // the tail's own entry comes after
  ASSERT_EQ(last.size(), 1u);
  EXPECT_EQ(last[0].action, "audit.search");
  EXPECT_EQ(last[0].decision, "allow");
  EXPECT_EQ(last[0].subject, ada_pseudonym);
  EXPECT_EQ(last[0].principal_id, "test-principal");

  // And it is now part of what a search for Ada finds.
  by_customer.action = "audit.search";
  EXPECT_EQ(Search(by_customer).size(), 1u);
}

TEST_F(AuditSearchTest, LegalCompliancePurposeMaySearch) {
  AuditQuery query;
  query.principal_id = "agent-2";
  EXPECT_EQ(Search(query, As("dpo", "legal_compliance")).size(), 2u);
}

TEST_F(AuditSearchTest, RolesWithoutTheActionAreDeniedAndAudited) {
  AuditQuery query;
  query.customer = ada_;
  for (const AccessContext& ctx :
       {Agent("agent-1"), Auditor(), As("dpo", "audit"), AccountService()}) {
    auto denied = vault_->audit().Search(ctx, query);
    ASSERT_FALSE(denied.has_value()) << ctx.role << " " << ctx.purpose;
    EXPECT_EQ(denied.error().code(), StatusCode::kPermissionDenied);
    std::vector<AuditEntry> last = Tail(1);
    EXPECT_EQ(last[0].action, "audit.search");
    EXPECT_EQ(last[0].decision, "deny");
    // Denied before the customer was looked up: the entry names nobody.
    EXPECT_EQ(last[0].subject, "");
  }
}

TEST_F(AuditSearchTest, ErasedOrUnknownCustomerIsNotFound) {
  AuditQuery query;
  query.customer = ada_;
  ASSERT_TRUE(vault_->rights().Erase(Dpo(), ada_).has_value());
  auto erased = vault_->audit().Search(Dpo(), query);
  ASSERT_FALSE(erased.has_value());
  EXPECT_EQ(erased.error().code(), StatusCode::kNotFound);

  query.customer = CustomerId::Parse("cus_" + std::string(26, 'a')).value();
  auto unknown = vault_->audit().Search(Dpo(), query);
  ASSERT_FALSE(unknown.has_value());
  EXPECT_EQ(unknown.error().code(), StatusCode::kNotFound);
  EXPECT_EQ(Tail(1)[0].reason_code, "not_found");

  // The entries about Ada are still there, no longer linked to her.
  AuditQuery reads;
  reads.principal_id = "agent-1";
  EXPECT_EQ(Search(reads).size(), 2u);
}

TEST_F(AuditSearchTest, InvalidFiltersAreRefusedNamingTheFilter) {
  struct Case {
    AuditQuery query;
    std::string named;
  };
  std::vector<Case> cases(6);
  cases[0].query.limit = 0;
  cases[0].named = "limit";
  cases[1].query.limit = AuditQuery::kMaxLimit + 1;
  cases[1].named = "limit";
  cases[2].query.from = Hour(3);
  cases[2].query.to = Hour(3);
  cases[2].named = "from";
  cases[3].query.action = "customer read";
  cases[3].named = "action";
  cases[4].query.principal_id = "ada.lovelace@example.com/x";
  cases[4].named = "principal_id";
  cases[5].query.purpose = "sup port";
  cases[5].named = "purpose";
  for (const Case& c : cases) {
    auto refused = vault_->audit().Search(Dpo(), c.query);
    ASSERT_FALSE(refused.has_value()) << c.named;
    EXPECT_EQ(refused.error().code(), StatusCode::kInvalidArgument);
    EXPECT_TRUE(refused.error().message().starts_with(c.named + ":"))
        << refused.error().message();
    EXPECT_EQ(refused.error().message().find("ada.lovelace"), std::string::npos);
    EXPECT_EQ(Tail(1)[0].reason_code, "invalid_input");
  }
}

TEST_F(AuditSearchTest, AnswersHoldNoPersonalValue) {
  AuditQuery query;
  query.customer = ada_;
  auto found = vault_->audit().Search(Dpo(), query);
  ASSERT_TRUE(found.has_value());
  ASSERT_FALSE(found->empty());
  for (const AuditEntry& e : *found) {
    for (const std::string& text : {e.principal_id, e.subject, e.action, e.purpose,
                                    e.reason_code, e.request_id}) {
      EXPECT_EQ(text.find("Ada"), std::string::npos);
      EXPECT_EQ(text.find("ada.lovelace"), std::string::npos);
      EXPECT_EQ(text.find(ada_.str()), std::string::npos);
    }
  }
  EXPECT_EQ(sink_->Text().find("ada.lovelace"), std::string::npos);
}

}  // namespace
}  // namespace cvault
