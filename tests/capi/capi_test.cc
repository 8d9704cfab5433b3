// The C API (cvault/cvault.h) through libcvault.so, as a C caller uses it:
// consent-gated reads, denials, a refund flow, export and erasure, status
// codes and messages, and NULL or malformed arguments.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "cvault/cvault.h"
#include "tests/testing/temp_dir.h"

namespace {

using Json = nlohmann::json;

constexpr cvault_context kAccountService = {"signup-svc", "account-service",
                                            "account_management", "test", nullptr};
constexpr cvault_context kSupport = {"agent-7", "support-agent", "support", "test",
                                     nullptr};
constexpr cvault_context kMarketing = {"mail-svc", "marketing-service", "marketing",
                                       "test", nullptr};
constexpr cvault_context kRefunds = {"refund-svc", "refund-service", "refund_processing",
                                     "test", nullptr};
constexpr cvault_context kPayer = {"refund-payer", "refund-service", "refund_processing",
                                   "test", nullptr};
constexpr cvault_context kDpo = {"dpo-1", "dpo", "dsr", "test", nullptr};
constexpr cvault_context kLegal = {"dpo-1", "dpo", "legal_compliance", "test", nullptr};
constexpr cvault_context kAuditor = {"audit-1", "auditor", "audit", "test", nullptr};

constexpr char kAda[] =
    R"({"full_name":"Ada Lovelace","email":"ada.lovelace@example.com",)"
    R"("phone":"+442071838750","country":"GB"})";

// Owns what one C call hands back: the error and the returned string.
struct Outcome {
  cvault_status status = CVAULT_OK;
  cvault_error* error = nullptr;
  char* text = nullptr;

  Outcome() = default;
  Outcome(const Outcome&) = delete;
  Outcome& operator=(const Outcome&) = delete;
  ~Outcome() {
    cvault_error_free(error);
    cvault_string_free(text);
  }
  std::string Message() const { return error ? cvault_error_message(error) : ""; }
  std::string Reason() const { return error ? cvault_error_reason(error) : ""; }
  Json Parsed() const { return Json::parse(text ? text : "null"); }
};

class CapiTest : public ::testing::Test {
 protected:
  void SetUp() override {
    cvault_options* options = nullptr;
    ASSERT_EQ(cvault_options_new(&options, nullptr), CVAULT_OK);
    const std::string vault_dir = (dir_.path() / "vault").string();
    const std::string keys_dir = (dir_.path() / "keys").string();
    const std::vector<uint8_t> key(32, 0x5a);
    ASSERT_EQ(cvault_options_set_vault_dir(options, vault_dir.c_str(), nullptr),
              CVAULT_OK);
    ASSERT_EQ(cvault_options_set_keys_dir(options, keys_dir.c_str(), nullptr), CVAULT_OK);
    ASSERT_EQ(cvault_options_set_raw_root_key(options, key.data(), key.size(), nullptr),
              CVAULT_OK);
    Outcome created;
    created.status = cvault_vault_create(options, &vault_, &created.error);
    cvault_options_free(options);
    ASSERT_EQ(created.status, CVAULT_OK) << created.Message();

    Outcome notice;
    notice.status =
        cvault_notice_register(vault_, &kLegal, "privacy", "3",
                               "We email offers if you agree.", nullptr, &notice.error);
    ASSERT_EQ(notice.status, CVAULT_OK) << notice.Message();
    ada_ = Add(kAda);
  }

  void TearDown() override { cvault_vault_free(vault_); }

  std::string Add(const char* customer_json) {
    Outcome added;
    added.status = cvault_customer_add(vault_, &kAccountService, customer_json,
                                       &added.text, &added.error);
    EXPECT_EQ(added.status, CVAULT_OK) << added.Message();
    return added.text ? added.text : "";
  }

  void Get(const cvault_context& ctx, Outcome& out) {
    out.status = cvault_customer_get(vault_, &ctx, ada_.c_str(), nullptr, 0, &out.text,
                                     &out.error);
  }

  std::string OpenTicket() {
    Json ticket = {{"customer_id", ada_},
                   {"product", {{"kind", "plugin"}, {"sku", "seo-booster-2"}}},
                   {"summary", "Plugin crashes the checkout page"},
                   {"substantial", true}};
    Outcome opened;
    opened.status = cvault_ticket_open(vault_, &kSupport, ticket.dump().c_str(),
                                       &opened.text, &opened.error);
    EXPECT_EQ(opened.status, CVAULT_OK) << opened.Message();
    return opened.text ? opened.text : "";
  }

