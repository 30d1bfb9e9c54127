"""Benchmark of the web workbench, as a set of named measurements.

Each measurement starts what it needs (a real ``uvicorn`` server in its own process,
on loopback, over a fresh SQLite database in a temporary folder), drives it the way
users do and returns its figures.  The script prints one table (or ``--json``).

Measurements:

- ``votes``: 100 concurrent voters, each logged in through the API, cast their votes
  one after another as fast as the server answers (``POST /api/v1/dialogues/{slug}/votes``).
  Figures: ``votes_per_s`` (votes answered per second of wall time, all voters
  together), ``vote_p95_ms`` and ``vote_p50_ms`` (latency of one vote as its client
  sees it), ``votes_lost`` and ``votes_doubled`` (checked against the database
  afterwards; both must be 0), ``votes_failed`` (answers other than 201),
  ``vote_server_cpu_ms`` (CPU time of the server process per vote: unlike the rates,
  it hardly changes when other programs load the machine) and ``vote_client_cpu_ms``
  (the same for this benchmark's own client, which shares the machine's cores).

- ``http_floor``: the same 100 clients post to an empty ASGI app under the same
  uvicorn: ``floor_requests_per_s``, ``floor_p95_ms`` and ``floor_server_cpu_ms`` are
  what the HTTP server and the client cost alone, the bound no vote route can beat.

- ``assess``: one assessment of the built-in baseline through the API, the way a
  script asks for it (``POST /api/v1/assess``, answered with the result), on a warm
  server.  Figure: ``assess_ms`` (median of 20 runs with a lever changed each time;
  ``assess_server_ms`` is the server's own time from its ``Server-Timing`` header)
  and ``compare_ms`` (A/B comparison, ``POST /api/v1/assess/compare``).
- ``assess_click``: Debian chromium (Playwright) on the assessment explorer: change a
  lever and wait until the result table and charts show the new numbers.  Figure:
  ``assess_click_ms`` (median of 10 changes, from the change event to the charts drawn).
- ``map``: a 50 x 50 stability map of the crisis-stability index through the API.
  Figure: ``map_2500_ms`` (median of 5; 2,500 cells under each of the baseline's two
  assumption sets).
- ``chart_page``: the explorer's first load in a fresh browser context (cold cache):
  ``chart_page_first_load_ms`` (navigation start to the load event, Plotly included)
  and ``chart_page_bytes`` (bytes transferred).
- ``statements``: 50 delegates submit a statement at the same moment
  (``POST /api/v1/dialogues/{slug}/statements``).  Figures: ``statements_refused``
  (answers other than 201) and ``statements_lost`` (submissions not stored).

Usage: ``python benchmarks/bench_web.py [--quick] [--json] [--only NAME ...]
[--server-processes N]``.
``--quick`` shrinks every measurement (100 voters x 10 votes instead of x 50).

Adding a measurement: write a function ``measure_x(options) -> dict[str, float]`` and
list it in :data:`MEASUREMENTS`; :func:`serving` gives it a running server.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import numpy as np
import psutil
from sqlalchemy import insert, select

SECRET = "bench-secret-key-that-is-long-enough-0123456789"
PASSWORD = "bench-password-not-for-real-use"
VOTE_SLUG = "bench-votes"
VOTERS = 100


@dataclass(frozen=True)
class Options:
    """What the command line asked for."""

    quick: bool
    profile_dir: Path | None = None
    server_processes: int = 1


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _scratch_folder() -> Path:
    # tmpfs when there is one: the figures are the server's, not the disk's fsync.
    base = "/dev/shm" if os.path.isdir("/dev/shm") else None
    return Path(tempfile.mkdtemp(prefix="stratstab-bench-", dir=base))


def _wait_until_listening(port: int, process: subprocess.Popen, timeout_s: float = 60.0) -> None:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the server exited with code {process.returncode}")
        with socket.socket() as probe:
            if probe.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.1)
    raise RuntimeError("the server did not start listening")


@dataclass
class Server:
    """A running workbench: its base URL and its process (for CPU accounting)."""

    base_url: str
    process: psutil.Process
    workers: int = 1

    def cpu_s(self) -> float:
        """CPU seconds (user + system) the server's processes have used so far."""
        processes = [self.process, *self.process.children(recursive=True)]
        total = 0.0
        for process in processes:
            try:
                times = process.cpu_times()
            except psutil.NoSuchProcess:  # a helper process that has just ended
                continue
            total += times.user + times.system
        return total


