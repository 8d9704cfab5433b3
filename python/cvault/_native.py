"""Loading libcvault.so and declaring the C API's functions (ctypes).

The library is found through the CVAULT_LIBRARY environment variable (a
path to libcvault.so), else the system's library search (libcvault.so.0).
Every C call releases the GIL while it runs, so threads sharing one vault
run in parallel inside the library.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import os

ABI_VERSION = 0


class Context(ctypes.Structure):
    """struct cvault_context."""

    _fields_ = [
        ("principal_id", ctypes.c_char_p),
        ("role", ctypes.c_char_p),
        ("purpose", ctypes.c_char_p),
        ("reason", ctypes.c_char_p),
        ("request_id", ctypes.c_char_p),
    ]


_P = ctypes.c_void_p  # opaque handles
_S = ctypes.c_char_p  # strings passed in
_OUT = ctypes.POINTER(ctypes.c_void_p)  # char** and handle** out-parameters
_CTX = ctypes.POINTER(Context)

# name: argument types (the trailing cvault_error** is added below).
_SIGNATURES: dict[str, list] = {
    "cvault_options_new": [_OUT],
    "cvault_options_set_vault_dir": [_P, _S],
    "cvault_options_set_keys_dir": [_P, _S],
    "cvault_options_set_key_file": [_P, _S],
    "cvault_options_set_passphrase": [_P, _S, ctypes.c_size_t],
    "cvault_options_set_raw_root_key": [_P, _S, ctypes.c_size_t],
    "cvault_options_set_passphrase_cost": [_P, ctypes.c_int],
    "cvault_options_set_policy_file": [_P, _S],
    "cvault_options_set_postgres": [_P, _S, _S],
    "cvault_options_set_development_keyring": [_P, ctypes.c_int],
    "cvault_vault_create": [_P, _OUT],
    "cvault_vault_open": [_P, _OUT],
    "cvault_vault_close": [_P],
    "cvault_customer_add": [_P, _CTX, _S, _OUT],
    "cvault_customer_get": [_P, _CTX, _S, ctypes.POINTER(_S), ctypes.c_size_t, _OUT],
    "cvault_customer_find_by_email": [_P, _CTX, _S, _OUT],
    "cvault_customer_find_by_phone": [_P, _CTX, _S, _OUT],
    "cvault_customer_update": [_P, _CTX, _S, _S],
    "cvault_customer_list_ids": [_P, _CTX, _S, ctypes.c_size_t, _OUT],
    "cvault_notice_register": [_P, _CTX, _S, _S, _S, _OUT],
    "cvault_consent_grant": [_P, _CTX, _S, _S, _OUT],
    "cvault_consent_withdraw": [_P, _CTX, _S, _S, _S, _OUT],
    "cvault_consent_status": [_P, _CTX, _S, _OUT],
    "cvault_consent_history": [_P, _CTX, _S, _OUT],
    "cvault_ticket_open": [_P, _CTX, _S, _OUT],
    "cvault_ticket_attempt": [_P, _CTX, _S, _S, _S, _S],
    "cvault_ticket_resolve": [_P, _CTX, _S, _S],
    "cvault_ticket_show": [_P, _CTX, _S, _OUT],
    "cvault_refund_open": [_P, _CTX, _S, _OUT],
    "cvault_refund_assess": [_P, _CTX, _S, _S, _OUT],
    "cvault_refund_transition": [_P, _CTX, _S, _S, _S],
    "cvault_refund_attach_payment": [_P, _CTX, _S, _S],
    "cvault_refund_notify": [_P, _CTX, _S, _S, _S],
    "cvault_refund_show": [_P, _CTX, _S, _OUT],
    "cvault_refund_overdue": [_P, _CTX, _S, _OUT],
    "cvault_rights_export": [_P, _CTX, _S, _OUT],
    "cvault_export_verify": [_S, _S, _OUT],
    "cvault_rights_erase": [_P, _CTX, _S, _OUT],
    "cvault_rights_restrict": [_P, _CTX, _S],
    "cvault_rights_lift_restriction": [_P, _CTX, _S, ctypes.c_int],
    "cvault_rights_purge": [_P, _CTX, _OUT],
    "cvault_audit_verify": [_P, _CTX, _S, _OUT],
    "cvault_audit_checkpoint": [_P, _CTX, _OUT],
    "cvault_audit_public_key": [_P, _CTX, _OUT],
}


def _library_path() -> str:
    explicit = os.environ.get("CVAULT_LIBRARY")
    if explicit:
        return explicit
    return ctypes.util.find_library("cvault") or "libcvault.so.0"


def _load() -> ctypes.CDLL:
    lib = ctypes.CDLL(_library_path())
    for name, argtypes in _SIGNATURES.items():
        fn = getattr(lib, name)
        fn.argtypes = [*argtypes, _OUT]
        fn.restype = ctypes.c_int
    lib.cvault_version.argtypes = []
    lib.cvault_version.restype = ctypes.c_char_p
    lib.cvault_abi_version.argtypes = []
    lib.cvault_abi_version.restype = ctypes.c_int
    lib.cvault_status_name.argtypes = [ctypes.c_int]
    lib.cvault_status_name.restype = ctypes.c_char_p
    lib.cvault_error_code.argtypes = [_P]
    lib.cvault_error_code.restype = ctypes.c_int
    lib.cvault_error_message.argtypes = [_P]
    lib.cvault_error_message.restype = ctypes.c_char_p
    lib.cvault_error_reason.argtypes = [_P]
    lib.cvault_error_reason.restype = ctypes.c_char_p
    for free in ("cvault_error_free", "cvault_string_free", "cvault_options_free",
                 "cvault_vault_free"):
        getattr(lib, free).argtypes = [_P]
        getattr(lib, free).restype = None
    if lib.cvault_abi_version() != ABI_VERSION:
        raise ImportError(
            f"libcvault has ABI version {lib.cvault_abi_version()}; "
            f"this package needs {ABI_VERSION}")
    return lib


lib = _load()
