// The steps of `cvault demo`. Each one prints what happened in plain words
// and checks that the vault behaved as the story says; the consent steps are
// in demo_consent.cc, the support and refund steps in demo_refund.cc.
#include "cli/demo_story.h"

#include <fmt/format.h>

#include <algorithm>
#include <fstream>
#include <functional>
#include <memory>
#include <optional>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include "cli/demo_consent.h"
#include "cli/demo_narrator.h"
#include "cli/demo_refund.h"
#include "cli/demo_rights.h"
#include "cli/global_options.h"
#include "cli/output.h"
#include "cvault/vault.h"

namespace cvault::cli {
namespace {

// Obviously fictional customers. +44 20 7946 0xxx is Ofcom's range kept for
// drama, so the rectified number reaches nobody.
constexpr std::string_view kAdaName = "Ada Lovelace";
constexpr std::string_view kAdaEmail = "ada@example.com";
constexpr std::string_view kAdaPhone = "+442071838750";
constexpr std::string_view kAdaNewPhone = "+442079460321";
constexpr std::string_view kGraceName = "Grace Hopper";
constexpr std::string_view kGraceEmail = "grace@example.org";
constexpr std::string_view kCardTestNumber = "4111 1111 1111 1111";  // a test card
constexpr std::string_view kKatherineName = "Katherine Johnson";
constexpr std::string_view kKatherineEmail = "katherine@example.org";
constexpr std::string_view kAlanName = "Alan Turing";
constexpr std::string_view kAlanEmail = "alan@example.org";

class DemoStory {
 public:
  explicit DemoStory(const DemoPaths& paths) : paths_(paths) {}

  CliOr<> Run() {
    fmt::print("cvault demo: a short walk through a customer data vault\n\n");
    using Step = std::function<CliOr<>()>;
    auto own = [this](CliOr<> (DemoStory::*step)()) -> Step {
      return [this, step] { return (this->*step)(); };
    };
    auto consent = [this](CliOr<> (DemoConsentChapter::*step)()) -> Step {
      return [this, step] { return ((*consent_).*step)(); };
    };
    auto refund = [this](CliOr<> (DemoRefundChapter::*step)()) -> Step {
      return [this, step] { return ((*refund_).*step)(); };
    };
    auto rights = [this](CliOr<> (DemoRightsChapter::*step)()) -> Step {
      return [this, step] { return ((*rights_).*step)(); };
    };
    const Step steps[] = {own(&DemoStory::CreateVault),
                          own(&DemoStory::AddCustomers),
                          own(&DemoStory::SupportReadsAda),
                          own(&DemoStory::MarketingIsDenied),
                          consent(&DemoConsentChapter::RegisterNotice),
                          consent(&DemoConsentChapter::AdaConsents),
                          consent(&DemoConsentChapter::MarketingReadsAda),
                          consent(&DemoConsentChapter::AdaWithdraws),
                          consent(&DemoConsentChapter::AuditorReviews),
                          own(&DemoStory::CardNumberIsRefused),
                          own(&DemoStory::BadCountryIsRefused),
                          own(&DemoStory::RectifyPhone),
                          own(&DemoStory::NightlyFeedIsImported),
                          refund(&DemoRefundChapter::SupportImportsTicket),
                          refund(&DemoRefundChapter::DefectIsEligible),
                          refund(&DemoRefundChapter::RefundIsApproved),
                          refund(&DemoRefundChapter::RefundIsPaidWithUpdates),
                          refund(&DemoRefundChapter::ChangeOfMindIsDenied),
                          refund(&DemoRefundChapter::NothingIsOverdue),
                          rights(&DemoRightsChapter::ExportIsVerified),
                          rights(&DemoRightsChapter::ChangeOfMindCustomerIsErased),
                          own(&DemoStory::AuditorTails),
                          own(&DemoStory::AuditorVerifies),
                          own(&DemoStory::CheckpointAndVerify),
                          own(&DemoStory::EncryptedAtRest)};
    for (const Step& step : steps) {
      narrator_.NextStep();
      CliOr<> done = step();
      if (!done) return done;
    }
    CloseVault(*vault_);
    fmt::print("\naudit log verified: {} entries, {} checkpoints\n",
               report_.entries_checked, report_.checkpoints_checked);
    fmt::print("The demo's files stay in {}; delete the folder when done.\n",
               paths_.root.string());
    return {};
  }