@contextmanager
def serving(
    database_url: str,
    options: Options,
    name: str,
    *,
    app: str = "stratstab.web.app:create_server_app",
) -> Iterator[Server]:
    """A workbench under uvicorn in its own process on ``database_url``.

    ``app`` names another application factory (the ``http_floor`` measurement serves
    :func:`empty_app` with it).  One uvicorn process, httptools and uvloop; with
    ``options.server_processes`` above 1, uvicorn's ``--workers`` that many processes on
    one socket (an experiment: ``stratstab serve`` runs one process).

    With ``options.profile_dir`` the server runs under ``py-spy record`` and leaves its
    collapsed stacks in ``<profile_dir>/<name>.txt`` (flamegraph.pl / speedscope read them).
    """
    port = _free_port()
    env = {
        **os.environ,
        "STRATSTAB_DATABASE_URL": database_url,
        "STRATSTAB_SECRET_KEY": SECRET,
        # 100 voters log in at once from this one address: a burst the login throttle
        # rightly refuses from a real client.  What is measured here is voting.
        "STRATSTAB_LOGIN_LIMITS_ADDRESS": "100000/minute",
    }
    command = [
        sys.executable,
        "-m",
        "uvicorn",
        app,
        "--factory",
        "--app-dir",
        str(Path(__file__).parent),
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        "--log-level",
        "warning",
        "--backlog",
        "2048",
        "--timeout-keep-alive",
        "120",
    ]
    if options.server_processes > 1:
        command += ["--workers", str(options.server_processes)]
    if options.profile_dir is not None:
        options.profile_dir.mkdir(parents=True, exist_ok=True)
        output = options.profile_dir / f"{name}.txt"
        command = [
            "py-spy",
            "record",
            "--gil",
            "--format",
            "raw",
            "-o",
            str(output),
            "--",
            *command,
        ]
    process = subprocess.Popen(command, env=env)
    try:
        _wait_until_listening(port, process)
        served = psutil.Process(process.pid)
        if options.profile_dir is not None:  # the server is py-spy's child
            served = next(c for c in served.children() if "uvicorn" in " ".join(c.cmdline()))
        yield Server(f"http://127.0.0.1:{port}", served, options.server_processes)
    finally:
        process.send_signal(signal.SIGINT)  # py-spy writes its profile on the way out
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


# --------------------------------------------------------------------------- votes


def _prepare_votes(database_url: str, statements: int) -> None:
    """A dialogue with ``statements`` accepted statements and VOTERS delegate accounts."""
    from stratstab.accounts.models import User
    from stratstab.accounts.passwords import hash_password
    from stratstab.dialogue.store import DialogueStore

    with DialogueStore(database_url) as store:
        store.create_dialogue(
            slug=VOTE_SLUG, title="Vote benchmark", track="II", parties=["CN", "US"]
        )
        for number in range(statements):
            store.add_statement(VOTE_SLUG, text_en=f"Statement {number}", moderation="accepted")
        shared_hash = hash_password(PASSWORD)  # one hash for all: argon2 is slow on purpose
        rows = [
            {
                "username": f"voter{i:03d}",
                "display_name": f"voter {i}",
                "password_hash": shared_hash,
                "role": "delegate",
                "delegation_code": "CN" if i % 2 else "US",
                "locale": "en",
                "is_active": True,
            }
            for i in range(VOTERS)
        ]
        with store.session(write=True) as session:
            session.execute(insert(User), rows)
            _make_members(session)


def _make_members(session) -> None:
    """Every delegate a member of the benchmark dialogue (where dialogues have members)."""
    try:
        from stratstab.dialogue.membership import DialogueMember
    except ModuleNotFoundError:  # an older stratstab: every delegate may enter
        return
    from stratstab.accounts.models import User
    from stratstab.dialogue.models import Dialogue

    dialogue_id = session.scalar(select(Dialogue.id).where(Dialogue.slug == VOTE_SLUG))
    members = [
        {"dialogue_id": dialogue_id, "user_id": user_id, "role": "delegate", "party": code}
        for user_id, code in session.execute(select(User.id, User.delegation_code)).all()
    ]
    session.execute(insert(DialogueMember), members)


