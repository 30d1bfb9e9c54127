"""Health check, home page, local API documentation and the Plotly.js asset."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy import text

from stratstab import __version__
from stratstab.web.assets import IMMUTABLE, plotly_asset, plotly_url
from stratstab.web.deps import SessionDep
from stratstab.web.templating import render

router = APIRouter()


@router.get("/healthz", tags=["system"], summary="Liveness and database check")
def healthz(db: SessionDep) -> dict[str, str]:
    """``ok`` when the app answers and the database accepts a query."""
    db.execute(text("SELECT 1"))
    return {"status": "ok", "version": __version__}


@router.get("/assets/plotly-{digest}.min.js", include_in_schema=False)
def plotly_js(digest: str, request: Request) -> Response:
    """The Plotly.js bundle: gzip when the browser takes it, cached for a year."""
    asset = plotly_asset()
    if digest != asset.digest:  # an old page asks for an old bundle: send it to the new one
        return RedirectResponse(plotly_url(), status_code=307)
    headers = {"Cache-Control": IMMUTABLE, "ETag": asset.etag, "Vary": "Accept-Encoding"}
    if request.headers.get("if-none-match") == asset.etag:
        return Response(status_code=304, headers=headers)
    body = asset.body
    if "gzip" in request.headers.get("accept-encoding", ""):
        body = asset.gzipped
        headers["Content-Encoding"] = "gzip"
    return Response(body, media_type="text/javascript", headers=headers)


@router.get("/assets/plotly.min.js", include_in_schema=False)
def plotly_js_unversioned() -> RedirectResponse:
    """The old unversioned address: redirects to the current content-hashed bundle."""
    return RedirectResponse(plotly_url(), status_code=307)


@router.get("/", response_class=HTMLResponse, include_in_schema=False)
def home(request: Request) -> HTMLResponse:
    """Landing page: what the workbench offers and where to start."""
    return render(request, "home.html")


@router.get("/api/v1/docs", response_class=HTMLResponse, include_in_schema=False)
def api_docs(request: Request) -> HTMLResponse:
    """The OpenAPI schema rendered as a page, with no external script."""
    schema = request.app.openapi()
    operations = []
    for path, methods in sorted(schema.get("paths", {}).items()):
        for method, operation in methods.items():
            operations.append({"path": path, "method": method.upper(), **operation})
    return render(request, "api_docs.html", {"schema": schema, "operations": operations})
