"""The application factory: ``create_app(settings)`` builds one independent workbench.

Tests build an app per temporary database; ``stratstab serve`` builds one from the
command line options.  Nothing here runs at import time.
"""

from __future__ import annotations

import gc
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from fastapi import Depends, FastAPI, Request, Response
from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from stratstab import __version__
from stratstab.db import make_session_factory
from stratstab.web.database import open_database
from stratstab.web.deps import csrf_protect, get_login, get_translator, plain_url
from stratstab.web.errors import install_error_handlers
from stratstab.web.security import CSRF_COOKIE, new_token, set_cookie, sign, unsign
from stratstab.web.settings import Settings

STATIC_DIR = Path(__file__).parent / "static"

# Scripts only from our own origin; no inline script; Plotly draws with inline styles.
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; font-src 'self'; connect-src 'self'; object-src 'none'; "
    "base-uri 'self'; form-action 'self'; frame-ancestors 'none'"
)


SECURITY_HEADERS = (
    ("Content-Security-Policy", CONTENT_SECURITY_POLICY),
    ("X-Content-Type-Options", "nosniff"),
    ("Referrer-Policy", "same-origin"),
    ("X-Frame-Options", "DENY"),
)


class AnonymousCsrfAndHeaders:
    """Give every visitor a signed anonymous CSRF token and every answer the security headers.

    A plain ASGI middleware: Starlette's ``BaseHTTPMiddleware`` (``@app.middleware``)
    costs a task group and a memory stream per request, a large part of a vote's time.
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        request = Request(scope)
        secret = scope["app"].state.settings.secret
        token = unsign(secret, "csrf", request.cookies.get(CSRF_COOKIE))
        request.state.anon_csrf = token or new_token()
        cookies: list[tuple[bytes, bytes]] = []
        if token is None:
            carrier = Response()
            value = sign(secret, "csrf", request.state.anon_csrf)
            set_cookie(carrier, request, name=CSRF_COOKIE, value=value, max_age_s=None)
            cookies = [(k, v) for k, v in carrier.raw_headers if k == b"set-cookie"]

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                for name, value in SECURITY_HEADERS:
                    headers.setdefault(name, value)
                for name, value in cookies:
                    headers.append(name.decode("latin-1"), value.decode("latin-1"))
            await send(message)

        await self.app(scope, receive, send_with_headers)


def _install_middleware(app: FastAPI) -> None:
    app.add_middleware(AnonymousCsrfAndHeaders)


def _include_routers(app: FastAPI) -> None:
    from fastapi.staticfiles import StaticFiles

    from stratstab.web.admin.router import api as admin_api
    from stratstab.web.admin.router import pages as admin_pages
    from stratstab.web.assessment import router as assessment
    from stratstab.web.auth.reset import api as reset_api
    from stratstab.web.auth.reset import pages as reset_pages
    from stratstab.web.auth.router import api as auth_api
    from stratstab.web.auth.router import pages as auth_pages
    from stratstab.web.dialogues import router as dialogues
    from stratstab.web.exercises import router as exercises
    from stratstab.web.history import router as history
    from stratstab.web.shapes import ERROR_RESPONSES
    from stratstab.web.system.router import router as system_router

    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")
    # Every domain is imported by name: a missing or broken one fails here, loudly,
    # rather than leaving the workbench without it.
    domains = (dialogues, assessment, history, exercises)
    # The JSON API first, the dialogues' (votes) at its head: routes are tried in order,
    # and every route tried costs each request time.  No API path overlaps a page path.
    for domain in domains:
        app.include_router(domain.api, prefix="/api/v1", responses=ERROR_RESPONSES)
    app.include_router(auth_api, prefix="/api/v1", responses=ERROR_RESPONSES)
    app.include_router(admin_api, prefix="/api/v1", responses=ERROR_RESPONSES)
    app.include_router(reset_api, prefix="/api/v1", responses=ERROR_RESPONSES)
    app.include_router(system_router)
    app.include_router(auth_pages)
    app.include_router(admin_pages)
    app.include_router(reset_pages)
    for domain in domains:
        app.include_router(domain.pages)
    # Votes, the busiest request, are tried first, on a path without FastAPI's
    # per-request dependency resolution (same rules, same answers; see vote_route).
    from stratstab.web.dialogues.vote_route import LeanVoteRoute

    app.router.routes.insert(0, LeanVoteRoute(app.router))


def settle_heap() -> None:
    """Collect the start-up garbage, then keep every object alive now out of later collections.

    For a long-running server (``stratstab serve`` asks for it).  The modules, routes,
    models and caches loaded at start are a large, permanent heap that Python's cyclic
    collector otherwise walks in full every so often while holding the interpreter lock:
    measured, about 200 ms during which no request is answered, the largest cause of
    the voting tail.  Frozen, those objects are still freed by reference counting; only
    start-up objects in reference cycles that are dropped later are never reclaimed.
    Calling it again freezes what has been loaded since.
    """
    gc.collect()
    gc.freeze()


def _open_store(url: str):
    """The dialogue store on the same database (its tables are migrated already)."""
    from stratstab.dialogue.store import DialogueStore

    return DialogueStore(url, migrate=False)


def create_app(settings: Settings | None = None) -> FastAPI:
    """Build the workbench for ``settings`` (default: read from the environment)."""
    settings = settings or Settings()
    engine = open_database(settings.database_url)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        # Each start gets fresh job workers: an app started again after a shutdown
        # (as test clients do) would otherwise refuse every assessment.
        from stratstab.web.jobs import JobRunner

        app.state.jobs.shutdown()
        app.state.jobs = JobRunner(
            app.state.session_factory,
            settings.workspace_limits(),
            max_workers=settings.assessment_workers,
        )
        app.state.jobs.warm()
        app.state.consensus.start()  # computes what a previous run left out of date
        if getattr(app.state, "settle_heap_at_start", False):
            settle_heap()
        yield
        app.state.consensus.stop()
        app.state.jobs.shutdown()
        engine.dispose()

    app = FastAPI(
        title="stratstab workbench",
        version=__version__,
        description="JSON API of the stratstab web workbench. Unsafe methods need the "
        "X-CSRF-Token header (GET /api/v1/auth/csrf gives it).",
        docs_url=None,  # the default pages load Swagger UI from a CDN; ours is local
        redoc_url=None,
        openapi_url="/api/v1/openapi.json",
        lifespan=lifespan,
        dependencies=[
            Depends(get_login),
            Depends(get_translator),
            Depends(plain_url),
            Depends(csrf_protect),
        ],
    )
    app.state.settings = settings
    app.state.engine = engine
    app.state.session_factory = make_session_factory(engine)
    from stratstab.web.jobs import JobRunner
    from stratstab.workspace.uploads import UploadStore

    limits = settings.workspace_limits()
    app.state.jobs = JobRunner(
        app.state.session_factory, limits, max_workers=settings.assessment_workers
    )
    app.state.uploads = UploadStore(app.state.session_factory, limits)
    app.state.store = _open_store(settings.database_url)
    from stratstab.web.dialogues.consensus_worker import ConsensusWorker

    app.state.consensus = ConsensusWorker(
        app.state.store,
        debounce_s=settings.consensus_debounce_s,
        grouping=settings.consensus_grouping,
        child_process=settings.consensus_child_process,
    )
    from stratstab.accounts.throttle import LoginThrottle

    app.state.login_throttle = LoginThrottle(
        engine,
        account_limits=settings.login_limits_account,
        account_total_limits=settings.login_limits_account_total,
        address_limits=settings.login_limits_address,
    )
    _install_middleware(app)
    install_error_handlers(app)
    _include_routers(app)
    _document_path_examples(app)
    return app


def _document_path_examples(app: FastAPI) -> None:
    """Serve the OpenAPI schema with an example for each path parameter."""
    from stratstab.web.shapes import add_path_examples

    generate = app.openapi

    def openapi() -> dict:
        if app.openapi_schema is None:
            app.openapi_schema = add_path_examples(generate())
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]


def create_server_app(settings: Settings | None = None) -> FastAPI:
    """:func:`create_app` for a long-running server process: what ``stratstab serve`` runs.

    The same workbench; once started it also calls :func:`settle_heap`.
    """
    app = create_app(settings)
    app.state.settle_heap_at_start = True
    return app
