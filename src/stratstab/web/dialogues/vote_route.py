"""The vote route's lean path: ``POST /api/v1/dialogues/{slug}/votes`` without FastAPI's
per-request dependency resolution.

Voting is the busiest request of the workbench (a room of delegates voting at once).
FastAPI resolves the app's dependencies, the route's parameters and the response model
anew for every request, which costs more CPU than the vote itself.  :class:`LeanVoteRoute`
is tried ahead of the FastAPI route for the same URL and answers well-formed votes
by calling the very functions the FastAPI route depends on, in the same order:

1. the request's shape: JSON body valid as :class:`VoteCreate`, an ``Idempotency-Key``
   of the documented length, no control character in the URL
   (:func:`~stratstab.web.deps.plain_url`).  Anything else is handed, untouched, to the
   FastAPI route, which answers it exactly as it always has (422 and its message);
2. :func:`~stratstab.web.dialogues.api.record_vote`, the route's own body, in a worker
   thread.  First the checks of the app's dependencies in their order: the login named
   by the cookie of :func:`~stratstab.web.deps.get_login` (read as plain values,
   :meth:`~stratstab.dialogue.store.DialogueStore.login`; without a signed cookie there
   is nothing to read and the request is refused on the event loop), the translator of
   :func:`~stratstab.web.deps.get_translator`, the CSRF rule of
   :func:`~stratstab.web.deps.csrf_protect` and the 401 of
   :func:`~stratstab.web.deps.get_current_user` — their errors reach the app's error
   handlers as before, in the voter's language even when the database is locked.  Then,
   in one write transaction (:meth:`~stratstab.dialogue.store.DialogueStore.unit`),
   membership, visibility, sealed material, idempotency and the write: the service's
   rules, not copied here.

Reading the login in the worker thread rather than on the event loop matters under
load: every SQLite call lets go of the interpreter lock, and the event loop then waits
for it behind the worker threads while every other request waits for the loop.

The answer is the route's response model serialized by pydantic, with the same status
(201) and the ``Idempotent-Replayed`` header on a replay.
"""

from __future__ import annotations

import json

from fastapi.exceptions import RequestValidationError
from pydantic import ValidationError
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Match, Route, Router
from starlette.types import Message, Receive, Scope, Send

from stratstab.accounts.service import Principal
from stratstab.web.deps import (
    NotAuthenticated,
    check_csrf,
    login_token,
    plain_url,
    remember_login,
    translator_for,
)
from stratstab.web.dialogues.api import REPLAYED_HEADER, record_vote
from stratstab.web.dialogues.common import store_of
from stratstab.web.dialogues.schemas import VoteCreate
from stratstab.web.security import CSRF_HEADER

VOTE_PATH = "/api/v1/dialogues/{slug}/votes"

# The bounds of the Idempotency-Key header as the FastAPI route declares them.
_KEY_MIN, _KEY_MAX = 8, 200


def _vote_of(request: Request, body: bytes) -> VoteCreate | None:
    """The vote in a JSON request body, or None when the FastAPI route must judge it."""
    content_type = request.headers.get("content-type", "")
    if content_type.split(";", 1)[0].strip().lower() != "application/json":
        return None
    try:
        return VoteCreate.model_validate(json.loads(body))
    except (ValueError, ValidationError):  # json.JSONDecodeError is a ValueError
        return None


def _well_formed_key(request: Request) -> tuple[bool, str | None]:
    """Whether the Idempotency-Key header is absent or of a valid length, and its value."""
    keys = request.headers.getlist("idempotency-key")
    if not keys:
        return True, None
    key = keys[0]
    return len(keys) == 1 and _KEY_MIN <= len(key) <= _KEY_MAX, key


# Set on a request the lean path hands on: the router then passes this route by.
_DECLINED = "stratstab.lean_vote_declined"


def _admit(request: Request, login: Principal | None) -> Principal:
    """The checks of the app's dependencies on ``login``, in their order; raise to refuse.

    They read only what a Principal shares with the ORM objects (locale, csrf_token...).
    """
    remember_login(request, login)
    translator_for(request, login)
    # JSON bodies only reach this route: the token can only be in the header.
    check_csrf(request, login, request.headers.get(CSRF_HEADER))
    if login is None:
        raise NotAuthenticated()
    return login


class LeanVoteRoute(Route):
    """The lean path as a route of ``router`` (the app's), tried before every other route."""

    def __init__(self, router: Router) -> None:
        super().__init__(VOTE_PATH, self._vote, methods=["POST"], include_in_schema=False)
        self.app = self._vote  # an ASGI endpoint, not a request-to-response function
        self.router = router

    def matches(self, scope: Scope) -> tuple[Match, Scope]:
        if scope.get(_DECLINED):
            return Match.NONE, {}
        return super().matches(scope)

    async def _vote(self, scope: Scope, receive: Receive, send: Send) -> None:
        request = Request(scope, receive)
        body = await request.body()
        vote = _vote_of(request, body)
        key_ok, key = _well_formed_key(request)
        try:
            plain_url(request)
            url_ok = True
        except RequestValidationError:
            url_ok = False
        if vote is None or not key_ok or not url_ok:
            await self._decline(scope, body, receive, send)
            return
        slug = request.path_params["slug"]
        token = login_token(request)  # the cookie's signature: no database call
        if token is None:  # no login to read: refused here, the database untouched
            _admit(request, None)

        def voter() -> Principal:
            # In the worker thread, before the write transaction; token is never None here.
            return _admit(request, store_of(request).login(token) if token else None)

        answer, replayed = await record_vote(request, voter, slug, vote, key)
        response = Response(
            answer.model_dump_json(), status_code=201, media_type="application/json"
        )
        if replayed:
            response.headers[REPLAYED_HEADER] = "true"
        await response(scope, receive, send)

    async def _decline(self, scope: Scope, body: bytes, receive: Receive, send: Send) -> None:
        """Route the request again past this route (to FastAPI's), its body replayed."""
        replayed = False

        async def replay() -> Message:
            nonlocal replayed
            if not replayed:
                replayed = True
                return {"type": "http.request", "body": body, "more_body": False}
            return await receive()

        scope[_DECLINED] = True
        await self.router.app(scope, replay, send)
