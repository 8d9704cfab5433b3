#include "bench/dsr_stores.h"

#include <fmt/format.h>

#include <array>
#include <chrono>
#include <iostream>
#include <optional>
#include <string_view>
#include <system_error>
#include <utility>

#include "keys/root_key.h"

namespace cvault::bench {
namespace {

using nlohmann::json;

AccessContext As(std::string role, std::string purpose) {
  return AccessContext{"bench", std::move(role), std::move(purpose), "bench", ""};
}
const AccessContext& AccountService() {
  static const AccessContext ctx = As("account-service", "account_management");
  return ctx;
}
const AccessContext& SupportAgent() {
  static const AccessContext ctx = As("support-agent", "support");
  return ctx;
}
const AccessContext& RefundService() {
  static const AccessContext ctx = As("refund-service", "refund_processing");
  return ctx;
}

constexpr std::string_view kNoticeId = "bench-privacy";
constexpr std::array<std::string_view, 3> kConsentPurposes = {"marketing", "analytics",
                                                              "support_diagnostics"};

// Writes one record of `kind` for `id`. `consents_so_far` counts the
// customer's consent events: they cycle through the three consent purposes,
// each purpose going grant, renew, withdraw, grant, ...
Status WriteRecord(Vault& vault, const CustomerId& id, RecordKind kind,
                   std::size_t& consents_so_far, std::uint64_t serial) {
  switch (kind) {
    case RecordKind::kConsentEvent: {
      const std::size_t n = consents_so_far++;
      const std::string purpose(kConsentPurposes[n % kConsentPurposes.size()]);
      switch ((n / kConsentPurposes.size()) % 3) {
        case 0: {
          ConsentGrant grant;
          grant.purpose = purpose;
          grant.notice_id = std::string(kNoticeId);
          grant.notice_version = "1";
          grant.collection_method = "checkbox";
          grant.channel = "web";
          return StatusOf(vault.consents().Grant(AccountService(), id, grant));
        }
        case 1:
          return StatusOf(
              vault.consents().Renew(AccountService(), id, purpose, std::nullopt));
        default:
          return StatusOf(vault.consents().Withdraw(AccountService(), id, purpose));
      }
    }
    case RecordKind::kTicket: {
      NewTicket t;
      t.customer = id;
      t.product = {ProductKind::kPlugin, "seo-booster-2"};
      t.summary = "Checkout page breaks after activating the plugin";
      t.substantial = true;
      return StatusOf(vault.support().OpenTicket(SupportAgent(), t));
    }
    case RecordKind::kRefundCase: {
      NewRefundCase r;
      r.customer = id;
      r.order_ref = fmt::format("ORD-2026-{:06}", serial % 1000000);
      r.product = {ProductKind::kPlugin, "seo-booster-2"};
      r.reason = RefundReason::kFunctionalDefect;
      return StatusOf(vault.refunds().Open(RefundService(), r));
    }
  }
  return Status::Internal("unknown record kind");
}

}  // namespace

const AccessContext& DpoContext() {
  static const AccessContext ctx = As("dpo", "dsr");
  return ctx;
}
const AccessContext& OperatorContext() {
  static const AccessContext ctx = As("operator", "operations");
  return ctx;
}

DsrStores::DsrStores(std::filesystem::path folder) : folder_(std::move(folder)) {}

DsrStores::~DsrStores() {
  rotation_vaults_.clear();
  dsr_vault_.reset();
}

StatusOr<Vault*> DsrStores::DsrVault() {
  if (dsr_vault_) return dsr_vault_.get();
  CVAULT_RETURN_IF_ERROR(EnsureRootKey());
  CVAULT_ASSIGN_OR_RETURN(dsr_vault_,
                          Vault::Create(VaultOptions("dsr", Durability::kFull)));
  CVAULT_ASSIGN_OR_RETURN(
      auto notice, dsr_vault_->consents().RegisterNotice(
                       As("dpo", "legal_compliance"), kNoticeId, "1",
                       "We email offers and measure use of the site if you agree."));
  (void)notice;
  return dsr_vault_.get();
}

StatusOr<std::vector<CustomerId>> DsrStores::AddVaultCustomers(std::size_t count,
                                                               const RecordMix& mix) {
  CVAULT_ASSIGN_OR_RETURN(Vault * vault, DsrVault());
  std::vector<CustomerId> ids;
  ids.reserve(count);
  for (std::size_t i = 0; i < count; ++i) {
    CVAULT_ASSIGN_OR_RETURN(
        CustomerId id, vault->customers().Create(AccountService(), DsrCustomer(next_++)));
    ids.push_back(std::move(id));
  }
  std::vector<std::size_t> consents(count, 0);
  for (RecordKind kind : RecordSequence(mix)) {
    for (std::size_t i = 0; i < count; ++i) {
      CVAULT_RETURN_IF_ERROR(WriteRecord(*vault, ids[i], kind, consents[i], next_++));
    }
  }
  return ids;
}

StatusOr<json> DsrStores::SampleExport(const RecordMix& mix) {
  CVAULT_ASSIGN_OR_RETURN(auto ids, AddVaultCustomers(1, mix));
  CVAULT_ASSIGN_OR_RETURN(Vault * vault, DsrVault());
  CVAULT_ASSIGN_OR_RETURN(std::string document,
                          vault->rights().Export(DpoContext(), ids[0]));
  json parsed = json::parse(document, nullptr, /*allow_exceptions=*/false);
  if (parsed.is_discarded()) {
    return Error(Status::Internal("the vault's export is not JSON"));
  }
  return parsed;
}

StatusOr<ErasureBaseline*> DsrStores::Erasure() {
  if (erasure_baseline_) return erasure_baseline_.get();
  CVAULT_ASSIGN_OR_RETURN(json sample, SampleExport(RecordMix{1, 1, 1}));
  RecordBodies bodies;
  const json& sections = sample.at("sections");
  bodies.consent_event = sections.at("consent_history").at("data").at(0).dump();
  bodies.ticket = sections.at("support_tickets").at("data").at(0).dump();
  bodies.refund_case = sections.at("refund_cases").at("data").at(0).dump();
  std::cerr << fmt::format(
      "cvault_bench: erasure baseline rows hold {} / {} / {} bytes (consent event / "
      "ticket / refund case, as the vault exports them)\n",
      bodies.consent_event.size(), bodies.ticket.size(), bodies.refund_case.size());
  CVAULT_ASSIGN_OR_RETURN(erasure_baseline_,
                          ErasureBaseline::Create(folder_ / "erase-sqlcipher.db",
                                                  Durability::kFull, std::move(bodies)));
  return erasure_baseline_.get();
}

StatusOr<ExportBaseline*> DsrStores::Export() {
  if (export_baseline_) return export_baseline_.get();
  CVAULT_ASSIGN_OR_RETURN(json sample, SampleExport(kExportMix));
  CVAULT_ASSIGN_OR_RETURN(
      export_baseline_,
      ExportBaseline::Create(folder_ / "export-sqlcipher.db", Durability::kFull, sample));
  const json& sections = sample.at("sections");
  std::cerr << fmt::format(
      "cvault_bench: export baseline holds {} rows: 1 customer, {} consent events, {} "
      "refund cases, {} access-log entries (the vault's export: {} bytes)\n",
      export_baseline_->rows(), sections.at("consent_history").at("data").size(),
      sections.at("refund_cases").at("data").size(),
      sections.at("access_log").at("data").size(), sample.dump().size());
  return export_baseline_.get();
}

StatusOr<Vault*> DsrStores::RotationVault(std::size_t customers) {
  auto& slot = rotation_vaults_[customers];
  if (slot) return slot.get();
  CVAULT_RETURN_IF_ERROR(EnsureRootKey());
  const std::string name = fmt::format("kek-{}", customers);
  const auto start = std::chrono::steady_clock::now();
  std::cerr << "cvault_bench: populating the KEK-rotation vault with " << customers
            << " customers...\n";
  {
    Options o = VaultOptions(name, Durability::kNormal);
    o.checkpoint_every = 100'000'000;  // no signed checkpoints while populating
    CVAULT_ASSIGN_OR_RETURN(auto vault, Vault::Create(std::move(o)));
    for (std::size_t i = 0; i < customers; ++i) {
      CVAULT_ASSIGN_OR_RETURN(
          auto id, vault->customers().Create(AccountService(), DsrCustomer(i)));
      (void)id;
    }
    CVAULT_RETURN_IF_ERROR(vault->Close());
  }
  CVAULT_ASSIGN_OR_RETURN(slot, Vault::Open(VaultOptions(name, Durability::kFull)));
  const auto seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::cerr << fmt::format("cvault_bench: populated in {:.0f} s\n", seconds);
  return slot.get();
}

StatusOr<RotationBaseline*> DsrStores::Rotation(std::size_t keys) {
  auto& slot = rotation_baselines_[keys];
  if (slot) return slot.get();
  CVAULT_ASSIGN_OR_RETURN(
      slot, RotationBaseline::Create(folder_ / fmt::format("kek-{}-sqlcipher.db", keys),
                                     Durability::kFull, keys));
  return slot.get();
}

Status DsrStores::EnsureRootKey() {
  if (std::filesystem::exists(folder_ / "root.key")) return Status::Ok();
  std::error_code ec;
  std::filesystem::create_directories(folder_, ec);
  if (ec) return Status::Unavailable("cannot create " + folder_.string());
  return keys::WriteNewKeyFile(folder_ / "root.key");
}

Options DsrStores::VaultOptions(const std::string& name, Durability durability) const {
  Options o;
  o.vault_dir = folder_ / name / "data";
  o.keys_dir = folder_ / name / "keys";
  o.root_key = KeyFile{folder_ / "root.key"};
  o.durability = durability;
  return o;
}

}  // namespace cvault::bench
