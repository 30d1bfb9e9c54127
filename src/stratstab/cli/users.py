"""``stratstab users``: list, create, disable and enable accounts, change roles, reset links.

The same rules as the admin pages and ``/api/v1/users`` (module
:mod:`stratstab.accounts.administration`): disabling or changing the role of an account
ends its sessions, the last active admin stays an admin, and every change is written
to the audit log (actor ``system``, with ``"via": "cli"``).  Whoever can run this
command can open the database file, so it asks for no login; it is also how the first
admin of a fresh database is made.
"""

from __future__ import annotations

from contextlib import contextmanager
from typing import Annotated

import typer
from rich.table import Table

from stratstab.cli.common import console, print_json
from stratstab.cli.dialogue import DatabaseUrl, JsonFlag

app = typer.Typer(
    help="Accounts of the web workbench: list, create, disable, enable, change role, "
    "issue a one-time password-reset link.",
    no_args_is_help=True,
)

Username = Annotated[str, typer.Argument(help="User name of the account.", show_default=False)]


@contextmanager
def _accounts(database_url: str | None, *, write: bool):
    """A transaction on the workbench database (migrated to the newest schema)."""
    from stratstab.dialogue.store import DialogueStore

    with DialogueStore(database_url) as store, store.session(write=write) as session:
        yield session


def _cli_audit(session, username: str) -> None:
    """Mark the newest audit record of ``username`` as made from the command line."""
    from sqlalchemy import select

    from stratstab.accounts.models import AuditEvent

    event = session.scalar(
        select(AuditEvent)
        .where(AuditEvent.target_id == username, AuditEvent.actor_id.is_(None))
        .order_by(AuditEvent.id.desc())
    )
    if event is not None:
        event.detail = {**event.detail, "via": "cli"}


def _row(user) -> dict:
    return {
        "username": user.username,
        "display_name": user.display_name,
        "role": user.role,
        "delegation": user.delegation_code,
        "active": bool(user.is_active),
        "last_login": user.last_login_at.isoformat() if user.last_login_at else None,
    }


@app.command("list")
def list_command(database_url: DatabaseUrl = None, json: JsonFlag = False) -> None:
    """List every account with its role, delegation and status."""
    from stratstab.accounts.service import list_users

    with _accounts(database_url, write=False) as session:
        rows = [_row(u) for u in list_users(session)]
    if json:
        print_json(rows)
        return
    table = Table("user", "name", "role", "delegation", "status", "last login")
    for row in rows:
        table.add_row(
            row["username"],
            row["display_name"],
            row["role"],
            row["delegation"] or "-",
            "active" if row["active"] else "disabled",
            (row["last_login"] or "-")[:16],
        )
    console.print(table)


@app.command("create")
def create_command(
    username: Username,
    role: Annotated[str, typer.Option(help="admin, facilitator, delegate, observer or member.")],
    password: Annotated[
        str,
        typer.Option(
            prompt=True,
            hide_input=True,
            confirmation_prompt=True,
            help="The password (asked for when not given; at least 12 characters, hard to guess).",
        ),
    ],
    display_name: Annotated[str | None, typer.Option(help="Name shown to others.")] = None,
    delegation: Annotated[
        str | None, typer.Option(help="Delegation code of a delegate, e.g. CN.")
    ] = None,
    locale: Annotated[str, typer.Option(help="Interface language: en or zh.")] = "en",
    database_url: DatabaseUrl = None,
) -> None:
    """Create an account (the first admin of a fresh database, too)."""
    from stratstab.accounts.service import create_user, record

    name = username.strip().lower()
    with _accounts(database_url, write=True) as session:
        user = create_user(
            session,
            username=name,
            password=password,
            role=role,
            display_name=display_name,
            delegation_code=(delegation or "").strip().upper() or None,
            locale=locale,
        )
        record(
            session,
            actor=None,
            action="user.create",
            target_type="user",
            target_id=user.username,
            detail={"role": user.role, "delegation": user.delegation_code, "via": "cli"},
        )
    console.print(f"created {name} ({role})")


def _set_active(username: str, database_url: str | None, *, active: bool) -> None:
    from stratstab.accounts.administration import set_active
    from stratstab.accounts.service import get_user

    name = username.strip().lower()
    with _accounts(database_url, write=True) as session:
        changed = set_active(
            session, actor=None, user=get_user(session, username=name), active=active
        )
        if changed:
            _cli_audit(session, name)
    state = "enabled" if active else "disabled; its sessions have ended"
    console.print(
        f"{name}: {state}"
        if changed
        else f"{name}: no change (already {'enabled' if active else 'disabled'})"
    )


@app.command("disable")
def disable_command(username: Username, database_url: DatabaseUrl = None) -> None:
    """Disable an account: it cannot log in and its open sessions end now."""
    _set_active(username, database_url, active=False)


@app.command("enable")
def enable_command(username: Username, database_url: DatabaseUrl = None) -> None:
    """Enable a disabled account again."""
    _set_active(username, database_url, active=True)


@app.command("set-role")
def set_role_command(
    username: Username,
    role: Annotated[str, typer.Argument(help="admin, facilitator, delegate, observer or member.")],
    delegation: Annotated[
        str | None, typer.Option(help="Delegation code, needed for a delegate (e.g. CN).")
    ] = None,
    database_url: DatabaseUrl = None,
) -> None:
    """Give an account another global role; its sessions end."""
    from stratstab.accounts.administration import change_role
    from stratstab.accounts.service import get_user

    name = username.strip().lower()
    with _accounts(database_url, write=True) as session:
        user = get_user(session, username=name)
        changed = change_role(session, actor=None, user=user, role=role, delegation_code=delegation)
        if changed:
            _cli_audit(session, name)
        shown = user.role + (f" of {user.delegation_code}" if user.delegation_code else "")
    console.print(f"{name}: {shown}" + ("; its sessions have ended" if changed else " (no change)"))


@app.command("reset-link")
def reset_link_command(
    username: Username,
    hours: Annotated[
        int, typer.Option(min=1, max=168, help="How long the link works, in hours.")
    ] = 24,
    base_url: Annotated[
        str, typer.Option(help="The workbench's address as users reach it.")
    ] = "http://127.0.0.1:8000",
    database_url: DatabaseUrl = None,
    json: JsonFlag = False,
) -> None:
    """Issue a one-time password-reset link (printed once; older links stop working)."""
    from stratstab.accounts.administration import issue_password_reset
    from stratstab.accounts.service import get_user

    name = username.strip().lower()
    with _accounts(database_url, write=True) as session:
        token, row = issue_password_reset(
            session, actor=None, user=get_user(session, username=name), hours=hours
        )
        _cli_audit(session, name)
        expires = row.expires_at.strftime("%Y-%m-%d %H:%M")
    url = base_url.rstrip("/") + f"/reset/{token}"
    if json:
        print_json({"username": name, "token": token, "url": url, "expires_at": expires})
        return
    print(url)
    console.print(f"works once, until {expires} UTC", style="dim")
