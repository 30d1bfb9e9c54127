"""Dialogue rooms: ``pages`` (HTML) and ``api`` (JSON under /api/v1)."""

from fastapi import APIRouter

from stratstab.web.dialogues.api import api as room_api
from stratstab.web.dialogues.pages import pages as room_pages
from stratstab.web.dialogues.setup_api import invitations_api, setup_api
from stratstab.web.dialogues.setup_pages import setup_pages

# The room's routes first: voting is the busiest request of the workbench.
api = APIRouter()
api.include_router(room_api)
api.include_router(setup_api)
api.include_router(invitations_api)

# Set-up pages first: "/dialogues/new" must not be taken for a dialogue called "new".
pages = APIRouter()
pages.include_router(setup_pages)
pages.include_router(room_pages)

__all__ = ["api", "pages"]
