"""The four roles of the workbench and what each may do.

- ``admin``: manages users and sees the audit log; may also act as facilitator.
- ``facilitator``: runs dialogues (moderates statements, marks items sealed, reveals
  sealed positions, closes rounds); neutral, so casts no votes and holds no position.
- ``delegate``: member of exactly one delegation (``CN``, ``US`` ...); votes, submits
  statements and sets the scope positions of that delegation only.
- ``observer``: reads what has been revealed; changes nothing.
- ``member``: takes part in dialogues by invitation only.

Roles inside a dialogue (facilitator, head of delegation, delegate, translator,
observer) are held per dialogue (:mod:`stratstab.dialogue.membership`); the account
role says what a person may do outside dialogues: admins manage accounts and may
enter every dialogue, facilitators may set up new dialogues.  ``delegate`` and
``observer`` accounts date from before per-dialogue roles and keep the memberships the
migration gave them.
"""

from __future__ import annotations

from enum import StrEnum


class Role(StrEnum):
    """A user's role; stored as its lower-case string value."""

    ADMIN = "admin"
    FACILITATOR = "facilitator"
    DELEGATE = "delegate"
    OBSERVER = "observer"
    MEMBER = "member"

    @property
    def runs_dialogues(self) -> bool:
        """Whether this role may moderate, seal, reveal and close rounds."""
        return self in (Role.ADMIN, Role.FACILITATOR)

    @property
    def manages_accounts(self) -> bool:
        """Whether this role may create users and read the audit log."""
        return self is Role.ADMIN
