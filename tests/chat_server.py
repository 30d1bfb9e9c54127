"""A real HTTP server on loopback that speaks the OpenAI chat-completions shape.

Tests subclass :class:`ChatServer` and override :meth:`reply` (the assistant's text
for a request body) or :meth:`payload` (the whole JSON answer).  Every request is
recorded with its path and body.
"""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class ChatServer:
    """``POST …/chat/completions`` answered with ``choices[0].message.content``."""

    status = 200

    def __init__(self) -> None:
        self.requests: list[dict] = []
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):  # keep test output clean
                pass

            def do_POST(self):  # noqa: N802 - http.server's naming
                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                outer.requests.append({"path": self.path, "body": body})
                data = outer.payload(body).encode()
                self.send_response(outer.status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def reply(self, body: dict) -> str:
        """The assistant's message for ``body``."""
        raise NotImplementedError

    def payload(self, body: dict) -> str:
        """The JSON text answered for ``body``."""
        message = {"role": "assistant", "content": self.reply(body)}
        return json.dumps({"choices": [{"message": message}]})

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_port}/v1"

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.server.shutdown()
        self.server.server_close()
