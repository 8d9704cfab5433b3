#include "cli/demo_rights.h"

#include <fmt/format.h>

#include <fstream>
#include <iterator>

#include "cli/rights_output.h"

namespace cvault::cli {

CliOr<> DemoRightsChapter::ExportIsVerified() {
  const CustomerId& charles = refunds_.charles();
  auto document = vault_.rights().Export(callers_.dpo, charles);
  if (!document) return narrator_.Failed("exporting Charles's data", document.error());
  {
    std::ofstream out(export_file_, std::ios::binary | std::ios::trunc);
    out << *document;
    if (!out) return narrator_.Broke("cannot write " + export_file_.string());
  }
  std::filesystem::permissions(export_file_,
                               std::filesystem::perms::owner_read |
                                   std::filesystem::perms::owner_write,
                               std::filesystem::perm_options::replace);
  auto key_hex = vault_.audit().SigningPublicKey(callers_.dpo);
  if (!key_hex) return narrator_.Failed("reading the signing key", key_hex.error());
  auto key = ParseSigningPublicKey(*key_hex);
  if (!key) return narrator_.Failed("parsing the signing key", key.error());

  std::ifstream in(export_file_, std::ios::binary);
  const std::string written((std::istreambuf_iterator<char>(in)),
                            std::istreambuf_iterator<char>());
  auto verified = VerifyExport(written, *key);
  if (!verified) return narrator_.Failed("verifying the export", verified.error());
  if (!verified->ok) return narrator_.Broke("the export does not verify: " + verified->problem);
  // One changed byte inside a section (a digit of the refund's order
  // reference) must be caught, and blamed on that section.
  std::string altered = written;
  const std::size_t order_ref = altered.find("\"order_ref\":\"ORD-");
  if (order_ref == std::string::npos) {
    return narrator_.Broke("the export holds no refund case order reference");
  }
  char& digit = altered[order_ref + std::string_view("\"order_ref\":\"ORD-").size()];
  digit = digit == '1' ? '2' : '1';
  auto tampered = VerifyExport(altered, *key);
  if (!tampered) return narrator_.Failed("verifying the altered export", tampered.error());
  if (tampered->ok) return narrator_.Broke("an altered export verified");

  narrator_.Say(fmt::format(
      "Charles asks what the company holds about him. The DPO (purpose dsr) exported"));
  narrator_.More(fmt::format("it to {} ({} bytes, mode 0600): {} sections, each",
                             export_file_.string(), written.size(),
                             verified->sections_verified.size()));
  narrator_.More("hashed in a manifest signed with the vault's Ed25519 key. Verified: ok.");
  narrator_.More(fmt::format("The same file with one byte changed: rejected ({}).",
                             tampered->failed_part));
  return {};
}

CliOr<> DemoRightsChapter::ChangeOfMindCustomerIsErased() {
  const CustomerId& charles = refunds_.charles();
  // The request is tracked to its deadline; the erasure names it and
  // closes it in its own transaction.
  auto request = vault_.rights().OpenRequest(callers_.dpo, {charles, DsrKind::kErasure, {}});
  if (!request) return narrator_.Failed("recording Charles's request", request.error());
  auto too_soon = vault_.rights().Erase(callers_.dpo, charles, request->request_id);
  if (too_soon || too_soon.error().reason_code() != "identity_not_verified") {
    return narrator_.Broke("an erasure went ahead before the requester was verified");
  }
  auto verified =
      vault_.rights().RecordIdentityCheck(callers_.dpo, request->request_id, true);
  if (!verified) return narrator_.Failed("recording the identity check", verified.error());
  auto erased = vault_.rights().Erase(callers_.dpo, charles, request->request_id);
  if (!erased) return narrator_.Failed("erasing Charles", erased.error());
  auto answered = vault_.rights().GetRequest(callers_.dpo, request->request_id);
  if (!answered) return narrator_.Failed("reading Charles's request", answered.error());
  if (answered->status != DsrStatus::kFulfilled ||
      answered->outcome_ref != erased->erasure_id) {
    return narrator_.Broke("the erasure did not close the request it fulfilled");
  }
  // Gone for every caller, by id and by email.
  auto read = vault_.customers().Get(callers_.account, charles);
  if (read || read.error().code() != StatusCode::kNotFound) {
    return narrator_.Broke("Charles can still be read after his erasure");
  }
  auto found = vault_.customers().FindByEmail(callers_.account, DemoRefundChapter::CharlesEmail());
  if (found || found.error().code() != StatusCode::kNotFound) {
    return narrator_.Broke("Charles can still be found by email after his erasure");
  }
  // The refund record stays, minimised, for the legal obligation only.
  auto kept = vault_.refunds().Get(callers_.dpo_legal, refunds_.charles_case());
  if (!kept) return narrator_.Failed("reading the kept refund record", kept.error());
  if (kept->retention_hold.empty() || !kept->customer.str().empty() ||
      !kept->notices.empty()) {
    return narrator_.Broke("the kept refund record was not minimised under a hold");
  }
  auto for_refunds = vault_.refunds().Get(callers_.refunds, refunds_.charles_case());
  if (for_refunds || for_refunds.error().reason_code() != "retention_hold") {
    return narrator_.Broke("refund-service could still use the held record");
  }
  // The purge (run nightly) deletes the rows the erasure left keyless, and
  // stores the refund record minimised under the hold.
  auto purged = vault_.rights().Purge(callers_.dpo);
  if (!purged) return narrator_.Failed("running the purge", purged.error());
  if (purged->erasures_swept != 1) {
    return narrator_.Broke("the purge did not sweep Charles's erasure");
  }
  auto swept = vault_.refunds().Get(callers_.dpo_legal, refunds_.charles_case());
  if (!swept) return narrator_.Failed("reading the swept refund record", swept.error());
  if (swept->retention_hold != kept->retention_hold || swept->order_ref != kept->order_ref) {
    return narrator_.Broke("the refund record changed when the purge moved it");
  }

  narrator_.Say("Charles then asks to be forgotten. The DPO recorded his request");
  narrator_.More(fmt::format("{}, due in one calendar month ({}); an erasure", request->request_id,
                             FormatTimestamp(request->due_at).substr(0, 10)));
  narrator_.More("naming it was refused until his identity was verified. The DPO then");
  narrator_.More("erased him (GDPR Art. 17), closing the request in the same step:");
  for (const std::string& line : ErasureTableLines(*erased)) narrator_.More(line);
  narrator_.More("His data keys are shredded: reading or finding him now says not found.");
  narrator_.More(fmt::format("The purge then swept what the erasure left: {} {}, deleted",
                             purged->rows_swept, purged->rows_swept == 1 ? "row" : "rows"));
  narrator_.More("or moved under the hold.");
  narrator_.More(fmt::format("The refund record {} stays, minimised (no name,", kept->case_id));
  narrator_.More(fmt::format("email or notes), under hold {}", kept->retention_hold));
  narrator_.More("for the tax record-keeping duty: legal_compliance may read it,");
  narrator_.More("refund-service may not (retention_hold).");
  return {};
}

}  // namespace cvault::cli
