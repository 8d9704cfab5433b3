#include <gtest/gtest.h>

#include <algorithm>

#include <array>

#include "tests/testing/card_numbers.h"
#include "tests/testing/vault_fixture.h"

namespace cvault {
namespace {

using testing::AccountService;
using testing::As;
using testing::Auditor;
using testing::SupportAgent;

class CustomersTest : public testing::VaultTest {};

TEST_F(CustomersTest, CreateThenGetReturnsEveryFieldForAccountService) {
  CustomerId id = AddAda();
  EXPECT_TRUE(id.str().starts_with("cus_"));
  auto record = vault_->customers().Get(AccountService(), id);
  ASSERT_TRUE(record.has_value()) << record.error().ToString();
  EXPECT_EQ(record->fields.at(CustomerField::kFullName), "Ada Lovelace");
  EXPECT_EQ(record->fields.at(CustomerField::kEmail), "ada.lovelace@example.com");
  EXPECT_EQ(record->fields.at(CustomerField::kPhone), "+442071838750");
  EXPECT_EQ(record->fields.at(CustomerField::kCountry), "GB");
  EXPECT_TRUE(record->withheld.empty());
  EXPECT_TRUE(record->masked.empty());
}

TEST_F(CustomersTest, GetOnlyTheFieldsAskedFor) {
  CustomerId id = AddAda();
  const std::array fields = {CustomerField::kCountry};
  auto record = vault_->customers().Get(AccountService(), id, fields);
  ASSERT_TRUE(record.has_value());
  EXPECT_EQ(record->fields.size(), 1u);
  EXPECT_EQ(record->fields.at(CustomerField::kCountry), "GB");
}

TEST_F(CustomersTest, SupportSeesContactFieldsMasked) {
  CustomerId id = AddAda();
  auto record = vault_->customers().Get(SupportAgent(), id);
  ASSERT_TRUE(record.has_value()) << record.error().ToString();
  EXPECT_EQ(record->fields.at(CustomerField::kEmail), "a***@example.com");
  EXPECT_EQ(record->fields.at(CustomerField::kPhone), "+44*******750");
  EXPECT_EQ(record->fields.at(CustomerField::kFullName), "Ada Lovelace");
  EXPECT_EQ(record->masked.size(), 3u);
}

TEST_F(CustomersTest, FindByEmailIgnoresCaseAndSurroundingSpace) {
  CustomerId id = AddAda();
  auto found = vault_->customers().FindByEmail(SupportAgent(), "  ADA.Lovelace@Example.com ");
  ASSERT_TRUE(found.has_value()) << found.error().ToString();
  EXPECT_EQ(*found, id);
}

TEST_F(CustomersTest, FindByPhoneAcceptsSeparators) {
  CustomerId id = AddAda();
  auto found = vault_->customers().FindByPhone(AccountService(), "+44 (20) 7183-8750");
  ASSERT_TRUE(found.has_value()) << found.error().ToString();
  ASSERT_EQ(found->size(), 1u);
  EXPECT_EQ(found->front(), id);
}

TEST_F(CustomersTest, FindUnknownEmailIsNotFound) {
  AddAda();
  auto found = vault_->customers().FindByEmail(SupportAgent(), "nobody@example.com");
  ASSERT_FALSE(found.has_value());
  EXPECT_EQ(found.error().code(), StatusCode::kNotFound);
}

TEST_F(CustomersTest, GetUnknownIdIsNotFound) {
  auto id = CustomerId::Parse("cus_aaaaaaaaaaaaaaaaaaaaaaaaaa");
  ASSERT_TRUE(id.has_value());
  auto record = vault_->customers().Get(AccountService(), *id);
  ASSERT_FALSE(record.has_value());
  EXPECT_EQ(record.error().code(), StatusCode::kNotFound);
}

TEST_F(CustomersTest, DuplicateEmailIsRefusedAndStoresNothing) {
  AddAda();
  NewCustomer twin = Ada();
  twin.email = "ADA.LOVELACE@example.com";
  auto again = vault_->customers().Create(AccountService(), twin);
  ASSERT_FALSE(again.has_value());
  EXPECT_EQ(again.error().code(), StatusCode::kAlreadyExists);
  EXPECT_EQ(CountCustomers(), 1u);
}

TEST_F(CustomersTest, EachInvalidFieldIsRefusedByNameAndNothingIsStored) {
  struct Case {
    const char* field;
    void (*mutate)(NewCustomer&);
  };
  const Case cases[] = {
      {"email", [](NewCustomer& c) { c.email = "not-an-email"; }},
      {"phone", [](NewCustomer& c) { c.phone = "020 7183 8750"; }},
      {"country", [](NewCustomer& c) { c.country = "UK"; }},
      {"language", [](NewCustomer& c) { c.language = "english"; }},
      {"full_name", [](NewCustomer& c) { c.full_name = std::string("Ada\0Lovelace", 12); }},
      {"full_name", [](NewCustomer& c) { c.full_name = "\xC0\xAF"; }},
      {"full_name", [](NewCustomer& c) { c.full_name = std::string(300, 'a'); }},
      {"full_name", [](NewCustomer& c) { c.full_name = "4111 1111 1111 1111"; }},
      {"postal_address", [](NewCustomer& c) { c.postal_address = "card 5555-5555-5555-4444"; }},
      {"external_ref", [](NewCustomer& c) { c.external_ref = "378282246310005"; }},
      {"full_name", [](NewCustomer& c) { c.full_name = "   "; }},
  };
  for (const Case& tc : cases) {
    NewCustomer c = Ada();
    tc.mutate(c);
    auto id = vault_->customers().Create(AccountService(), c);
    ASSERT_FALSE(id.has_value()) << tc.field;
    EXPECT_EQ(id.error().code(), StatusCode::kInvalidArgument) << tc.field;
    EXPECT_TRUE(id.error().message().starts_with(std::string(tc.field) + ":"))
        << id.error().message();
  }
  EXPECT_EQ(CountCustomers(), 0u);
}

TEST_F(CustomersTest, RejectedCardNumberIsAuditedWithoutTheValue) {
  NewCustomer c = Ada();
  c.full_name = "Ada 4111-1111-1111-1111";
  ASSERT_FALSE(vault_->customers().Create(AccountService(), c).has_value());
  auto entries = Tail(1);
  ASSERT_EQ(entries.size(), 1u);
  const AuditEntry& rejected = entries[0];
  EXPECT_EQ(rejected.action, "customer.create");
  EXPECT_EQ(rejected.decision, "deny");
  EXPECT_EQ(rejected.reason_code, "invalid_input");
  EXPECT_EQ(rejected.fields_requested, std::vector<std::string>{"full_name"});
  for (const AuditEntry& e : entries) {
    for (const std::string& s : {e.subject, e.principal_id, e.request_id, e.reason_code}) {
      EXPECT_FALSE(testing::ContainsTestCardNumber(s));
    }
  }
}

TEST_F(CustomersTest, UpdateChangesOnlyNamedFieldsAndMovesTheEmailIndex) {
  CustomerId id = AddAda();
  CustomerUpdate update;
  update.email = "countess@example.org";
  update.phone = "+12025550123";
  ASSERT_TRUE(vault_->customers().Update(AccountService(), id, update).ok());
  auto record = vault_->customers().Get(AccountService(), id);
  ASSERT_TRUE(record.has_value());
  EXPECT_EQ(record->fields.at(CustomerField::kEmail), "countess@example.org");
  EXPECT_EQ(record->fields.at(CustomerField::kFullName), "Ada Lovelace");
  EXPECT_FALSE(vault_->customers().FindByEmail(AccountService(), "ada.lovelace@example.com"));
  auto found = vault_->customers().FindByEmail(AccountService(), "countess@example.org");
  ASSERT_TRUE(found.has_value());
  EXPECT_EQ(*found, id);
}

TEST_F(CustomersTest, InvalidUpdateChangesNothing) {
  CustomerId id = AddAda();
  CustomerUpdate update;
  update.full_name = "Augusta Ada King";
  update.country = "XX";
  Status s = vault_->customers().Update(AccountService(), id, update);
  EXPECT_EQ(s.code(), StatusCode::kInvalidArgument);
  EXPECT_TRUE(s.message().starts_with("country:"));
  auto record = vault_->customers().Get(AccountService(), id);
  ASSERT_TRUE(record.has_value());
  EXPECT_EQ(record->fields.at(CustomerField::kFullName), "Ada Lovelace");
}

TEST_F(CustomersTest, UpdateToAnotherCustomersEmailIsRefused) {
  CustomerId ada = AddAda();
  NewCustomer grace;
  grace.full_name = "Grace Hopper";
  grace.email = "grace@example.org";
  ASSERT_TRUE(vault_->customers().Create(AccountService(), grace).has_value());
  CustomerUpdate update;
  update.email = "grace@example.org";
  EXPECT_EQ(vault_->customers().Update(AccountService(), ada, update).code(),
            StatusCode::kAlreadyExists);
}

TEST_F(CustomersTest, ListIdsPagesInIdOrder) {
  std::vector<CustomerId> created;
  for (int i = 0; i < 5; ++i) {
    NewCustomer c;
    c.full_name = "Customer " + std::to_string(i);
    c.email = "c" + std::to_string(i) + "@example.com";
    auto id = vault_->customers().Create(AccountService(), c);
    ASSERT_TRUE(id.has_value());
    created.push_back(*id);
  }
  auto first = vault_->customers().ListIds(AccountService(), std::nullopt, 3);
  ASSERT_TRUE(first.has_value());
  ASSERT_EQ(first->size(), 3u);
  auto rest = vault_->customers().ListIds(AccountService(), first->back(), 10);
  ASSERT_TRUE(rest.has_value());
  std::vector<CustomerId> all = *first;
  all.insert(all.end(), rest->begin(), rest->end());
  std::sort(created.begin(), created.end(),
            [](const CustomerId& a, const CustomerId& b) { return a.str() < b.str(); });
  EXPECT_EQ(all, created);
}

TEST_F(CustomersTest, DeniedCallsAreRefusedWithReasonAndAudited) {
  CustomerId id = AddAda();
  auto wrong_role = vault_->customers().Get(As("marketing-service", "support"), id);
  ASSERT_FALSE(wrong_role.has_value());
  EXPECT_EQ(wrong_role.error().code(), StatusCode::kPermissionDenied);
  EXPECT_EQ(wrong_role.error().reason_code(), "role_not_permitted");
  auto no_consent = vault_->customers().Get(As("marketing-service", "marketing"), id);
  ASSERT_FALSE(no_consent.has_value());
  EXPECT_EQ(no_consent.error().reason_code(), "no_consent");
  auto auditor = vault_->customers().Get(Auditor(), id);
  ASSERT_FALSE(auditor.has_value());
  EXPECT_EQ(auditor.error().reason_code(), "action_not_permitted");

  auto entries = Tail(3);
  ASSERT_EQ(entries.size(), 3u);
  EXPECT_EQ(entries[0].reason_code, "role_not_permitted");
  EXPECT_EQ(entries[1].reason_code, "no_consent");
  EXPECT_EQ(entries[2].reason_code, "action_not_permitted");
  for (int i = 0; i < 3; ++i) {
    EXPECT_EQ(entries[i].decision, "deny");
    EXPECT_FALSE(entries[i].subject.empty());
    EXPECT_TRUE(entries[i].fields_returned.empty());
  }
}

TEST_F(CustomersTest, DeniedCallerCannotTellWhetherACustomerExists) {
  auto missing = CustomerId::Parse("cus_aaaaaaaaaaaaaaaaaaaaaaaaaa");
  ASSERT_TRUE(missing.has_value());
  auto r = vault_->customers().Get(As("marketing-service", "support"), *missing);
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().code(), StatusCode::kPermissionDenied);
}

TEST_F(CustomersTest, AllowedReadIsAuditedWithFieldsRequestedAndReturned) {
  CustomerId id = AddAda();
  const std::array fields = {CustomerField::kEmail, CustomerField::kFullName};
  ASSERT_TRUE(vault_->customers().Get(SupportAgent(), id, fields).has_value());
  auto entries = Tail(1);
  ASSERT_EQ(entries.size(), 1u);
  const AuditEntry& read = entries[0];
  EXPECT_EQ(read.action, "customer.read");
  EXPECT_EQ(read.role, "support-agent");
  EXPECT_EQ(read.purpose, "support");
  EXPECT_EQ(read.decision, "allow");
  EXPECT_EQ(read.fields_requested, (std::vector<std::string>{"email", "full_name"}));
  EXPECT_EQ(read.fields_returned.size(), 2u);
  EXPECT_EQ(read.subject.size(), 64u);
}

TEST_F(CustomersTest, PseudonymIsStablePerCustomerAndNotTheId) {
  CustomerId id = AddAda();
  ASSERT_TRUE(vault_->customers().Get(AccountService(), id).has_value());
  ASSERT_TRUE(vault_->customers().Get(SupportAgent(), id).has_value());
  auto entries = Tail(2);
  ASSERT_EQ(entries.size(), 2u);
  EXPECT_EQ(entries[0].subject, entries[1].subject);
  EXPECT_EQ(entries[0].subject.find(id.str()), std::string::npos);
}

TEST_F(CustomersTest, InvalidContextIsRefusedAndAudited) {
  AccessContext bad = AccountService();
  bad.principal_id = "ada.lovelace@example.com has spaces";
  auto r = vault_->customers().Create(bad, Ada());
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().code(), StatusCode::kInvalidArgument);
  auto entries = Tail(1);
  ASSERT_EQ(entries.size(), 1u);
  EXPECT_EQ(entries[0].reason_code, "invalid_context");
  EXPECT_EQ(entries[0].principal_id, "(invalid)");
}

