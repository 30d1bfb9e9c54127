"""Shapes every JSON route shares: the error answer, timestamps with their zone, and
the base of every input.

Every ``/api/v1`` route declares the error answers it can give
(:data:`ERROR_RESPONSES`, added where the API routers are included), so the OpenAPI
schema tells clients, and the schema-driven fuzzing checks, what a refusal looks like.

Every request body and page form is an :class:`InputModel`: no text a client sends
may carry control characters.  PostgreSQL cannot store NUL at all (the driver refuses
the whole statement), and the other controls (escape, backspace, C1 codes) only ever
arrive by mistake or to smuggle terminal escapes into reports and command line output.
Tab, line feed and carriage return stay allowed: statements and notes have lines.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Annotated, Any

from pydantic import AfterValidator, BaseModel, ValidationInfo, field_validator
from pydantic_core import PydanticCustomError


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


# C0 controls except tab, line feed and carriage return; DEL; C1 controls; lone
# surrogates (JSON can escape them, no encoding can store them).
_CONTROL_CHARACTERS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff]")


def has_control_characters(value: object) -> bool:
    """Whether ``value`` (text, or lists and mappings of it, keys included) has a control
    character other than tab, line feed and carriage return."""
    if isinstance(value, str):
        return _CONTROL_CHARACTERS.search(value) is not None
    if isinstance(value, dict):
        return any(has_control_characters(k) or has_control_characters(v) for k, v in value.items())
    if isinstance(value, list | tuple | set | frozenset):
        return any(has_control_characters(item) for item in value)
    return False  # numbers, booleans, None, and nested models (checked by their own class)


FORM_CONTEXT = {"form": True}
"""Validation context of page forms (:mod:`stratstab.web.forms`), whose values are text."""


class InputModel(BaseModel):
    """Base of every request body and page form: refuses control characters in any field
    (error type ``control_characters``, answered as a 422 in the reader's language), and
    in JSON takes only ``true``/``false`` for a yes-or-no field and no ``true``/``false``
    for a number, as the schema says (a page form's checkbox sends text such as ``on``,
    which pydantic reads as usual)."""

    @field_validator("*", mode="before")
    @classmethod
    def _json_booleans(cls, value: Any, info: ValidationInfo) -> Any:
        field = cls.model_fields.get(info.field_name or "")
        is_flag = field is not None and field.annotation in (bool, bool | None)
        from_form = bool(info.context and info.context.get("form"))
        if is_flag and not from_form and value is not None and not isinstance(value, bool):
            raise PydanticCustomError("bool_type", "expected true or false")
        is_count = field is not None and field.annotation in (int, int | None)
        if is_count and isinstance(value, bool):
            raise PydanticCustomError("int_type", "expected a whole number, not true or false")
        return value

    @field_validator("*", mode="after")
    @classmethod
    def _plain_text(cls, value: Any) -> Any:
        if has_control_characters(value):
            raise PydanticCustomError(
                "control_characters",
                "contains control characters (such as NUL or escape); expected plain text",
            )
        return value


# An example for each path parameter of the API: an id of the demo workspace or of the
# built-in catalogues, so that a reader of the schema, and the schema-driven fuzzing,
# can try every route on something that exists.
PATH_EXAMPLES: dict[str, str | int] = {
    "slug": "us-china-track2",
    "username": "us1",
    "statement_id": "1",
    "topic": "cyber",
    "delegation": "US",
    "key": "hotline",
    "number": 1,
    "scenario_id": "us-china-2024-baseline",
    "entry_id": "hotline-mou-1963",
    "term_id": "strategic-stability",
    "exercise_id": "maritime-incident",
    "run_id": "demo-maritime-incident",
}


def add_path_examples(schema: dict[str, Any]) -> dict[str, Any]:
    """Give the path parameters of an OpenAPI ``schema`` their :data:`PATH_EXAMPLES`
    (in place; parameters that have an example keep it)."""
    for operations in schema.get("paths", {}).values():
        for operation in operations.values():
            for parameter in operation.get("parameters", []):
                example = PATH_EXAMPLES.get(parameter["name"])
                if parameter.get("in") == "path" and example is not None:
                    parameter.setdefault("example", example)
    return schema