 private:
  std::unexpected<Failure> Broke(std::string_view what) const {
    return narrator_.Broke(what);
  }
  std::unexpected<Failure> Failed(std::string_view what, const Status& status) const {
    return narrator_.Failed(what, status);
  }
  void Say(std::string_view line) const { narrator_.Say(line); }
  void More(std::string_view line) const { narrator_.More(line); }

  CliOr<> CreateVault() {
    Options options;
    options.vault_dir = paths_.vault_dir;
    options.keys_dir = paths_.keys_dir;
    options.root_key = KeyFile{paths_.key_file};
    options.development_keyring = true;
    options.log = MakeStderrLog();
    auto vault = Vault::Create(std::move(options));
    if (!vault) return Failed("creating the vault", vault.error());
    vault_ = std::move(*vault);
    refund_.emplace(narrator_, callers_, *vault_);
    rights_.emplace(narrator_, callers_, *vault_, *refund_, paths_.export_file);
    Say("Created a vault with a DEVELOPMENT keyring (for trying things out, NOT for");
    More("production data):");
    More(fmt::format("vault:   {} (vault.db: encrypted customers and the audit log;",
                     paths_.vault_dir.string()));
    More("         keystore.db: the wrapped per-customer data keys)");
    More(fmt::format("keyring: {}, sealed by the new key file {}",
                     (paths_.keys_dir / "keyring.cvk").string(),
                     paths_.key_file.string()));
    return {};
  }

  CliOr<> AddCustomers() {
    NewCustomer ada{std::string(kAdaName),
                    std::string(kAdaEmail),
                    std::string(kAdaPhone),
                    std::nullopt,
                    "GB",
                    "en-GB",
                    std::nullopt};
    NewCustomer grace{std::string(kGraceName),
                      std::string(kGraceEmail),
                      std::nullopt,
                      std::nullopt,
                      "US",
                      "en-US",
                      std::nullopt};
    auto ada_id = vault_->customers().Create(callers_.account, ada);
    if (!ada_id) return Failed("adding Ada", ada_id.error());
    auto grace_id = vault_->customers().Create(callers_.account, grace);
    if (!grace_id) return Failed("adding Grace", grace_id.error());
    ada_ = *ada_id;
    grace_ = *grace_id;
    consent_.emplace(narrator_, callers_, *vault_, ada_);
    Say("account-service (purpose account_management) added two customers:");
    More(fmt::format("{} <{}>  -> {}", kAdaName, kAdaEmail, ada_.str()));
    More(fmt::format("{} <{}>  -> {}", kGraceName, kGraceEmail, grace_.str()));
    return {};
  }

  CliOr<> SupportReadsAda() {
    auto found = vault_->customers().FindByEmail(callers_.support, "  ADA@example.com ");
    if (!found) return Failed("finding Ada by email", found.error());
    if (*found != ada_) return Broke("the email lookup found someone other than Ada");
    auto record = vault_->customers().Get(callers_.support, ada_);
    if (!record) return Failed("reading Ada's record", record.error());
    bool email_masked =
        std::ranges::find(record->masked, CustomerField::kEmail) != record->masked.end();
    if (!email_masked || record->fields.at(CustomerField::kEmail) == kAdaEmail) {
      return Broke("support saw Ada's email unmasked");
    }
    Say("support-agent (purpose support) found Ada by email and read her record.");
    More("(It typed \"  ADA@example.com \": emails are trimmed and lower-cased before");
    More("the blind-index lookup.) Contact fields come back masked for this purpose:");
    std::istringstream lines(FormatRecord(*record, "  "));
    for (std::string line; std::getline(lines, line);) More(line);
    return {};
  }

  CliOr<> MarketingIsDenied() {
    auto record = vault_->customers().Get(callers_.marketing, ada_);
    if (record) return Broke("marketing-service read Ada's record without her consent");
    const Status& denied = record.error();
    if (denied.code() != StatusCode::kPermissionDenied ||
        denied.reason_code() != "no_consent") {
      return Failed("expecting a no_consent denial", denied);
    }
    Say(fmt::format(
        "marketing-service (purpose marketing) tried to read Ada: DENIED ({})",
        denied.reason_code()));
    More("Ada has not consented to marketing (yet); the vault says:");
    More(fmt::format("\"{}\"", denied.message()));
    return {};
  }

