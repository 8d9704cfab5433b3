#!/usr/bin/env python3
"""A refund worker in Python on the cvault package (python/): the same story
as examples/c_refund_worker.c. Support declared a plugin's issue unfixable,
so the refund is assessed, approved, paid by another principal and the
customer told. It prints ids, statuses and decisions, never a personal value.

Run, after installing cvault (docs/c-api.md) and with python/ on the path:

    PYTHONPATH=python python3 examples/refund_worker.py /tmp/refund-demo

(CVAULT_LIBRARY=/path/to/libcvault.so when the library is not on the
system's library path.) The vault is created in the folder given, sealed by
a random root key held in memory; a real worker opens its service's vault
with Vault.open(..., key_file=...).
"""

from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path

import cvault

SIGNUP = cvault.Context("signup-svc", "account-service", "account_management",
                        "new account")
AGENT = cvault.Context("agent-7", "support-agent", "support", "ticket follow-up")
WORKER = cvault.Context("refund-worker", "refund-service", "refund_processing",
                        "refund queue")
PAYER = cvault.Context("refund-payer", "refund-service", "refund_processing",
                       "payout run")


def main(scratch: Path) -> int:
    shutil.rmtree(scratch, ignore_errors=True)
    print(f"cvault {cvault.version()}")
    with cvault.Vault.create(scratch / "vault", scratch / "keys",
                             raw_key=os.urandom(32)) as vault:
        customer = vault.add_customer(SIGNUP, full_name="Ada Lovelace",
                                      email="ada@example.com", country="GB")
        ticket = vault.open_ticket(AGENT, customer, product_kind="plugin",
                                   sku="seo-booster-2", summary="Checkout crashes",
                                   substantial=True)
        vault.record_attempt(AGENT, ticket, "not_fixed", note="reinstalled")
        vault.resolve_ticket(AGENT, ticket, "unfixable")

        case_id = vault.open_refund(WORKER, customer, order_ref="ORD-2026-000123",
                                    product_kind="plugin", sku="seo-booster-2",
                                    reason="functional_defect", ticket_ids=[ticket])
        decision = vault.assess_refund(WORKER, case_id)
        print(f"case {case_id}: {decision['decision']} ({', '.join(decision['reasons'])})")
        for step in ("under_review", "approved", "processing"):
            vault.transition_refund(WORKER, case_id, step)
        vault.attach_payment(PAYER, case_id, processor="stripe", amount_minor=4900,
                             currency="EUR", charge_id="ch_3N8f2kLkdIwHu7ix0Zq1aB2c",
                             refund_id="re_3N8f2kLkdIwHu7ix0Zq1aB2d")
        try:
            vault.transition_refund(WORKER, case_id, "completed")
        except cvault.FailedPrecondition as refused:
            print(f"the approver may not mark it paid: {refused.reason}")
        vault.transition_refund(PAYER, case_id, "completed")
        vault.notify_customer(WORKER, case_id, "email", "refund-completed")
        print(f"case {case_id}: {vault.get_refund(WORKER, case_id)['status']}")
        print(f"overdue cases: {len(vault.overdue_refunds(WORKER))}")
        try:
            vault.erase(WORKER, customer)
        except cvault.AccessDenied as denied:
            print(f"erasing as the refund worker: denied ({denied.reason})")
    shutil.rmtree(scratch, ignore_errors=True)
    return 0


if __name__ == "__main__":
    if len(sys.argv) != 2:
        print(f"usage: {sys.argv[0]} SCRATCH_DIR", file=sys.stderr)
        sys.exit(2)
    sys.exit(main(Path(sys.argv[1])))
