"""The ``stratstab`` command: one Typer application with a group per pillar."""

from __future__ import annotations

import importlib
import sys
from typing import Any

import click
import typer

try:  # typer >= 0.2x ships its own copy of click; catch its exceptions as well
    from typer._click import exceptions as _typer_click

    _CLICK_ERRORS: tuple[type[Exception], ...] = (
        click.ClickException,
        _typer_click.ClickException,
    )
except ImportError:  # pragma: no cover - older typer uses click itself
    _CLICK_ERRORS = (click.ClickException,)

from stratstab.errors import StratstabError

#: Every subcommand: name -> (module under stratstab.cli, attribute, whether it is a
#: group of commands), in the order ``stratstab --help`` lists them.  A run loads only
#: the module of the subcommand it names (the full set takes about two seconds).
SUBCOMMANDS: dict[str, tuple[str, str, bool]] = {
    "assess": ("assess", "assess", False),
    "forces": ("forces", "app", True),
    "calc": ("calc", "app", True),
    "dialogue": ("dialogue", "app", True),
    "history": ("history", "app", True),
    "exercise": ("exercise", "app", True),
    "serve": ("serve", "serve", False),
    "users": ("users", "app", True),
    "uncertainty": ("uncertainty", "uncertainty", False),
    "transparency": ("transparency", "transparency", False),
    "assurance": ("assurance", "assurance", False),
    "sweep": ("sweep", "sweep", False),
    "map": ("map", "map_command", False),
}

#: What ``stratstab --help`` says of each subcommand without loading it (the first
#: sentence of its docstring or group help; a test keeps the two the same).
SHORT_HELP: dict[str, str] = {
    "assess": "Assess crisis stability and arms-race stability of a scenario.",
    "forces": "Cited force datasets: list them, show one by system with its sources.",
    "calc": "Teaching calculators: SSPK, missile defense, crisis cost, arms-race stability.",
    "dialogue": "Dialogues: statements and votes, consensus analysis, scope negotiation, ledger.",
    "history": "Bilingual history of agreements and risk-reduction channels, and the glossary.",
    "exercise": "Tabletop crisis exercises with a risk-reduction channel.",
    "serve": "Start the web workbench (assessment explorer, dialogue rooms, JSON API).",
    "users": "Accounts of the web workbench: list, create, disable, enable, change role, "
    "issue a one-time password-reset link.",
    "uncertainty": "Monte Carlo over each delegation's beliefs: distributions, gaps, and what "
    "drives them.",
    "transparency": "Transparency measures: who gains how much clarity, at what cost in "
    "survivability.",
    "assurance": "Assurance curves: the defense compatible with assured retaliation, and the "
    "arsenal it induces.",
    "sweep": "Evaluate the headline outputs over a design of lever values, in chunks, to Parquet.",
    "map": "Map crisis stability, required arsenal or assured retaliation over two levers.",
}


def _version_callback(value: bool) -> None:
    if value:
        from stratstab import __version__

        print(f"stratstab {__version__}")
        raise typer.Exit()


def _root(
    version: bool = typer.Option(
        False, "--version", callback=_version_callback, is_eager=True, help="Print the version."
    ),
) -> None:
    """Workbench for strategic stability dialogues."""


def build_app(only: str | None = None) -> typer.Typer:
    """The ``stratstab`` application, with every subcommand or ``only`` the one named
    (none for ``""``)."""
    application = typer.Typer(
        name="stratstab",
        help="Workbench for strategic stability dialogues: assess, negotiate scope, learn.",
        no_args_is_help=True,
        pretty_exceptions_enable=False,
        add_completion=False,
    )
    application.callback()(_root)
    for name, (module, attribute, group) in SUBCOMMANDS.items():
        if only is not None and name != only:
            continue
        target = getattr(importlib.import_module(f"stratstab.cli.{module}"), attribute)
        if group:
            application.add_typer(target, name=name)
        else:
            application.command(name)(target)
    return application


def __getattr__(name: str) -> Any:
    # ``app``, the application with every subcommand, is built on first use.
    if name == "app":
        globals()["app"] = application = build_app()
        return application
    raise AttributeError(name)


def help_only_app() -> click.Group:
    """The root command for ``stratstab`` and ``stratstab --help``: every subcommand is
    listed from :data:`SHORT_HELP` without importing it (it could not run from here)."""
    group = typer.main.get_group(build_app(""))
    for name in SUBCOMMANDS:
        group.add_command(click.Command(name, help=SHORT_HELP[name], hidden=False))
    return group


def main() -> None:
    """Entry point: run the app and turn user errors into one line and exit code 2."""
    named = sys.argv[1] if len(sys.argv) > 1 else None
    only = named if named in SUBCOMMANDS else "" if named == "--version" else None
    try:
        if named in (None, "--help"):
            code = help_only_app().main(args=sys.argv[1:], standalone_mode=False)
        else:
            code = build_app(only)(standalone_mode=False)
        if isinstance(code, int) and code:  # typer.Exit(code), returned in this mode
            sys.exit(code)
    except (click.exceptions.Exit, typer.Exit) as exc:
        sys.exit(exc.exit_code)
    except _CLICK_ERRORS as exc:
        exc.show()  # type: ignore[attr-defined]
        sys.exit(exc.exit_code)  # type: ignore[attr-defined]
    except (click.exceptions.Abort, typer.Abort):
        print("aborted", file=sys.stderr)
        sys.exit(130)
    except StratstabError as exc:
        # Plain print: the stream is looked up at call time, so a progress display
        # that wrapped standard error earlier cannot swallow the message.
        print(f"error: {exc.local_text()}", file=sys.stderr)
        sys.exit(exc.exit_code)
