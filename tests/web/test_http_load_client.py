"""The benchmark's light HTTP/1.1 client (benchmarks/http_load.py) reads answers right.

A small asyncio server on loopback answers each request on a keep-alive connection, by
turns with a Content-Length body, a chunked body and an empty 204; it records every
request it was sent.  The client must send every request once, in order on its
connection, and report each answer's status.
"""

from __future__ import annotations

import asyncio
import json
import subprocess
import sys
from pathlib import Path

CLIENT = Path(__file__).parents[2] / "benchmarks" / "http_load.py"
ANSWERS = (
    b"HTTP/1.1 201 Created\r\ncontent-type: application/json\r\ncontent-length: 12\r\n\r\n"
    b'{"ok": true}',
    b"HTTP/1.1 422 Unprocessable\r\nTransfer-Encoding: chunked\r\n\r\n"
    b"5\r\nhello\r\n6;x=1\r\n world\r\n0\r\n\r\n",
    b"HTTP/1.1 204 No Content\r\n\r\n",
)


def _request(connection: int, number: int) -> str:
    body = json.dumps({"connection": connection, "number": number})
    return (
        "POST /vote HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
        f"Content-Length: {len(body)}\r\n\r\n{body}"
    )


async def _serve_and_drive(connections: int, per_connection: int) -> tuple[list, dict]:
    received: list[dict] = []

    async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        turn = 0
        while True:
            try:
                head = await reader.readuntil(b"\r\n\r\n")
            except asyncio.IncompleteReadError:
                break
            length = next(
                int(line.split(b":")[1])
                for line in head.split(b"\r\n")
                if line.lower().startswith(b"content-length")
            )
            received.append(json.loads(await reader.readexactly(length)))
            writer.write(ANSWERS[turn % len(ANSWERS)])
            await writer.drain()
            turn += 1
        writer.close()

    server = await asyncio.start_server(handle, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    spec = {
        "host": "127.0.0.1",
        "port": port,
        "connections": [
            {"requests": [_request(c, n) for n in range(per_connection)]}
            for c in range(connections)
        ],
    }
    client = await asyncio.create_subprocess_exec(
        sys.executable,
        str(CLIENT),
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
    )
    assert client.stdin is not None and client.stdout is not None
    client.stdin.write((json.dumps(spec) + "\n").encode())
    await client.stdin.drain()
    assert (await client.stdout.readline()).strip() == b"ready"
    client.stdin.write(b"go\n")
    await client.stdin.drain()
    # A hang guard only (a client that misreads an answer waits for bytes never sent).
    outcome = json.loads(await asyncio.wait_for(client.stdout.readline(), timeout=600))
    assert await client.wait() == 0
    server.close()
    await server.wait_closed()
    return received, outcome


def test_every_request_sent_once_and_every_answer_read():
    received, outcome = asyncio.run(_serve_and_drive(connections=4, per_connection=7))
    assert sorted((r["connection"], r["number"]) for r in received) == [
        (c, n) for c in range(4) for n in range(7)
    ]
    for connection in range(4):  # in order on each connection
        numbers = [r["number"] for r in received if r["connection"] == connection]
        assert numbers == list(range(7))
    expected = [(201, 422, 204)[n % 3] for _ in range(4) for n in range(7)]
    assert outcome["status"] == expected
    assert len(outcome["latency_s"]) == 28
    assert outcome["elapsed_s"] > 0 and outcome["client_cpu_s"] >= 0
