// Personal values never reach the operational log or an error message.
#include <gtest/gtest.h>

#include <array>

#include "tests/testing/card_numbers.h"
#include "tests/testing/vault_fixture.h"

namespace cvault {
namespace {

using testing::AccountService;
using testing::As;
using testing::Auditor;
using testing::SupportAgent;

// Values that would be recognisable anywhere they leaked.
constexpr std::array kSecrets = {"Zenobia Quixote", "zenobia.q@example.net",
                                 "+4915112345678", "Quixote Lane 7", "zq-acct-4242"};

class PrivacyTest : public testing::VaultTest {
 protected:
  void ExpectNoSecretIn(const std::string& text, const std::string& where) {
    for (const char* secret : kSecrets) {
      EXPECT_EQ(text.find(secret), std::string::npos) << secret << " leaked into " << where;
    }
    EXPECT_EQ(text.find("Zenobia"), std::string::npos) << where;
    EXPECT_FALSE(testing::ContainsTestCardNumber(text)) << where;
  }
  void Check(const Status& s) { ExpectNoSecretIn(s.ToString(), "an error message"); }
  template <class T>
  void Check(const StatusOr<T>& r) {
    if (!r) Check(r.error());
  }
};

TEST_F(PrivacyTest, NoPersonalValueReachesLogsOrErrors) {
  NewCustomer c;
  c.full_name = kSecrets[0];
  c.email = kSecrets[1];
  c.phone = kSecrets[2];
  c.postal_address = kSecrets[3];
  c.external_ref = kSecrets[4];
  auto id = vault_->customers().Create(AccountService(), c);
  ASSERT_TRUE(id.has_value());

  // Every call, allowed, denied and failing, with the values in play.
  Check(vault_->customers().Create(AccountService(), c));  // duplicate email
  NewCustomer bad = c;
  bad.email = "other@example.net";
  bad.full_name = "Zenobia 4111 1111 1111 1111";
  Check(vault_->customers().Create(AccountService(), bad));
  bad = c;
  bad.email = "Zenobia at example";
  Check(vault_->customers().Create(AccountService(), bad));
  Check(vault_->customers().Get(AccountService(), *id));
  Check(vault_->customers().Get(SupportAgent(), *id));
  Check(vault_->customers().Get(As("marketing-service", "marketing"), *id));
  Check(vault_->customers().Get(As("nobody", "support"), *id));
  Check(vault_->customers().FindByEmail(SupportAgent(), kSecrets[1]));
  Check(vault_->customers().FindByEmail(SupportAgent(), "Zenobia@@example.net"));
  Check(vault_->customers().FindByPhone(AccountService(), kSecrets[2]));
  CustomerUpdate update;
  update.postal_address = "Zenobia Quixote, 4111-1111-1111-1111";
  Check(vault_->customers().Update(AccountService(), *id, update));
  update.postal_address = "Quixote Lane 8";
  Check(vault_->customers().Update(AccountService(), *id, update));
  AccessContext with_reason = AccountService();
  with_reason.reason = "Zenobia called about card 4111 1111 1111 1111";
  Check(vault_->customers().Get(with_reason, *id));
  auto tail = vault_->audit().Tail(Auditor(), 100);
  ASSERT_TRUE(tail.has_value());
  for (const AuditEntry& e : *tail) {
    std::string all = e.principal_id + e.role + e.action + e.purpose + e.subject +
                      e.decision + e.reason_code + e.request_id;
    for (const auto& f : e.fields_requested) all += f;
    for (const auto& f : e.fields_returned) all += f;
    ExpectNoSecretIn(all, "the audit log");
  }
  ASSERT_TRUE(vault_->Close().ok());

  std::string log = sink_->Text();
  EXPECT_FALSE(log.empty()) << "the test must exercise the logger";
  ExpectNoSecretIn(log, "the operational log");
}

}  // namespace
}  // namespace cvault
