"""cvault: the encrypted, consent-gated, audited customer data vault, from
Python. Loads libcvault.so (CVAULT_LIBRARY, else the system's library path)
through ctypes; see python/README.md."""

from .errors import (AccessDenied, AlreadyExists, Busy, Conflict, CvaultError,
                     FailedPrecondition, IntegrityError, InternalError, KeyFailure,
                     NotFound, RejectedInput, Retryable, Unavailable)
from .vault import Context, Vault, verify_export, version

__all__ = [
    "AccessDenied", "AlreadyExists", "Busy", "Conflict", "Context", "CvaultError",
    "FailedPrecondition", "IntegrityError", "InternalError", "KeyFailure", "NotFound",
    "RejectedInput", "Retryable", "Unavailable", "Vault", "verify_export", "version",
]
