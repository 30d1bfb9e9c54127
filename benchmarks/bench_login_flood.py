"""Benchmark: a flood of wrong passwords against ``stratstab serve --demo`` on loopback.

Starts the real server (``stratstab serve --demo`` in a subprocess, its demo database
in a temporary folder) and measures, in three phases:

- ``quiet``: a logged-in delegate's page loads and another user's logins with no attack
  (the reference latency);
- ``one-address``: attackers from one client address send wrong passwords for one
  account as fast as they can; meanwhile a delegate from another address reads the
  dialogue list and a third user logs in now and then;
- ``many-addresses``: the same, each attempt from a different client address (as a
  botnet would), which only the per-account limit can stop.

For every phase it prints the requests sent, the answers by status code, how many
wrong-password attempts the server actually checked (answers 401, not 429/503) per
minute per account and per address, and the other users' p50/p95 latency in
milliseconds.  Client addresses are set with ``X-Forwarded-For``, which uvicorn
honours from loopback; every request goes to 127.0.0.1 only, and every loop is bounded
in time.

Usage: ``python benchmarks/bench_login_flood.py [--seconds 20] [--attackers 16] [--json]``.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

import httpx

TARGET_ACCOUNT = "us1"
READER = ("us2", "us2-demo-2024")
LOGGER = ("cn1", "cn1-demo-2024")


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _start_server(home: Path, port: int) -> subprocess.Popen:
    env = {**os.environ, "STRATSTAB_HOME": str(home)}
    env.pop("STRATSTAB_DATABASE_URL", None)
    command = [sys.executable, "-m", "stratstab", "serve", "--demo", "--port", str(port)]
    process = subprocess.Popen(
        command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=2).status_code == 200:
                return process
        except httpx.HTTPError:
            pass
        if process.poll() is not None:
            raise RuntimeError("the server exited before answering")
        time.sleep(0.25)
    process.terminate()
    raise RuntimeError("the server did not start within 120 s")


def _percentiles(samples: list[float]) -> dict[str, float | int | None]:
    if not samples:
        return {"n": 0, "p50_ms": None, "p95_ms": None}
    ordered = sorted(samples)
    p95 = ordered[min(len(ordered) - 1, int(round(0.95 * (len(ordered) - 1))))]
    return {
        "n": len(ordered),
        "p50_ms": round(statistics.median(ordered) * 1000, 1),
        "p95_ms": round(p95 * 1000, 1),
    }


async def _csrf(client: httpx.AsyncClient, address: str) -> str:
    answer = await client.get("/api/v1/auth/csrf", headers={"X-Forwarded-For": address})
    return answer.json()["csrf_token"]


async def _attacker(base: str, stop: float, index: int, spread: bool, statuses: Counter) -> None:
    async with httpx.AsyncClient(base_url=base, timeout=60.0) as client:
        token = await _csrf(client, "198.51.100.1")
        attempt = 0
        while time.monotonic() < stop:
            attempt += 1
            source = "198.51.100.1"
            if spread:  # a new address for every attempt
                source = f"10.{index}.{attempt // 250 % 250}.{attempt % 250 + 1}"
            try:
                answer = await client.post(
                    "/api/v1/auth/login",
                    json={"username": TARGET_ACCOUNT, "password": f"guess-{index}-{attempt}"},
                    headers={"X-CSRF-Token": token, "X-Forwarded-For": source},
                )
                statuses[answer.status_code] += 1
            except httpx.HTTPError:
                statuses["transport-error"] += 1


async def _reader(base: str, stop: float, latencies: list[float], statuses: Counter) -> None:
    address = "203.0.113.10"
    async with httpx.AsyncClient(base_url=base, timeout=60.0) as client:
        token = await _csrf(client, address)
        answer = await client.post(
            "/api/v1/auth/login",
            json={"username": READER[0], "password": READER[1]},
            headers={"X-CSRF-Token": token, "X-Forwarded-For": address},
        )
        answer.raise_for_status()
        while time.monotonic() < stop:
            started = time.perf_counter()
            answer = await client.get("/api/v1/dialogues", headers={"X-Forwarded-For": address})
            latencies.append(time.perf_counter() - started)
            statuses[answer.status_code] += 1
            await asyncio.sleep(0.1)


async def _logger(base: str, stop: float, latencies: list[float], statuses: Counter) -> None:
    address = "203.0.113.20"
    while time.monotonic() < stop:
        async with httpx.AsyncClient(base_url=base, timeout=60.0) as client:
            token = await _csrf(client, address)
            started = time.perf_counter()
            answer = await client.post(
                "/api/v1/auth/login",
                json={"username": LOGGER[0], "password": LOGGER[1]},
                headers={"X-CSRF-Token": token, "X-Forwarded-For": address},
            )
            latencies.append(time.perf_counter() - started)
            statuses[answer.status_code] += 1
        await asyncio.sleep(1.0)


async def _phase(base: str, seconds: float, attackers: int, mode: str) -> dict:
    stop = time.monotonic() + seconds
    attack: Counter = Counter()
    reads: Counter = Counter()
    logins: Counter = Counter()
    read_latency: list[float] = []
    login_latency: list[float] = []
    tasks = [_reader(base, stop, read_latency, reads), _logger(base, stop, login_latency, logins)]
    if mode != "quiet":
        spread = mode == "many-addresses"
        tasks += [_attacker(base, stop, i, spread, attack) for i in range(attackers)]
    started = time.monotonic()
    await asyncio.gather(*tasks)
    elapsed_min = (time.monotonic() - started) / 60
    checked = attack.get(401, 0)
    return {
        "phase": mode,
        "seconds": round(elapsed_min * 60, 1),
        "attack_requests": sum(attack.values()),
        "attack_statuses": {str(k): v for k, v in sorted(attack.items(), key=str)},
        "server_errors_5xx": sum(v for k, v in attack.items() if isinstance(k, int) and k >= 500)
        + sum(v for k, v in reads.items() if k >= 500)
        + sum(v for k, v in logins.items() if k >= 500),
        "wrong_passwords_checked_per_minute_per_account": round(checked / elapsed_min, 1),
        "wrong_passwords_checked_per_minute_per_address": (
            round(checked / elapsed_min, 1) if mode == "one-address" else None
        ),
        "other_user_page": {**_percentiles(read_latency), "statuses": dict(reads)},
        "other_user_login": {**_percentiles(login_latency), "statuses": dict(logins)},
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=20.0, help="length of each phase")
    parser.add_argument("--attackers", type=int, default=16, help="concurrent attack clients")
    parser.add_argument("--json", action="store_true", help="print JSON only")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        port = _free_port()
        server = _start_server(Path(folder), port)
        base = f"http://127.0.0.1:{port}"
        try:
            results = [
                asyncio.run(_phase(base, args.seconds, args.attackers, mode))
                for mode in ("quiet", "one-address", "many-addresses")
            ]
        finally:
            server.terminate()
            server.wait(timeout=30)
    if args.json:
        print(json.dumps(results, indent=2))
        return
    for result in results:
        print(f"== {result['phase']} ({result['seconds']} s)")
        for key, value in result.items():
            if key not in ("phase", "seconds"):
                print(f"   {key}: {value}")


if __name__ == "__main__":
    main()
