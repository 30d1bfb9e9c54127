"""Who may see and do what in a dialogue room.  Pure rules, no database access.

Sealed items (a delegation's scope positions, statements the facilitator marks
sealed) stay invisible to every other delegation and to observers until the
facilitator reveals them, which is possible only once every delegation has
submitted.  Facilitators and admins see that a delegation has submitted, never the
content of a sealed scope position before the reveal: nobody, neutral party included,
should be able to anchor on (or leak) a first move.  They do see sealed statements,
since they are the ones who seal them.
"""

from __future__ import annotations

from dataclasses import dataclass

from stratstab.accounts.models import User
from stratstab.accounts.roles import Role
from stratstab.dialogue.records import StatementInfo
from stratstab.dialogue.scope import ScopePositionData
from stratstab.errors import StratstabError


@dataclass(frozen=True)
class Viewer:
    """The user looking at a dialogue, reduced to what the rules need."""

    username: str
    role: Role
    delegation: str | None

    @classmethod
    def of(cls, user: User) -> Viewer:
        """The viewer for a logged-in user."""
        return cls(username=user.username, role=Role(user.role), delegation=user.delegation_code)

    @property
    def participant_id(self) -> str:
        """The participant id this user votes and writes under in every dialogue."""
        return f"user:{self.username}"

    @property
    def runs_dialogues(self) -> bool:
        """Facilitator or admin."""
        return self.role.runs_dialogues

    @property
    def translates(self) -> bool:
        """Translator, facilitator or admin: may write a statement's other language."""
        return self.role.translates

    @property
    def is_delegate(self) -> bool:
        """Member of a delegation (may vote, submit statements and positions)."""
        return self.role is Role.DELEGATE and self.delegation is not None


def can_enter(viewer: Viewer, *, delegations: list[str]) -> bool:
    """Delegates enter only dialogues their delegation takes part in; others enter all."""
    if viewer.role is Role.DELEGATE:
        return viewer.delegation in delegations
    return True


def statement_visible(
    viewer: Viewer, statement: StatementInfo, *, author_delegation: str | None
) -> bool:
    """Whether ``viewer`` may see ``statement`` at all."""
    own = statement.author == viewer.participant_id
    if viewer.runs_dialogues:
        return True
    if viewer.role is Role.TRANSLATOR:  # translates during moderation, never sealed text
        return statement.moderation != "rejected" and not statement.sealed
    if statement.moderation != "accepted" and not own:
        return False
    if statement.sealed:
        return own or (viewer.is_delegate and author_delegation == viewer.delegation)
    return True


def statement_votable(
    viewer: Viewer, statement: StatementInfo, *, author_delegation: str | None
) -> bool:
    """Delegates vote on accepted statements they can see."""
    return (
        viewer.is_delegate
        and statement.moderation == "accepted"
        and statement_visible(viewer, statement, author_delegation=author_delegation)
    )


def position_visible(viewer: Viewer, position: ScopePositionData) -> bool:
    """A scope position is visible to its own delegation, or to all once revealed."""
    if not position.sealed or position.revealed:
        return True
    return viewer.is_delegate and viewer.delegation == position.delegation


def all_submitted(positions: list[ScopePositionData], *, delegations: list[str]) -> bool:
    """Whether every delegation has submitted at least one scope position."""
    submitted = {p.delegation for p in positions}
    return bool(delegations) and all(code in submitted for code in delegations)


class Forbidden(StratstabError):
    """The user's role or delegation does not allow this action (HTTP 403)."""


def require(condition: bool, message: str) -> None:
    """Raise :class:`Forbidden` with ``message`` unless ``condition`` holds."""
    if not condition:
        raise Forbidden(message)
