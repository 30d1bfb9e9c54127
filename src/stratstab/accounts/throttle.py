"""Login throttling: failed logins counted per account and per client address.

The counting is the ``limits`` library's (fixed windows, several limits per key such as
``5/minute;20/hour;100/day``, so an attacker who waits out one window meets the next,
longer one: a stepped back-off).  Its counters live in the database
(:class:`DatabaseStorage`, table ``login_throttle_counters``) rather than in the
library's in-memory storage: every server process on the same database then sees the
same counts, so running several workers does not multiply an attacker's attempts, and
a restart does not reset them.  The library's other storages (Redis, Memcached,
MongoDB) would need a service the workbench does not otherwise have.

Only failures count, so a delegation logging in from one office address is never
slowed down.  An attempt is counted before its password is hashed and a throttled one
is refused there, which keeps a flood cheap for the server and holds a burst of
parallel attempts at the limit.  Keys are SHA-256 digests: the table stores no user
name an attacker typed and no address.

References: OWASP ASVS 4.0.3 V2.2.1 (anti-automation: throttling, lockout after a
bounded number of failures); OWASP Authentication Cheat Sheet ("Login Throttling").
"""

from __future__ import annotations

import hashlib
import ipaddress
import math
import time
from dataclasses import dataclass, field

from limits import RateLimitItem, parse_many
from limits.storage import Storage
from limits.strategies import FixedWindowRateLimiter
from sqlalchemy import Engine, case, delete, select, update
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.exc import SQLAlchemyError

from stratstab.accounts.models import LoginThrottleCounter
from stratstab.errors import InputError

COUNTERS = LoginThrottleCounter.__table__


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()


class DatabaseStorage(Storage):
    """A ``limits`` storage for fixed-window counters in the workbench's database."""

    STORAGE_SCHEME = ["stratstab-database"]

    def __init__(self, engine: Engine) -> None:
        super().__init__()
        self.engine = engine
        dialect = engine.dialect.name
        if dialect not in ("sqlite", "postgresql"):
            raise InputError(f"login throttle: unsupported database {dialect!r}")
        self._insert = sqlite_insert if dialect == "sqlite" else postgresql_insert

    @property
    def base_exceptions(self) -> type[Exception]:
        return SQLAlchemyError

    def incr(self, key: str, expiry: float, amount: int = 1) -> int:
        """Add ``amount`` to the counter, starting a new window of ``expiry`` s if it ended."""
        now = time.time()
        expired = COUNTERS.c.expires_at <= now
        statement = (
            self._insert(COUNTERS)
            .values(key=_digest(key), count=amount, expires_at=now + expiry)
            .on_conflict_do_update(
                index_elements=[COUNTERS.c.key],
                set_={
                    "count": case((expired, amount), else_=COUNTERS.c.count + amount),
                    "expires_at": case((expired, now + expiry), else_=COUNTERS.c.expires_at),
                },
            )
            .returning(COUNTERS.c.count)
        )
        with self.engine.begin() as connection:
            return int(connection.execute(statement).scalar_one())

    def release(self, key: str) -> None:
        """Take one back from a live window's counter (never below zero)."""
        statement = (
            update(COUNTERS)
            .where(
                COUNTERS.c.key == _digest(key),
                COUNTERS.c.count > 0,
                COUNTERS.c.expires_at > time.time(),
            )
            .values(count=COUNTERS.c.count - 1)
        )
        with self.engine.begin() as connection:
            connection.execute(statement)

    def get(self, key: str) -> int:
        """The counter of a live window, else 0."""
        query = select(COUNTERS.c.count).where(
            COUNTERS.c.key == _digest(key), COUNTERS.c.expires_at > time.time()
        )
        with self.engine.connect() as connection:
            return int(connection.execute(query).scalar() or 0)

    def get_expiry(self, key: str) -> float:
        """When the window ends (seconds since the epoch); now when there is none."""
        query = select(COUNTERS.c.expires_at).where(COUNTERS.c.key == _digest(key))
        with self.engine.connect() as connection:
            found = connection.execute(query).scalar()
        return float(found) if found is not None else time.time()

    def check(self) -> bool:
        """Whether the database answers."""
        try:
            with self.engine.connect() as connection:
                connection.execute(select(1))
        except SQLAlchemyError:
            return False
        return True

    def reset(self) -> int | None:
        """Forget every counter."""
        with self.engine.begin() as connection:
            return connection.execute(delete(COUNTERS)).rowcount

    def clear(self, key: str) -> None:
        """Forget one counter."""
        with self.engine.begin() as connection:
            connection.execute(delete(COUNTERS).where(COUNTERS.c.key == _digest(key)))

    def purge_expired(self) -> int:
        """Delete the counters of ended windows; return how many."""
        with self.engine.begin() as connection:
            done = connection.execute(delete(COUNTERS).where(COUNTERS.c.expires_at <= time.time()))
        return int(done.rowcount or 0)


def parse_limits(text: str, *, setting: str) -> list[RateLimitItem]:
    """Limits such as ``5/minute;20/hour`` (the ``limits`` notation), or InputError."""
    try:
        items = parse_many(text)
    except ValueError:
        items = []
    if not items:
        raise InputError(
            f"expected limits such as '5/minute;20/hour', got {text!r}", source=setting
        )
    return items


