"""Players of an exercise: rule-based doctrines, a human at the terminal, or an LLM."""

from stratstab.exercises.actors.base import (
    Decision,
    InboxItem,
    MenuItem,
    Observation,
    OutgoingMessage,
    Player,
    PlayerError,
)
from stratstab.exercises.actors.doctrines import DOCTRINES, Cautious, Hawkish, TitForTat

__all__ = [
    "DOCTRINES",
    "Cautious",
    "Decision",
    "Hawkish",
    "InboxItem",
    "MenuItem",
    "Observation",
    "OutgoingMessage",
    "Player",
    "PlayerError",
    "TitForTat",
]
