"""Settings of the web workbench, read from ``STRATSTAB_*`` environment variables.

The secret key signs cookies.  In production it must be given (and not be a
well-known placeholder); on the embedded local SQLite database a random key is
generated once and kept in a file beside the database so that restarts keep users
logged in.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path
from typing import Literal

from pydantic import Field, SecretStr, ValidationInfo, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from stratstab import db
from stratstab.errors import InputError, StoreError
from stratstab.workspace.limits import WorkspaceLimits

_PLACEHOLDER_SECRETS = {"", "changethis", "change-me", "secret", "stratstab", "dev", "test"}
MIN_SECRET_LENGTH = 32
SECRET_FILE_NAME = "stratstab-secret.key"


def _sqlite_path(url: str) -> Path | None:
    """The file of a SQLite URL, or None for other databases and in-memory SQLite."""
    if not url.startswith("sqlite"):
        return None
    path = url.split("///", 1)[-1]
    if not path or path == ":memory:":
        return None
    return Path(path).expanduser()


def local_secret_key(database_file: Path) -> str:
    """Read, or create with mode 0600, the random key kept beside the SQLite file."""
    key_file = database_file.parent / SECRET_FILE_NAME
    try:
        if key_file.exists():
            key = key_file.read_text(encoding="utf-8").strip()
            if len(key) >= MIN_SECRET_LENGTH:
                return key
        key_file.parent.mkdir(parents=True, exist_ok=True)
        key = secrets.token_urlsafe(48)
        # Mode-restricted write: the key must not be readable by other users.
        fd = os.open(key_file, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(key + "\n")
    except OSError as exc:
        raise StoreError(f"cannot keep the secret key beside the database: {exc}") from None
    return key


class Settings(BaseSettings):
    """Every knob of ``stratstab serve``; environment variables use the prefix STRATSTAB_."""

    model_config = SettingsConfigDict(env_prefix="STRATSTAB_", extra="ignore")

    environment: Literal["local", "production"] = "local"
    database_url: str = Field(default_factory=lambda: db.database_url())
    secret_key: SecretStr | None = None
    demo: bool = False
    session_max_age_s: int = Field(default=12 * 3600, ge=60)
    assessment_workers: int = Field(default=2, ge=1, le=32)
    # The OpenAI-compatible endpoint that plays "llm" sides of exercise runs; never
    # called unless set, and no user can name another.
    exercise_llm_url: str | None = None
    exercise_llm_model: str = "default"
    exercise_llm_timeout_s: float = Field(default=30.0, gt=0, le=600)
    default_locale: Literal["en", "zh"] = "en"
    # The consensus analysis is recomputed in the background at most once per this many
    # seconds per dialogue, after public votes; "polis" warm-starts each update's
    # grouping from the previous one as Pol.is does, "batch" is reproducible from seed 0.
    consensus_debounce_s: float = Field(default=5.0, ge=0.1, le=3600)
    consensus_grouping: Literal["batch", "polis"] = "batch"
    # The background analysis runs in a child process of the server (so that it never
    # holds up requests); off, it runs in the server's worker thread.
    consensus_child_process: bool = True
    job_time_budget_s: float = Field(default=300.0, gt=0, le=86_400)
    job_memory_budget_mib: int = Field(default=2048, ge=512, le=1_048_576)
    # Optional machine translation of statements: an OpenAI-compatible endpoint the
    # operator runs or trusts.  Unset, no statement text ever leaves the workbench.
    translation_llm_url: str | None = None
    translation_llm_model: str = "default"
    translation_llm_timeout_s: float = Field(default=30.0, gt=0, le=600)

    def workspace_limits(self) -> WorkspaceLimits:
        """Size caps, quotas and job budgets of this workbench."""
        return WorkspaceLimits(
            job_time_budget_s=self.job_time_budget_s,
            job_memory_budget_mib=self.job_memory_budget_mib,
        )

    # Failed logins allowed per window (``limits`` notation); each further attempt gets
    # 429 until its window ends.  Several windows make a stepped back-off.
    # ``account``: per account *and* client address; ``account_total``: per account over
    # every address (looser: it stops a guesser spread over many addresses, and only
    # such a guesser can keep the owner out); ``address``: per address over accounts.
    login_limits_account: str = "5/minute;20/hour;100/day"
    login_limits_account_total: str = "30/minute;100/hour;300/day"
    login_limits_address: str = "20/minute;100/hour;500/day"

    @field_validator("login_limits_account", "login_limits_account_total", "login_limits_address")
    @classmethod
    def _valid_limits(cls, value: str, info: ValidationInfo) -> str:
        from stratstab.accounts.throttle import parse_limits

        parse_limits(value, setting=f"STRATSTAB_{str(info.field_name).upper()}")
        return value

    @model_validator(mode="after")
    def _resolve_secret(self) -> Settings:
        if self.demo and self.environment == "production":
            raise InputError("the demo workspace is not for production", source="--demo")
        given = self.secret_key.get_secret_value() if self.secret_key else None
        if given is not None:
            if given.strip().lower() in _PLACEHOLDER_SECRETS or len(given) < MIN_SECRET_LENGTH:
                if self.environment == "production":
                    raise InputError(
                        f"refusing a placeholder or short secret key in production: "
                        f"give at least {MIN_SECRET_LENGTH} random characters",
                        source="STRATSTAB_SECRET_KEY",
                    )
            return self
        if self.environment == "production":
            raise InputError(
                "a secret key is required in production (e.g. `python -c 'import secrets; "
                "print(secrets.token_urlsafe(48))'`)",
                source="STRATSTAB_SECRET_KEY",
            )
        database_file = _sqlite_path(self.database_url)
        if database_file is not None:
            self.secret_key = SecretStr(local_secret_key(database_file))
        else:
            # A server database without a configured key: a per-process key keeps the
            # workbench usable; logins end when the process restarts.
            self.secret_key = SecretStr(secrets.token_urlsafe(48))
        return self

    @property
    def secret(self) -> str:
        """The resolved secret key as text."""
        assert self.secret_key is not None  # set by the validator
        return self.secret_key.get_secret_value()
