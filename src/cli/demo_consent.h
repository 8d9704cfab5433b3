// The consent chapter of `cvault demo`: a privacy notice is registered, Ada
// consents to marketing, marketing reads her contact details, she withdraws,
// marketing is refused, and the auditor reviews the record. Single-threaded.
#ifndef CVAULT_CLI_DEMO_CONSENT_H_
#define CVAULT_CLI_DEMO_CONSENT_H_

#include <string>

#include "cli/demo_narrator.h"
#include "cli/exit_codes.h"
#include "cvault/vault.h"

namespace cvault::cli {

// Each method is one step, run in declaration order after the story's first
// marketing denial. `narrator`, `callers` and `vault` must outlive the chapter.
class DemoConsentChapter {
 public:
  DemoConsentChapter(const DemoNarrator& narrator, const DemoCallers& callers,
                     Vault& vault, CustomerId ada)
      : narrator_(narrator), callers_(callers), vault_(vault), ada_(std::move(ada)) {}

  CliOr<> RegisterNotice();
  CliOr<> AdaConsents();
  CliOr<> MarketingReadsAda();
  CliOr<> AdaWithdraws();
  CliOr<> AuditorReviews();

 private:
  const DemoNarrator& narrator_;
  const DemoCallers& callers_;
  Vault& vault_;
  CustomerId ada_;
  std::string notice_sha256_;  // of the registered notice text
};

}  // namespace cvault::cli

#endif  // CVAULT_CLI_DEMO_CONSENT_H_
