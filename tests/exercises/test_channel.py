"""The risk-reduction channel never loses or reorders a message."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from stratstab.exercises.channel import Channel, ChannelError

SIDES = ("US", "CN")
operation = st.one_of(
    st.tuples(
        st.just("send"),
        st.sampled_from(SIDES),
        st.sampled_from(["notification", "query", "clarification", "proposal"]),
    ),
    st.tuples(st.just("outage"), st.integers(min_value=0, max_value=3)),
    st.tuples(st.just("tick")),
)


@settings(max_examples=200, deadline=None)
@given(st.lists(operation, max_size=60))
def test_every_message_arrives_once_in_sending_order(operations):
    channel = Channel(sides=SIDES)
    turn = 1
    received: dict[str, list[int]] = {s: [] for s in SIDES}
    for op in operations:
        if op[0] == "send":
            channel.send(sender=op[1], kind=op[2], text=f"m{len(channel.messages)}", turn=turn)
        elif op[0] == "outage":
            channel.fail(from_turn=turn + 1, turns=op[1])
        else:
            turn += 1
            for message in channel.deliver(turn=turn):
                received[message.recipient].append(message.seq)
    # After the last outage the link comes back; everything queued must go through.
    turn = max(turn, channel.down_through_turn) + 1
    for message in channel.deliver(turn=turn):
        received[message.recipient].append(message.seq)
    for side in SIDES:
        sent = [m.seq for m in channel.messages if m.recipient == side]
        assert received[side] == sent  # nothing lost, duplicated or reordered
    assert channel.pending() == []


def test_outage_holds_messages_and_misses_deadline():
    channel = Channel(sides=SIDES, ack_deadline_turns=1)
    message = channel.send(sender="US", kind="notification", text="exercise", turn=1)
    channel.fail(from_turn=2, turns=2)
    assert channel.deliver(turn=2) == [] and channel.deliver(turn=3) == []
    assert channel.failed_deliveries == [2, 3]
    assert channel.deliver(turn=4) == [message]
    channel.acknowledge(message.seq, by="CN", turn=4)
    assert message.response_turns() == 3
    assert message.deadline_missed(now_turn=4)


def test_acknowledgement_rules():
    channel = Channel(sides=SIDES)
    message = channel.send(sender="US", kind="query", text="intent?", turn=1)
    with pytest.raises(ChannelError, match="not been delivered"):
        channel.acknowledge(message.seq, by="CN", turn=1)
    channel.deliver(turn=2)
    with pytest.raises(ChannelError, match="addressed to CN"):
        channel.acknowledge(message.seq, by="US", turn=2)
    channel.acknowledge(message.seq, by="CN", turn=2)
    channel.acknowledge(message.seq, by="CN", turn=3)  # idempotent: first ack counts
    assert message.acknowledged_turn == 2 and not message.deadline_missed(now_turn=5)
    with pytest.raises(ChannelError, match="unknown message kind"):
        channel.send(sender="US", kind="threat", text="x", turn=2)
