// The support module: looks a customer up by email, reads the contact fields
// its purpose allows (masked), records a ticket and the fix attempts, and
// finally declares the issue unfixable: the evidence a refund rests on.
// Usage: support_module SCRATCH_DIR
#include <cstdio>

#include "example_vault.h"

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: support_module SCRATCH_DIR\n");
    return 2;
  }
  using example::Must;
  auto vault = example::ScratchVault(argv[1]);
  cvault::AccessContext signup{"signup-svc", "account-service", "account_management",
                               "new account", ""};
  cvault::AccessContext agent{"agent-118", "support-agent", "support",
                              "ticket follow-up", ""};

  cvault::NewCustomer customer;
  customer.full_name = "Linus Example";
  customer.email = "linus@example.net";
  customer.phone = "+4915112345678";
  Must(vault->customers().Create(signup, customer), "create customer");

  auto id = Must(vault->customers().FindByEmail(agent, " Linus@Example.net"), "find");
  auto record = Must(vault->customers().Get(agent, id), "read customer");
  std::printf("support: found %s; email shown to support as %s\n", id.str().c_str(),
              record.fields.at(cvault::CustomerField::kEmail).c_str());
  if (record.fields.at(cvault::CustomerField::kEmail) == customer.email) {
    std::fprintf(stderr, "support must see the email masked\n");
    return 1;
  }

  cvault::NewTicket ticket;
  ticket.customer = id;
  ticket.product = {cvault::ProductKind::kPlugin, "gallery-pro"};
  ticket.summary = "Gallery plugin breaks the page layout on every theme";
  ticket.substantial = true;
  std::string ticket_id = Must(vault->support().OpenTicket(agent, ticket), "open ticket");
  Must(vault->support().RecordAttempt(agent, ticket_id, cvault::FixOutcome::kNotFixed,
                                      "reinstalled the plugin"),
       "attempt 1");
  Must(vault->support().RecordAttempt(agent, ticket_id, cvault::FixOutcome::kWorkaround,
                                      "disabled lazy loading"),
       "attempt 2");
  Must(vault->support().Resolve(agent, ticket_id, cvault::TicketState::kUnfixable),
       "resolve");
  auto stored = Must(vault->support().GetTicket(agent, ticket_id), "show ticket");
  std::printf("support: ticket %s is %s after %zu attempts\n", ticket_id.c_str(),
              std::string(cvault::TicketStateName(stored.state)).c_str(),
              stored.attempts.size());

  // Support may not read refund cases: that is the refund module's purpose.
  cvault::NewRefundCase peek;
  peek.customer = id;
  peek.order_ref = "ORD-1";
  peek.product = ticket.product;
  auto denied = vault->refunds().Open(agent, peek);
  if (denied || denied.error().code() != cvault::StatusCode::kPermissionDenied) {
    std::fprintf(stderr, "support must not open refund cases\n");
    return 1;
  }
  std::printf("support: opening a refund case is denied (%s), as it should be\n",
              denied.error().reason_code().c_str());
  auto report = Must(vault->audit().Verify({"audit-1", "auditor", "audit", "", ""}),
                     "verify");
  std::printf("support: audit log verified, %llu entries\n",
              static_cast<unsigned long long>(report.entries_checked));
  return report.ok ? 0 : 1;
}
