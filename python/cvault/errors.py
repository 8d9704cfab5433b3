"""Exceptions raised for the C API's status codes.

Every exception carries the status name (``code``), the machine-readable
reason (``reason``, e.g. "no_consent"; may be empty) and the library's
message, which never contains a personal value.
"""

from __future__ import annotations


class CvaultError(Exception):
    """A call into the vault failed."""

    def __init__(self, code: str, message: str, reason: str = "") -> None:
        super().__init__(f"{code}: {message}" if not reason else
                         f"{code} ({reason}): {message}")
        self.code = code
        self.message = message
        self.reason = reason


class RejectedInput(CvaultError, ValueError):
    """invalid_argument: the message names the argument or field."""


class NotFound(CvaultError, LookupError):
    """not_found: no such customer, ticket, case or file."""


class AlreadyExists(CvaultError):
    """already_exists: a unique value (an email, a vault) is taken."""


class AccessDenied(CvaultError, PermissionError):
    """permission_denied: the access policy refused the call."""


class IntegrityError(CvaultError):
    """integrity_error: tampered, corrupted or undecryptable data."""


class KeyFailure(CvaultError):
    """key_failure: wrong passphrase or key file, unusable keyring."""


class FailedPrecondition(CvaultError):
    """failed_precondition: not allowed in the current state."""


class InternalError(CvaultError):
    """internal: a bug or an unexpected failure inside the library."""


class Unavailable(CvaultError):
    """unavailable: an I/O or database failure that may pass."""


class Retryable(CvaultError):
    """busy or conflict: nothing was written; the same call may succeed later."""


class Busy(Retryable):
    """busy: another process or thread holds what the call needs."""


class Conflict(Retryable):
    """conflict: another writer changed the record meanwhile."""


# By the C API's status values (cvault_status).
BY_STATUS: dict[int, type[CvaultError]] = {
    1: RejectedInput,
    2: NotFound,
    3: AlreadyExists,
    4: AccessDenied,
    5: IntegrityError,
    6: KeyFailure,
    7: FailedPrecondition,
    8: InternalError,
    9: Unavailable,
    10: Busy,
    11: Conflict,
}
