"""Who may see and do what in a dialogue room.  Pure rules, no database access.

Sealed items (a delegation's scope positions, statements the facilitator marks
sealed, statements still waiting for moderation) stay invisible to every other
delegation and to observers until they are revealed or accepted: not their content,
and not their existence (which topics, how many).  The reveal needs every delegation's
declaration that its positions are complete and the facilitator's confirmation.
Facilitators and admins see which delegations have declared, never the content of a
sealed scope position before the reveal: nobody, neutral party included, should be
able to anchor on (or leak) a first move.  Facilitators and translators do see
pending and sealed statements, since they moderate and translate them.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from stratstab.accounts.models import User
from stratstab.accounts.roles import Role
from stratstab.accounts.service import Principal
from stratstab.dialogue.records import AccountRef
from stratstab.dialogue.scope import ScopePositionData
from stratstab.errors import Forbidden

#: The participant ids of people with an account start with this; other participants
#: were added on the command line or imported.
ACCOUNT_PREFIX = "user:"


@dataclass(frozen=True)
class Viewer:
    """The user looking at one dialogue, reduced to what the rules need.

    ``role`` is the person's role in this dialogue (``facilitator``, ``head``,
    ``delegate``, ``translator``, ``observer``), ``admin`` for an administrator who is
    not a member, or ``""`` for someone who may not enter.  Build it with
    :func:`stratstab.web.dialogues.members.viewer_for`, which reads the membership.
    """

    username: str
    role: str
    delegation: str | None

    @classmethod
    def of(cls, user: User | AccountRef | Principal) -> Viewer:
        """The account-level viewer: admins may enter every dialogue, nobody else any.

        Routes about one dialogue use ``members.viewer_for`` instead, which knows the
        person's role there; this fallback fails closed.
        """
        role = "admin" if user.role == Role.ADMIN.value else ""
        return cls(username=user.username, role=role, delegation=None)

    @property
    def participant_id(self) -> str:
        """The participant id this user votes and writes under in every dialogue."""
        return f"{ACCOUNT_PREFIX}{self.username}"

    @property
    def runs_dialogues(self) -> bool:
        """Facilitator of this dialogue, or admin."""
        return self.role in ("facilitator", "admin")

    @property
    def translates(self) -> bool:
        """Translator, facilitator or admin: may write a statement's other language."""
        return self.runs_dialogues or self.is_translator

    @property
    def is_delegate(self) -> bool:
        """Head or member of a delegation (may vote, submit statements and positions)."""
        return self.role in ("head", "delegate") and self.delegation is not None

    @property
    def is_head(self) -> bool:
        """Head of their delegation."""
        return self.role == "head" and self.delegation is not None

    @property
    def is_translator(self) -> bool:
        """Translator of the dialogue (neutral; reads statements to translate them)."""
        return self.role == "translator"

    @property
    def is_member(self) -> bool:
        """Whether the viewer may enter the dialogue at all."""
        return self.role != ""


class StatementFacts(Protocol):
    """What the visibility rules read of a statement (a ``StatementInfo`` or a vote target)."""

    @property
    def author(self) -> str | None: ...  # the author's participant id

    @property
    def moderation(self) -> str: ...

    @property
    def sealed(self) -> bool: ...


def can_enter(viewer: Viewer, *, delegations: list[str]) -> bool:
    """Members enter; a delegate only while their party takes part in the dialogue."""
    if viewer.role in ("head", "delegate"):
        return viewer.delegation in delegations
    return viewer.is_member


def statement_visible(
    viewer: Viewer, statement: StatementFacts, *, author_delegation: str | None
) -> bool:
    """Whether ``viewer`` may see ``statement`` at all."""
    own = statement.author == viewer.participant_id
    if viewer.runs_dialogues or viewer.is_translator:
        return True
    if statement.moderation != "accepted" and not own:
        return False
    if statement.sealed:
        return own or (viewer.is_delegate and author_delegation == viewer.delegation)
    return True


def statement_votable(
    viewer: Viewer, statement: StatementFacts, *, author_delegation: str | None
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


def all_complete(complete: dict[str, bool], *, delegations: list[str]) -> bool:
    """Whether every delegation has declared its scope positions complete."""
    return bool(delegations) and all(complete.get(code, False) for code in delegations)


def may_declare_complete(viewer: Viewer, *, heads: set[str]) -> bool:
    """The head of delegation declares; any delegate where the party has no head."""
    if not viewer.is_delegate:
        return False
    return viewer.is_head or viewer.delegation not in heads


def require(condition: bool, message: str, *, key: str = "dlgerr.forbidden") -> None:
    """Raise :class:`Forbidden` with ``message`` unless ``condition`` holds.

    The web shows the locale text ``key`` (by default: your role does not allow this).
    """
    if not condition:
        raise Forbidden(message).with_key(key)
