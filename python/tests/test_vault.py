"""The Python package end to end: consent-gated reads, denials, a refund
flow, export and erasure, errors, and threads sharing one vault."""

from __future__ import annotations

import os
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

import cvault
from conftest import (ACCOUNT, AUDITOR, DPO, MARKETING, PAYER, REFUNDS, SUPPORT)


def grant_marketing(vault: cvault.Vault, customer_id: str) -> dict:
    return vault.grant_consent(ACCOUNT, customer_id, purpose="marketing",
                               notice_id="privacy", notice_version="3",
                               collection_method="checkbox", channel="web")


def test_the_library_loaded_is_the_installed_one() -> None:
    # The test command installs the library and names the folder; a run by
    # hand may load whichever the system finds.
    expected = os.environ.get("CVAULT_EXPECT_LIBRARY_DIR")
    if not expected:
        pytest.skip("CVAULT_EXPECT_LIBRARY_DIR is not set")
    cvault.version()  # loads it
    maps = Path("/proc/self/maps").read_text().splitlines()
    loaded = {Path(line.split()[-1]).resolve() for line in maps if "libcvault.so" in line}
    assert loaded, "libcvault.so is not mapped"
    assert {path.parent for path in loaded} == {Path(expected).resolve()}


def test_version_is_the_library_version() -> None:
    assert cvault.version() == "0.1.0"


def test_marketing_read_needs_active_consent(vault: cvault.Vault, ada: str) -> None:
    with pytest.raises(cvault.AccessDenied) as denied:
        vault.get_customer(MARKETING, ada)
    assert denied.value.reason == "no_consent"
    assert denied.value.code == "permission_denied"

    assert grant_marketing(vault, ada)["type"] == "given"
    record = vault.get_customer(MARKETING, ada)
    assert record["fields"]["email"] == "ada.lovelace@example.com"
    assert "full_name" not in record["fields"]

    vault.withdraw_consent(ACCOUNT, ada, "marketing")
    with pytest.raises(cvault.AccessDenied) as withdrawn:
        vault.get_customer(MARKETING, ada)
    assert withdrawn.value.reason == "consent_withdrawn"
    assert [e["type"] for e in vault.consent_history(AUDITOR, ada)] == ["given",
                                                                         "withdrawn"]


def test_support_sees_masked_contact_fields(vault: cvault.Vault, ada: str) -> None:
    record = vault.get_customer(SUPPORT, ada, fields=["email", "country"])
    assert record["fields"]["email"] != "ada.lovelace@example.com"
    assert "email" in record["masked"]
    assert vault.find_by_email(SUPPORT, "Ada.Lovelace@example.com") == ada
    assert vault.find_by_phone(SUPPORT, "+442071838750") == [ada]


def test_rejected_input_names_the_field_never_the_value(vault: cvault.Vault) -> None:
    with pytest.raises(cvault.RejectedInput) as rejected:
        vault.add_customer(ACCOUNT, full_name="Grace Hopper", email="grace@@example")
    assert "email" in rejected.value.message
    assert "grace" not in str(rejected.value)
    with pytest.raises(cvault.RejectedInput) as card:
        vault.add_customer(ACCOUNT, full_name="4111 1111 1111 1111",
                           email="grace@example.com")
    assert "4111" not in str(card.value)
    with pytest.raises(cvault.NotFound) as missing:
        vault.find_by_email(SUPPORT, "nobody.here@example.com")
    assert "nobody" not in str(missing.value)


def test_refund_flow_from_unfixable_ticket_to_paid_refund(vault: cvault.Vault,
                                                          ada: str) -> None:
    ticket = vault.open_ticket(SUPPORT, ada, product_kind="plugin", sku="seo-booster-2",
                               summary="Plugin crashes the checkout page",
                               substantial=True)
    vault.record_attempt(SUPPORT, ticket, "not_fixed", note="cleared caches")
    vault.resolve_ticket(SUPPORT, ticket, "unfixable")
    case_id = vault.open_refund(REFUNDS, ada, order_ref="ORD-2026-000123",
                                product_kind="plugin", sku="seo-booster-2",
                                reason="functional_defect", ticket_ids=[ticket])
    assert vault.assess_refund(REFUNDS, case_id)["decision"] == "eligible"
    for step in ("under_review", "approved", "processing"):
        vault.transition_refund(REFUNDS, case_id, step)
    vault.attach_payment(PAYER, case_id, processor="stripe", amount_minor=4900,
                         currency="EUR", charge_id="ch_3N8f2kLkdIwHu7ix0Zq1aB2c",
                         refund_id="re_3N8f2kLkdIwHu7ix0Zq1aB2d")
    with pytest.raises(cvault.FailedPrecondition) as same_principal:
        # Separation of duties: whoever approved may not mark it paid.
        vault.transition_refund(REFUNDS, case_id, "completed")
    assert same_principal.value.reason == "separation_of_duties"
    vault.transition_refund(PAYER, case_id, "completed")
    vault.notify_customer(REFUNDS, case_id, "email", "refund-completed")
    refund = vault.get_refund(REFUNDS, case_id)
    assert refund["status"] == "completed"
    assert refund["payments"][0]["amount_minor"] == 4900
    assert vault.overdue_refunds(REFUNDS) == []
    with pytest.raises(cvault.FailedPrecondition):
        vault.transition_refund(REFUNDS, case_id, "approved")


