/* A refund worker written in C against the C API (cvault/cvault.h), as a
 * service in any language that can call C would write it: a customer's
 * plugin cannot be fixed, so the refund is assessed, approved, paid and the
 * customer told. Run: c_refund_worker SCRATCH_DIR (the vault is created
 * there, with a random root key held in memory; a real worker opens its
 * service's vault with cvault_options_set_key_file and cvault_vault_open).
 * It prints ids, statuses and decisions, never a personal value. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cvault/cvault.h"

static const cvault_context kSignup = {"signup-svc", "account-service",
                                       "account_management", "new account", NULL};
static const cvault_context kAgent = {"agent-7", "support-agent", "support",
                                      "ticket follow-up", NULL};
static const cvault_context kWorker = {"refund-worker", "refund-service",
                                       "refund_processing", "refund queue", NULL};
static const cvault_context kPayer = {"refund-payer", "refund-service",
                                      "refund_processing", "payout run", NULL};

/* Stops the program when a call failed, printing the code and the message
 * (which never holds a personal value). */
static void check(cvault_status status, cvault_error** error, const char* what) {
  if (status == CVAULT_OK) return;
  fprintf(stderr, "%s: %s: %s\n", what, cvault_status_name(status),
          cvault_error_message(*error));
  cvault_error_free(*error);
  exit(1);
}

static cvault_vault* scratch_vault(const char* dir) {
  char vault_dir[4096];
  char keys_dir[4096];
  snprintf(vault_dir, sizeof vault_dir, "%s/vault", dir);
  snprintf(keys_dir, sizeof keys_dir, "%s/keys", dir);

  unsigned char key[32];
  FILE* random = fopen("/dev/urandom", "rb");
  if (random == NULL || fread(key, 1, sizeof key, random) != sizeof key) {
    fprintf(stderr, "reading /dev/urandom failed\n");
    exit(1);
  }
  fclose(random);

  cvault_error* error = NULL;
  cvault_options* options = NULL;
  check(cvault_options_new(&options, &error), &error, "options");
  check(cvault_options_set_vault_dir(options, vault_dir, &error), &error, "vault dir");
  check(cvault_options_set_keys_dir(options, keys_dir, &error), &error, "keys dir");
  check(cvault_options_set_raw_root_key(options, key, sizeof key, &error), &error,
        "root key");
  memset(key, 0, sizeof key); /* the options hold their own locked copy */
  cvault_vault* vault = NULL;
  cvault_status status = cvault_vault_create(options, &vault, &error);
  cvault_options_free(options);
  check(status, &error, "creating the vault");
  return vault;
}

int main(int argc, char** argv) {
  if (argc != 2) {
    fprintf(stderr, "usage: %s SCRATCH_DIR\n", argv[0]);
    return 2;
  }
  printf("cvault %s (ABI %d)\n", cvault_version(), cvault_abi_version());
  cvault_vault* vault = scratch_vault(argv[1]);
  cvault_error* error = NULL;

  char* customer = NULL;
  check(cvault_customer_add(vault, &kSignup,
                            "{\"full_name\":\"Ada Lovelace\","
                            "\"email\":\"ada@example.com\",\"country\":\"GB\"}",
                            &customer, &error),
        &error, "adding the customer");

  /* Support tried, and declared the issue unfixable. */
  char ticket_json[512];
  snprintf(ticket_json, sizeof ticket_json,
           "{\"customer_id\":\"%s\",\"product\":{\"kind\":\"plugin\","
           "\"sku\":\"seo-booster-2\"},\"summary\":\"Checkout crashes\","
           "\"substantial\":true}",
           customer);
  char* ticket = NULL;
  check(cvault_ticket_open(vault, &kAgent, ticket_json, &ticket, &error), &error,
        "opening the ticket");
  check(cvault_ticket_attempt(vault, &kAgent, ticket, "not_fixed", "reinstalled", NULL,
                              &error),
        &error, "recording the attempt");
  check(cvault_ticket_resolve(vault, &kAgent, ticket, "unfixable", &error), &error,
        "resolving the ticket");

  /* The refund worker's part. */
  char case_json[512];
  snprintf(case_json, sizeof case_json,
           "{\"customer_id\":\"%s\",\"order_ref\":\"ORD-2026-000123\","
           "\"product\":{\"kind\":\"plugin\",\"sku\":\"seo-booster-2\"},"
           "\"reason\":\"functional_defect\",\"ticket_ids\":[\"%s\"]}",
           customer, ticket);
  char* case_id = NULL;
  check(cvault_refund_open(vault, &kWorker, case_json, &case_id, &error), &error,
        "opening the case");
  char* decision = NULL;
  check(cvault_refund_assess(vault, &kWorker, case_id, NULL, &decision, &error), &error,
        "assessing");
  printf("case %s assessed: %s\n", case_id, decision);
  const char* steps[] = {"under_review", "approved", "processing"};
  for (size_t i = 0; i < sizeof steps / sizeof steps[0]; ++i) {
    check(cvault_refund_transition(vault, &kWorker, case_id, steps[i], NULL, &error),
          &error, steps[i]);
  }
  check(cvault_refund_attach_payment(
            vault, &kPayer, case_id,
            "{\"processor\":\"stripe\",\"charge_id\":\"ch_3N8f2kLkdIwHu7ix0Zq1aB2c\","
            "\"refund_id\":\"re_3N8f2kLkdIwHu7ix0Zq1aB2d\","
            "\"amount_minor\":4900,\"currency\":\"EUR\"}",
            &error),
        &error, "attaching the payment");
  /* Separation of duties: the payer, not the approver, marks it paid. */
  check(cvault_refund_transition(vault, &kPayer, case_id, "completed", NULL, &error),
        &error, "completing");
  check(
      cvault_refund_notify(vault, &kWorker, case_id, "email", "refund-completed", &error),
      &error, "notifying");

  char* overdue = NULL;
  check(cvault_refund_overdue(vault, &kWorker, NULL, &overdue, &error), &error,
        "overdue");
  printf("overdue cases: %s\n", overdue);
  /* Erasure is the data protection officer's call, not the worker's. */
  cvault_status denied = cvault_rights_erase(vault, &kWorker, customer, NULL, &error);
  printf("erasing as the refund worker: %s (%s)\n", cvault_status_name(denied),
         cvault_error_reason(error));
  cvault_error_free(error);
  error = NULL;

  cvault_string_free(overdue);
  cvault_string_free(decision);
  cvault_string_free(case_id);
  cvault_string_free(ticket);
  cvault_string_free(customer);
  check(cvault_vault_close(vault, &error), &error, "closing");
  cvault_vault_free(vault);
  return denied == CVAULT_PERMISSION_DENIED ? 0 : 1;
}
