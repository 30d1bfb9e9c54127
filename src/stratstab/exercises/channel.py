"""The risk-reduction channel: a hotline / NRRC-style link between the two sides.

Messages are typed (notification, query — a request for clarification —, clarification,
proposal, acknowledgement) and numbered in the
order they are sent.  A message sent during turn *t* is delivered at the start of turn
*t + 1* if the link is up; while a delivery-failure inject holds the link down, messages
wait in order and go through when it returns.  The channel never drops or reorders a
message: each recipient receives exactly the messages sent to it, in sending order.
Every message asks for an acknowledgement by a deadline (in turns after sending); the
log keeps send, delivery and acknowledgement turns so that the after-action report can
show response times and missed deadlines.

References: the 1963 US–USSR Direct Communications Link memorandum and the 1987
Nuclear Risk Reduction Centers agreement (history entries ``hotline-mou-1963`` and
``nrrc-agreement-1987``), whose notifications are acknowledged within set times.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any, Literal

MessageKind = Literal["notification", "query", "clarification", "proposal", "acknowledgement"]
MESSAGE_KINDS: tuple[str, ...] = (
    "notification",
    "query",
    "clarification",
    "proposal",
    "acknowledgement",
)


class ChannelError(ValueError):
    """A misuse of the channel by the engine or a player (unknown sender, bad ack)."""


@dataclass
class Message:
    """One message and its life on the channel (turns are exercise turns)."""

    seq: int
    sender: str
    recipient: str
    kind: str
    text: str
    sent_turn: int
    deadline_turn: int
    in_reply_to: int | None = None
    lang: str = "en"  # language of ``text`` as written
    translation: str = ""  # the text in the other language, where one exists
    delivered_turn: int | None = None
    acknowledged_turn: int | None = None

    @property
    def delivered(self) -> bool:
        """Whether the recipient has it."""
        return self.delivered_turn is not None

    def response_turns(self) -> int | None:
        """Turns from sending to acknowledgement (``None`` if never acknowledged)."""
        if self.acknowledged_turn is None:
            return None
        return self.acknowledged_turn - self.sent_turn

    def deadline_missed(self, *, now_turn: int) -> bool:
        """Whether the acknowledgement came (or is still missing) after the deadline."""
        if self.acknowledged_turn is not None:
            return self.acknowledged_turn > self.deadline_turn
        return now_turn > self.deadline_turn

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON form."""
        return asdict(self)


class Channel:
    """An ordered, lossless link among the sides, with outages and acknowledgements.

    Each message goes to one side; with two sides, to the other one.
    """

    def __init__(self, *, sides: tuple[str, ...], ack_deadline_turns: int = 1) -> None:
        self.sides = sides
        self.ack_deadline_turns = ack_deadline_turns
        self.messages: list[Message] = []  # every message, in sending order
        self._queue: list[Message] = []  # sent, not yet delivered, in sending order
        self.down_through_turn = 0  # link is down on every turn <= this
        self.failed_deliveries: list[int] = []  # turns on which queued messages were held

    def is_up(self, turn: int) -> bool:
        """Whether the link carries traffic on ``turn``."""
        return turn > self.down_through_turn

    def fail(self, *, from_turn: int, turns: int) -> None:
        """Take the link down for ``turns`` turns starting at ``from_turn`` (an inject)."""
        if turns > 0:
            self.down_through_turn = max(self.down_through_turn, from_turn + turns - 1)

    def send(
        self,
        *,
        sender: str,
        kind: str,
        text: str,
        turn: int,
        in_reply_to: int | None = None,
        lang: str = "en",
        translation: str = "",
        to: str | None = None,
    ) -> Message:
        """Queue a message from ``sender`` to side ``to`` (with two sides: the other one)."""
        if sender not in self.sides:
            raise ChannelError(f"unknown sender {sender!r}; sides are {list(self.sides)}")
        if kind not in MESSAGE_KINDS:
            raise ChannelError(f"unknown message kind {kind!r}; expected one of {MESSAGE_KINDS}")
        if in_reply_to is not None and not 0 <= in_reply_to < len(self.messages):
            raise ChannelError(f"in_reply_to {in_reply_to} is not a sent message")
        if to is None:
            if len(self.sides) != 2:
                raise ChannelError("with three or more sides a message must name its recipient")
            recipient = self.sides[1] if sender == self.sides[0] else self.sides[0]
        elif to not in self.sides or to == sender:
            raise ChannelError(
                f"recipient {to!r} is not another side; sides are {list(self.sides)}"
            )
        else:
            recipient = to
        message = Message(
            seq=len(self.messages),
            sender=sender,
            recipient=recipient,
            kind=kind,
            text=text,
            sent_turn=turn,
            in_reply_to=in_reply_to,
            deadline_turn=turn + self.ack_deadline_turns,
            lang=lang,
            translation=translation,
        )
        self.messages.append(message)
        self._queue.append(message)
        return message

    def deliver(self, *, turn: int) -> list[Message]:
        """Deliver every queued message sent before ``turn``, in order, if the link is up."""
        ready = [m for m in self._queue if m.sent_turn < turn]
        if not ready:
            return []
        if not self.is_up(turn):
            self.failed_deliveries.append(turn)
            return []
        for message in ready:
            message.delivered_turn = turn
        self._queue = [m for m in self._queue if m.delivered_turn is None]
        return ready

    def acknowledge(self, seq: int, *, by: str, turn: int) -> Message:
        """Record that ``by`` acknowledged message ``seq`` on ``turn`` (idempotent)."""
        if not 0 <= seq < len(self.messages):
            raise ChannelError(f"no message number {seq}")
        message = self.messages[seq]
        if message.recipient != by:
            raise ChannelError(f"message {seq} is addressed to {message.recipient}, not {by}")
        if not message.delivered:
            raise ChannelError(f"message {seq} has not been delivered yet")
        if message.acknowledged_turn is None:
            message.acknowledged_turn = turn
        return message

    def pending(self) -> list[Message]:
        """Messages sent but not yet delivered, in sending order."""
        return list(self._queue)

    def received_by(self, side: str) -> list[Message]:
        """Messages delivered to ``side``, in delivery (= sending) order."""
        delivered = [m for m in self.messages if m.recipient == side and m.delivered]
        return sorted(delivered, key=lambda m: (m.delivered_turn, m.seq))

    def unacknowledged(self, side: str) -> list[Message]:
        """Messages delivered to ``side`` that it has not acknowledged yet."""
        return [m for m in self.received_by(side) if m.acknowledged_turn is None]