def address_key(address: str | None) -> str:
    """The unit an address is counted by: the address, or its /64 for IPv6."""
    if not address:
        return "unknown"
    try:
        parsed = ipaddress.ip_address(address)
    except ValueError:
        return address[:64]
    if isinstance(parsed, ipaddress.IPv6Address):
        if parsed.ipv4_mapped is not None:
            return str(parsed.ipv4_mapped)
        return str(ipaddress.ip_network(f"{parsed}/64", strict=False))
    return str(parsed)


@dataclass(frozen=True)
class Refusal:
    """A login refused by the throttle: what was throttled and how long to wait."""

    scope: str  # "account", "account-address" or "address"
    retry_after_s: int


@dataclass
class Admission:
    """An attempt admitted to the password check, with the attempt already counted.

    ``counted`` holds (scope, limit, counter key, count after this attempt) of every
    limit; :meth:`LoginThrottle.succeeded` takes the attempt back, because only failures
    count, and :meth:`LoginThrottle.failed` keeps it.
    """

    counted: list[tuple[str, RateLimitItem, str, int]]
    # Limits counted only when the password turns out wrong: (scope, limit, key).
    deferred: list[tuple[str, RateLimitItem, str]] = field(default_factory=list)


class LoginThrottle:
    """Failed-login limits kept in the database, counted before the password is hashed.

    Three sets of limits apply to each attempt:

    - ``account_limits`` per account *and* client address: a guesser at one address is
      stopped after a few tries, while the account's owner at another address, with a
      clean record, still logs in;
    - ``account_total_limits`` per account over all addresses, looser: a guesser
      spread over many addresses is stopped too (and only such a guesser can keep the
      owner out, for the length of its windows);
    - ``address_limits`` per client address over all accounts (password spraying).

    An attempt is counted against the account limits *before* its password is checked
    (an atomic increment in the database), so a burst of parallel attempts on one
    account cannot all pass a check made before any of them was recorded: of a burst,
    exactly as many reach the password hash as the limits have room for.  A successful
    login takes its count back.

    The per-address limit is checked before the hash but counted only after a wrong
    password.  Delegates at a conference often share one address (the venue's Wi-Fi
    behind one NAT); reserving their logins in flight against the address would refuse
    a roomful of correct logins made at the same moment.  A sprayer at one address can
    therefore overshoot that limit by the attempts it has in flight at once, while each
    account it tries stays held exactly at its own limits.
    """

    def __init__(
        self,
        engine: Engine,
        *,
        account_limits: str,
        address_limits: str,
        account_total_limits: str | None = None,
    ) -> None:
        self.storage = DatabaseStorage(engine)
        self.limiter = FixedWindowRateLimiter(self.storage)
        self.account_limits = parse_limits(account_limits, setting="login_limits_account")
        self.address_limits = parse_limits(address_limits, setting="login_limits_address")
        self.account_total_limits = (
            parse_limits(account_total_limits, setting="login_limits_account_total")
            if account_total_limits
            else []
        )

    def _counted(self, username: str, address: str | None):
        account = _digest(username.strip().lower()[:64])
        client = _digest(address_key(address))
        for item in self.account_limits:
            yield "account-address", item, ("account-address", account, client)
        for item in self.account_total_limits:
            yield "account", item, ("account", account)
        for item in self.address_limits:
            yield "address", item, ("address", client)

    def _give_back(self, counted) -> None:
        for _scope, _item, key, _count in counted:
            self.storage.release(key)

    def admit(self, *, username: str, address: str | None) -> Admission | Refusal:
        """Check every limit and count this attempt against the account limits; a :class:`Refusal`
        when one is used up.

        A refused attempt is not counted (its increments are taken back), so hammering
        one address does not eat into the account's looser total.
        """
        self.storage.purge_expired()
        counted: list[tuple[str, RateLimitItem, str, int]] = []
        refused: Refusal | None = None
        now = time.time()
        deferred: list[tuple[str, RateLimitItem, str]] = []
        for scope, item, ids in self._counted(username, address):
            key = item.key_for(*ids)
            if scope == "address":
                deferred.append((scope, item, key))
                count = self.storage.get(key) + 1
            else:
                count = self.storage.incr(key, item.get_expiry(), amount=1)
                counted.append((scope, item, key, count))
            if count > item.amount:
                reset_at = self.limiter.get_window_stats(item, *ids).reset_time
                wait = max(1, math.ceil(reset_at - now))
                if refused is None or wait > refused.retry_after_s:
                    refused = Refusal(scope=scope, retry_after_s=wait)
        if refused is not None:
            self._give_back(counted)
            return refused
        return Admission(counted=counted, deferred=deferred)

    def succeeded(self, admission: Admission) -> None:
        """The password was right: the attempt does not count."""
        self._give_back(admission.counted)

    def failed(self, admission: Admission) -> list[tuple[str, str]]:
        """The password was wrong: the attempt stays counted.

        Returns (scope, limit) of each limit this attempt has just used up (once per
        window: only the attempt that reached the limit exactly reports it).
        """
        counted = list(admission.counted)
        for scope, item, key in admission.deferred:
            counted.append((scope, item, key, self.storage.incr(key, item.get_expiry())))
        return [(scope, str(item)) for scope, item, _key, count in counted if count == item.amount]
