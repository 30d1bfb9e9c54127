"""A light HTTP/1.1 load client for the web benchmarks, run in its own process.

Why: the benchmark's client shares the machine's two cores with the server it measures.
httpx costs about a millisecond of CPU per request, enough to take a third of the
machine at 500 requests/s; this client writes prepared requests on keep-alive
connections with asyncio (uvloop when installed) and reads the answers with a minimal
parser, for a few tens of microseconds each.  Every request still goes through the
server's real HTTP stack, authentication and CSRF check: only the client is lighter.

Protocol (so the parent measures the server's CPU over the run only): the parent writes
one JSON object to stdin::

    {"host": "127.0.0.1", "port": 8000,
     "connections": [{"requests": ["POST /x HTTP/1.1\\r\\n...", ...]}, ...]}

(each request complete, as latin-1 text).  The client opens every connection, prints
``ready``, waits for one line on stdin, sends every connection's requests one after
another (all connections at once), and prints one JSON line: ``elapsed_s``,
``client_cpu_s``, and per request its ``status`` and ``latency_s`` (in the order given,
connection after connection).  A connection the server closes, or an answer it cannot
parse, ends the run with a non-zero exit.
"""

from __future__ import annotations

import asyncio
import json
import sys
import time

try:  # uvloop: a faster event loop, installed with uvicorn[standard]
    import uvloop
except ModuleNotFoundError:  # pragma: no cover - the plain asyncio loop then
    uvloop = None


async def _answer(reader: asyncio.StreamReader) -> int:
    """Read one response (Content-Length or chunked body); return its status code."""
    head = await reader.readuntil(b"\r\n\r\n")
    lines = head.split(b"\r\n")
    status = int(lines[0].split(b" ", 2)[1])
    length = 0
    chunked = False
    for line in lines[1:]:
        name, _, value = line.partition(b":")
        name = name.strip().lower()
        if name == b"content-length":
            length = int(value)
        elif name == b"transfer-encoding" and b"chunked" in value.lower():
            chunked = True
    if chunked:
        while True:
            size = int((await reader.readuntil(b"\r\n")).split(b";")[0], 16)
            await reader.readexactly(size + 2)
            if size == 0:
                break
    elif length:
        await reader.readexactly(length)
    return status


async def _run(spec: dict) -> dict:
    connections = []
    for connection in spec["connections"]:
        reader, writer = await asyncio.open_connection(spec["host"], spec["port"])
        connections.append((reader, writer, [r.encode("latin-1") for r in connection["requests"]]))
    print("ready", flush=True)
    loop = asyncio.get_running_loop()
    await loop.run_in_executor(None, sys.stdin.readline)

    async def drive(reader, writer, requests) -> list[tuple[int, float]]:
        results = []
        for request in requests:
            started = time.perf_counter()
            writer.write(request)
            status = await _answer(reader)
            results.append((status, time.perf_counter() - started))
        writer.close()
        return results

    started, cpu = time.perf_counter(), time.process_time()
    outcomes = await asyncio.gather(*(drive(*c) for c in connections))
    elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu
    flat = [result for outcome in outcomes for result in outcome]
    return {
        "elapsed_s": elapsed,
        "client_cpu_s": cpu,
        "status": [s for s, _ in flat],
        "latency_s": [t for _, t in flat],
    }


def main() -> int:
    spec = json.loads(sys.stdin.readline())
    runner = uvloop.run if uvloop is not None else asyncio.run
    try:
        outcome = runner(_run(spec))
    except (OSError, asyncio.IncompleteReadError, ValueError, IndexError) as exc:
        print(f"http_load: {type(exc).__name__}: {exc}", file=sys.stderr)
        return 1
    print(json.dumps(outcome), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
