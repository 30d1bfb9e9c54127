"""Password hashing with Argon2id (argon2-cffi's recommended parameters).

References: RFC 9106 (Argon2 memory-hard function), argon2-cffi ``PasswordHasher``.
"""

from __future__ import annotations

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from stratstab.errors import InputError

_hasher = PasswordHasher()

MIN_PASSWORD_LENGTH = 8
# A constant hash verified when the user does not exist, so that a wrong user name
# costs as much time as a wrong password and does not reveal which names exist.
_DUMMY_HASH = _hasher.hash("stratstab-timing-equaliser")


def hash_password(password: str) -> str:
    """Return the Argon2id hash string (salt and parameters included) of ``password``."""
    if len(password) < MIN_PASSWORD_LENGTH:
        raise InputError(
            f"password too short: at least {MIN_PASSWORD_LENGTH} characters expected",
            field="password",
        )
    return _hasher.hash(password)


def verify_password(password: str, password_hash: str | None) -> bool:
    """True when ``password`` matches ``password_hash``; never raises for a mismatch."""
    try:
        return _hasher.verify(password_hash or _DUMMY_HASH, password) and bool(password_hash)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def needs_rehash(password_hash: str) -> bool:
    """True when the hash was made with weaker parameters than the current ones."""
    return _hasher.check_needs_rehash(password_hash)
