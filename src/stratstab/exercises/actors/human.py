"""A human player at the terminal: shows the situation, prompts for a move and a reason."""

from __future__ import annotations

from collections.abc import Callable

from stratstab.exercises.actors.base import Decision, Observation, OutgoingMessage, PlayerError
from stratstab.exercises.channel import MESSAGE_KINDS

Prompt = Callable[[str], str]
Show = Callable[[str], None]


def describe(observation: Observation) -> str:
    """The situation report a human player reads before choosing (plain text)."""
    lines = [
        f"--- Turn {observation.turn}/{observation.turns} — you are {observation.side} ---",
        f"Crisis-stability index now: {observation.crisis_stability_index:.2f}",
    ]
    if observation.opponent_moves:
        lines.append(f"{observation.opponent} last did: {observation.opponent_moves[-1]}")
    lines += [f"INJECT: {text}" for text in observation.injects]
    if not observation.channel_up:
        lines.append("The risk-reduction channel is DOWN this turn; messages will queue.")
    for m in observation.inbox:
        reply = f" (reply to #{m.in_reply_to})" if m.in_reply_to is not None else ""
        lines.append(f"MESSAGE #{m.seq} [{m.kind}]{reply}: {m.text}")
    lines.append("Your options (predicted index if only you act):")
    for number, item in enumerate(observation.menu, start=1):
        lines.append(
            f"  {number:2d}. {item.label} [{item.rung}, score {item.score}] "
            f"-> {item.predicted_index:.2f}"
        )
    return "\n".join(lines)


class Human:
    """Prompts through ``prompt`` (returns the typed line) and prints through ``show``."""

    name = "human"

    def __init__(self, *, prompt: Prompt, show: Show) -> None:
        self.prompt = prompt
        self.show = show

    def _choose(self, observation: Observation) -> str:
        count = len(observation.menu)
        for _ in range(5):
            answer = self.prompt(f"Action number (1-{count})").strip()
            if answer.isdigit() and 1 <= int(answer) <= count:
                return observation.menu[int(answer) - 1].id
            self.show(f"Please type a number from 1 to {count}.")
        raise PlayerError(f"{observation.side}: no valid action number after 5 tries")

    def _message(self) -> tuple[OutgoingMessage, ...]:
        kind = self.prompt(f"Send a message? kind ({'/'.join(MESSAGE_KINDS)}) or empty").strip()
        if not kind:
            return ()
        if kind not in MESSAGE_KINDS:
            self.show(f"Unknown kind {kind!r}; no message sent.")
            return ()
        return (OutgoingMessage(kind=kind, text=self.prompt("Message text").strip()),)

    def decide(self, observation: Observation) -> Decision:
        """Show the situation, then ask for an action, a reason and an optional message."""
        self.show(describe(observation))
        action = self._choose(observation)
        reason = self.prompt("Reason for this decision").strip() or "(no reason given)"
        messages = self._message()
        # A human at the console acknowledges what they have read, as the hotline requires.
        return Decision(
            action=action,
            reason=reason,
            messages=messages,
            acknowledge=tuple(m.seq for m in observation.inbox),
        )
