"""Bounded integer types shared by route parameters and input schemas.

Python integers have no size limit and the databases do: SQLite stores at most 64 bits
and raises ``OverflowError`` beyond, PostgreSQL's ``integer`` columns hold 32 bits.  A
parameter that reaches a query unbounded turns ``?offset=9223372036854775808`` into a
server error.  Every integer a client can send is therefore one of the types below,
each bounded to what the workbench can use, so out-of-range input is refused with a
422 before any query runs.  The same types serve ``Query()``/``Form()`` parameters
and pydantic fields: ``offset: Annotated[PageOffset, Query()] = 0``.

The bounds are ``annotated_types`` constraints, which pydantic enforces and FastAPI
publishes in the OpenAPI schema (``minimum``/``maximum``).
"""

from __future__ import annotations

from typing import Annotated

from annotated_types import Interval

# Far beyond any real workbench (an audit log of a million events, a thousand rounds)
# and far inside 32 bits, so every database accepts them.
MAX_OFFSET = 1_000_000
MAX_PAGE_SIZE = 1000
MAX_ROUNDS = 1000
MAX_TURNS = 50
MAX_SEQUENCE = 100_000
MAX_SEED = 2**32 - 1  # numpy.random.default_rng takes any non-negative integer; 32 bits suffice

PageOffset = Annotated[int, Interval(ge=0, le=MAX_OFFSET)]
"""How many rows to skip in a listing."""

PageSize = Annotated[int, Interval(ge=1, le=MAX_PAGE_SIZE)]
"""How many rows a listing returns."""

RoundNumber = Annotated[int, Interval(ge=1, le=MAX_ROUNDS)]
"""A dialogue round, numbered from 1."""

Seed = Annotated[int, Interval(ge=0, le=MAX_SEED)]
"""Seed of a random generator (k-means restarts, permutation tests, exercise runs)."""

Priority = Annotated[int, Interval(ge=1, le=5)]
"""A delegation's priority for a scope topic: 1 (highest) to 5."""

Importance = Annotated[int, Interval(ge=1, le=3)]
"""How much a vote matters to the voter: 1 (low) to 3 (high)."""

VoteValue = Annotated[int, Interval(ge=-1, le=1)]
"""A vote: 1 agree, -1 disagree, 0 pass."""

TurnNumber = Annotated[int, Interval(ge=1, le=MAX_TURNS)]
"""A turn of a tabletop exercise, numbered from 1."""

MessageNumber = Annotated[int, Interval(ge=0, le=MAX_SEQUENCE)]
"""The number of a message on an exercise's risk-reduction channel."""
