"""Shapes every JSON route shares: the error answer and timestamps with their zone.

Every ``/api/v1`` route declares the error answers it can give
(:data:`ERROR_RESPONSES`, added where the API routers are included), so the OpenAPI
schema tells clients, and the schema-driven fuzzing checks, what a refusal looks like.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Any

from pydantic import AfterValidator, BaseModel


def _with_zone(moment: datetime) -> datetime:
    # SQLite hands back naive datetimes even for timezone-aware columns; they are UTC.
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


UtcDateTime = Annotated[datetime, AfterValidator(_with_zone)]
"""A timestamp, always serialised with its UTC offset (RFC 3339 ``date-time``)."""


class ErrorResponse(BaseModel):
    """A refusal: what was wrong, in the client's language, and the field when one is at fault."""

    detail: str
    field: str | None = None


_ERRORS = {
    400: "Bad input (the message says which field and what was expected)",
    401: "Login required",
    403: "Not allowed for your role, or missing/wrong CSRF token",
    404: "Not found, or not visible to you",
    409: "Conflicts with an earlier request (idempotency key reused with other content)",
    413: "Upload too large",
    422: "A parameter or the body does not match the schema",
    429: "Too many attempts; wait as long as Retry-After says",
    503: "The database is busy; retry after Retry-After seconds (nothing was saved)",
}
ERROR_RESPONSES: dict[int | str, dict[str, Any]] = {
    status: {"model": ErrorResponse, "description": text} for status, text in _ERRORS.items()
}
