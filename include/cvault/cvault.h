/* cvault.h: the C API of the cvault customer data vault, for C and for every
 * language that can call C (Python, Go, Node, Rust). Plain C11; usable from
 * C++ as well. docs/c-api.md is the guide; this header is the reference.
 *
 * The model is the C++ API's (cvault/vault.h): one vault handle per process,
 * shared by every thread; every call names who is asking and why (a
 * cvault_context), is decided by the access policy and is audited, allowed
 * or denied.
 *
 * Conventions, the same for every function below:
 *
 * - Every call returns a cvault_status. CVAULT_OK (0) is success; the other
 *   values mirror cvault::StatusCode one for one.
 * - The last parameter, `error`, may be NULL. When it is not NULL and the
 *   call fails, *error receives a new cvault_error (code, message, reason
 *   code) that the caller frees with cvault_error_free; on success *error is
 *   set to NULL. Messages say what was wrong and name the argument or field;
 *   they never contain a personal value, key or passphrase.
 * - Results come back through out-parameters, written only on success.
 *   Strings the library returns (char**) are NUL-terminated UTF-8 that the
 *   caller owns and frees with cvault_string_free. Structured results are
 *   JSON objects or arrays (shapes in docs/c-api.md).
 * - Strings the caller passes are NUL-terminated UTF-8 and are only read
 *   during the call; the library keeps no pointer to them. NULL is accepted
 *   only where a parameter says so; elsewhere NULL is CVAULT_INVALID_ARGUMENT
 *   naming the parameter.
 * - No C++ exception ever leaves the library; an unexpected failure inside
 *   it is CVAULT_INTERNAL.
 *
 * Thread-safety: a cvault_vault may be used by any number of threads at
 * once; calls on it are thread-safe, like cvault::Vault's. cvault_options
 * and cvault_error objects are plain values: use each from one thread at a
 * time. Functions without a handle (version, names, export verification)
 * are thread-safe.
 */
#ifndef CVAULT_CVAULT_H_
#define CVAULT_CVAULT_H_

#include <stddef.h>
#include <stdint.h>

#include "cvault/visibility.h"

