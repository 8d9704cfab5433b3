// The refund chapter of `cvault demo`: Hedy's plugin defect, which support
// could not fix within the policy's timeframe, becomes an eligible refund
// that is approved, paid through Stripe and completed with updates to her;
// Charles's change of mind is not grounds and is denied; nothing is left
// overdue. Single-threaded.
#ifndef CVAULT_CLI_DEMO_REFUND_H_
#define CVAULT_CLI_DEMO_REFUND_H_

#include <span>
#include <string>
#include <string_view>

#include "cli/demo_narrator.h"
#include "cli/exit_codes.h"
#include "cvault/vault.h"

namespace cvault::cli {

// Each method is one step, run in declaration order. `narrator`, `callers`
// and `vault` must outlive the chapter.
class DemoRefundChapter {
 public:
  DemoRefundChapter(const DemoNarrator& narrator, const DemoCallers& callers,
                    Vault& vault)
      : narrator_(narrator), callers_(callers), vault_(vault) {}

  CliOr<> SupportImportsTicket();
  CliOr<> DefectIsEligible();
  CliOr<> RefundIsApproved();
  CliOr<> RefundIsPaidWithUpdates();
  CliOr<> ChangeOfMindIsDenied();
  CliOr<> NothingIsOverdue();

  // What the chapter stored encrypted, to look for in the raw files.
  static std::span<const std::string_view> ValuesAtRest();

  // Charles, the change-of-mind customer, his email and his denied case
  // (set by ChangeOfMindIsDenied), for the rights chapter.
  const CustomerId& charles() const { return charles_; }
  static std::string_view CharlesEmail();
  const std::string& charles_case() const { return charles_case_; }

 private:
  const DemoNarrator& narrator_;
  const DemoCallers& callers_;
  Vault& vault_;
  CustomerId hedy_;
  std::string ticket_id_;
  std::string case_id_;
  CustomerId charles_;
  std::string charles_case_;
};

}  // namespace cvault::cli

#endif  // CVAULT_CLI_DEMO_REFUND_H_
