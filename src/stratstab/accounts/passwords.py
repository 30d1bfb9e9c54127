"""Password hashing with Argon2id (argon2-cffi's recommended parameters).

References: RFC 9106 (Argon2 memory-hard function), argon2-cffi ``PasswordHasher``.
"""

from __future__ import annotations

import os
import threading

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

_hasher = PasswordHasher()
# Each check takes tens of MiB and a CPU for tens of milliseconds (by design); a burst
# of logins would otherwise exhaust memory.  At most one check per CPU runs at a time.
# A flood of wrong passwords is stopped before this point by the login throttle.
_checks = threading.BoundedSemaphore(max(1, os.cpu_count() or 1))


# A constant hash verified when the user does not exist, so that a wrong user name
# costs as much time as a wrong password and does not reveal which names exist.
_DUMMY_HASH = _hasher.hash("stratstab-timing-equaliser")


def _as_bytes(password: str) -> bytes:
    # A lone surrogate (possible in JSON) has no UTF-8 form; keep it rather than fail.
    return password.encode("utf-8", "surrogatepass")


def hash_password(password: str) -> str:
    """Return the Argon2id hash string (salt and parameters included) of ``password``.

    Hashing checks nothing: a new password is judged by
    :func:`stratstab.accounts.password_policy.check_new_password` first.
    """
    with _checks:
        return _hasher.hash(_as_bytes(password))


def verify_password(password: str, password_hash: str | None) -> bool:
    """True when ``password`` matches ``password_hash``; never raises for a mismatch."""
    try:
        with _checks:
            matched = _hasher.verify(password_hash or _DUMMY_HASH, _as_bytes(password))
            return matched and bool(password_hash)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def needs_rehash(password_hash: str) -> bool:
    """True when the hash was made with weaker parameters than the current ones."""
    return _hasher.check_needs_rehash(password_hash)
