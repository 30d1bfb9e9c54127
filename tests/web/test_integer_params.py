"""Every integer a client can send, on every route, refused cleanly when out of range.

The walk finds each route's integer parameters (query, path, form fields and the
integer fields of JSON bodies) from the app itself, so a route added later is walked
too, and sends values past 64 bits, negative, fractional and not numbers at all, as
every role that may reach the route's validation.  No answer may be a server error.
"""

from __future__ import annotations

import types
import typing

import pytest
from fastapi.routing import iter_route_contexts
from fastapi.testclient import TestClient
from pydantic import BaseModel

from .helpers import login
from .test_access_matrix import FORM_BODIES, JSON_BODIES, PATH_VALUES

TEXT_VALUES = (
    "9223372036854775808",
    "-9223372036854775809",
    "99999999999999999999999999999",
    "-1",
    "0",
    "abc",
    "1.5",
    "1e308",
    "",
)
JSON_VALUES = (2**63, -(2**63) - 1, 10**30, -1, 0, "abc", 1.5, None, True, [1])
# Form fields that handlers read from the raw form (not declared as parameters).
RAW_FORM_INTEGERS = {("POST", "/exercises/{exercise_id}/runs"): ("seed", "turns")}
ROLES = ("admin", "facilitator", "cn1")


def _is_integer(annotation: object) -> bool:
    if annotation is int:
        return True
    origin = typing.get_origin(annotation)
    if origin is typing.Annotated:
        return _is_integer(typing.get_args(annotation)[0])
    if origin in (typing.Union, types.UnionType, list):
        return any(_is_integer(arg) for arg in typing.get_args(annotation))
    return False


def _model_of(annotation: object) -> type[BaseModel] | None:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    if typing.get_origin(annotation) in (typing.Union, types.UnionType, typing.Annotated):
        for arg in typing.get_args(annotation):
            if (found := _model_of(arg)) is not None:
                return found
    return None


def _integer_fields(model: type[BaseModel], prefix: tuple[str, ...] = ()) -> list[tuple]:
    found = []
    for name, info in model.model_fields.items():
        if _is_integer(info.annotation):
            found.append((*prefix, info.alias or name))
        elif (inner := _model_of(info.annotation)) is not None:
            found += _integer_fields(inner, (*prefix, name))
    return found


def _dependants(dependant):
    yield dependant
    for sub in dependant.dependencies:
        yield from _dependants(sub)


def integer_inputs(app) -> list[tuple[str, str, str, tuple[str, ...]]]:
    """(method, path, where, field path) of every integer a client can send."""
    found = []
    for context in iter_route_contexts(app.routes):
        route = context.original_route
        if not hasattr(route, "dependant"):
            continue
        for method in sorted(set(context.methods or ()) - {"HEAD"}):
            for dependant in _dependants(route.dependant):
                form_model = getattr(dependant.call, "form_model", None)
                if form_model is not None:  # a page form validated by an API schema
                    found += [
                        (method, context.path, "form", path) for path in _integer_fields(form_model)
                    ]
                for where in ("query_params", "path_params", "body_params"):
                    for field in getattr(dependant, where):
                        annotation = field.field_info.annotation
                        kind = where.split("_")[0]
                        if kind == "body" and type(field.field_info).__name__ == "Form":
                            kind = "form"
                        if _is_integer(annotation):
                            found.append((method, context.path, kind, (field.alias,)))
                        elif (model := _model_of(annotation)) is not None:
                            found += [
                                (method, context.path, kind, path)
                                for path in _integer_fields(model)
                            ]
            for name in RAW_FORM_INTEGERS.get((method, context.path), ()):
                found.append((method, context.path, "form", (name,)))
    return found


def _url(path: str) -> str:
    for name, value in PATH_VALUES.items():
        path = path.replace("{" + name + "}", value)
    return path


def _with(body: dict, field: tuple[str, ...], value: object) -> dict:
    body = {**body}
    if len(field) > 1:
        body[field[0]] = _with(body.get(field[0]) or {}, field[1:], value)
    else:
        body[field[0]] = value
    return body


def _send(client: TestClient, method: str, path: str, kind: str, field, value):
    url = _url(path)
    if kind == "query":
        return client.request(method, url, params={field[0]: value})
    if kind == "form":
        return client.request(method, url, data={**FORM_BODIES.get(path, {}), field[0]: value})
    if kind == "body" and len(field) == 1 and path not in JSON_BODIES:
        return client.request(method, url, json=value)
    return client.request(method, url, json=_with(JSON_BODIES.get(path, {}), field, value))


@pytest.fixture(scope="module")
def clients(demo_app):
    made = {}
    for role in ROLES:
        client = login(demo_app, role)
        made[role] = TestClient(demo_app, raise_server_exceptions=False, cookies=client.cookies)
        made[role].headers["X-CSRF-Token"] = client.headers["X-CSRF-Token"]
    return made


def test_the_walk_finds_the_known_integer_parameters(demo_app):
    found = {(m, p, k, f) for m, p, k, f in integer_inputs(demo_app)}
    assert ("GET", "/api/v1/audit", "query", ("offset",)) in found
    assert ("GET", "/admin/audit", "query", ("offset",)) in found
    assert ("GET", "/dialogues/{slug}/ledger", "query", ("round",)) in found
    assert ("GET", "/api/v1/dialogues/{slug}/ledger", "query", ("round",)) in found
    assert ("POST", "/dialogues/{slug}/scope", "form", ("priority",)) in found
    assert ("POST", "/api/v1/dialogues/{slug}/votes", "body", ("importance",)) in found


def test_no_integer_input_makes_a_server_error(demo_app, clients):
    failures = []
    inputs = integer_inputs(demo_app)
    assert len(inputs) >= 15
    for method, path, kind, field in inputs:
        values = JSON_VALUES if kind == "body" else TEXT_VALUES
        for role, client in clients.items():
            for value in values:
                answer = _send(client, method, path, kind, field, value)
                if answer.status_code >= 500:
                    failures.append((role, method, path, field, value, answer.status_code))
    assert failures == [], "\n".join(map(str, failures))


@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/audit?offset=9223372036854775808",
        "/api/v1/audit?limit=9223372036854775808",
        "/admin/audit?offset=9223372036854775808",
        "/admin/audit?offset=-1",
    ],
)
def test_audit_offsets_out_of_range_are_422(clients, url):
    answer = clients["admin"].get(url)
    assert answer.status_code == 422
    assert "offset" in answer.text or "limit" in answer.text


@pytest.mark.parametrize("prefix", ["/api/v1/dialogues", "/dialogues"])
@pytest.mark.parametrize("value", ["9223372036854775808", "0", "-3", "x"])
def test_ledger_round_out_of_range_is_422(clients, prefix, value):
    answer = clients["facilitator"].get(f"{prefix}/us-china-track2/ledger?round={value}")
    assert answer.status_code == 422, answer.text