async def _login(client: httpx.AsyncClient, username: str) -> dict[str, str]:
    token = (await client.get("/api/v1/auth/csrf")).json()["csrf_token"]
    answer = await client.post(
        "/api/v1/auth/login",
        headers={"X-CSRF-Token": token},
        json={"username": username, "password": PASSWORD},
    )
    answer.raise_for_status()
    return {"X-CSRF-Token": answer.json()["csrf_token"]}


async def _log_in_all(base_url: str) -> list[tuple[str, str]]:
    """Every voter logged in through the API: (Cookie header, CSRF token) each."""

    async def one(index: int) -> tuple[str, str]:
        async with httpx.AsyncClient(base_url=base_url, timeout=120.0) as client:
            headers = await _login(client, f"voter{index:03d}")
            cookie = "; ".join(f"{name}={value}" for name, value in client.cookies.items())
            return cookie, headers["X-CSRF-Token"]

    return list(await asyncio.gather(*(one(i) for i in range(VOTERS))))


def _raw_post(path: str, body: bytes, headers: dict[str, str]) -> str:
    """One complete HTTP/1.1 keep-alive POST with a JSON body, as latin-1 text."""
    lines = [
        f"POST {path} HTTP/1.1",
        "Host: 127.0.0.1",
        "Content-Type: application/json",
        f"Content-Length: {len(body)}",
        *(f"{name}: {value}" for name, value in headers.items()),
    ]
    return "\r\n".join(lines) + "\r\n\r\n" + body.decode("latin-1")