def test_export_verifies_and_erasure_forgets(vault: cvault.Vault, ada: str) -> None:
    document = vault.export(DPO, ada)
    key = vault.signing_public_key(DPO)
    assert cvault.verify_export(document, key)["ok"] is True
    assert cvault.verify_export(document.replace("Ada", "Eve"), key)["ok"] is False

    with pytest.raises(cvault.AccessDenied):
        vault.erase(SUPPORT, ada)
    erased = vault.erase(DPO, ada)
    assert erased["customer_id"] == ada
    assert {g["group"] for g in erased["groups"]} >= {"identity", "contact"}
    with pytest.raises(cvault.NotFound):
        vault.get_customer(SUPPORT, ada)
    vault.purge(DPO)
    checkpoint = vault.checkpoint(AUDITOR)
    assert vault.verify_audit(AUDITOR, checkpoint)["ok"] is True


def test_threads_share_one_vault(vault: cvault.Vault) -> None:
    def add_and_read(n: int) -> str:
        customer_id = vault.add_customer(ACCOUNT, full_name=f"Customer {n}",
                                         email=f"customer{n}@example.com")
        record = vault.get_customer(ACCOUNT, customer_id, fields=["email"])
        assert record["fields"]["email"] == f"customer{n}@example.com"
        return customer_id

    with ThreadPoolExecutor(max_workers=8) as pool:
        ids = list(pool.map(add_and_read, range(40)))
    assert len(set(ids)) == 40
    assert sorted(vault.list_customer_ids(ACCOUNT)) == sorted(ids)
    assert vault.verify_audit(AUDITOR)["ok"] is True


def test_reopening_with_the_wrong_key_is_a_key_failure(tmp_path: Path) -> None:
    key = os.urandom(32)
    with cvault.Vault.create(tmp_path / "v", tmp_path / "k", raw_key=key) as created:
        created.add_customer(ACCOUNT, full_name="Ada Lovelace", email="ada@example.com")
    with cvault.Vault.open(tmp_path / "v", tmp_path / "k", raw_key=key) as reopened:
        assert len(reopened.list_customer_ids(ACCOUNT)) == 1
    with pytest.raises(cvault.KeyFailure):
        cvault.Vault.open(tmp_path / "v", tmp_path / "k", raw_key=os.urandom(32))
    with pytest.raises(ValueError):
        cvault.Vault.open(tmp_path / "v", tmp_path / "k")


def test_a_closed_vault_refuses_calls(vault: cvault.Vault) -> None:
    vault.close()
    with pytest.raises(ValueError):
        vault.list_customer_ids(ACCOUNT)


def test_a_key_file_and_a_passphrase_each_seal_a_vault(tmp_path: Path) -> None:
    key_file = tmp_path / "root.key"
    key_file.write_text(os.urandom(32).hex() + "\n")
    key_file.chmod(0o600)
    with cvault.Vault.create(tmp_path / "v1", tmp_path / "k1", key_file=key_file) as v:
        v.add_customer(ACCOUNT, full_name="Ada Lovelace", email="ada@example.com")
    with cvault.Vault.open(tmp_path / "v1", tmp_path / "k1", key_file=key_file) as v:
        assert len(v.list_customer_ids(ACCOUNT)) == 1

    with cvault.Vault.create(tmp_path / "v2", tmp_path / "k2", passphrase="correct horse",
                             testing_only_passphrase_cost=True) as v:
        v.add_customer(ACCOUNT, full_name="Ada Lovelace", email="ada@example.com")
    with pytest.raises(cvault.KeyFailure) as wrong:
        cvault.Vault.open(tmp_path / "v2", tmp_path / "k2", passphrase="wrong horse")
    assert "horse" not in str(wrong.value)
    with cvault.Vault.open(tmp_path / "v2", tmp_path / "k2", passphrase="correct horse") as v:
        assert len(v.list_customer_ids(ACCOUNT)) == 1


def test_a_damaged_database_is_an_integrity_error(tmp_path: Path) -> None:
    key = os.urandom(32)
    with cvault.Vault.create(tmp_path / "v", tmp_path / "k", raw_key=key) as created:
        created.add_customer(ACCOUNT, full_name="Ada Lovelace", email="ada@example.com")
    database = tmp_path / "v" / "vault.db"
    with open(database, "r+b") as f:  # cut short to its first byte
        f.truncate(1)
    with pytest.raises(cvault.IntegrityError) as damaged:
        cvault.Vault.open(tmp_path / "v", tmp_path / "k", raw_key=key)
    assert damaged.value.code == "integrity_error"
    assert "vault.db" in str(damaged.value)
    assert "Lovelace" not in str(damaged.value) and "ada@" not in str(damaged.value)
