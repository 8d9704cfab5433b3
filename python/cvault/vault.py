"""The Vault class: a Pythonic face on the C API (cvault/cvault.h)."""

from __future__ import annotations

import ctypes
import json
import os
from dataclasses import dataclass
from types import TracebackType
from typing import Any, Iterable, Optional, Sequence

from . import _native
from .errors import BY_STATUS, CvaultError

_lib = _native.lib


@dataclass(frozen=True)
class Context:
    """Who is asking and why; every vault call takes one.

    ``reason`` is free text for humans (not written to the audit log);
    ``request_id`` is the caller's correlation id (random when empty).
    """

    principal_id: str
    role: str
    purpose: str
    reason: str = ""
    request_id: str = ""

    def _native(self) -> _native.Context:
        return _native.Context(
            self.principal_id.encode(), self.role.encode(), self.purpose.encode(),
            self.reason.encode(), self.request_id.encode() or None)


def _text(value: Optional[str]) -> Optional[bytes]:
    return None if value is None else value.encode()


def _check(status: int, error: ctypes.c_void_p) -> None:
    """Raises the exception for a failed call, freeing the C error."""
    if status == 0:
        return
    try:
        code = _lib.cvault_status_name(status).decode()
        message = reason = ""
        if error.value:
            message = _lib.cvault_error_message(error).decode()
            reason = _lib.cvault_error_reason(error).decode()
    finally:
        _lib.cvault_error_free(error)
    raise BY_STATUS.get(status, CvaultError)(code, message, reason)


def _call(fn: Any, *args: Any) -> None:
    error = ctypes.c_void_p()
    _check(fn(*args, ctypes.byref(error)), error)


def _call_for_text(fn: Any, *args: Any) -> str:
    """Calls a C function whose last out-parameter is a char*; returns it."""
    out = ctypes.c_void_p()
    error = ctypes.c_void_p()
    _check(fn(*args, ctypes.byref(out), ctypes.byref(error)), error)
    try:
        return ctypes.string_at(out.value).decode() if out.value else ""
    finally:
        _lib.cvault_string_free(out)


def _call_for_json(fn: Any, *args: Any) -> Any:
    return json.loads(_call_for_text(fn, *args))


def version() -> str:
    """The loaded library's version, e.g. "0.1.0"."""
    return _lib.cvault_version().decode()


def verify_export(document: str, public_key_hex: str) -> dict:
    """Checks a signed export; a failing document gives {"ok": False, ...}."""
    return _call_for_json(_lib.cvault_export_verify, document.encode(),
                          public_key_hex.encode())


class _Options:
    """Owns a cvault_options handle for the time of one open or create."""

    def __init__(self, vault_dir: os.PathLike | str, keys_dir: os.PathLike | str, *,
                 key_file: os.PathLike | str | None, passphrase: str | bytes | None,
                 raw_key: bytes | None, policy_file: os.PathLike | str | None,
                 postgres_dsn: str | None, development_keyring: bool,
                 testing_only_passphrase_cost: bool) -> None:
        sources = [s for s in (key_file, passphrase, raw_key) if s is not None]
        if len(sources) != 1:
            raise ValueError("give exactly one of key_file, passphrase, raw_key")
        self.handle = ctypes.c_void_p()
        _call(_lib.cvault_options_new, ctypes.byref(self.handle))
        try:
            _call(_lib.cvault_options_set_vault_dir, self.handle, os.fsencode(vault_dir))
            _call(_lib.cvault_options_set_keys_dir, self.handle, os.fsencode(keys_dir))
            if key_file is not None:
                _call(_lib.cvault_options_set_key_file, self.handle, os.fsencode(key_file))
            elif passphrase is not None:
                secret = passphrase.encode() if isinstance(passphrase, str) else passphrase
                _call(_lib.cvault_options_set_passphrase, self.handle, secret, len(secret))
            elif raw_key is not None:
                _call(_lib.cvault_options_set_raw_root_key, self.handle, raw_key,
                      len(raw_key))
            if testing_only_passphrase_cost:
                _call(_lib.cvault_options_set_passphrase_cost, self.handle, 2)
            if policy_file is not None:
                _call(_lib.cvault_options_set_policy_file, self.handle,
                      os.fsencode(policy_file))
            if postgres_dsn is not None:
                _call(_lib.cvault_options_set_postgres, self.handle, postgres_dsn.encode(),
                      None)
            _call(_lib.cvault_options_set_development_keyring, self.handle,
                  int(development_keyring))
        except BaseException:
            self.free()
            raise

    def free(self) -> None:
        _lib.cvault_options_free(self.handle)
        self.handle = ctypes.c_void_p()


