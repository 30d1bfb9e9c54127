"""The ``stratstab`` command: one Typer application with a group per pillar."""

from __future__ import annotations

import sys

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

from stratstab import __version__
from stratstab.cli import (
    assess,
    assurance,
    calc,
    dialogue,
    exercise,
    forces,
    history,
    serve,
    sweep,
    transparency,
    uncertainty,
)
from stratstab.errors import StratstabError

app = typer.Typer(
    name="stratstab",
    help="Workbench for strategic stability dialogues: assess, negotiate scope, learn.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)
app.command("assess")(assess.assess)
app.add_typer(forces.app, name="forces")
app.add_typer(calc.app, name="calc")
app.add_typer(dialogue.app, name="dialogue")
app.add_typer(history.app, name="history")
app.add_typer(exercise.app, name="exercise")
app.command("serve")(serve.serve)
app.command("uncertainty")(uncertainty.uncertainty)
app.command("transparency")(transparency.transparency)
app.command("assurance")(assurance.assurance)
app.command("sweep")(sweep.sweep)


def _version_callback(value: bool) -> None:
    if value:
        print(f"stratstab {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: bool = typer.Option(
        False, "--version", callback=_version_callback, is_eager=True, help="Print the version."
    ),
) -> None:
    """Workbench for strategic stability dialogues."""


def main() -> None:
    """Entry point: run the app and turn user errors into one line and exit code 2."""
    try:
        app(standalone_mode=False)
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
        print(f"error: {exc}", file=sys.stderr)
        sys.exit(exc.exit_code)
