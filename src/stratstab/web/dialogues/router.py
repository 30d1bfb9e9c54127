"""Dialogue rooms: ``pages`` (HTML) and ``api`` (JSON under /api/v1)."""

from stratstab.web.dialogues.api import api
from stratstab.web.dialogues.pages import pages

__all__ = ["api", "pages"]