  CliOr<> CardNumberIsRefused() {
    NewCustomer charles{fmt::format("Charles Babbage {}", kCardTestNumber),
                        "charles@example.net",
                        std::nullopt,
                        std::nullopt,
                        "GB",
                        std::nullopt,
                        std::nullopt};
    auto created = vault_->customers().Create(callers_.account, charles);
    if (created) return Broke("a name holding a card number was stored");
    if (created.error().code() != StatusCode::kInvalidArgument) {
      return Failed("expecting the card number to be refused", created.error());
    }
    if (created.error().message().find("4111") != std::string::npos) {
      return Broke("the error message repeats the card number");
    }
    auto lookup =
        vault_->customers().FindByEmail(callers_.account, "charles@example.net");
    if (lookup || lookup.error().code() != StatusCode::kNotFound) {
      return Broke("the refused customer can be found");
    }
    auto ids = vault_->customers().ListIds(callers_.account);
    if (!ids) return Failed("listing customers", ids.error());
    if (ids->size() != 2) return Broke("the vault does not hold exactly two customers");
    Say("account-service tried to add a customer whose name holds a card number: "
        "REFUSED");
    More(fmt::format("\"{}\"", created.error().message()));
    More(
        "The message names the field, not the value. Nothing was stored: still 2 "
        "customers.");
    return {};
  }

  CliOr<> BadCountryIsRefused() {
    CustomerUpdate update;
    update.country = "UK";  // the ISO code is GB; UK is only reserved
    Status refused = vault_->customers().Update(callers_.account, grace_, update);
    if (refused.ok()) return Broke("the country code UK was accepted");
    if (refused.code() != StatusCode::kInvalidArgument) {
      return Failed("expecting the country code to be refused", refused);
    }
    Say("account-service tried to set Grace's country to \"UK\": REFUSED");
    More(fmt::format("\"{}\"", refused.message()));
    return {};
  }

  CliOr<> RectifyPhone() {
    CustomerUpdate update;
    update.phone = std::string(kAdaNewPhone);
    Status updated = vault_->customers().Update(callers_.account, ada_, update);
    if (!updated.ok()) return Failed("updating Ada's phone", updated);
    const CustomerField phone[] = {CustomerField::kPhone};
    auto record = vault_->customers().Get(callers_.account, ada_, phone);
    if (!record) return Failed("reading Ada's phone", record.error());
    auto it = record->fields.find(CustomerField::kPhone);
    if (it == record->fields.end() || it->second != kAdaNewPhone) {
      return Broke("Ada's phone did not change");
    }
    Say(fmt::format(
        "Rectification: account-service changed Ada's phone; it now reads {}.",
        it->second));
    return {};
  }

  CliOr<> NightlyFeedIsImported() {
    std::vector<NewCustomer> feed(3);
    feed[0].full_name = kKatherineName;
    feed[0].email = kKatherineEmail;
    feed[0].country = "US";
    feed[1].full_name = "Ada Again";
    feed[1].email = "ADA@example.com";  // already Ada's
    feed[2].full_name = kAlanName;
    feed[2].email = kAlanEmail;
    feed[2].language = "en-GB";
    auto report = vault_->customers().Import(callers_.account, feed);
    if (!report) return Failed("importing the feed", report.error());
    if (report->created != 2 || report->rejected != 1 || report->outcomes[0].id == std::nullopt ||
        report->outcomes[1].status.reason_code() != "email_taken") {
      return Broke("the import did not create the two new customers and refuse the third");
    }
    Say("account-service imported a feed of 3 customers in one call (cvault customer");
    More("import reads the same from a JSON Lines file): 2 created, 1 rejected.");
    More(fmt::format("record 2: \"{}\" ({})", report->outcomes[1].status.message(),
                     report->outcomes[1].status.reason_code()));
    More("Each record was checked as one create is, got its own data key and its");
    More("own audit entry; the rejected one changed nothing.");
    return {};
  }

