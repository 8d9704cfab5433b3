#include "domain/consent_receipt.h"

#include <sodium.h>

#include <algorithm>
#include <array>
#include <nlohmann/json.hpp>

#include "domain/card_screen.h"
#include "domain/consent_state.h"
#include "domain/random_id.h"
#include "domain/validation.h"

namespace cvault::domain {
namespace {

constexpr std::string_view kTable = "consent_events";
constexpr std::string_view kColumn = "receipt";
constexpr std::array<std::string_view, 8> kMethods = {
    "web_form", "checkbox", "double_opt_in", "email_link",
    "verbal",   "paper",    "api",           "import"};
constexpr std::array<std::string_view, 7> kChannels = {
    "web", "mobile_app", "email", "phone", "in_person", "chat", "api"};

template <std::size_t N>
bool OneOf(const std::array<std::string_view, N>& options, std::string_view value) {
  return std::find(options.begin(), options.end(), value) != options.end();
}

crypto::FieldBinding Binding(const store::ConsentEventRow& row) {
  return {kTable, kColumn, row.event_id, row.customer_id};
}

}  // namespace

Status ValidateActor(std::string_view actor) {
  CVAULT_RETURN_IF_ERROR(ScreenForCardNumber("actor", actor));
  if (!IsIdentifier(actor, 64, "._:@-")) {
    return Status::InvalidArgument(
        "actor: \"customer\" or an agent id of 1-64 letters, digits and . _ : @ -");
  }
  return Status::Ok();
}

Status ValidateNoticeRef(std::string_view field, std::string_view value) {
  CVAULT_RETURN_IF_ERROR(ScreenForCardNumber(field, value));
  if (!IsIdentifier(value, 64, "._-")) {
    return Status::InvalidArgument(std::string(field) +
                                   ": 1-64 letters, digits and . _ - required");
  }
  return Status::Ok();
}

Status ValidateConsentPurpose(std::string_view purpose) {
  CVAULT_RETURN_IF_ERROR(ScreenForCardNumber("purpose", purpose));
  if (!IsIdentifier(purpose, 64, "_-")) {
    return Status::InvalidArgument("purpose: 1-64 letters, digits, _ and - required");
  }
  return Status::Ok();
}

Status ValidateMethodAndChannel(std::string_view collection_method,
                                std::string_view channel) {
  CVAULT_RETURN_IF_ERROR(ScreenForCardNumber("collection method", collection_method));
  CVAULT_RETURN_IF_ERROR(ScreenForCardNumber("channel", channel));
  if (!OneOf(kMethods, collection_method)) {
    return Status::InvalidArgument(
        "collection method: expected web_form, checkbox, double_opt_in, email_link, "
        "verbal, paper, api or import");
  }
  if (!OneOf(kChannels, channel)) {
    return Status::InvalidArgument(
        "channel: expected web, mobile_app, email, phone, in_person, chat or api");
  }
  return Status::Ok();
}

Status ValidateConsentGrant(const ConsentGrant& g) {
  CVAULT_RETURN_IF_ERROR(ScreenForCardNumber("collection method", g.collection_method));
  CVAULT_RETURN_IF_ERROR(ScreenForCardNumber("channel", g.channel));
  for (const std::string& category : g.pii_categories) {
    CVAULT_RETURN_IF_ERROR(ScreenForCardNumber("pii categories", category));
  }
  for (const std::string& party : g.third_parties) {
    CVAULT_RETURN_IF_ERROR(ScreenForCardNumber("third parties", party));
  }
  CVAULT_RETURN_IF_ERROR(ValidateNoticeRef("notice id", g.notice_id));
  CVAULT_RETURN_IF_ERROR(ValidateNoticeRef("notice version", g.notice_version));
  CVAULT_RETURN_IF_ERROR(ValidateMethodAndChannel(g.collection_method, g.channel));
  CVAULT_RETURN_IF_ERROR(ValidateLanguageTag("language", g.language));
  for (const std::string& category : g.pii_categories) {
    if (!ParseFieldGroupName(category)) {
      return Status::InvalidArgument(
          "pii categories: each must be a field group (identity, contact, "
          "marketing_profile, support_evidence, financial)");
    }
  }
  if (g.third_parties.size() > 20) {
    return Status::InvalidArgument("third parties: at most 20");
  }
  for (const std::string& party : g.third_parties) {
    CVAULT_RETURN_IF_ERROR(ValidateText("third parties", party, 100, false));
  }
  return ValidateActor(g.actor);
}

std::string NewConsentEventId() { return NewRandomId("cev_"); }
std::string NewConsentId() { return NewRandomId("con_"); }

StatusOr<store::Bytes> SealReceipt(const crypto::FieldCipher& cipher,
                                   const store::ConsentEventRow& row,
                                   const ReceiptFields& f) {
  nlohmann::json j = {{"controller", f.controller},
                      {"jurisdiction", f.jurisdiction},
                      {"purpose_category", f.purpose_category},
                      {"legal_basis", f.legal_basis},
                      {"consent_type", f.consent_type},
                      {"pii_categories", f.pii_categories},
                      {"third_parties", f.third_parties},
                      {"notice_id", f.notice_id},
                      {"notice_version", f.notice_version},
                      {"notice_sha256", f.notice_sha256},
                      {"language", f.language},
                      {"collection_method", f.collection_method},
                      {"channel", f.channel},
                      {"actor", f.actor}};
  std::string plain = j.dump();
  auto sealed = cipher.Encrypt(
      {reinterpret_cast<const std::uint8_t*>(plain.data()), plain.size()}, Binding(row));
  sodium_memzero(plain.data(), plain.size());
  return sealed;
}

StatusOr<ReceiptFields> OpenReceipt(const crypto::FieldCipher& cipher,
                                    const store::ConsentEventRow& row) {
  auto plain = cipher.Decrypt(row.receipt, Binding(row));
  if (!plain) return Error(plain.error().WithContext("consent receipt"));
  auto j = nlohmann::json::parse(plain->RevealAsText(), nullptr, false);
  auto text = [&](const char* key) -> std::string {
    auto it = j.find(key);
    return it != j.end() && it->is_string() ? it->get<std::string>() : std::string();
  };
  auto list = [&](const char* key) -> std::vector<std::string> {
    std::vector<std::string> out;
    auto it = j.find(key);
    if (it == j.end() || !it->is_array()) return out;
    for (const auto& v : *it) {
      if (v.is_string()) out.push_back(v.get<std::string>());
    }
    return out;
  };
  if (j.is_discarded() || !j.is_object()) {
    return Error(Status::Integrity("consent receipt: decrypted but not well-formed"));
  }
  ReceiptFields f;
  f.controller = text("controller");
  f.jurisdiction = text("jurisdiction");
  f.purpose_category = text("purpose_category");
  f.legal_basis = text("legal_basis");
  f.consent_type = text("consent_type");
  f.pii_categories = list("pii_categories");
  f.third_parties = list("third_parties");
  f.notice_id = text("notice_id");
  f.notice_version = text("notice_version");
  f.notice_sha256 = text("notice_sha256");
  f.language = text("language");
  f.collection_method = text("collection_method");
  f.channel = text("channel");
  f.actor = text("actor");
  return f;
}

namespace {
Timestamp EventTime(std::int64_t us) { return Timestamp(std::chrono::microseconds(us)); }
}  // namespace

ConsentEvent ToConsentEvent(const store::ConsentEventRow& row, const ReceiptFields& f,
                            const CustomerId& id) {
  ConsentEvent e;
  e.event_id = row.event_id;
  e.consent_id = row.consent_id;
  e.customer = id;
  e.type =
      ParseConsentEventType(row.event_type).value_or(ConsentEventType::kGiven);
  e.time = EventTime(row.time_us);
  if (row.expires_at_us) e.expires_at = EventTime(*row.expires_at_us);
  e.previous_event_id = row.previous_event_id;
  e.controller = f.controller;
  e.jurisdiction = f.jurisdiction;
  e.purpose = row.purpose;
  e.purpose_category = f.purpose_category;
  e.legal_basis = f.legal_basis;
  e.consent_type = ParseConsentType(f.consent_type).value_or(ConsentType::kExplicit);
  e.pii_categories = f.pii_categories;
  e.third_parties = f.third_parties;
  e.notice_id = f.notice_id;
  e.notice_version = f.notice_version;
  e.notice_sha256 = f.notice_sha256;
  e.language = f.language;
  e.collection_method = f.collection_method;
  e.channel = f.channel;
  e.actor = f.actor;
  return e;
}

}  // namespace cvault::domain
