"""The five roles of the workbench and what each may do.

- ``admin``: manages users and sees the audit log; may also act as facilitator.
- ``facilitator``: runs dialogues (moderates statements, marks items sealed, reveals
  sealed positions, closes rounds); neutral, so casts no votes and holds no position.
- ``delegate``: member of exactly one delegation (``CN``, ``US`` ...); votes, submits
  statements and sets the scope positions of that delegation only.
- ``translator``: neutral; reads the statements under moderation and writes their
  English or Chinese translation; votes on nothing and sees no sealed material.
- ``observer``: reads what has been revealed; changes nothing.
"""

from __future__ import annotations

from enum import StrEnum


class Role(StrEnum):
    """A user's role; stored as its lower-case string value."""

    ADMIN = "admin"
    FACILITATOR = "facilitator"
    DELEGATE = "delegate"
    OBSERVER = "observer"
    TRANSLATOR = "translator"

    @property
    def runs_dialogues(self) -> bool:
        """Whether this role may moderate, seal, reveal and close rounds."""
        return self in (Role.ADMIN, Role.FACILITATOR)

    @property
    def translates(self) -> bool:
        """Whether this role may write the translation of a statement."""
        return self in (Role.ADMIN, Role.FACILITATOR, Role.TRANSLATOR)

    @property
    def manages_accounts(self) -> bool:
        """Whether this role may create users and read the audit log."""
        return self is Role.ADMIN
