"""A minimal client for OpenAI-compatible chat-completions endpoints.

Used by the exercises' ``llm:URL`` players and by the optional machine translation of
dialogue statements.  The operator names the endpoint (e.g. a model served on the
local network, ``http://127.0.0.1:8080/v1``); nothing here picks one, and nothing is
downloaded.  The request is ``POST URL/chat/completions`` with ``model``,
``temperature`` and ``messages``; the answer is ``choices[0].message.content``.
"""

from __future__ import annotations

from typing import Any

import httpx

from stratstab.errors import StratstabError


class ChatError(StratstabError):
    """The endpoint did not answer, refused, or answered in another shape."""


def chat_url(base_url: str) -> str:
    """The chat-completions address for a base URL (accepts the full address too)."""
    base = base_url.rstrip("/")
    return base if base.endswith("/chat/completions") else f"{base}/chat/completions"


def check_url(url: str) -> str:
    """``url`` if it is an http(s) address; :class:`ChatError` otherwise."""
    if not url.startswith(("http://", "https://")):
        raise ChatError(f"expected an http(s) URL, got {url!r}")
    return url


def complete(
    client: httpx.Client,
    url: str,
    *,
    model: str,
    messages: list[dict[str, str]],
    temperature: float = 0.0,
    timeout_s: float = 30.0,
) -> str:
    """Post one chat completion to ``url`` (a chat-completions address); return the text.

    Raises :class:`ChatError` with a one-line explanation on a timeout, an HTTP or
    connection error, or a reply without ``choices[0].message.content``.
    """
    payload: dict[str, Any] = {"model": model, "temperature": temperature, "messages": messages}
    try:
        response = client.post(url, json=payload, timeout=timeout_s)
        response.raise_for_status()
        return str(response.json()["choices"][0]["message"]["content"])
    except httpx.TimeoutException:
        raise ChatError(f"no answer from {url} within {timeout_s:g} s") from None
    except httpx.HTTPError as exc:
        raise ChatError(f"request to {url} failed: {exc}") from None
    except (ValueError, KeyError, IndexError, TypeError):
        raise ChatError(
            f"{url} did not return an OpenAI-style chat completion (choices[0].message.content)"
        ) from None