class Vault:
    """An open vault. Thread-safe: share one per process between threads.

    Use it as a context manager (``with Vault.open(...) as vault:``) or call
    close(). Every method takes a Context, is decided by the access policy
    and audited; failures raise the exceptions of cvault.errors.
    """

    def __init__(self, handle: ctypes.c_void_p) -> None:
        self._handle = handle

    @classmethod
    def create(cls, vault_dir: os.PathLike | str, keys_dir: os.PathLike | str, *,
               key_file: os.PathLike | str | None = None,
               passphrase: str | bytes | None = None, raw_key: bytes | None = None,
               policy_file: os.PathLike | str | None = None,
               postgres_dsn: str | None = None, development_keyring: bool = False,
               testing_only_passphrase_cost: bool = False) -> "Vault":
        """Creates a new vault sealed by one root-key source and opens it."""
        return cls._open_with(_lib.cvault_vault_create, vault_dir, keys_dir, locals())

    @classmethod
    def open(cls, vault_dir: os.PathLike | str, keys_dir: os.PathLike | str, *,
             key_file: os.PathLike | str | None = None,
             passphrase: str | bytes | None = None, raw_key: bytes | None = None,
             policy_file: os.PathLike | str | None = None,
             postgres_dsn: str | None = None) -> "Vault":
        """Opens an existing vault."""
        settings = dict(locals(), development_keyring=False,
                        testing_only_passphrase_cost=False)
        return cls._open_with(_lib.cvault_vault_open, vault_dir, keys_dir, settings)

    @classmethod
    def _open_with(cls, fn: Any, vault_dir: Any, keys_dir: Any,
                   settings: dict[str, Any]) -> "Vault":
        names = ("key_file", "passphrase", "raw_key", "policy_file", "postgres_dsn",
                 "development_keyring", "testing_only_passphrase_cost")
        options = _Options(vault_dir, keys_dir, **{n: settings[n] for n in names})
        try:
            handle = ctypes.c_void_p()
            _call(fn, options.handle, ctypes.byref(handle))
        finally:
            options.free()
        return cls(handle)

    def close(self) -> None:
        """Writes the closing checkpoint and frees the vault. Idempotent."""
        handle, self._handle = self._handle, None
        if not handle:
            return
        try:
            _call(_lib.cvault_vault_close, handle)
        finally:
            _lib.cvault_vault_free(handle)

    def __enter__(self) -> "Vault":
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.close()

    def __del__(self) -> None:
        if getattr(self, "_handle", None):
            _lib.cvault_vault_free(self._handle)

    def _h(self) -> ctypes.c_void_p:
        if not self._handle:
            raise ValueError("the vault is closed")
        return self._handle

    # ---- customers --------------------------------------------------------

    def add_customer(self, ctx: Context, *, full_name: str, email: str,
                     **optional: str) -> str:
        """Adds a customer; optional: phone, postal_address, country,
        language, external_ref. Returns the id ("cus_...")."""
        record = {"full_name": full_name, "email": email, **optional}
        return _call_for_text(_lib.cvault_customer_add, self._h(), ctx._native(),
                              json.dumps(record).encode())

    def get_customer(self, ctx: Context, customer_id: str,
                     fields: Sequence[str] = ()) -> dict:
        """The fields (all when empty) the purpose may see, masked where the
        policy says: {"customer_id", "fields", "masked", "withheld", ...}."""
        names = (ctypes.c_char_p * len(fields))(*(f.encode() for f in fields))
        return _call_for_json(_lib.cvault_customer_get, self._h(), ctx._native(),
                              customer_id.encode(), names, len(fields))

    def find_by_email(self, ctx: Context, email: str) -> str:
        return _call_for_text(_lib.cvault_customer_find_by_email, self._h(),
                              ctx._native(), email.encode())

    def find_by_phone(self, ctx: Context, phone: str) -> list[str]:
        return _call_for_json(_lib.cvault_customer_find_by_phone, self._h(),
                              ctx._native(), phone.encode())

    def update_customer(self, ctx: Context, customer_id: str, **changes: str) -> None:
        _call(_lib.cvault_customer_update, self._h(), ctx._native(),
              customer_id.encode(), json.dumps(changes).encode())

    def list_customer_ids(self, ctx: Context, after: str | None = None,
                          limit: int = 1000) -> list[str]:
        return _call_for_json(_lib.cvault_customer_list_ids, self._h(), ctx._native(),
                              _text(after), limit)

    # ---- consent -----------------------------------------------------------

    def register_notice(self, ctx: Context, notice_id: str, version: str,
                        text: str) -> dict:
        return _call_for_json(_lib.cvault_notice_register, self._h(), ctx._native(),
                              notice_id.encode(), version.encode(), text.encode())

    def grant_consent(self, ctx: Context, customer_id: str, *, purpose: str,
                      notice_id: str, notice_version: str, collection_method: str,
                      channel: str, **optional: Any) -> dict:
        """Records consent; optional: type, language, actor, expires_at,
        pii_categories, third_parties. Returns the consent event."""
        grant = {"purpose": purpose, "notice_id": notice_id,
                 "notice_version": notice_version,
                 "collection_method": collection_method, "channel": channel, **optional}
        return _call_for_json(_lib.cvault_consent_grant, self._h(), ctx._native(),
                              customer_id.encode(), json.dumps(grant).encode())

    def withdraw_consent(self, ctx: Context, customer_id: str, purpose: str,
                         actor: str | None = None) -> dict:
        return _call_for_json(_lib.cvault_consent_withdraw, self._h(), ctx._native(),
                              customer_id.encode(), purpose.encode(), _text(actor))

    def consent_status(self, ctx: Context, customer_id: str) -> list[dict]:
        return _call_for_json(_lib.cvault_consent_status, self._h(), ctx._native(),
                              customer_id.encode())

    def consent_history(self, ctx: Context, customer_id: str) -> list[dict]:
        return _call_for_json(_lib.cvault_consent_history, self._h(), ctx._native(),
                              customer_id.encode())

    # ---- support tickets and refund cases ------------------------------------

    def open_ticket(self, ctx: Context, customer_id: str, *, product_kind: str,
                    sku: str, summary: str, substantial: bool = False,
                    opened_at: str | None = None) -> str:
        ticket = {"customer_id": customer_id,
                  "product": {"kind": product_kind, "sku": sku},
                  "summary": summary, "substantial": substantial,
                  "opened_at": opened_at}
        return _call_for_text(_lib.cvault_ticket_open, self._h(), ctx._native(),
                              json.dumps(ticket).encode())

    def record_attempt(self, ctx: Context, ticket_id: str, outcome: str,
                       note: str | None = None, at: str | None = None) -> None:
        _call(_lib.cvault_ticket_attempt, self._h(), ctx._native(), ticket_id.encode(),
              outcome.encode(), _text(note), _text(at))

    def resolve_ticket(self, ctx: Context, ticket_id: str, outcome: str) -> None:
        _call(_lib.cvault_ticket_resolve, self._h(), ctx._native(), ticket_id.encode(),
              outcome.encode())

    def get_ticket(self, ctx: Context, ticket_id: str) -> dict:
        return _call_for_json(_lib.cvault_ticket_show, self._h(), ctx._native(),
                              ticket_id.encode())

    def open_refund(self, ctx: Context, customer_id: str, *, order_ref: str,
                    product_kind: str, sku: str, reason: str,
                    ticket_ids: Iterable[str] = ()) -> str:
        refund = {"customer_id": customer_id, "order_ref": order_ref,
                  "product": {"kind": product_kind, "sku": sku}, "reason": reason,
                  "ticket_ids": list(ticket_ids)}
        return _call_for_text(_lib.cvault_refund_open, self._h(), ctx._native(),
                              json.dumps(refund).encode())

    def assess_refund(self, ctx: Context, case_id: str, at: str | None = None) -> dict:
        return _call_for_json(_lib.cvault_refund_assess, self._h(), ctx._native(),
                              case_id.encode(), _text(at))

    def transition_refund(self, ctx: Context, case_id: str, to: str,
                          note: str | None = None) -> None:
        _call(_lib.cvault_refund_transition, self._h(), ctx._native(), case_id.encode(),
              to.encode(), _text(note))

    def attach_payment(self, ctx: Context, case_id: str, *, processor: str,
                       amount_minor: int, currency: str, **ids: str) -> None:
        """ids: charge_id, payment_intent_id, refund_id, capture_id."""
        payment = {"processor": processor, "amount_minor": amount_minor,
                   "currency": currency, **ids}
        _call(_lib.cvault_refund_attach_payment, self._h(), ctx._native(),
              case_id.encode(), json.dumps(payment).encode())

    def notify_customer(self, ctx: Context, case_id: str, channel: str,
                        template_id: str) -> None:
        _call(_lib.cvault_refund_notify, self._h(), ctx._native(), case_id.encode(),
              channel.encode(), template_id.encode())

    def get_refund(self, ctx: Context, case_id: str) -> dict:
        return _call_for_json(_lib.cvault_refund_show, self._h(), ctx._native(),
                              case_id.encode())

    def overdue_refunds(self, ctx: Context, at: str | None = None) -> list[dict]:
        return _call_for_json(_lib.cvault_refund_overdue, self._h(), ctx._native(),
                              _text(at))

    # ---- data-subject rights ---------------------------------------------------

    def export(self, ctx: Context, customer_id: str) -> str:
        """The signed export document; store its exact text unchanged."""
        return _call_for_text(_lib.cvault_rights_export, self._h(), ctx._native(),
                              customer_id.encode())

    def erase(self, ctx: Context, customer_id: str) -> dict:
        return _call_for_json(_lib.cvault_rights_erase, self._h(), ctx._native(),
                              customer_id.encode())

    def restrict(self, ctx: Context, customer_id: str) -> None:
        _call(_lib.cvault_rights_restrict, self._h(), ctx._native(), customer_id.encode())

    def lift_restriction(self, ctx: Context, customer_id: str,
                         customer_informed: bool) -> None:
        _call(_lib.cvault_rights_lift_restriction, self._h(), ctx._native(),
              customer_id.encode(), int(customer_informed))

    def purge(self, ctx: Context) -> dict:
        return _call_for_json(_lib.cvault_rights_purge, self._h(), ctx._native())

    # ---- audit log ---------------------------------------------------------------

    def verify_audit(self, ctx: Context, trusted_checkpoint: dict | None = None) -> dict:
        trusted = None if trusted_checkpoint is None else json.dumps(trusted_checkpoint)
        return _call_for_json(_lib.cvault_audit_verify, self._h(), ctx._native(),
                              _text(trusted))

    def checkpoint(self, ctx: Context) -> dict:
        return _call_for_json(_lib.cvault_audit_checkpoint, self._h(), ctx._native())

    def signing_public_key(self, ctx: Context) -> str:
        return _call_for_text(_lib.cvault_audit_public_key, self._h(), ctx._native())
