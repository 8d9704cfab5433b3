// What the steps of `cvault demo` share: who calls the vault, and how a step
// is numbered, told and failed. Single-threaded.
#ifndef CVAULT_CLI_DEMO_NARRATOR_H_
#define CVAULT_CLI_DEMO_NARRATOR_H_

#include <fmt/format.h>

#include <string>
#include <string_view>
#include <utility>

#include "cli/exit_codes.h"
#include "cvault/access.h"

namespace cvault::cli {

// The demo's callers, one per role and purpose it uses.
struct DemoCallers {
  static AccessContext Make(std::string principal, std::string role, std::string purpose,
                            std::string reason) {
    return AccessContext{std::move(principal), std::move(role), std::move(purpose),
                         std::move(reason), ""};
  }

  AccessContext account =
      Make("signup-svc-1", "account-service", "account_management", "demo: onboarding");
  AccessContext support =
      Make("agent-118", "support-agent", "support", "demo: ticket follow-up");
  // Imports ticket history from the help desk (tickets opened in the past).
  AccessContext helpdesk_import =
      Make("helpdesk-sync", "operator", "operations", "demo: help-desk import");
  AccessContext marketing =
      Make("newsletter-svc", "marketing-service", "marketing", "demo: campaign");
  AccessContext auditor = Make("auditor-7", "auditor", "audit", "demo: quarterly review");
  AccessContext refunds =
      Make("refund-svc", "refund-service", "refund_processing", "demo: refund request");
  // Marks refunds paid: not the principal who approved them (separation of
  // duties).
  AccessContext payments =
      Make("payments-worker", "refund-service", "refund_processing", "demo: payout");
  AccessContext dpo_legal =
      Make("dpo-1", "dpo", "legal_compliance", "demo: publish the privacy notice");
  AccessContext dpo =
      Make("dpo-1", "dpo", "dsr", "demo: data-subject request");
};

// Numbers the steps and prints them; a step that contradicts the story fails
// the demo through Broke or Failed.
class DemoNarrator {
 public:
  void NextStep() { ++step_; }

  void Say(std::string_view line) const { fmt::print("{:>2}. {}\n", step_, line); }
  void More(std::string_view line) const { fmt::print("    {}\n", line); }

  // A step whose outcome contradicts the story.
  std::unexpected<Failure> Broke(std::string_view what) const {
    return Fail(Status::Internal(fmt::format("demo step {}: {}", step_, what)));
  }
  // A library call that should have worked but did not.
  std::unexpected<Failure> Failed(std::string_view what, const Status& status) const {
    return Fail(status.WithContext(fmt::format("demo step {} ({})", step_, what)));
  }

 private:
  int step_ = 0;
};

}  // namespace cvault::cli

#endif  // CVAULT_CLI_DEMO_NARRATOR_H_