  CliOr<> AuditorTails() {
    // Enough to reach back to the erasure and the request it closed.
    constexpr std::size_t kShown = 10;
    auto entries = vault_->audit().Tail(callers_.auditor, kShown);
    if (!entries) return Failed("reading the audit log", entries.error());
    if (entries->empty()) return Broke("the audit log is empty");
    Say(fmt::format("auditor (purpose audit) read the last {} audit entries (no personal "
                    "data in them):",
                    kShown));
    More(fmt::format("{:>4}  {:<17} {:<18} {:<8} {}", "seq", "role", "action", "decision",
                     "reason"));
    for (const AuditEntry& e : *entries) {
      More(fmt::format("{:>4}  {:<17} {:<18} {:<8} {}", e.sequence, e.role, e.action,
                       e.decision, e.reason_code));
    }
    return {};
  }

  CliOr<> AuditorVerifies() {
    auto report = vault_->audit().Verify(callers_.auditor);
    if (!report) return Failed("verifying the audit log", report.error());
    if (!report->ok)
      return Broke(fmt::format("the audit log is broken: {}", report->problem));
    Say(fmt::format("auditor verified the hash chain: ok, {} entries, {} checkpoints.",
                    report->entries_checked, report->checkpoints_checked));
    return {};
  }

  CliOr<> CheckpointAndVerify() {
    auto checkpoint = vault_->audit().Checkpoint(callers_.auditor);
    if (!checkpoint) return Failed("signing a checkpoint", checkpoint.error());
    {
      std::ofstream out(paths_.checkpoint_file, std::ios::binary | std::ios::trunc);
      out << CheckpointToJson(*checkpoint) << '\n';
      if (!out) return Broke("cannot write " + paths_.checkpoint_file.string());
    }
    std::ifstream in(paths_.checkpoint_file, std::ios::binary);
    std::ostringstream text;
    text << in.rdbuf();
    auto trusted = CheckpointFromJson(text.str());
    if (!trusted) return Failed("reading the exported checkpoint", trusted.error());
    auto report = vault_->audit().Verify(callers_.auditor, *trusted);
    if (!report) return Failed("verifying against the checkpoint", report.error());
    if (!report->ok)
      return Broke(fmt::format("verification failed: {}", report->problem));
    report_ = *report;
    Say(fmt::format("Exported a signed checkpoint (entry {}) to {}", checkpoint->sequence,
                    paths_.checkpoint_file.string()));
    More("and verified the log against it: ok (no truncation, no fork).");
    return {};
  }

  CliOr<> EncryptedAtRest() {
    std::vector<std::string_view> needles = {
        kAdaName,       kAdaEmail,       kAdaPhone, kAdaNewPhone, kGraceName, kGraceEmail,
        kKatherineName, kKatherineEmail, kAlanName, kAlanEmail,   "Lovelace", "Hopper"};
    std::span<const std::string_view> refund_values = DemoRefundChapter::ValuesAtRest();
    needles.insert(needles.end(), refund_values.begin(), refund_values.end());
    CVAULT_CLI_ASSIGN_OR_RETURN(RawScan scan, ScanRawFiles(paths_.vault_dir, needles));
    if (scan.files == 0) return Broke("no vault files to scan");
    if (scan.hits > 0)
      return Broke("a demo name, email or phone is readable in the raw files");
    Say(fmt::format("Encryption at rest: searched {} raw files in {} ({} bytes)",
                    scan.files, paths_.vault_dir.string(), scan.bytes));
    More("for the demo's names, emails, phone numbers, ticket summary and order");
    More("reference: not found in raw files.");
    return {};
  }

  const DemoPaths& paths_;
  DemoNarrator narrator_;
  const DemoCallers callers_;
  std::unique_ptr<Vault> vault_;
  CustomerId ada_;
  CustomerId grace_;
  std::optional<DemoConsentChapter> consent_;  // once Ada exists
  std::optional<DemoRefundChapter> refund_;    // once the vault exists
  std::optional<DemoRightsChapter> rights_;    // once the vault exists
  AuditVerifyReport report_;
};

}  // namespace

CliOr<> RunDemoStory(const DemoPaths& paths) { return DemoStory(paths).Run(); }

}  // namespace cvault::cli
