// The data-subject rights chapter of `cvault demo`: the DPO exports Charles's
// data and the signed export verifies (and a one-byte change does not); then
// Charles asks to be forgotten: his identity, contact details and consents
// are erased, and his refund case is kept, minimised, under a retention
// hold. Single-threaded.
#ifndef CVAULT_CLI_DEMO_RIGHTS_H_
#define CVAULT_CLI_DEMO_RIGHTS_H_

#include <filesystem>
#include <string>

#include "cli/demo_narrator.h"
#include "cli/demo_refund.h"
#include "cli/exit_codes.h"
#include "cvault/vault.h"

namespace cvault::cli {

// Each method is one step, run in declaration order, after the refund
// chapter. Everything passed in must outlive the chapter.
class DemoRightsChapter {
 public:
  DemoRightsChapter(const DemoNarrator& narrator, const DemoCallers& callers, Vault& vault,
                    const DemoRefundChapter& refunds, std::filesystem::path export_file)
      : narrator_(narrator),
        callers_(callers),
        vault_(vault),
        refunds_(refunds),
        export_file_(std::move(export_file)) {}

  CliOr<> ExportIsVerified();
  CliOr<> ChangeOfMindCustomerIsErased();

 private:
  const DemoNarrator& narrator_;
  const DemoCallers& callers_;
  Vault& vault_;
  const DemoRefundChapter& refunds_;
  std::filesystem::path export_file_;
};

}  // namespace cvault::cli

#endif  // CVAULT_CLI_DEMO_RIGHTS_H_