#ifdef __cplusplus
extern "C" {
#endif

/* The library version these declarations belong to. */
#define CVAULT_VERSION_MAJOR 0
#define CVAULT_VERSION_MINOR 1
#define CVAULT_VERSION_PATCH 0
/* The ABI version: the soname's number (libcvault.so.0). It changes only
 * when a function is removed or changes its signature or meaning. */
#define CVAULT_ABI_VERSION 0

/* The library's version, e.g. "0.1.0": a static string, never freed. */
CVAULT_EXPORT const char* cvault_version(void);
/* The ABI version of the loaded library; compare with CVAULT_ABI_VERSION. */
CVAULT_EXPORT int cvault_abi_version(void);

/* ---- Status codes and errors ------------------------------------------ */

/* Thread-safety: a cvault_error belongs to the thread that received it;
 * cvault_status_name and cvault_string_free may be called from any thread. */

/* Mirrors cvault::StatusCode (cvault/status.h); the values never change. */
typedef enum cvault_status {
  CVAULT_OK = 0,
  CVAULT_INVALID_ARGUMENT = 1,    /* rejected input; the message names it */
  CVAULT_NOT_FOUND = 2,           /* no such customer, case, ticket, file */
  CVAULT_ALREADY_EXISTS = 3,      /* a unique value or the vault exists */
  CVAULT_PERMISSION_DENIED = 4,   /* the access policy refused the call */
  CVAULT_INTEGRITY = 5,           /* tampered or corrupted data */
  CVAULT_KEY_FAILURE = 6,         /* wrong passphrase or key file */
  CVAULT_FAILED_PRECONDITION = 7, /* not allowed in the current state */
  CVAULT_INTERNAL = 8,            /* a bug or unexpected failure */
  CVAULT_UNAVAILABLE = 9,         /* I/O or database failure that may pass */
  CVAULT_BUSY = 10,               /* held elsewhere; nothing written; retry */
  CVAULT_CONFLICT = 11            /* changed meanwhile; nothing written; retry */
} cvault_status;

/* The stable lower_snake name of a status, e.g. "permission_denied"; a
 * static string. "unknown" for a value outside the enum. */
CVAULT_EXPORT const char* cvault_status_name(cvault_status status);

/* What went wrong in one failed call. Owned by the caller. */
typedef struct cvault_error cvault_error;

/* The error's status code. */
CVAULT_EXPORT cvault_status cvault_error_code(const cvault_error* error);
/* What was wrong and what to do, without personal values. Valid until the
 * error is freed. */
CVAULT_EXPORT const char* cvault_error_message(const cvault_error* error);
/* The machine-readable reason ("role_not_permitted", "no_consent", ...);
 * "" when there is none. Valid until the error is freed. */
CVAULT_EXPORT const char* cvault_error_reason(const cvault_error* error);
/* Frees an error; NULL is a no-op. */
CVAULT_EXPORT void cvault_error_free(cvault_error* error);

/* Frees a string the library returned; NULL is a no-op. The string is
 * zeroed first, since records and exports hold personal data. */
CVAULT_EXPORT void cvault_string_free(char* text);

/* ---- The access context --------------------------------------------- */

/* Who is asking and why; every vault call takes one (cvault/access.h). The
 * library copies what it needs during the call. */
typedef struct cvault_context {
  const char* principal_id; /* e.g. "refund-svc-3"; required */
  const char* role;         /* a role of the policy, e.g. "support-agent" */
  const char* purpose;      /* a purpose of the policy, e.g. "support" */
  const char* reason;       /* free text for humans, or NULL */
  const char* request_id;   /* the caller's correlation id, or NULL */
} cvault_context;

/* ---- Opening a vault --------------------------------------------------- */

/* Thread-safety: a cvault_options is used by one thread at a time (set it
 * up, then create or open, then free it); create and open themselves may
 * run on several threads at once, each with its own options. The vault
 * handle they return is shared by every thread; only close and free need
 * the other threads to be done with it (their own notes say so). */

/* How to open or create a vault (cvault::Options). Created empty (vault
 * folder "vault", keys folder "keys", embedded storage, no root key). */
typedef struct cvault_options cvault_options;

/* Argon2id cost of a passphrase-sealed keyring, chosen at creation. */
typedef enum cvault_passphrase_cost {
  CVAULT_PASSPHRASE_MODERATE = 0,
  CVAULT_PASSPHRASE_INTERACTIVE = 1,
  CVAULT_PASSPHRASE_TESTING_ONLY = 2 /* fast and weak: tests only */
} cvault_passphrase_cost;

/* Level of a line of the operational log. */
typedef enum cvault_log_level {
  CVAULT_LOG_DEBUG = 0,
  CVAULT_LOG_INFO = 1,
  CVAULT_LOG_WARNING = 2,
  CVAULT_LOG_ERROR = 3
} cvault_log_level;

/* Receives the operational log, one line per call (never a personal value,
 * key or passphrase). Called from the thread making the vault call, so it
 * must be thread-safe; it must not call into the vault. `line` is valid
 * during the call only. */
typedef void (*cvault_log_fn)(void* user_data, cvault_log_level level, const char* line);

CVAULT_EXPORT cvault_status cvault_options_new(cvault_options** out,
                                               cvault_error** error);
/* Frees the options, wiping any secret they hold; NULL is a no-op. */
CVAULT_EXPORT void cvault_options_free(cvault_options* options);

/* The vault's folder and the folder of keyring.cvk. */
CVAULT_EXPORT cvault_status cvault_options_set_vault_dir(cvault_options* options,
                                                         const char* dir,
                                                         cvault_error** error);
CVAULT_EXPORT cvault_status cvault_options_set_keys_dir(cvault_options* options,
                                                        const char* dir,
                                                        cvault_error** error);
/* The root key, one of three sources; the last call wins. The key file
 * holds 32 raw bytes or 64 hex digits (mode 0600). A passphrase is
 * stretched with Argon2id. A raw key is exactly 32 bytes. Secrets are
 * copied into locked memory at once; the caller may wipe its copy after
 * the call. */
CVAULT_EXPORT cvault_status cvault_options_set_key_file(cvault_options* options,
                                                        const char* path,
                                                        cvault_error** error);
CVAULT_EXPORT cvault_status cvault_options_set_passphrase(cvault_options* options,
                                                          const char* passphrase,
                                                          size_t length,
                                                          cvault_error** error);
CVAULT_EXPORT cvault_status cvault_options_set_raw_root_key(cvault_options* options,
                                                            const uint8_t* key,
                                                            size_t length,
                                                            cvault_error** error);
CVAULT_EXPORT cvault_status cvault_options_set_passphrase_cost(
    cvault_options* options, cvault_passphrase_cost cost, cvault_error** error);
/* A TOML access policy file instead of the built-in default policy. */
CVAULT_EXPORT cvault_status cvault_options_set_policy_file(cvault_options* options,
                                                           const char* path,
                                                           cvault_error** error);
/* Store the data on PostgreSQL (docs/scaling.md) instead of the embedded
 * SQLCipher files. `schema` may be NULL for "cvault". */
CVAULT_EXPORT cvault_status cvault_options_set_postgres(cvault_options* options,
                                                        const char* dsn,
                                                        const char* schema,
                                                        cvault_error** error);
/* Create marks the keyring "development only" (not for production). */
CVAULT_EXPORT cvault_status cvault_options_set_development_keyring(
    cvault_options* options, int development, cvault_error** error);
/* The operational log goes to `log` (NULL: discarded). `user_data` is
 * passed back unchanged and must outlive the vault. */
CVAULT_EXPORT cvault_status cvault_options_set_log(cvault_options* options,
                                                   cvault_log_fn log, void* user_data,
                                                   cvault_error** error);

/* An open vault. Thread-safe; share one per process. */
typedef struct cvault_vault cvault_vault;

/* Creates a new vault (keyring, databases, first audit entry) and opens it.
 * CVAULT_ALREADY_EXISTS when one is there. `options` is only read; the
 * caller still frees it. On success *out is a handle the caller frees with
 * cvault_vault_free. */
CVAULT_EXPORT cvault_status cvault_vault_create(const cvault_options* options,
                                                cvault_vault** out, cvault_error** error);
/* Opens an existing vault. CVAULT_KEY_FAILURE for a wrong root key,
 * CVAULT_INTEGRITY for a damaged file. */
CVAULT_EXPORT cvault_status cvault_vault_open(const cvault_options* options,
                                              cvault_vault** out, cvault_error** error);
/* Writes the closing checkpoint and closes the vault; later calls on the
 * handle fail with CVAULT_FAILED_PRECONDITION. The handle stays allocated:
 * free it with cvault_vault_free. No other thread may be inside a call on
 * the handle. */
CVAULT_EXPORT cvault_status cvault_vault_close(cvault_vault* vault, cvault_error** error);
/* Closes the vault if still open (errors go to the log) and frees the
 * handle; NULL is a no-op. No other thread may use the handle any more. */
CVAULT_EXPORT void cvault_vault_free(cvault_vault* vault);

/* ---- Customers --------------------------------------------------------- */

/* Thread-safety: every function below is safe to call from any number of
 * threads at once on one shared cvault_vault; each returned string belongs
 * to the calling thread until it frees it. */

/* Adds a customer. `customer_json` is an object: "full_name" and "email"
 * (required), "phone" (E.164), "postal_address", "country" (ISO 3166-1
 * alpha-2), "language" (BCP 47), "external_ref" (all optional strings).
 * *out_id receives the new id ("cus_..."). */
CVAULT_EXPORT cvault_status cvault_customer_add(cvault_vault* vault,
                                                const cvault_context* ctx,
                                                const char* customer_json, char** out_id,
                                                cvault_error** error);
/* Reads a customer: `fields` (`field_count` names such as "email"; NULL
 * and 0 for all) as the context's purpose may see them, masked where the
 * policy says. *out_json receives a customer record object. */
CVAULT_EXPORT cvault_status cvault_customer_get(
    cvault_vault* vault, const cvault_context* ctx, const char* customer_id,
    const char* const* fields, size_t field_count, char** out_json, cvault_error** error);
/* The id of the customer with this email (exact, case-insensitive). */
CVAULT_EXPORT cvault_status cvault_customer_find_by_email(cvault_vault* vault,
                                                          const cvault_context* ctx,
                                                          const char* email,
                                                          char** out_id,
                                                          cvault_error** error);
/* The ids of the customers with this phone (E.164): a JSON array. */
CVAULT_EXPORT cvault_status cvault_customer_find_by_phone(cvault_vault* vault,
                                                          const cvault_context* ctx,
                                                          const char* phone,
                                                          char** out_json,
                                                          cvault_error** error);
/* Rectifies a customer: `update_json` holds only the fields to change (the
 * keys of cvault_customer_add). All or nothing. */
CVAULT_EXPORT cvault_status cvault_customer_update(cvault_vault* vault,
                                                   const cvault_context* ctx,
                                                   const char* customer_id,
                                                   const char* update_json,
                                                   cvault_error** error);
/* At most `limit` customer ids greater than `after` (NULL: from the
 * start), ascending: a JSON array. */
CVAULT_EXPORT cvault_status cvault_customer_list_ids(cvault_vault* vault,
                                                     const cvault_context* ctx,
                                                     const char* after, size_t limit,
                                                     char** out_json,
                                                     cvault_error** error);

/* ---- Consent ------------------------------------------------------------ */

/* Thread-safety: every function below is safe to call from any number of
 * threads at once on one shared cvault_vault; each returned string belongs
 * to the calling thread until it frees it. */

/* Registers the text of a notice version that grants cite. *out_json (may
 * be NULL) receives the notice object. */
CVAULT_EXPORT cvault_status cvault_notice_register(cvault_vault* vault,
                                                   const cvault_context* ctx,
                                                   const char* notice_id,
                                                   const char* version, const char* text,
                                                   char** out_json, cvault_error** error);
/* Records consent. `grant_json`: "purpose", "notice_id", "notice_version",
 * "collection_method", "channel" (required strings); "type" ("explicit" or
 * "implicit"), "language", "actor", "expires_at" (UTC time),
 * "pii_categories" and "third_parties" (arrays of strings) optional.
 * *out_json (may be NULL) receives the consent event. */
CVAULT_EXPORT cvault_status cvault_consent_grant(cvault_vault* vault,
                                                 const cvault_context* ctx,
                                                 const char* customer_id,
                                                 const char* grant_json, char** out_json,
                                                 cvault_error** error);
/* Records a withdrawal that reached the controller through the calling
 * service (method and channel "api"), by `actor` (NULL: "customer").
 * *out_json (may be NULL) receives the consent event. */
CVAULT_EXPORT cvault_status cvault_consent_withdraw(
    cvault_vault* vault, const cvault_context* ctx, const char* customer_id,
    const char* purpose, const char* actor, char** out_json, cvault_error** error);
/* The customer's consent state for every consent-based purpose: a JSON
 * array of state objects. */
CVAULT_EXPORT cvault_status cvault_consent_status(cvault_vault* vault,
                                                  const cvault_context* ctx,
                                                  const char* customer_id,
                                                  char** out_json, cvault_error** error);
/* Every consent event of the customer, oldest first: a JSON array. */
CVAULT_EXPORT cvault_status cvault_consent_history(cvault_vault* vault,
                                                   const cvault_context* ctx,
                                                   const char* customer_id,
                                                   char** out_json, cvault_error** error);

/* ---- Support tickets ---------------------------------------------------- */

/* Thread-safety: every function below is safe to call from any number of
 * threads at once on one shared cvault_vault; each returned string belongs
 * to the calling thread until it frees it. */

/* Opens a ticket. `ticket_json`: "customer_id", "product" ({"kind":
 * "software"|"theme"|"plugin"|"email_access", "sku"}), "summary"
 * (required); "substantial" (bool), "opened_at" (UTC time) optional.
 * *out_id receives "tkt_...". */
CVAULT_EXPORT cvault_status cvault_ticket_open(cvault_vault* vault,
                                               const cvault_context* ctx,
                                               const char* ticket_json, char** out_id,
                                               cvault_error** error);
/* Records a fix attempt: `outcome` "fixed", "not_fixed", "workaround" or
 * "needs_customer"; `note` and `at` (UTC time) may be NULL. */
CVAULT_EXPORT cvault_status cvault_ticket_attempt(cvault_vault* vault,
                                                  const cvault_context* ctx,
                                                  const char* ticket_id,
                                                  const char* outcome, const char* note,
                                                  const char* at, cvault_error** error);
/* Closes a ticket: `outcome` "fixed" or "unfixable". */
CVAULT_EXPORT cvault_status cvault_ticket_resolve(cvault_vault* vault,
                                                  const cvault_context* ctx,
                                                  const char* ticket_id,
                                                  const char* outcome,
                                                  cvault_error** error);
/* The ticket as a JSON object. */
CVAULT_EXPORT cvault_status cvault_ticket_show(cvault_vault* vault,
                                               const cvault_context* ctx,
                                               const char* ticket_id, char** out_json,
                                               cvault_error** error);

/* ---- Refund cases ------------------------------------------------------- */

/* Thread-safety: every function below is safe to call from any number of
 * threads at once on one shared cvault_vault; each returned string belongs
 * to the calling thread until it frees it. */

/* Opens a refund case. `case_json`: "customer_id", "order_ref", "product"
 * (as for tickets), "reason" ("functional_defect", "change_of_mind", ...;
 * docs/refund-process.md), "ticket_ids" (array, optional).
 * *out_id receives "rfd_...". */
CVAULT_EXPORT cvault_status cvault_refund_open(cvault_vault* vault,
                                               const cvault_context* ctx,
                                               const char* case_json, char** out_id,
                                               cvault_error** error);
/* Decides eligibility as of `at` (UTC time; NULL: now). *out_json (may be
 * NULL) receives the decision object. */
CVAULT_EXPORT cvault_status cvault_refund_assess(cvault_vault* vault,
                                                 const cvault_context* ctx,
                                                 const char* case_id, const char* at,
                                                 char** out_json, cvault_error** error);
/* Moves the case to status `to` ("under_review", "approved", ...);
 * `note` may be NULL. An invalid move changes nothing. */
CVAULT_EXPORT cvault_status cvault_refund_transition(cvault_vault* vault,
                                                     const cvault_context* ctx,
                                                     const char* case_id, const char* to,
                                                     const char* note,
                                                     cvault_error** error);
/* Attaches a processor's references. `payment_json`: "processor"
 * ("stripe", "paypal", "other"), "amount_minor" (integer), "currency"
 * (ISO 4217) required; "charge_id", "payment_intent_id", "refund_id",
 * "capture_id" optional strings. Never a card number. */
CVAULT_EXPORT cvault_status cvault_refund_attach_payment(cvault_vault* vault,
                                                         const cvault_context* ctx,
                                                         const char* case_id,
                                                         const char* payment_json,
                                                         cvault_error** error);
/* Records an update sent to the customer ("email", "sms", "in_app",
 * "phone", "letter") with the template used. */
CVAULT_EXPORT cvault_status cvault_refund_notify(cvault_vault* vault,
                                                 const cvault_context* ctx,
                                                 const char* case_id, const char* channel,
                                                 const char* template_id,
                                                 cvault_error** error);
/* The case as a JSON object. */
CVAULT_EXPORT cvault_status cvault_refund_show(cvault_vault* vault,
                                               const cvault_context* ctx,
                                               const char* case_id, char** out_json,
                                               cvault_error** error);
/* Open cases past their promise or owing an update as of `at` (NULL:
 * now): a JSON array. */
CVAULT_EXPORT cvault_status cvault_refund_overdue(cvault_vault* vault,
                                                  const cvault_context* ctx,
                                                  const char* at, char** out_json,
                                                  cvault_error** error);

/* ---- Data-subject rights ----------------------------------------------- */

/* Thread-safety: every function below is safe to call from any number of
 * threads at once on one shared cvault_vault; each returned string belongs
 * to the calling thread until it frees it. */

/* The signed export of everything held about the customer (GDPR Art. 15
 * and 20): *out_document receives the document's exact bytes (canonical
 * JSON); store them unchanged or verification fails. */
CVAULT_EXPORT cvault_status cvault_rights_export(cvault_vault* vault,
                                                 const cvault_context* ctx,
                                                 const char* customer_id,
                                                 char** out_document,
                                                 cvault_error** error);
/* Checks an export document against the vault's signing public key (64 hex
 * digits, cvault_audit_public_key). A document that fails is reported in
 * *out_json ("ok": false), not as an error. Needs no vault. */
CVAULT_EXPORT cvault_status cvault_export_verify(const char* document,
                                                 const char* public_key_hex,
                                                 char** out_json, cvault_error** error);
/* Erases the customer (GDPR Art. 17). *out_json (may be NULL) receives the
 * outcome per field group. */
CVAULT_EXPORT cvault_status cvault_rights_erase(cvault_vault* vault,
                                                const cvault_context* ctx,
                                                const char* customer_id, char** out_json,
                                                cvault_error** error);
/* Restricts processing (GDPR Art. 18): every purpose but legal_compliance
 * and dsr is denied (reason "restricted"). */
CVAULT_EXPORT cvault_status cvault_rights_restrict(cvault_vault* vault,
                                                   const cvault_context* ctx,
                                                   const char* customer_id,
                                                   cvault_error** error);
/* Lifts a restriction; `customer_informed` must be non-zero (Art. 18(3)). */
CVAULT_EXPORT cvault_status cvault_rights_lift_restriction(cvault_vault* vault,
                                                           const cvault_context* ctx,
                                                           const char* customer_id,
                                                           int customer_informed,
                                                           cvault_error** error);
/* The purge job: shreds expired retention holds and leftovers of
 * erasures. *out_json (may be NULL) receives the counts. */
CVAULT_EXPORT cvault_status cvault_rights_purge(cvault_vault* vault,
                                                const cvault_context* ctx,
                                                char** out_json, cvault_error** error);

/* ---- Audit log --------------------------------------------------------- */

/* Thread-safety: every function below is safe to call from any number of
 * threads at once on one shared cvault_vault; each returned string belongs
 * to the calling thread until it frees it. */

/* Verifies the whole hash chain and every checkpoint; with
 * `trusted_checkpoint_json` (NULL: none, else as cvault_audit_checkpoint
 * returns it) also that the log still holds that checkpoint. A broken log
 * is reported in *out_json ("ok": false), not as an error. */
CVAULT_EXPORT cvault_status cvault_audit_verify(cvault_vault* vault,
                                                const cvault_context* ctx,
                                                const char* trusted_checkpoint_json,
                                                char** out_json, cvault_error** error);
/* Signs a checkpoint at the head of the log (if it moved) and returns the
 * latest one as JSON, to keep outside the vault. */
CVAULT_EXPORT cvault_status cvault_audit_checkpoint(cvault_vault* vault,
                                                    const cvault_context* ctx,
                                                    char** out_json,
                                                    cvault_error** error);
/* The vault's Ed25519 signing public key, 64 hex digits. */
CVAULT_EXPORT cvault_status cvault_audit_public_key(cvault_vault* vault,
                                                    const cvault_context* ctx,
                                                    char** out_hex, cvault_error** error);

#ifdef __cplusplus
} /* extern "C" */
#endif

#endif /* CVAULT_CVAULT_H_ */
