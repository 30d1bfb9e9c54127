"""Page forms validated by the very schemas of the JSON API.

A page handler declares ``body: Annotated[LedgerItemCreate, FormBody(LedgerItemCreate)]``
and receives the same pydantic model the API route receives from JSON, so every limit
(lengths, ranges, allowed values) is written once, in ``schemas.py``, and holds on both
paths.  Form conventions are mapped onto the model: a field the model declares as a list
takes every value of a repeated form field; an empty form value of a field that is not
text counts as absent (an unchecked box, an unset choice); fields the model does not
declare (the CSRF token, the ``next`` target of a page) are not passed on.  A refusal
is a ``RequestValidationError``, answered like the API's (422, in the reader's language).
"""

from __future__ import annotations

import types
import typing
from typing import Any, TypeVar

from fastapi import Depends, Request
from fastapi.exceptions import RequestValidationError
from pydantic import BaseModel, ValidationError

from stratstab.web.shapes import FORM_CONTEXT

Model = TypeVar("Model", bound=BaseModel)


def _members(annotation: Any) -> tuple[Any, ...]:
    origin = typing.get_origin(annotation)
    if origin is typing.Annotated:
        return _members(typing.get_args(annotation)[0])
    if origin in (typing.Union, types.UnionType):
        return tuple(m for arg in typing.get_args(annotation) for m in _members(arg))
    return (annotation,)


def _is_list(annotation: Any) -> bool:
    return any(typing.get_origin(m) in (list, tuple, set) for m in _members(annotation))


def _is_text(annotation: Any) -> bool:
    return any(m is str for m in _members(annotation))


def form_data(model: type[BaseModel], form: Any) -> dict[str, Any]:
    """The values of ``form`` (a Starlette ``FormData``) that ``model`` declares."""
    data: dict[str, Any] = {}
    for name, field in model.model_fields.items():
        key = field.alias or name
        if key not in form:
            continue
        if _is_list(field.annotation):
            data[key] = [v for v in form.getlist(key) if v != ""]
            continue
        value = form.get(key)
        if value == "" and not _is_text(field.annotation):
            continue
        data[key] = value
    return data


def validate_form(model: type[Model], form: Any) -> Model:
    """``model`` validated from a form; a refusal is answered as a 422."""
    try:
        return model.model_validate(form_data(model, form), context=FORM_CONTEXT)
    except ValidationError as exc:
        raise RequestValidationError(
            [{**error, "loc": ("form", *error["loc"])} for error in exc.errors()]
        ) from None


def FormBody(model: type[Model]) -> Any:  # noqa: N802 - used like FastAPI's Form()
    """A dependency that gives the page form validated as ``model``."""

    async def dependency(request: Request) -> Model:
        return validate_form(model, await request.form())

    dependency.__name__ = f"form_{model.__name__}"
    dependency.form_model = model  # type: ignore[attr-defined] - lets tests find the fields
    return Depends(dependency)
