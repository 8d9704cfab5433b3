#include "domain/export_sections.h"

#include <map>
#include <utility>

#include "domain/value_json.h"
#include "policy/decision.h"

namespace cvault::domain {
namespace {

using nlohmann::json;

// Where a section's data came from.
constexpr std::string_view kFromCustomer = "customer";
constexpr std::string_view kFromController = "controller";
constexpr std::string_view kFromBoth = "customer_and_controller";

json Time(Timestamp t) { return FormatTimestamp(t); }

json Section(bool portable, std::optional<policy::LegalBasis> basis,
             std::string_view source, json data) {
  return {{"portable", portable},
          {"legal_basis", basis ? json(policy::LegalBasisName(*basis)) : json(nullptr)},
          {"source", source},
          {"data", std::move(data)}};
}

json IdentityData(const CustomerRecord& record) {
  json data = {{"customer_id", record.id.str()},
               {"restricted", record.restricted},
               {"created_at", Time(record.created_at)},
               {"updated_at", Time(record.updated_at)}};
  for (CustomerField field : kAllCustomerFields) {
    auto it = record.fields.find(field);
    data[std::string(FieldName(field))] =
        it == record.fields.end() ? json(nullptr) : json(it->second);
  }
  return data;
}

// The field groups in which the vault holds something about the customer.
// (No field belongs to marketing_profile yet, so it never holds data.)
std::set<FieldGroup> GroupsHoldingData(const ExportSubjectData& s) {
  std::set<FieldGroup> groups;
  for (const auto& [field, value] : s.identity.fields) groups.insert(GroupOf(field));
  if (!s.support_tickets.empty()) groups.insert(FieldGroup::kSupportEvidence);
  if (!s.refund_cases.empty() || !s.purchases.empty()) {
    groups.insert(FieldGroup::kFinancial);
  }
  return groups;
}

// A purpose applies when it may currently process some of the customer's
// data: it sees a group holding data, its consent (if it rests on consent)
// is active, and a restriction (Art. 18) does not stop it. Returns each
// applicable purpose with the groups it sees.
std::map<std::string, std::map<FieldGroup, policy::Redaction>> ApplicablePurposes(
    const ExportSubjectData& s, const policy::Policy& policy) {
  std::set<FieldGroup> holding = GroupsHoldingData(s);
  std::map<std::string, std::map<FieldGroup, policy::Redaction>> out;
  for (const auto& [name, rule] : policy.purposes) {
    if (rule.legal_basis == policy::LegalBasis::kConsent &&
        !s.consented_purposes.contains(name)) {
      continue;
    }
    if (s.identity.restricted && !policy::AllowedWhileRestricted(name)) continue;
    std::map<FieldGroup, policy::Redaction> seen;
    for (const auto& [group, level] : rule.field_groups) {
      if (level != policy::Redaction::kNone && holding.contains(group)) {
        seen.emplace(group, level);
      }
    }
    if (!seen.empty()) out.emplace(name, std::move(seen));
  }
  return out;
}

json PurposesData(
    const std::map<std::string, std::map<FieldGroup, policy::Redaction>>& applicable,
    const policy::Policy& policy) {
  json data = json::array();
  for (const auto& [name, groups] : applicable) {
    const policy::PurposeRule& rule = *policy.FindPurpose(name);
    json seen = json::object();
    for (const auto& [group, level] : groups) {
      seen[std::string(FieldGroupName(group))] = policy::RedactionName(level);
    }
    data.push_back({{"name", name},
                    {"legal_basis", policy::LegalBasisName(rule.legal_basis)},
                    {"category", rule.category},
                    {"field_groups", std::move(seen)}});
  }
  return data;
}

// docs/policy.md, field groups: each group's legal basis and retention class.
json RetentionData(int financial_years) {
  struct Rule {
    FieldGroup group;
    policy::LegalBasis basis;
    std::string_view description;
  };
  using enum FieldGroup;
  using enum policy::LegalBasis;
  constexpr Rule kRules[] = {
      {kIdentity, kContract, "kept while the account exists; destroyed on erasure"},
      {kContact, kContract, "kept while the account exists; destroyed on erasure"},
      {kMarketingProfile, kConsent,
       "used only while consent is active; destroyed on erasure"},
      {kSupportEvidence, kContract,
       "kept while the account exists; destroyed on erasure"},
      {kFinancial, kLegalObligation,
       "refund and payment records: kept after erasure under a retention hold "
       "(legal obligation to keep refund and tax records), then destroyed"},
  };
  json data = json::array();
  for (const Rule& r : kRules) {
    bool financial = r.group == kFinancial;
    data.push_back(
        {{"field_group", FieldGroupName(r.group)},
         {"legal_basis", policy::LegalBasisName(r.basis)},
         {"retention_class", financial ? "financial" : "standard"},
         {"kept", financial ? "retention_hold" : "until_erasure"},
         {"period_years", financial ? json(financial_years) : json(nullptr)},
         {"description", r.description}});
  }
  return data;
}

json RecipientsData(
    const ExportSubjectData& s,
    const std::map<std::string, std::map<FieldGroup, policy::Redaction>>& applicable,
    const policy::Policy& policy) {
  // Every third party named in a receipt, even one whose consent was since
  // withdrawn: it may have received data while the consent was active.
  std::map<std::string, std::set<std::string>> third_parties;
  for (const ConsentEvent& e : s.consent_history) {
    for (const std::string& name : e.third_parties) third_parties[name].insert(e.purpose);
  }
  json parties = json::array();
  for (const auto& [name, purposes] : third_parties) {
    parties.push_back({{"name", name}, {"purposes", purposes}});
  }
  json roles = json::array();
  for (const auto& [role, purposes] : policy.role_purposes) {
    std::vector<std::string> acting;
    for (const std::string& purpose : purposes) {
      if (applicable.contains(purpose)) acting.push_back(purpose);
    }
    if (!acting.empty()) roles.push_back({{"role", role}, {"purposes", acting}});
  }
  return {{"controller",
           {{"name", policy.controller.name},
            {"jurisdiction", policy.controller.jurisdiction}}},
          {"third_parties", std::move(parties)},
          {"internal_roles", std::move(roles)}};
}

json AccessLogData(const ExportSubjectData& s) {
  json data = json::array();
  for (const AuditEntry& e : s.access_log) {
    // A principal that is a customer id other than this customer's would
    // name another customer; the entry keeps its place without the id.
    std::string principal = e.principal_id;
    auto as_customer = CustomerId::Parse(principal);
    if (as_customer && *as_customer != s.identity.id) {
      principal = std::string(kAnotherCustomer);
    }
    data.push_back({{"sequence", e.sequence},
                    {"time", Time(e.time)},
                    {"principal_id", std::move(principal)},
                    {"role", e.role},
                    {"action", e.action},
                    {"purpose", e.purpose},
                    {"decision", e.decision},
                    {"reason_code", e.reason_code},
                    {"fields_requested", e.fields_requested},
                    {"fields_returned", e.fields_returned}});
  }
  return data;
}

}  // namespace

nlohmann::json BuildExportSections(const ExportSubjectData& s,
                                   const policy::Policy& policy) {
  using enum policy::LegalBasis;
  json consents = json::array();
  for (const ConsentEvent& e : s.consent_history) consents.push_back(ConsentEventJson(e));
  json tickets = json::array();
  for (const Ticket& t : s.support_tickets) tickets.push_back(TicketJson(t));
  json refunds = json::array();
  for (const RefundCase& c : s.refund_cases) refunds.push_back(RefundCaseJson(c));
  json purchases = json::array();
  for (const PurchaseRecord& p : s.purchases) purchases.push_back(PurchaseJson(p));
  auto applicable = ApplicablePurposes(s, policy);

  // docs/export.md, "Portability": Art. 20 covers data the customer provided
  // that is processed on consent or contract. Refund cases and purchase
  // records are kept under a legal obligation and are mostly the
  // controller's and the payment processor's records, so they are
  // access-only.
  json sections = json::object();
  sections["identity"] =
      Section(true, kContract, kFromCustomer, IdentityData(s.identity));
  sections["consent_history"] =
      Section(true, kConsent, kFromCustomer, std::move(consents));
  sections["support_tickets"] = Section(true, kContract, kFromBoth, std::move(tickets));
  sections["refund_cases"] =
      Section(false, kLegalObligation, kFromBoth, std::move(refunds));
  sections["purchases"] =
      Section(false, kLegalObligation, kFromBoth, std::move(purchases));
  sections["purposes"] =
      Section(false, std::nullopt, kFromController, PurposesData(applicable, policy));
  sections["retention"] = Section(false, std::nullopt, kFromController,
                                  RetentionData(s.financial_retention_years));
  sections["recipients"] = Section(false, std::nullopt, kFromController,
                                   RecipientsData(s, applicable, policy));
  sections["access_log"] =
      Section(false, kLegalObligation, kFromController, AccessLogData(s));
  return sections;
}

}  // namespace cvault::domain
