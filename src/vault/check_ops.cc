// Operations::Check: everything stored, read and checked, damage reported by
// place and record id.
#include <fmt/format.h>

#include <limits>
#include <string>
#include <utility>

#include "audit/verifier.h"
#include "domain/case_documents.h"
#include "domain/consent_receipt.h"
#include "domain/customer_codec.h"
#include "keys/data_keys.h"
#include "policy/policy.h"
#include "vault/vault_core.h"

namespace cvault::internal {
namespace {

namespace action = policy::action;

constexpr std::size_t kCheckBatch = 500;

// Collects the problems of one check, keeping at most kMaxCheckProblems.
class Findings {
 public:
  explicit Findings(CheckReport& report) : report_(report) {}

  void Add(std::string where, std::string record_id, std::string problem) {
    ++report_.problems_found;
    report_.ok = false;
    if (report_.problems.size() < kMaxCheckProblems) {
      report_.problems.push_back({std::move(where), std::move(record_id), std::move(problem)});
    }
  }
  // A Status as a problem: its code and message (messages name files,
  // tables and ids, never values).
  void Add(std::string where, std::string record_id, std::string_view what,
           const Status& s) {
    Add(std::move(where), std::move(record_id),
        fmt::format("{}: {}: {}", what, StatusCodeName(s.code()), s.message()));
  }

