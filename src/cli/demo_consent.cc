#include "cli/demo_consent.h"

#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <sstream>
#include <string_view>
#include <vector>

#include "cli/output.h"

namespace cvault::cli {
namespace {

constexpr std::string_view kNoticeId = "marketing-emails";
constexpr std::string_view kNoticeVersion = "2026-11";
constexpr std::string_view kNoticeText =
    "XPereozz would like to email you about new products and offers, and may call "
    "you about them. We use only your email address and phone number for this. "
    "You can withdraw your consent at any time, as easily as you gave it.";

// `text` in lines of at most `width` characters, broken at spaces.
std::vector<std::string> WrapWords(std::string_view text, std::size_t width) {
  std::vector<std::string> lines;
  std::istringstream words{std::string(text)};
  std::string line;
  for (std::string word; words >> word;) {
    if (!line.empty() && line.size() + 1 + word.size() > width) {
      lines.push_back(std::move(line));
      line.clear();
    }
    line += (line.empty() ? "" : " ") + word;
  }
  if (!line.empty()) lines.push_back(std::move(line));
  return lines;
}

// "2026-11-26T10:15:00Z": the demo does not need microseconds.
std::string ShortTime(Timestamp t) {
  return FormatTimestamp(std::chrono::floor<std::chrono::seconds>(t)).substr(0, 19) + "Z";
}

bool Has(const std::vector<CustomerField>& fields, CustomerField field) {
  return std::ranges::find(fields, field) != fields.end();
}

}  // namespace

CliOr<> DemoConsentChapter::RegisterNotice() {
  auto notice = vault_.consents().RegisterNotice(callers_.dpo_legal, kNoticeId,
                                                 kNoticeVersion, kNoticeText);
  if (!notice) return narrator_.Failed("registering the notice", notice.error());
  notice_sha256_ = notice->text_sha256;
  narrator_.Say(fmt::format(
      "dpo (purpose legal_compliance) registered privacy notice {}@{}:", kNoticeId,
      kNoticeVersion));
  for (const std::string& line : WrapWords(kNoticeText, 74)) narrator_.More("| " + line);
  narrator_.More("sha256 " + notice_sha256_);
  return {};
}

CliOr<> DemoConsentChapter::AdaConsents() {
  ConsentGrant grant;
  grant.purpose = "marketing";
  grant.notice_id = kNoticeId;
  grant.notice_version = kNoticeVersion;
  grant.collection_method = "checkbox";
  grant.channel = "web";
  grant.expires_at = SystemClock()->Now() + std::chrono::days(365);
  auto event = vault_.consents().Grant(callers_.account, ada_, grant);
  if (!event) return narrator_.Failed("recording Ada's consent", event.error());
  if (event->notice_sha256 != notice_sha256_) {
    return narrator_.Broke("the receipt cites a different notice text");
  }
  narrator_.Say(
      "account-service recorded Ada's consent to marketing (a checkbox on the web):");
  narrator_.More(fmt::format("receipt {} (controller {}, {}) cites that sha256;",
                             event->consent_id, event->controller, event->jurisdiction));
  narrator_.More(
      fmt::format("it expires {}, in 365 days.", ShortTime(*event->expires_at)));
  return {};
}

CliOr<> DemoConsentChapter::MarketingReadsAda() {
  auto record = vault_.customers().Get(callers_.marketing, ada_);
  if (!record) {
    return narrator_.Failed("marketing reading Ada with consent", record.error());
  }
  bool contact_only = std::ranges::all_of(record->fields, [](const auto& entry) {
    return entry.first == CustomerField::kEmail || entry.first == CustomerField::kPhone;
  });
  if (!contact_only || !record->fields.contains(CustomerField::kEmail) ||
      !Has(record->withheld, CustomerField::kFullName)) {
    return narrator_.Broke("marketing saw more or less than Ada's contact fields");
  }
  narrator_.Say("marketing-service read Ada again: ALLOWED, contact fields only:");
  std::istringstream lines(FormatRecord(*record, "  "));
  for (std::string line; std::getline(lines, line);) narrator_.More(line);
  return {};
}

CliOr<> DemoConsentChapter::AdaWithdraws() {
  // She gave consent by a checkbox on the web and withdraws it through the
  // link in an email: the withdrawal records its own method and channel.
  ConsentWithdrawal withdrawal;
  withdrawal.purpose = "marketing";
  withdrawal.collection_method = "email_link";
  withdrawal.channel = "email";
  auto withdrawn = vault_.consents().Withdraw(callers_.account, ada_, withdrawal);
  if (!withdrawn) return narrator_.Failed("withdrawing Ada's consent", withdrawn.error());
  auto record = vault_.customers().Get(callers_.marketing, ada_);
  if (record) return narrator_.Broke("marketing read Ada after she withdrew");
  const Status& denied = record.error();
  if (denied.code() != StatusCode::kPermissionDenied ||
      denied.reason_code() != "consent_withdrawn") {
    return narrator_.Failed("expecting a consent_withdrawn denial", denied);
  }
  narrator_.Say(
      "Ada withdrew her consent through the link in an email: one call, as easy as "
      "giving it.");
  narrator_.More(fmt::format("marketing-service tried to read Ada again: DENIED ({})",
                             denied.reason_code()));
  return {};
}

CliOr<> DemoConsentChapter::AuditorReviews() {
  auto history = vault_.consents().History(callers_.auditor, ada_);
  if (!history) return narrator_.Failed("reading Ada's consent history", history.error());
  if (history->size() != 2 || (*history)[0].type != ConsentEventType::kGiven ||
      (*history)[1].type != ConsentEventType::kWithdrawn) {
    return narrator_.Broke("Ada's consent history is not one grant and one withdrawal");
  }
  auto report = vault_.consents().Report(callers_.auditor, "marketing");
  if (!report) return narrator_.Failed("reporting on marketing consent", report.error());
  if (report->active != 0 || report->withdrawn != 1 || report->never_given != 1) {
    return narrator_.Broke("the marketing report does not count Ada and Grace right");
  }
  narrator_.Say(
      "auditor (purpose audit) read Ada's consent history and the marketing report:");
  for (const ConsentEvent& e : *history) {
    narrator_.More(fmt::format("{}  {:<9}  {}/{}  by {}  notice {}@{}", ShortTime(e.time),
                               ConsentEventTypeName(e.type), e.collection_method,
                               e.channel, e.actor, e.notice_id, e.notice_version));
  }
  narrator_.More(fmt::format(
      "marketing: {} active, {} withdrawn, {} expired, {} never given", report->active,
      report->withdrawn, report->expired, report->never_given));
  return {};
}

}  // namespace cvault::cli
