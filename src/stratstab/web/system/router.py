"""Health check, home page, local API documentation and the Plotly.js asset."""

from __future__ import annotations

from pathlib import Path

import plotly
from fastapi import APIRouter, Request
from fastapi.responses import FileResponse, HTMLResponse
from sqlalchemy import text

from stratstab import __version__
from stratstab.web.deps import SessionDep
from stratstab.web.templating import render

router = APIRouter()

# plotly's Python package ships the matching plotly.min.js; we serve that file rather
# than keep a copy in the repository.
PLOTLY_JS = Path(plotly.__file__).parent / "package_data" / "plotly.min.js"


@router.get("/healthz", tags=["system"], summary="Liveness and database check")
def healthz(db: SessionDep) -> dict[str, str]:
    """``ok`` when the app answers and the database accepts a query."""
    db.execute(text("SELECT 1"))
    return {"status": "ok", "version": __version__}


@router.get("/assets/plotly.min.js", include_in_schema=False)
def plotly_js() -> FileResponse:
    """The Plotly.js bundle from the installed plotly package."""
    return FileResponse(
        PLOTLY_JS,
        media_type="text/javascript",
        headers={"Cache-Control": "public, max-age=86400"},
    )


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
