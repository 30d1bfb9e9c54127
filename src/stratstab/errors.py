"""Typed errors that every layer raises for input a user can get wrong.

The command line turns any :class:`StratstabError` into one line on standard error
and exit code 2; the web layer turns it into a 4xx answer.  Messages therefore name
the place (file, field path) and what was expected, and never carry a traceback.
"""

from __future__ import annotations

from collections.abc import Sequence


class StratstabError(Exception):
    """Base class for errors caused by the user's input or environment."""

    exit_code = 2
    #: The interface string (``web/locales``) that says the same as the message in
    #: each language, and the values that fill it; None where there is none yet (the
    #: web then shows the English message).
    key: str | None = None
    values: dict[str, object] = {}

    def with_key(self, key: str, **values: object):
        """This error, carrying the locale key ``key`` filled with ``values`` for the web."""
        self.key, self.values = key, values
        return self

    def local_text(self) -> str:
        """The message for the person at this machine (the CLI); may name local paths.

        ``str(error)`` is what the web shows and never names a server path.
        """
        return str(self)


class InputError(StratstabError):
    """A file, field or argument is malformed or inconsistent.

    Parameters
    ----------
    message:
        What was wrong and what was expected.
    source:
        File name (or other origin such as ``"--vary"``) the input came from.
    field:
        Dotted path of the offending field, e.g. ``"forces.CN.overrides.DF-41.launchers"``.
    problems:
        Every problem found, as (field, message) pairs, when a check found several at
        once (the first is ``field`` and ``message``); all are listed, one per line.
    """

    def __init__(
        self,
        message: str,
        *,
        source: str | None = None,
        field: str | None = None,
        problems: Sequence[tuple[str, str]] = (),
    ):
        self.message = message
        self.source = source
        self.field = field
        self.problems = list(problems) or [(field or "", message)]
        super().__init__(self.__str__())

    def __str__(self) -> str:
        if len(self.problems) > 1:
            head = f"{self.source}: " if self.source else ""
            lines = [f"  {f}: {m}" if f else f"  {m}" for f, m in self.problems]
            return f"{head}{len(self.problems)} problems\n" + "\n".join(lines)
        parts = [p for p in (self.source, self.field) if p]
        prefix = ": ".join(parts)
        return f"{prefix}: {self.message}" if prefix else self.message


class ConflictError(InputError):
    """The input clashes with what exists (HTTP 409): a taken slug or user name, or an
    idempotency key repeated with a different body."""


class GoneError(StratstabError):
    """A one-time link was used, has expired or was revoked (``state`` says which)."""

    state: str = "gone"


class Forbidden(StratstabError):
    """The user's role or delegation does not allow this action (HTTP 403)."""


class NotFoundError(StratstabError):
    """A named thing (dataset, scenario, dialogue, statement ...) does not exist."""


class StoreError(StratstabError):
    """The database cannot be opened or a write was refused; nothing was changed.

    ``database`` (the URL with any password hidden) is kept apart from the message:
    the CLI shows it, the web does not (it would tell a visitor the server's paths).
    """

    def __init__(self, message: str, *, database: str | None = None):
        self.message = message
        self.database = database
        super().__init__(message)

    def local_text(self) -> str:
        return f"{self.message} (database {self.database})" if self.database else self.message


def field_path(location: Sequence[object]) -> str:
    """Join a pydantic error location into a dotted field path (``a.b[2].c``)."""
    out = ""
    for part in location:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += ("." if out else "") + str(part)
    return out


def from_validation_error(exc: object, *, source: str, prefix: str = "") -> InputError:
    """Turn a ``pydantic.ValidationError`` into an :class:`InputError` listing every
    problem it found (the first one is also its ``field`` and ``message``)."""
    problems = []
    for error in exc.errors():  # type: ignore[attr-defined]
        location = [prefix] if prefix else []
        location += list(error.get("loc", ()))
        message = error.get("msg", "invalid value")
        if error.get("type") == "extra_forbidden":
            message = "unknown key (not part of the schema; check the spelling)"
        problems.append((field_path(location), message))
    field, message = problems[0]
    return InputError(message, source=source, field=field, problems=problems)


class LimitError(StratstabError):
    """A size or quota limit refused the request; nothing was stored.

    ``key`` names the interface string (``web/locales``) that says the same in each
    language, filled with ``values``; the English ``message`` serves the CLI and logs.
    """

    status_code = 429

    def __init__(self, message: str, *, key: str, **values: object):
        self.message, self.key, self.values = message, key, values
        super().__init__(message)


class QuotaError(LimitError):
    """A user has as many uploads or running jobs as allowed (HTTP 429)."""


class TooLargeError(LimitError):
    """An upload is larger than allowed (HTTP 413)."""

    status_code = 413
