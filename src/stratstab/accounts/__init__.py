"""User accounts, roles, sessions and the audit log of the stratstab workbench.

This package knows nothing of HTTP: the web layer calls it, and so could a command
line tool that manages users.  Tables live on :class:`stratstab.db.Base` so that the
single Alembic history migrates them together with the dialogue tables.
"""

from stratstab.accounts.models import AuditEvent, LoginSession, User
from stratstab.accounts.roles import Role

__all__ = ["AuditEvent", "LoginSession", "Role", "User"]
