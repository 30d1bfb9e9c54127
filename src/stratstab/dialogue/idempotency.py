"""Idempotency keys: a write sent twice (a retry after a lost reply) is done once.

A client names each write with a key of its choosing (the ``Idempotency-Key`` header
of the API, a hidden field of the page forms).  The store records the key, a
fingerprint of what was asked and the result in the same transaction as the write
itself, so either both are committed or neither is.  The same key again returns the
recorded result without writing; the same key with other content is refused
(:class:`~stratstab.errors.ConflictError`).  Keys belong to one user and expire after
:data:`KEY_LIFETIME`.

References: the IETF HTTPAPI working group's draft "The Idempotency-Key HTTP Header
Field" (draft-ietf-httpapi-idempotency-key-header).
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from stratstab.dialogue.models import IdempotentRequest, utc_now
from stratstab.errors import ConflictError, InputError

# Long enough for any client to retry after a lost reply, short enough to keep the table small.
KEY_LIFETIME = timedelta(hours=24)
_KEY = re.compile(r"^[\x21-\x7e]{8,200}$")  # printable ASCII without spaces


@dataclass(frozen=True)
class IdempotencyKey:
    """A client's key for one write, whose it is, and what the write asks for.

    ``owner`` is the user's id (keys of different users never meet); ``fingerprint``
    comes from :func:`fingerprint`.
    """

    owner: str
    key: str
    fingerprint: str


def checked_key(key: str, *, field: str = "Idempotency-Key") -> str:
    """``key`` if it is 8-200 printable ASCII characters without spaces; InputError otherwise."""
    if not _KEY.match(key):
        raise InputError(
            "expected 8-200 printable ASCII characters without spaces (e.g. a UUID)", field=field
        )
    return key


def fingerprint(action: str, **fields: Any) -> str:
    """SHA-256 (hex) of the action and its fields, independent of their order."""
    canonical = json.dumps({"action": action, **fields}, sort_keys=True, default=str)
    return hashlib.sha256(canonical.encode()).hexdigest()


def make_key(owner: str, key: str, action: str, **fields: Any) -> IdempotencyKey:
    """Check ``key`` and bind it to ``owner`` and to what the request asks for."""
    return IdempotencyKey(owner, checked_key(key), fingerprint(action, **fields))


def recorded(session: Session, claim: IdempotencyKey) -> dict[str, Any] | None:
    """The result recorded under this key, or None if the key is new (or expired).

    Raises :class:`ConflictError` when the key was used for a different request.
    """
    row = session.scalar(
        select(IdempotentRequest).where(
            IdempotentRequest.owner == claim.owner, IdempotentRequest.key == claim.key
        )
    )
    if row is None or row.expires_at <= utc_now():
        return None
    if row.fingerprint != claim.fingerprint:
        raise ConflictError(
            f"idempotency key {claim.key!r} was used for a different request; "
            "send new content with a new key"
        ).with_key("error.idempotency_conflict")
    return dict(row.result)


def remember(session: Session, claim: IdempotencyKey, *, action: str, result: dict) -> None:
    """Record ``result`` under the key (in the caller's write transaction).

    The owner's expired keys are deleted on the way, which keeps the table bounded.
    """
    now = utc_now()
    session.execute(
        delete(IdempotentRequest)
        .where(
            IdempotentRequest.owner == claim.owner,
            (IdempotentRequest.expires_at <= now) | (IdempotentRequest.key == claim.key),
        )
        .execution_options(synchronize_session=False)
    )
    session.add(
        IdempotentRequest(
            owner=claim.owner,
            key=claim.key,
            action=action,
            fingerprint=claim.fingerprint,
            result=result,
            created_at=now,
            expires_at=now + KEY_LIFETIME,
        )
    )
    session.flush()


def purge_expired(session: Session) -> int:
    """Delete every expired key; return how many."""
    done = session.execute(
        delete(IdempotentRequest)
        .where(IdempotentRequest.expires_at <= utc_now())
        .execution_options(synchronize_session=False)
    )
    return int(done.rowcount or 0)