TEST_F(CustomersTest, DataSurvivesReopen) {
  CustomerId id = AddAda();
  Reopen();
  auto record = vault_->customers().Get(AccountService(), id);
  ASSERT_TRUE(record.has_value()) << record.error().ToString();
  EXPECT_EQ(record->fields.at(CustomerField::kFullName), "Ada Lovelace");
}

TEST_F(CustomersTest, CallsAfterCloseFail) {
  ASSERT_TRUE(vault_->Close().ok());
  auto r = vault_->customers().Create(AccountService(), Ada());
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().code(), StatusCode::kFailedPrecondition);
}

}  // namespace
}  // namespace cvault

namespace cvault {
namespace {

// The combined look-up and read (Customers::GetByEmail / GetByPhone).
class LookUpTest : public testing::VaultTest {};

TEST_F(LookUpTest, GetByEmailReturnsTheRecordInOneAuditedCall) {
  CustomerId id = AddAda();
  auto record = vault_->customers().GetByEmail(SupportAgent(), "  Ada.Lovelace@Example.com ");
  ASSERT_TRUE(record.has_value()) << record.error().ToString();
  EXPECT_EQ(record->id, id);
  EXPECT_EQ(record->fields.at(CustomerField::kFullName), "Ada Lovelace");
  EXPECT_EQ(record->fields.at(CustomerField::kEmail), "a***@example.com");  // masked as Get
  EXPECT_EQ(record->masked.size(), 3u);
  // One entry after the create: a customer.read naming the match, as the
  // Get of the same fields records.
  auto entries = Tail(2);
  ASSERT_EQ(entries.size(), 2u);
  EXPECT_EQ(entries[0].action, "customer.create");
  const AuditEntry read = entries[1];
  auto got = vault_->customers().Get(SupportAgent(), id);
  ASSERT_TRUE(got.has_value());
  const AuditEntry get = Tail(1).at(0);
  EXPECT_EQ(read.action, "customer.read");
  EXPECT_EQ(read.decision, get.decision);
  EXPECT_EQ(read.subject, get.subject);
  EXPECT_EQ(read.fields_returned, get.fields_returned);
}

TEST_F(LookUpTest, GetByPhoneReturnsEveryMatch) {
  CustomerId ada = AddAda();
  NewCustomer twin = Ada();
  twin.full_name = "Ada Byron";
  twin.email = "ada.byron@example.com";
  auto byron = vault_->customers().Create(AccountService(), twin);
  ASSERT_TRUE(byron.has_value()) << byron.error().ToString();
  auto records = vault_->customers().GetByPhone(AccountService(), "+44 20 7183 8750");
  ASSERT_TRUE(records.has_value()) << records.error().ToString();
  ASSERT_EQ(records->size(), 2u);
  std::vector<std::string> names;
  for (const auto& r : *records) names.push_back(r.fields.at(CustomerField::kFullName));
  std::sort(names.begin(), names.end());
  EXPECT_EQ(names, (std::vector<std::string>{"Ada Byron", "Ada Lovelace"}));
  auto entry = Tail(1).at(0);
  EXPECT_EQ(entry.action, "customer.read");
  EXPECT_EQ(entry.subject.size(), 64u * 2 + 1);  // two pseudonyms, comma-joined
}

TEST_F(LookUpTest, NobodyMatchingIsNotFoundAndAudited) {
  AddAda();
  auto record = vault_->customers().GetByEmail(AccountService(), "nobody@example.com");
  ASSERT_FALSE(record.has_value());
  EXPECT_EQ(record.error().code(), StatusCode::kNotFound);
  auto entry = Tail(1).at(0);
  EXPECT_EQ(entry.action, "customer.read");
  EXPECT_EQ(entry.reason_code, "not_found");
  EXPECT_TRUE(entry.fields_returned.empty());
}

TEST_F(LookUpTest, EachDecisionCanDenyAndNothingIsReturned) {
  AddAda();
  // Marketing may read with consent but this customer never gave it.
  auto no_consent = vault_->customers().GetByEmail(As("marketing-service", "marketing"),
                                                   "ada.lovelace@example.com");
  ASSERT_FALSE(no_consent.has_value());
  EXPECT_EQ(no_consent.error().code(), StatusCode::kPermissionDenied);
  // The auditor may neither find nor read customers.
  auto auditor = vault_->customers().GetByEmail(Auditor(), "ada.lovelace@example.com");
  ASSERT_FALSE(auditor.has_value());
  EXPECT_EQ(auditor.error().code(), StatusCode::kPermissionDenied);
  for (const AuditEntry& e : Tail(2)) {
    EXPECT_EQ(e.decision, "deny");
    EXPECT_TRUE(e.fields_returned.empty());
  }
}

TEST_F(LookUpTest, AnInvalidEmailIsRefusedByName) {
  auto record = vault_->customers().GetByEmail(AccountService(), "not an email");
  ASSERT_FALSE(record.has_value());
  EXPECT_EQ(record.error().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(record.error().message().find("email"), std::string::npos);
  EXPECT_EQ(record.error().message().find("not an email"), std::string::npos);
}

}  // namespace
}  // namespace cvault