  cvault::testing::TempDir dir_;
  cvault_vault* vault_ = nullptr;
  std::string ada_;
};

TEST(CapiVersionTest, VersionAndAbiMatchTheHeader) {
  EXPECT_STREQ(cvault_version(), "0.1.0");
  EXPECT_EQ(cvault_abi_version(), CVAULT_ABI_VERSION);
  EXPECT_STREQ(cvault_status_name(CVAULT_PERMISSION_DENIED), "permission_denied");
  EXPECT_STREQ(cvault_status_name(static_cast<cvault_status>(99)), "unknown");
}

TEST_F(CapiTest, SupportReadIsMaskedAndMarketingReadNeedsConsent) {
  Outcome support;
  Get(kSupport, support);
  ASSERT_EQ(support.status, CVAULT_OK) << support.Message();
  Json record = support.Parsed();
  EXPECT_EQ(record["customer_id"], ada_);
  EXPECT_NE(record["fields"]["email"], "ada.lovelace@example.com");
  EXPECT_TRUE(record["masked"].size() > 0);

  Outcome denied;
  Get(kMarketing, denied);
  EXPECT_EQ(denied.status, CVAULT_PERMISSION_DENIED);
  EXPECT_EQ(cvault_error_code(denied.error), CVAULT_PERMISSION_DENIED);
  EXPECT_EQ(denied.Reason(), "no_consent");
  EXPECT_EQ(denied.text, nullptr);

  Json grant = {{"purpose", "marketing"},
                {"notice_id", "privacy"},
                {"notice_version", "3"},
                {"collection_method", "checkbox"},
                {"channel", "web"}};
  Outcome granted;
  granted.status =
      cvault_consent_grant(vault_, &kAccountService, ada_.c_str(), grant.dump().c_str(),
                           &granted.text, &granted.error);
  ASSERT_EQ(granted.status, CVAULT_OK) << granted.Message();
  EXPECT_EQ(granted.Parsed()["type"], "given");

  Outcome allowed;
  Get(kMarketing, allowed);
  ASSERT_EQ(allowed.status, CVAULT_OK) << allowed.Message();
  EXPECT_EQ(allowed.Parsed()["fields"]["email"], "ada.lovelace@example.com");

  Outcome withdrawn;
  withdrawn.status =
      cvault_consent_withdraw(vault_, &kAccountService, ada_.c_str(), "marketing",
                              nullptr, nullptr, &withdrawn.error);
  ASSERT_EQ(withdrawn.status, CVAULT_OK) << withdrawn.Message();
  Outcome after;
  Get(kMarketing, after);
  EXPECT_EQ(after.Reason(), "consent_withdrawn");

  Outcome history;
  history.status = cvault_consent_history(vault_, &kAuditor, ada_.c_str(), &history.text,
                                          &history.error);
  ASSERT_EQ(history.status, CVAULT_OK) << history.Message();
  EXPECT_EQ(history.Parsed().size(), 2u);
  Outcome states;
  states.status =
      cvault_consent_status(vault_, &kAuditor, ada_.c_str(), &states.text, &states.error);
  ASSERT_EQ(states.status, CVAULT_OK) << states.Message();
  EXPECT_TRUE(states.Parsed().is_array());
}

TEST_F(CapiTest, FindUpdateAndListCustomers) {
  Outcome found;
  found.status = cvault_customer_find_by_email(
      vault_, &kSupport, "Ada.Lovelace@example.com", &found.text, &found.error);
  ASSERT_EQ(found.status, CVAULT_OK) << found.Message();
  EXPECT_EQ(std::string(found.text), ada_);

  Outcome by_phone;
  by_phone.status = cvault_customer_find_by_phone(vault_, &kSupport, "+442071838750",
                                                  &by_phone.text, &by_phone.error);
  ASSERT_EQ(by_phone.status, CVAULT_OK) << by_phone.Message();
  EXPECT_EQ(by_phone.Parsed(), Json::array({ada_}));

  Outcome updated;
  updated.status = cvault_customer_update(vault_, &kAccountService, ada_.c_str(),
                                          R"({"country":"FR"})", &updated.error);
  ASSERT_EQ(updated.status, CVAULT_OK) << updated.Message();

  Outcome listed;
  listed.status = cvault_customer_list_ids(vault_, &kAccountService, nullptr, 10,
                                           &listed.text, &listed.error);
  ASSERT_EQ(listed.status, CVAULT_OK) << listed.Message();
  EXPECT_EQ(listed.Parsed(), Json::array({ada_}));

  Outcome missing;
  missing.status = cvault_customer_find_by_email(vault_, &kSupport, "nobody@example.com",
                                                 &missing.text, &missing.error);
  EXPECT_EQ(missing.status, CVAULT_NOT_FOUND);
  EXPECT_EQ(missing.Message().find("nobody"), std::string::npos);
}

TEST_F(CapiTest, RefundFlowFromUnfixableTicketToCompletedRefund) {
  std::string ticket = OpenTicket();
  Outcome attempt;
  attempt.status = cvault_ticket_attempt(vault_, &kSupport, ticket.c_str(), "not_fixed",
                                         "cleared caches", nullptr, &attempt.error);
  ASSERT_EQ(attempt.status, CVAULT_OK) << attempt.Message();
  Outcome resolved;
  resolved.status = cvault_ticket_resolve(vault_, &kSupport, ticket.c_str(), "unfixable",
                                          &resolved.error);
  ASSERT_EQ(resolved.status, CVAULT_OK) << resolved.Message();
  Outcome shown_ticket;
  shown_ticket.status = cvault_ticket_show(vault_, &kSupport, ticket.c_str(),
                                           &shown_ticket.text, &shown_ticket.error);
  ASSERT_EQ(shown_ticket.status, CVAULT_OK) << shown_ticket.Message();
  EXPECT_EQ(shown_ticket.Parsed()["state"], "unfixable");

  Json refund = {{"customer_id", ada_},
                 {"order_ref", "ORD-2026-000123"},
                 {"product", {{"kind", "plugin"}, {"sku", "seo-booster-2"}}},
                 {"reason", "functional_defect"},
                 {"ticket_ids", {ticket}}};
  Outcome opened;
  opened.status = cvault_refund_open(vault_, &kRefunds, refund.dump().c_str(),
                                     &opened.text, &opened.error);
  ASSERT_EQ(opened.status, CVAULT_OK) << opened.Message();
  const std::string case_id = opened.text;

  Outcome assessed;
  assessed.status = cvault_refund_assess(vault_, &kRefunds, case_id.c_str(), nullptr,
                                         &assessed.text, &assessed.error);
  ASSERT_EQ(assessed.status, CVAULT_OK) << assessed.Message();
  EXPECT_EQ(assessed.Parsed()["decision"], "eligible");

  for (const char* to : {"under_review", "approved", "processing"}) {
    Outcome moved;
    moved.status = cvault_refund_transition(vault_, &kRefunds, case_id.c_str(), to, "ok",
                                            &moved.error);
    ASSERT_EQ(moved.status, CVAULT_OK) << to << ": " << moved.Message();
  }
  Json payment = {{"processor", "stripe"},
                  {"charge_id", "ch_3N8f2kLkdIwHu7ix0Zq1aB2c"},
                  {"refund_id", "re_3N8f2kLkdIwHu7ix0Zq1aB2d"},
                  {"amount_minor", 4900},
                  {"currency", "EUR"}};
  Outcome paid;
  paid.status = cvault_refund_attach_payment(vault_, &kPayer, case_id.c_str(),
                                             payment.dump().c_str(), &paid.error);
  ASSERT_EQ(paid.status, CVAULT_OK) << paid.Message();
  Outcome completed;
  completed.status = cvault_refund_transition(vault_, &kPayer, case_id.c_str(),
                                              "completed", nullptr, &completed.error);
  ASSERT_EQ(completed.status, CVAULT_OK) << completed.Message();
  Outcome notified;
  notified.status = cvault_refund_notify(vault_, &kRefunds, case_id.c_str(), "email",
                                         "refund-completed", &notified.error);
  ASSERT_EQ(notified.status, CVAULT_OK) << notified.Message();

  Outcome shown;
  shown.status =
      cvault_refund_show(vault_, &kRefunds, case_id.c_str(), &shown.text, &shown.error);
  ASSERT_EQ(shown.status, CVAULT_OK) << shown.Message();
  Json state = shown.Parsed();
  EXPECT_EQ(state["status"], "completed");
  EXPECT_EQ(state["payments"][0]["amount_minor"], 4900);
  EXPECT_EQ(state["assessment"]["decision"], "eligible");

  Outcome overdue;
  overdue.status =
      cvault_refund_overdue(vault_, &kRefunds, nullptr, &overdue.text, &overdue.error);
  ASSERT_EQ(overdue.status, CVAULT_OK) << overdue.Message();
  EXPECT_TRUE(overdue.Parsed().is_array());

  Outcome bad_move;
  bad_move.status = cvault_refund_transition(vault_, &kRefunds, case_id.c_str(),
                                             "approved", nullptr, &bad_move.error);
  EXPECT_EQ(bad_move.status, CVAULT_FAILED_PRECONDITION);
}

TEST_F(CapiTest, ExportVerifiesAndErasureLeavesNothingToRead) {
  Outcome document;
  document.status =
      cvault_rights_export(vault_, &kDpo, ada_.c_str(), &document.text, &document.error);
  ASSERT_EQ(document.status, CVAULT_OK) << document.Message();
  Outcome key;
  key.status = cvault_audit_public_key(vault_, &kDpo, &key.text, &key.error);
  ASSERT_EQ(key.status, CVAULT_OK) << key.Message();

  Outcome verified;
  verified.status =
      cvault_export_verify(document.text, key.text, &verified.text, &verified.error);
  ASSERT_EQ(verified.status, CVAULT_OK) << verified.Message();
  EXPECT_EQ(verified.Parsed()["ok"], true);
  EXPECT_EQ(verified.Parsed()["customer_id"], ada_);

  std::string altered = document.text;
  altered.replace(altered.find("Ada"), 3, "Eve");
  Outcome refused;
  refused.status =
      cvault_export_verify(altered.c_str(), key.text, &refused.text, &refused.error);
  ASSERT_EQ(refused.status, CVAULT_OK) << refused.Message();
  EXPECT_EQ(refused.Parsed()["ok"], false);
  EXPECT_EQ(std::string(refused.text).find("Eve"), std::string::npos);

  Outcome denied;
  denied.status =
      cvault_rights_erase(vault_, &kSupport, ada_.c_str(), nullptr, &denied.error);
  EXPECT_EQ(denied.status, CVAULT_PERMISSION_DENIED);

  Outcome restricted;
  restricted.status =
      cvault_rights_restrict(vault_, &kDpo, ada_.c_str(), &restricted.error);
  ASSERT_EQ(restricted.status, CVAULT_OK) << restricted.Message();
  Outcome while_restricted;
  Get(kSupport, while_restricted);
  EXPECT_EQ(while_restricted.Reason(), "restricted");

  Outcome erased;
  erased.status =
      cvault_rights_erase(vault_, &kDpo, ada_.c_str(), &erased.text, &erased.error);
  ASSERT_EQ(erased.status, CVAULT_OK) << erased.Message();
  EXPECT_EQ(erased.Parsed()["customer_id"], ada_);
  EXPECT_FALSE(erased.Parsed()["groups"].empty());

  Outcome gone;
  Get(kSupport, gone);
  EXPECT_EQ(gone.status, CVAULT_NOT_FOUND);

  Outcome purged;
  purged.status = cvault_rights_purge(vault_, &kDpo, &purged.text, &purged.error);
  ASSERT_EQ(purged.status, CVAULT_OK) << purged.Message();

  Outcome checkpoint;
  checkpoint.status =
      cvault_audit_checkpoint(vault_, &kAuditor, &checkpoint.text, &checkpoint.error);
  ASSERT_EQ(checkpoint.status, CVAULT_OK) << checkpoint.Message();
  Outcome audit;
  audit.status =
      cvault_audit_verify(vault_, &kAuditor, checkpoint.text, &audit.text, &audit.error);
  ASSERT_EQ(audit.status, CVAULT_OK) << audit.Message();
  EXPECT_EQ(audit.Parsed()["ok"], true);
}

TEST_F(CapiTest, RejectedInputNamesTheFieldAndNeverItsValue) {
  Outcome card;
  card.status = cvault_customer_add(
      vault_, &kAccountService,
      R"({"full_name":"4111 1111 1111 1111","email":"grace.hopper@example.com"})",
      &card.text, &card.error);
  EXPECT_EQ(card.status, CVAULT_INVALID_ARGUMENT);
  EXPECT_NE(card.Message().find("full_name"), std::string::npos) << card.Message();
  EXPECT_EQ(card.Message().find("4111"), std::string::npos);
  EXPECT_EQ(card.text, nullptr);

  Outcome email;
  email.status =
      cvault_customer_add(vault_, &kAccountService,
                          R"({"full_name":"Grace Hopper","email":"grace.hopper@@x"})",
                          &email.text, &email.error);
  EXPECT_EQ(email.status, CVAULT_INVALID_ARGUMENT);
  EXPECT_NE(email.Message().find("email"), std::string::npos) << email.Message();
  EXPECT_EQ(email.Message().find("grace"), std::string::npos);

  Outcome taken;
  taken.status =
      cvault_customer_add(vault_, &kAccountService, kAda, &taken.text, &taken.error);
  EXPECT_EQ(taken.status, CVAULT_ALREADY_EXISTS);
  EXPECT_EQ(taken.Message().find("ada.lovelace"), std::string::npos);

  Outcome not_json;
  not_json.status = cvault_customer_add(vault_, &kAccountService,
                                        R"({"full_name":"Grace Hopper", grace})",
                                        &not_json.text, &not_json.error);
  EXPECT_EQ(not_json.status, CVAULT_INVALID_ARGUMENT);
  EXPECT_EQ(not_json.Message(), "customer_json: not valid JSON");

  Outcome wrong_type;
  wrong_type.status = cvault_customer_add(vault_, &kAccountService,
                                          R"({"full_name":"Grace Hopper","email":7})",
                                          &wrong_type.text, &wrong_type.error);
  EXPECT_EQ(wrong_type.Message(), "customer_json.email: must be a string");

  Outcome unknown;
  unknown.status = cvault_customer_add(
      vault_, &kAccountService,
      R"({"full_name":"Grace Hopper","email":"grace@example.com","emial":"x"})",
      &unknown.text, &unknown.error);
  EXPECT_EQ(unknown.status, CVAULT_INVALID_ARGUMENT);
  EXPECT_NE(unknown.Message().find("unknown member"), std::string::npos);

  Outcome bad_id;
  bad_id.status = cvault_customer_get(vault_, &kSupport, "ada.lovelace@example.com",
                                      nullptr, 0, &bad_id.text, &bad_id.error);
  EXPECT_EQ(bad_id.status, CVAULT_INVALID_ARGUMENT);
  EXPECT_NE(bad_id.Message().find("customer_id"), std::string::npos);
  EXPECT_EQ(bad_id.Message().find("lovelace"), std::string::npos);
}

TEST_F(CapiTest, NullArgumentsAreRefusedByName) {
  Outcome no_vault;
  no_vault.status = cvault_customer_add(nullptr, &kAccountService, kAda, &no_vault.text,
                                        &no_vault.error);
  EXPECT_EQ(no_vault.status, CVAULT_INVALID_ARGUMENT);
  EXPECT_EQ(no_vault.Message(), "vault: must not be NULL");

  Outcome no_ctx;
  no_ctx.status = cvault_customer_add(vault_, nullptr, kAda, &no_ctx.text, &no_ctx.error);
  EXPECT_EQ(no_ctx.Message(), "ctx: must not be NULL");

  cvault_context no_role = kSupport;
  no_role.role = nullptr;
  Outcome missing_role;
  Get(no_role, missing_role);
  EXPECT_EQ(missing_role.Message(), "ctx.role: must not be NULL");

  Outcome no_out;
  no_out.status =
      cvault_customer_add(vault_, &kAccountService, kAda, nullptr, &no_out.error);
  EXPECT_EQ(no_out.Message(), "out_id: must not be NULL");

  Outcome no_json;
  no_json.status = cvault_customer_add(vault_, &kAccountService, nullptr, &no_json.text,
                                       &no_json.error);
  EXPECT_EQ(no_json.Message(), "customer_json: must not be NULL");

  // Without an error out-parameter the code alone comes back.
  char* id = nullptr;
  EXPECT_EQ(cvault_customer_add(vault_, nullptr, kAda, &id, nullptr),
            CVAULT_INVALID_ARGUMENT);
  EXPECT_EQ(id, nullptr);

  EXPECT_EQ(cvault_options_set_raw_root_key(nullptr, nullptr, 0, nullptr),
            CVAULT_INVALID_ARGUMENT);
  cvault_vault* opened = nullptr;
  EXPECT_EQ(cvault_vault_open(nullptr, &opened, nullptr), CVAULT_INVALID_ARGUMENT);
  EXPECT_EQ(opened, nullptr);

  // The free functions accept NULL.
  cvault_error_free(nullptr);
  cvault_string_free(nullptr);
  cvault_options_free(nullptr);
  cvault_vault_free(nullptr);
  EXPECT_STREQ(cvault_error_message(nullptr), "");
}

TEST_F(CapiTest, AClosedVaultRefusesCallsAndAWrongKeyIsAKeyFailure) {
  Outcome closed;
  closed.status = cvault_vault_close(vault_, &closed.error);
  ASSERT_EQ(closed.status, CVAULT_OK) << closed.Message();
  Outcome after;
  Get(kSupport, after);
  EXPECT_EQ(after.status, CVAULT_FAILED_PRECONDITION);

  cvault_options* options = nullptr;
  ASSERT_EQ(cvault_options_new(&options, nullptr), CVAULT_OK);
  const std::string vault_dir = (dir_.path() / "vault").string();
  const std::string keys_dir = (dir_.path() / "keys").string();
  const std::vector<uint8_t> wrong(32, 0x11);
  cvault_options_set_vault_dir(options, vault_dir.c_str(), nullptr);
  cvault_options_set_keys_dir(options, keys_dir.c_str(), nullptr);
  cvault_options_set_raw_root_key(options, wrong.data(), wrong.size(), nullptr);
  cvault_vault* reopened = nullptr;
  Outcome refused;
  refused.status = cvault_vault_open(options, &reopened, &refused.error);
  cvault_options_free(options);
  EXPECT_EQ(refused.status, CVAULT_KEY_FAILURE) << refused.Message();
  EXPECT_EQ(reopened, nullptr);
}

// Collects the operational log a cvault_log_fn receives.
void CollectLine(void* user_data, cvault_log_level, const char* line) {
  auto* lines = static_cast<std::vector<std::string>*>(user_data);
  lines->push_back(line);
}

TEST(CapiLogTest, TheLogCallbackGetsLinesWithoutPersonalValues) {
  cvault::testing::TempDir dir;
  std::vector<std::string> lines;
  cvault_options* options = nullptr;
  ASSERT_EQ(cvault_options_new(&options, nullptr), CVAULT_OK);
  const std::string vault_dir = (dir.path() / "vault").string();
  const std::string keys_dir = (dir.path() / "keys").string();
  const std::string passphrase = "correct horse battery staple";
  cvault_options_set_vault_dir(options, vault_dir.c_str(), nullptr);
  cvault_options_set_keys_dir(options, keys_dir.c_str(), nullptr);
  ASSERT_EQ(cvault_options_set_passphrase(options, passphrase.data(), passphrase.size(),
                                          nullptr),
            CVAULT_OK);
  cvault_options_set_passphrase_cost(options, CVAULT_PASSPHRASE_TESTING_ONLY, nullptr);
  ASSERT_EQ(cvault_options_set_log(options, &CollectLine, &lines, nullptr), CVAULT_OK);
  cvault_vault* vault = nullptr;
  ASSERT_EQ(cvault_vault_create(options, &vault, nullptr), CVAULT_OK);
  cvault_options_free(options);

  char* id = nullptr;
  ASSERT_EQ(cvault_customer_add(vault, &kAccountService, kAda, &id, nullptr), CVAULT_OK);
  EXPECT_EQ(cvault_customer_get(vault, &kMarketing, id, nullptr, 0, nullptr, nullptr),
            CVAULT_INVALID_ARGUMENT);  // out_json is required
  char* record = nullptr;
  EXPECT_EQ(cvault_customer_get(vault, &kMarketing, id, nullptr, 0, &record, nullptr),
            CVAULT_PERMISSION_DENIED);
  cvault_string_free(id);
  EXPECT_EQ(cvault_vault_close(vault, nullptr), CVAULT_OK);
  cvault_vault_free(vault);

  ASSERT_FALSE(lines.empty());
  for (const std::string& line : lines) {
    EXPECT_EQ(line.find("ada.lovelace"), std::string::npos) << line;
    EXPECT_EQ(line.find("Lovelace"), std::string::npos) << line;
    EXPECT_EQ(line.find("horse"), std::string::npos) << line;
  }
}

}  // namespace
