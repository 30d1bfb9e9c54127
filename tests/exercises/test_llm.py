"""The LLM player against a fake OpenAI-compatible server on loopback."""

from __future__ import annotations

import json
import threading

import numpy as np
import pytest

from stratstab.exercises import load_exercise, run_exercise
from stratstab.exercises.actors import Cautious, PlayerError
from stratstab.exercises.actors.llm import LLMPlayer

from ..chat_server import ChatServer


class FakeServer(ChatServer):
    """Answers chat completions with a reply chosen by ``mode``; records the requests."""

    def __init__(self, mode: str) -> None:
        super().__init__()
        self.mode = mode
        self.released = threading.Event()

    def payload(self, body: dict) -> str:
        if self.mode == "slow":  # answers only when the test is over
            self.released.wait()
        if self.mode == "not-openai":
            return self.reply(body)
        return super().payload(body)

    def reply(self, body: dict) -> str:
        if self.mode == "malformed":
            return "I think we should raise the alert."
        if self.mode == "off-menu":
            return json.dumps({"action": "invade", "reason": "x", "message": None})
        prompt = body["messages"][-1]["content"]
        first_id = prompt.rsplit("Valid action ids: ", 1)[1].split(",")[0].strip()
        return (
            "```json\n"
            + json.dumps(
                {
                    "action": first_id,
                    "reason": "Lowest rung first.",
                    "message": {"kind": "proposal", "text": "Talk?"},
                }
            )
            + "\n```"
        )

    def __exit__(self, *exc) -> None:
        self.released.set()
        super().__exit__(*exc)


def _players(url: str, timeout_s: float = 120.0):
    return {
        "US": LLMPlayer(url=url, timeout_s=timeout_s),
        "CN": Cautious(rng=np.random.default_rng(0)),
    }


def test_llm_player_plays_a_whole_exercise():
    loaded = load_exercise("maritime-incident")
    with FakeServer("good") as server:
        record = run_exercise(loaded, _players(server.url), seed=1, turns=3).to_dict()
    assert len(server.requests) == 3
    assert all(r["path"] == "/v1/chat/completions" for r in server.requests)
    assert [t["decisions"]["US"]["action"] for t in record["turns"]] == [
        "joint-search-and-rescue"
    ] * 3
    assert record["turns"][0]["decisions"]["US"]["reason"] == "Lowest rung first."
    assert any(m["sender"] == "US" and m["kind"] == "proposal" for m in record["channel_log"])


@pytest.mark.parametrize(
    ("mode", "pattern"),
    [
        ("malformed", "reply is not JSON"),
        ("off-menu", "not on US's menu"),
        ("not-openai", "OpenAI-style chat completion"),
    ],
)
def test_bad_replies_give_a_clear_error(mode, pattern):
    loaded = load_exercise("maritime-incident")
    with FakeServer(mode) as server, pytest.raises(PlayerError, match=pattern):
        run_exercise(loaded, _players(server.url), seed=1, turns=1)


def test_timeout_gives_a_clear_error():
    loaded = load_exercise("maritime-incident")
    with FakeServer("slow") as server, pytest.raises(PlayerError, match="within 0.2 s"):
        run_exercise(loaded, _players(server.url, timeout_s=0.2), seed=1, turns=1)


def test_unreachable_endpoint_and_bad_url():
    with pytest.raises(PlayerError, match="http"):
        LLMPlayer(url="ftp://example")
    loaded = load_exercise("maritime-incident")
    with FakeServer("good") as server:
        url = server.url
    with pytest.raises(PlayerError, match="failed"):
        run_exercise(loaded, _players(url, timeout_s=1.0), seed=1, turns=1)