def _load(server: Server, connections: list[list[str]]) -> dict:
    """Send each connection's requests through :mod:`http_load` in its own process.

    The client opens every connection first; the server's CPU is read just before all
    connections start and just after the last answer.
    """
    host, port = server.base_url.removeprefix("http://").split(":")
    spec = {
        "host": host,
        "port": int(port),
        "connections": [{"requests": requests} for requests in connections],
    }
    client = subprocess.Popen(
        [sys.executable, str(Path(__file__).parent / "http_load.py")],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert client.stdin is not None and client.stdout is not None
    client.stdin.write(json.dumps(spec) + "\n")
    client.stdin.flush()
    if client.stdout.readline().strip() != "ready":
        raise RuntimeError("the load client could not connect")
    cpu_before = server.cpu_s()
    client.stdin.write("go\n")
    client.stdin.flush()
    line = client.stdout.readline()
    cpu_s = server.cpu_s() - cpu_before
    if client.wait() != 0 or not line:
        raise RuntimeError("the load client failed (see its message above)")
    outcome = json.loads(line)
    outcome["cpu_s"] = cpu_s
    return outcome


def measure_votes(options: Options) -> dict[str, float]:
    """100 concurrent voters on SQLite: throughput, latency, and nothing lost or doubled."""
    from stratstab.dialogue.store import DialogueStore

    statements = 10 if options.quick else 50
    folder = _scratch_folder()
    database_url = f"sqlite:///{folder / 'votes.sqlite'}"
    _prepare_votes(database_url, statements)
    with DialogueStore(database_url, migrate=False) as store:
        statement_ids = [s.external_id for s in store.statements(VOTE_SLUG)]
    plans = np.random.default_rng(7).choice([-1, 0, 1], size=(VOTERS, statements))
    path = f"/api/v1/dialogues/{VOTE_SLUG}/votes"
    with serving(database_url, options, "votes") as server:
        logins = asyncio.run(_log_in_all(server.base_url))
        connections = [
            [
                _raw_post(
                    path,
                    json.dumps({"statement": statement, "value": int(value)}).encode(),
                    {"Cookie": cookie, "X-CSRF-Token": token},
                )
                for statement, value in zip(statement_ids, plans[i], strict=True)
            ]
            for i, (cookie, token) in enumerate(logins)
        ]
        outcome = _load(server, connections)
        workers = server.workers
    with DialogueStore(database_url, migrate=False) as store:
        history = store.vote_history(VOTE_SLUG)
    pairs = Counter((v.participant, v.statement) for v in history)
    latencies = np.asarray(outcome["latency_s"])
    sent = VOTERS * statements
    return {
        "server_processes": workers,
        "votes_per_s": round(sent / outcome["elapsed_s"], 1),
        "vote_p50_ms": round(1000 * float(np.percentile(latencies, 50)), 1),
        "vote_p95_ms": round(1000 * float(np.percentile(latencies, 95)), 1),
        "votes_sent": sent,
        "votes_failed": sum(1 for status in outcome["status"] if status != 201),
        "votes_lost": sent - len(pairs),
        "votes_doubled": sum(1 for c in pairs.values() if c > 1),
        "vote_server_cpu_ms": round(1000 * outcome["cpu_s"] / sent, 2),
        "vote_client_cpu_ms": round(1000 * outcome["client_cpu_s"] / sent, 2),
    }


# --------------------------------------------------------------------------- the floor


def empty_app():
    """An ASGI app that answers every request with a fixed 201 JSON body: uvicorn alone."""

    async def app(scope, receive, send):
        if scope["type"] == "lifespan":
            while (await receive())["type"] != "lifespan.shutdown":
                await send({"type": "lifespan.startup.complete"})
            await send({"type": "lifespan.shutdown.complete"})
            return
        while (await receive()).get("more_body"):
            pass
        body = b'{"ok": true}'
        headers = [(b"content-type", b"application/json"), (b"content-length", b"12")]
        await send({"type": "http.response.start", "status": 201, "headers": headers})
        await send({"type": "http.response.body", "body": body})

    return app


def measure_http_floor(options: Options) -> dict[str, float]:
    """What bounds the vote rate: the same 100 clients posting to an app that does nothing.

    uvicorn (httptools, uvloop) with an empty ASGI app, driven exactly as the voters
    drive the workbench: the rate no Python web app behind one uvicorn process can
    beat on this machine, with the benchmark's own client sharing its cores.
    """
    requests = 10 if options.quick else 50
    body = json.dumps({"statement": "s1", "value": 1}).encode()
    connections = [[_raw_post("/vote", body, {})] * requests for _ in range(VOTERS)]
    with serving("sqlite://", options, "http_floor", app="bench_web:empty_app") as server:
        outcome = _load(server, connections)
    latencies = np.asarray(outcome["latency_s"])
    sent = VOTERS * requests
    return {
        "floor_requests_per_s": round(sent / outcome["elapsed_s"], 1),
        "floor_p95_ms": round(1000 * float(np.percentile(latencies, 95)), 1),
        "floor_server_cpu_ms": round(1000 * outcome["cpu_s"] / sent, 3),
        "floor_client_cpu_ms": round(1000 * outcome["client_cpu_s"] / sent, 3),
    }


# --------------------------------------------------------------------------- assessments

ANALYST = "observer"  # a demo account; any logged-in user may run assessments
CHROMIUM = os.environ.get("STRATSTAB_TEST_CHROMIUM") or "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def _demo_database() -> str:
    """A fresh SQLite database with the demo workspace; returns its URL."""
    from stratstab.web.app import create_app
    from stratstab.web.demo import seed_demo
    from stratstab.web.settings import Settings

    url = f"sqlite:///{_scratch_folder() / 'demo.sqlite'}"
    app = create_app(Settings(database_url=url, secret_key=SECRET))
    seed_demo(app.state.session_factory, store=app.state.store)
    return url


@contextmanager
def _api_client(base_url: str) -> Iterator[httpx.Client]:
    """A client logged in as the demo analyst, sending its CSRF token."""
    from stratstab.web.demo import demo_password

    with httpx.Client(base_url=base_url, timeout=120.0) as client:
        yield _logged_in(client, demo_password(ANALYST))


def _logged_in(client: httpx.Client, password: str) -> httpx.Client:
    token = client.get("/api/v1/auth/csrf").json()["csrf_token"]
    answer = client.post(
        "/api/v1/auth/login",
        headers={"X-CSRF-Token": token},
        json={"username": ANALYST, "password": password},
    )
    answer.raise_for_status()
    client.headers["X-CSRF-Token"] = answer.json()["csrf_token"]
    return client


def _server_ms(answer: httpx.Response) -> float:
    timing = answer.headers.get("Server-Timing", "")
    for part in timing.split(","):
        name, _, rest = part.strip().partition(";dur=")
        if name == "app" and rest:
            return float(rest)
    return float("nan")


def measure_assess(options: Options) -> dict[str, float]:
    """One assessment and one A/B comparison through the API, warm server."""
    runs = 10 if options.quick else 20
    with (
        serving(_demo_database(), options, "assess") as server,
        _api_client(server.base_url) as client,
    ):
        body = {"scenario": "us-china-2024-baseline", "view": "US-view"}
        client.post("/api/v1/assess", json=body).raise_for_status()  # warm: kernel loaded
        wall, server = [], []
        for run in range(runs):
            body["levers"] = {"US.interceptors": 44 + 10 * run}
            started = time.perf_counter()
            answer = client.post("/api/v1/assess", json=body)
            wall.append(time.perf_counter() - started)
            answer.raise_for_status()
            server.append(_server_ms(answer))
        pair = {
            "scenario": "us-china-2024-baseline",
            "left": {"view": "US-view"},
            "right": {"view": "CN-view"},
        }
        compare = []
        for run in range(runs):
            pair["right"]["levers"] = {"US.interceptors": 44 + 10 * run}
            started = time.perf_counter()
            client.post("/api/v1/assess/compare", json=pair).raise_for_status()
            compare.append(time.perf_counter() - started)
    return {
        "assess_ms": round(1000 * float(np.median(wall)), 1),
        "assess_server_ms": round(float(np.median(server)), 1),
        "compare_ms": round(1000 * float(np.median(compare)), 1),
    }


def measure_map(options: Options) -> dict[str, float]:
    """A 50 x 50 crisis-stability map under both assumption sets, through the API."""
    runs = 3 if options.quick else 5
    body = {
        "scenario": "us-china-2024-baseline",
        "x": "US.interceptors=0:490:50",
        "y": "CN.survivability_mobile=0:1:50",
        "metric": "crisis",
    }
    with (
        serving(_demo_database(), options, "map") as server,
        _api_client(server.base_url) as client,
    ):
        client.post("/api/v1/assess/map", json=body).raise_for_status()  # warm
        times = []
        for _ in range(runs):
            started = time.perf_counter()
            client.post("/api/v1/assess/map", json=body).raise_for_status()
            times.append(time.perf_counter() - started)
    return {"map_2500_ms": round(1000 * float(np.median(times)), 1)}


@contextmanager
def _browser() -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


def _logged_in_page(browser: Any, base_url: str) -> Any:
    from stratstab.web.demo import demo_password

    context = browser.new_context(base_url=base_url, viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.goto("/login")
    page.fill("input[name=username]", ANALYST)
    page.fill("input[name=password]", demo_password(ANALYST))
    page.click("button[type=submit].primary")
    page.wait_for_load_state("networkidle")
    return page


def measure_assess_click(options: Options) -> dict[str, float]:
    """Browser: change a lever in the explorer, wait for the new result to be drawn."""
    changes = 5 if options.quick else 10
    with serving(_demo_database(), options, "assess_click") as server, _browser() as browser:
        page = _logged_in_page(browser, server.base_url)
        page.goto("/assess")
        page.wait_for_selector("[data-testid=assessment-result] div.plot .main-svg")
        times = []
        for change in range(changes):
            value = str(100 + 25 * change)
            elapsed = page.evaluate(
                """async (value) => {
                  const field = document.querySelector("input[name='a.US.interceptors']");
                  const started = performance.now();
                  const drawn = new Promise((resolve) => document.addEventListener(
                    "stratstab:drawn", resolve, { once: true }));
                  field.value = value;
                  field.dispatchEvent(new Event("change", { bubbles: true }));
                  await drawn;
                  return performance.now() - started;
                }""",
                value,
            )
            times.append(elapsed)
        page.context.close()
    return {"assess_click_ms": round(float(np.median(times)), 1)}


def measure_chart_page(options: Options) -> dict[str, float]:
    """Browser: first load of the explorer with an empty cache, Plotly included."""
    runs = 3 if options.quick else 5
    with serving(_demo_database(), options, "chart_page") as server, _browser() as browser:
        base_url = server.base_url
        page = _logged_in_page(browser, base_url)
        state = page.context.storage_state()
        times, sizes = [], []
        for _ in range(runs):
            context = browser.new_context(base_url=base_url, storage_state=state)
            fresh = context.new_page()  # a new context: nothing cached
            fresh.goto("/assess", wait_until="load")
            timing = fresh.evaluate(
                """() => {
                  const nav = performance.getEntriesByType("navigation")[0];
                  const bytes = performance.getEntriesByType("resource")
                    .reduce((sum, r) => sum + r.transferSize, nav.transferSize);
                  return [nav.loadEventEnd - nav.startTime, bytes];
                }"""
            )
            times.append(timing[0])
            sizes.append(timing[1])
            context.close()
        page.context.close()
    return {
        "chart_page_first_load_ms": round(float(np.median(times)), 1),
        "chart_page_bytes": int(np.median(sizes)),
    }


# --------------------------------------------------------------------------- statements

AUTHORS = 50


async def _author(base_url: str, index: int, start: asyncio.Barrier, codes: list[int]) -> None:
    async with httpx.AsyncClient(base_url=base_url, timeout=120.0) as client:
        headers = await _login(client, f"voter{index:03d}")
        await start.wait()  # every author logged in: all submit together
        answer = await client.post(
            f"/api/v1/dialogues/{VOTE_SLUG}/statements",
            headers=headers,
            json={"text_en": f"Submitted by author {index}"},
        )
        codes.append(answer.status_code)


async def _all_authors(server: Server) -> list[int]:
    start = asyncio.Barrier(AUTHORS)
    codes: list[int] = []
    await asyncio.gather(*(_author(server.base_url, i, start, codes) for i in range(AUTHORS)))
    return codes


def measure_statements(options: Options) -> dict[str, float]:
    """50 statements submitted at the same moment: how many are refused or lost."""
    from stratstab.dialogue.store import DialogueStore

    folder = _scratch_folder()
    database_url = f"sqlite:///{folder / 'statements.sqlite'}"
    _prepare_votes(database_url, 0)
    with serving(database_url, options, "statements") as server:
        codes = asyncio.run(_all_authors(server))
    with DialogueStore(database_url, migrate=False) as store:
        stored = [s for s in store.statements(VOTE_SLUG) if s.text_en.startswith("Submitted")]
    return {
        "statements_sent": AUTHORS,
        "statements_refused": sum(1 for c in codes if c != 201),
        "statements_lost": AUTHORS - len(stored),
    }


# --------------------------------------------------------------------------- driver

MEASUREMENTS: dict[str, Callable[[Options], dict[str, float]]] = {
    "votes": measure_votes,
    "http_floor": measure_http_floor,
    "assess": measure_assess,
    "assess_click": measure_assess_click,
    "map": measure_map,
    "chart_page": measure_chart_page,
    "statements": measure_statements,
}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="smaller runs (about a minute)")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    parser.add_argument(
        "--only", nargs="+", choices=sorted(MEASUREMENTS), help="run only these measurements"
    )
    parser.add_argument(
        "--profile",
        type=Path,
        metavar="DIR",
        help="run each server under py-spy and write its stacks to DIR/<measurement>.txt",
    )
    parser.add_argument(
        "--server-processes",
        type=int,
        default=1,
        metavar="N",
        help="serve with N uvicorn worker processes (an experiment; default 1)",
    )
    args = parser.parse_args(argv)
    if args.server_processes < 1:
        parser.error("--server-processes must be 1 or more")
    options = Options(
        quick=args.quick, profile_dir=args.profile, server_processes=args.server_processes
    )
    figures: dict[str, Any] = {}
    for name in args.only or list(MEASUREMENTS):
        figures.update(MEASUREMENTS[name](options))
    if args.json:
        print(json.dumps(figures, indent=2))
    else:
        width = max(len(k) for k in figures)
        for key, value in figures.items():
            print(f"{key:<{width}}  {value}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