 private:
  CheckReport& report_;
};

bool SameIndex(const std::optional<store::Bytes>& stored,
               const std::optional<store::Bytes>& computed) {
  return stored.has_value() == computed.has_value() && (!stored || *stored == *computed);
}

}  // namespace

StatusOr<std::optional<crypto::FieldCipher>> VaultCore::StoredFinancialCipher(
    std::string_view owner) {
  constexpr int kFinancial = static_cast<int>(keys::RetentionClass::kFinancial);
  CVAULT_ASSIGN_OR_RETURN(auto tx, backend_->key_store().Begin(/*write=*/false));
  CVAULT_ASSIGN_OR_RETURN(auto row, tx->GetDataKey(owner, kFinancial));
  if (!row) return std::optional<crypto::FieldCipher>();
  CVAULT_ASSIGN_OR_RETURN(SecretBytes dek, UnwrapKey(*row));
  CVAULT_ASSIGN_OR_RETURN(auto cipher, MakeFinancialCipher(std::move(dek)));
  return std::optional<crypto::FieldCipher>(std::move(cipher));
}

void VaultCore::CheckCases(store::VaultTransaction& tx, const std::string& owner,
                           const crypto::FieldCipher* standard, CheckReport& report) {
  Findings found(report);
  auto list = [&](std::string_view kind) -> std::vector<store::CaseRow> {
    auto rows = tx.ListCases(owner, kind);
    if (!rows) {
      found.Add("cases", owner, fmt::format("the {} records are unreadable", kind),
                rows.error());
      return {};
    }
    return std::move(*rows);
  };
  if (standard != nullptr) {
    for (const store::CaseRow& row : list(domain::kTicketKind)) {
      ++report.cases;
      auto opened = domain::OpenTicket(*standard, row);
      if (!opened) found.Add("cases", row.case_id, "the ticket does not decrypt");
    }
  }
  std::vector<store::CaseRow> financial = list(domain::kRefundKind);
  for (store::CaseRow& row : list(domain::kPurchaseKind)) financial.push_back(std::move(row));
  if (financial.empty()) return;
  auto cipher = StoredFinancialCipher(owner);
  if (!cipher || !*cipher) {
    found.Add("keystore", owner,
              cipher ? "the financial data key is missing"
                     : fmt::format("the financial data key does not unwrap: {}",
                                   StatusCodeName(cipher.error().code())));
    return;
  }
  for (const store::CaseRow& row : financial) {
    ++report.cases;
    const bool opened = row.kind == domain::kRefundKind
                            ? domain::OpenRefundCase(**cipher, row).has_value()
                            : domain::OpenPurchase(**cipher, row).has_value();
    if (!opened) found.Add("cases", row.case_id, fmt::format("the {} does not decrypt", row.kind));
  }
}

void VaultCore::CheckCustomer(store::VaultTransaction& tx, const std::string& id,
                              CheckReport& report) {
  Findings found(report);
  auto row = tx.GetCustomer(id);
  if (!row || !*row) {
    found.Add("customers", id, "the record is unreadable",
              row ? Status::NotFound("listed but not found") : row.error());
    return;
  }
  ++report.customers;
  auto keys = KeysFor(id);
  if (!keys) {
    found.Add("keystore", id, "the data key", keys.error());
    CheckCases(tx, id, nullptr, report);
    return;
  }
  const crypto::FieldCipher& cipher = (*keys)->cipher;
  bool fields_ok = true;
  for (CustomerField field : kAllCustomerFields) {
    auto opened = domain::OpenField(cipher, **row, field);
    if (!opened) {
      fields_ok = false;
      found.Add("customers", id, fmt::format("{} does not decrypt", FieldName(field)));
    } else if (*opened) {
      ++report.fields;
    }
  }
  if (fields_ok && indexer_) {
    auto indexes = domain::ComputeIndexes(cipher, *indexer_, **row);
    if (!indexes) {
      found.Add("customers", id, "the blind indexes cannot be computed", indexes.error());
    } else {
      report.indexes += 2;
      if (!SameIndex((*row)->email_index, indexes->email)) {
        found.Add("customers", id, "the email blind index does not match the email");
      }
      if (!SameIndex((*row)->phone_index, indexes->phone)) {
        found.Add("customers", id, "the phone blind index does not match the phone");
      }
    }
  }
  auto events = tx.ListConsentEvents(id);
  if (!events) {
    found.Add("consent_events", id, "the customer's events are unreadable", events.error());
  } else {
    for (const store::ConsentEventRow& event : *events) {
      ++report.consent_events;
      if (!domain::OpenReceipt(cipher, event)) {
        found.Add("consent_events", event.event_id, "the receipt does not decrypt");
      }
    }
  }
  CheckCases(tx, id, &cipher, report);
}

StatusOr<CheckReport> VaultCore::Check(const AccessContext& in, const ProgressFn& progress) {
  std::lock_guard lock(mu_);
  const audit::AuditEvent event{"vault.check", "", {}, {}, "allow", "ok"};
  CVAULT_ASSIGN_OR_RETURN(AuditedCall call, StartCall(in, action::kVaultCheck, event));
  CVAULT_RETURN_IF_ERROR(DecideOperation(call, action::kVaultCheck));
  CheckReport report;
  Findings found(report);

  // The files, page by page.
  if (backend_->ChecksPages()) {
    CVAULT_ASSIGN_OR_RETURN(auto pages, backend_->CheckPages());
    for (const auto& [file, problems] : pages) {
      for (const std::string& problem : problems) found.Add(file, "", problem);
    }
  }

  // Every record, in one read transaction (what other processes commit
  // meanwhile is for the next check).
  {
    auto tx = backend_->vault_store().Begin(/*write=*/false);
    if (!tx) {
      found.Add("vault database", "", "cannot be read", tx.error());
    } else {
      std::uint64_t done = 0;
      std::optional<std::string> after;
      while (true) {
        auto ids = (*tx)->ListCustomerIds(
            after ? std::optional<std::string_view>(*after) : std::nullopt, kCheckBatch);
        if (!ids) {
          found.Add("customers", after.value_or(""), "the list of customers breaks off",
                    ids.error());
          break;
        }
        for (const std::string& id : *ids) CheckCustomer(**tx, id, report);
        done += ids->size();
        if (progress) progress({"customers", done, 0});
        if (ids->size() < kCheckBatch) break;
        after = ids->back();
      }
      // Every wrapped key, customers' and retention holds' alike; a hold's
      // refund records too (they no longer belong to a customer). The rows
      // are read first: unwrapping may read the keystore again.
      std::vector<store::DataKeyRow> wrapped;
      std::vector<std::string> holds;
      {
        auto ktx = backend_->key_store().Begin(/*write=*/false);
        if (!ktx) found.Add("keystore", "", "cannot be read", ktx.error());
        std::optional<std::string> key_after;
        while (ktx) {
          auto owners = (*ktx)->ListKeyedCustomerIds(
              key_after ? std::optional<std::string_view>(*key_after) : std::nullopt,
              kCheckBatch);
          if (!owners) {
            found.Add("keystore", key_after.value_or(""), "the list of keys breaks off",
                      owners.error());
            break;
          }
          for (const std::string& owner : *owners) {
            if (domain::IsHoldId(owner)) holds.push_back(owner);
            for (keys::RetentionClass cls :
                 {keys::RetentionClass::kStandard, keys::RetentionClass::kFinancial}) {
              auto key = (*ktx)->GetDataKey(owner, static_cast<int>(cls));
              if (!key) {
                found.Add("keystore", owner, "a data key is unreadable", key.error());
              } else if (*key) {
                wrapped.push_back(std::move(**key));
              }
            }
          }
          if (owners->size() < kCheckBatch) break;
          key_after = owners->back();
        }
      }
      for (const store::DataKeyRow& key : wrapped) {
        if (!UnwrapKey(key)) {
          found.Add("keystore", key.customer_id,
                    key.retention_class == static_cast<int>(keys::RetentionClass::kStandard)
                        ? "the data key does not unwrap"
                        : "the financial data key does not unwrap");
        }
      }
      for (const std::string& hold : holds) CheckCases(**tx, hold, nullptr, report);
      // The erasure ledger: every line's MAC, and no fewer lines than the
      // vault has applied.
      auto ledger = ErasureLedger::Open(backend_->ledger_log(), keyring_->erasure_ledger_key());
      if (!ledger) {
        found.Add("erasure ledger", "", "the ledger", ledger.error());
      } else {
        report.ledger_entries = ledger->entries().size();
        auto applied = LedgerApplied(**tx);
        if (applied && *applied > report.ledger_entries) {
          found.Add("erasure ledger", "",
                    fmt::format("the vault has applied {} lines, the ledger holds {}", *applied,
                                report.ledger_entries));
        }
      }
    }
  }

  // The audit chain, end to end.
  auto audit = audit::VerifyAuditLog(backend_->vault_store(), audit_->public_key(), std::nullopt);
  if (!audit) {
    found.Add("audit log", "", "cannot be read", audit.error());
  } else {
    report.audit_entries = audit->entries_checked;
    if (!audit->ok) {
      found.Add("audit log", std::to_string(audit->first_bad_sequence.value_or(0)),
                audit->problem);
    } else if (audit->entries_checked != audit->head_sequence) {
      found.Add("audit log", "", "entries are missing from the chain");
    }
  }

  if (!report.ok) {
    logger_->error("vault check: {} problems found", report.problems_found);
    call.event().decision = "allow";
    call.event().reason_code = "damage_found";
  }
  // A broken chain is not extended; anything else records the check.
  if (audit && !audit->ok) {
    std::move(call).EndWithoutEntry();
    return report;
  }
  CVAULT_RETURN_IF_ERROR(std::move(call).Commit());
  return report;
}

}  // namespace cvault::internal
