"""A player backed by a language model behind an OpenAI-compatible HTTP endpoint.

The endpoint is given by URL (e.g. ``http://127.0.0.1:8080/v1``); the player posts to
``URL/chat/completions`` and expects the reply's message content to be a JSON object
``{"action": ID, "reason": TEXT, "message": {"kind": KIND, "text": TEXT, "to": SIDE} |
null}``.  With three or more sides the prompt lists the other sides and the model may
name one as the message's recipient (``to``); without one the message goes to the
sender of the message it answers, else to the side the player faces most — the rule
every player's unaddressed message follows.
Nothing is downloaded; a timeout, an HTTP error or a malformed reply raises
:class:`PlayerError` with a one-line explanation.
"""

from __future__ import annotations

import json
import re

import httpx

from stratstab.chat_client import ChatError, chat_url, complete
from stratstab.exercises.actors.base import Decision, Observation, OutgoingMessage, PlayerError
from stratstab.exercises.actors.human import describe
from stratstab.exercises.channel import MESSAGE_KINDS

SYSTEM_PROMPT = (
    "You are a national crisis-management team in a tabletop exercise about strategic "
    "stability. Each turn you choose exactly one action from the numbered menu by its id "
    "and state your reason. You may send one message on the risk-reduction channel. "
    'Answer with a JSON object only: {"action": "<action id>", "reason": "...", '
    '"message": {"kind": "notification|query|clarification|proposal", "text": "...", '
    '"to": "<side code or null>"} or null}. With more than one other side, "to" names '
    "the side the message is for; null sends it to the side you face most."
)
_FENCE = re.compile(r"^```(?:json)?\s*|\s*```$")


class LLMPlayer:
    """Asks an OpenAI-compatible endpoint for each move."""

    name = "llm"

    def __init__(
        self,
        *,
        url: str,
        model: str = "default",
        timeout_s: float = 30.0,
        temperature: float = 0.0,
        client: httpx.Client | None = None,
    ) -> None:
        if not url.startswith(("http://", "https://")):
            raise PlayerError(f"llm player: expected an http(s) URL, got {url!r}")
        self.url = chat_url(url)
        self.model = model
        self.timeout_s = timeout_s
        self.temperature = temperature
        self.client = client or httpx.Client(timeout=timeout_s)
        self.name = f"llm:{url}"

    def _messages(self, observation: Observation) -> list[dict[str, str]]:
        menu_ids = ", ".join(item.id for item in observation.menu)
        user = (
            describe(observation) + f"\nObjectives: {'; '.join(observation.objectives)}"
            f"\nValid action ids: {menu_ids}"
        )
        if len(observation.others) > 1:
            user += (
                f"\nOther sides (message recipients): {', '.join(observation.others)}; "
                f"you face {observation.opponent} most"
            )
        return [{"role": "system", "content": SYSTEM_PROMPT}, {"role": "user", "content": user}]

    def decide(self, observation: Observation) -> Decision:
        """One request per turn; the reply must name an action on the menu."""
        try:
            content = complete(
                self.client,
                self.url,
                model=self.model,
                messages=self._messages(observation),
                temperature=self.temperature,
                timeout_s=self.timeout_s,
            )
        except ChatError as exc:
            raise PlayerError(f"llm player: {exc}") from None
        return parse_reply(content, observation)


def parse_reply(content: str, observation: Observation) -> Decision:
    """Turn the model's reply text into a :class:`Decision` or raise :class:`PlayerError`."""
    try:
        data = json.loads(_FENCE.sub("", content.strip()))
    except json.JSONDecodeError:
        raise PlayerError(f"llm player: reply is not JSON: {content[:80]!r}") from None
    if not isinstance(data, dict) or not isinstance(data.get("action"), str):
        raise PlayerError("llm player: reply must be an object with a string 'action'")
    observation.item(data["action"])  # PlayerError when off the menu
    messages: tuple[OutgoingMessage, ...] = ()
    message = data.get("message")
    if isinstance(message, dict) and message.get("kind") in MESSAGE_KINDS:
        to = message.get("to")
        if to is not None and (not isinstance(to, str) or to not in observation.others):
            raise PlayerError(
                f"llm player: message 'to' must be null or one of {list(observation.others)}"
            )
        messages = (
            OutgoingMessage(kind=message["kind"], text=str(message.get("text", "")), to=to),
        )
    elif message not in (None, {}):
        raise PlayerError(f"llm player: message must be null or have kind in {MESSAGE_KINDS}")
    return Decision(
        action=data["action"],
        reason=str(data.get("reason", "")),
        messages=messages,
        acknowledge=tuple(m.seq for m in observation.inbox),
    )
