"""Build players from a ``--players`` specification such as ``US=cautious,CN=llm:URL``."""

from __future__ import annotations

import numpy as np

from stratstab.errors import InputError
from stratstab.exercises.actors.base import Player
from stratstab.exercises.actors.doctrines import DOCTRINES
from stratstab.exercises.actors.human import Human, Prompt, Show
from stratstab.exercises.actors.llm import LLMPlayer

DEFAULT_PLAYER = "tit-for-tat"
PLAYER_KINDS = (*DOCTRINES, "human", "llm:URL")


def parse_players(spec: str | None, *, sides: tuple[str, ...]) -> dict[str, str]:
    """Parse ``"US=cautious,CN=hawkish"`` into a side -> player map (default tit-for-tat)."""
    out = {side: DEFAULT_PLAYER for side in sides}
    for part in filter(None, (p.strip() for p in (spec or "").split(","))):
        side, sep, kind = part.partition("=")
        if not sep or side.strip() not in sides:
            raise InputError(
                f"expected SIDE=PLAYER with SIDE one of {list(sides)}, got {part!r}",
                field="--players",
            )
        kind = kind.strip()
        if kind not in DOCTRINES and kind != "human" and not kind.startswith("llm:"):
            raise InputError(
                f"unknown player {kind!r}; expected one of {', '.join(PLAYER_KINDS)}",
                field="--players",
            )
        out[side.strip()] = kind
    return out


def build_players(
    kinds: dict[str, str],
    *,
    seed: int,
    prompt: Prompt | None = None,
    show: Show | None = None,
    llm_model: str = "default",
    llm_timeout_s: float = 30.0,
) -> dict[str, Player]:
    """Players for each side; doctrines get independent generators spawned from ``seed``."""
    # Spawn key 0 belongs to the engine's inject stream; sides take 1, 2, ...
    children = np.random.SeedSequence(seed).spawn(len(kinds) + 1)[1:]
    players: dict[str, Player] = {}
    for (side, kind), child in zip(kinds.items(), children, strict=True):
        if kind in DOCTRINES:
            players[side] = DOCTRINES[kind](rng=np.random.default_rng(child))
        elif kind == "human":
            if prompt is None or show is None:
                raise InputError("a human player needs an interactive terminal", field="--players")
            players[side] = Human(prompt=prompt, show=show)
        else:
            players[side] = LLMPlayer(
                url=kind.removeprefix("llm:"), model=llm_model, timeout_s=llm_timeout_s
            )
    return players
