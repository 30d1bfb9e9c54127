"""Consensus recomputed off the request path: debounced, stored, announced by version.

A vote on a public statement raises the dialogue's consensus version in its own
transaction (:mod:`stratstab.dialogue.snapshots`); it never computes anything.  This
worker, one daemon thread per server process, recomputes each out-of-date dialogue at
most once per ``debounce_s`` seconds, stores the result with the version it reflects,
and so every open page reads one stored analysis instead of computing its own.  Pages
ask a tiny version endpoint and fetch the new fragment only when the version moved.

The computation itself (grouping, bootstrap, exact intervals: a fraction of a second of
CPU for a large room) runs in a child process of its own when the worker runs as a
thread: in the server process it would hold the interpreter lock for that long and
delay every vote being answered meanwhile.  :meth:`start` starts the child with the
thread, so that its interpreter and the analysis's libraries are loaded before the
first vote of a session rather than during it; the child is reused, and if it dies the
computation runs in the thread and the next one starts a new child.
:meth:`ConsensusWorker.step` called directly (as tests do) computes in the calling
thread unless it is given somewhere else to run it.

The dirty flag lives in the database, so a restart loses nothing: the first step after
start computes every dialogue left out of date.  Several server processes share the
work through a lease per dialogue.  The grouping is the reproducible batch grouping by
default (the same votes give the same groups whenever they are computed); with
``grouping="polis"`` each update starts from the previous one's centres as Pol.is does
(:func:`stratstab.dialogue.clusters.polis_grouping`, state kept in the database).

Tests drive :meth:`ConsensusWorker.step` with an explicit ``now``; nothing sleeps.
"""

from __future__ import annotations

import logging
import multiprocessing
import threading
import time
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from datetime import datetime
from typing import Literal

from stratstab.dialogue import snapshots
from stratstab.dialogue.consensus import ConsensusResult
from stratstab.dialogue.models import utc_now
from stratstab.dialogue.store import DialogueStore
from stratstab.web.dialogues import service
from stratstab.web.dialogues.child_process import prepare as prepare_child
from stratstab.web.dialogues.service import Runner

log = logging.getLogger(__name__)

#: Shortest time between two computations of one dialogue, in seconds.
DEFAULT_DEBOUNCE_S = 5.0
#: How long a computation may hold its dialogue before another process may take it, s.
LEASE_S = 120.0
#: How often an idle worker looks for changes made by other processes (CLI, imports), s.
IDLE_POLL_S = 1.0


class ConsensusWorker:
    """Recomputes out-of-date consensus analyses; :meth:`step` does one round of work.

    Parameters
    ----------
    store:
        The dialogue store of the workbench.
    debounce_s:
        Shortest time between two computations of the same dialogue, in seconds.
    grouping:
        ``batch`` (reproducible k-means++ from seed 0) or ``polis`` (warm-started
        from the previous update, as Pol.is does).
    clock:
        Source of the current time (tests pass their own).
    child_process:
        Whether the thread started by :meth:`start` computes in a child process
        (the default) rather than in itself.
    """

    def __init__(
        self,
        store: DialogueStore,
        *,
        debounce_s: float = DEFAULT_DEBOUNCE_S,
        grouping: Literal["batch", "polis"] = "batch",
        clock: Callable[[], datetime] = utc_now,
        child_process: bool = True,
    ) -> None:
        self.store = store
        self.debounce_s = debounce_s
        self.grouping = grouping
        self.clock = clock
        self.child_process = child_process
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._child: ProcessPoolExecutor | None = None

    # ------------------------------------------------------------------ one step

    def step(self, now: datetime | None = None, *, run: Runner | None = None) -> list[str]:
        """Recompute every dialogue that is due at ``now``; return their slugs.

        A dialogue is due when its version is ahead of its stored result, its last
        computation is at least ``debounce_s`` old, and no other process holds it.
        A computation that fails leaves the dialogue out of date (logged; tried again
        at the next step) and never stops the others.  ``run`` runs each analysis
        (a picklable call without arguments); by default in this thread.
        """
        now = now or self.clock()
        due = self.store.consensus_due(now=now, debounce_s=self.debounce_s)
        done = []
        for item in due:
            if not self.store.claim_consensus(item.dialogue_id, now=now, lease_s=LEASE_S):
                continue
            try:
                self._recompute(item, now=now, run=run)
            except Exception:
                log.exception("consensus of %s could not be computed", item.slug)
                self.store.release_consensus(item.dialogue_id)
                continue
            done.append(item.slug)
        return done

    def _recompute(self, item: snapshots.DueDialogue, *, now: datetime, run: Runner | None) -> None:
        # The version is read before the votes: a vote arriving meanwhile raises the
        # version past the one stored here, so the dialogue stays due.
        version = self.store.consensus_version(item.slug) or item.version
        started = time.perf_counter()
        previous = self.store.polis_state(item.slug) if self.grouping == "polis" else None
        analysis = service.analyze_public(
            self.store,
            item.slug,
            kmeans="polis" if self.grouping == "polis" else "default",
            previous=previous,
            run=run,
        )
        compute_ms = 1000 * (time.perf_counter() - started)
        if analysis is not None and analysis.polis_state is not None:
            self.store.save_polis_state(item.slug, analysis.polis_state)
        self.store.store_consensus(
            item.dialogue_id,
            version=version,
            result=analysis.to_dict() if analysis is not None else None,
            now=now,
            compute_ms=compute_ms,
        )

    # ------------------------------------------------------------------ the thread

    def wait_s(self, now: datetime | None = None) -> float:
        """How long the thread may sleep before the next step has work, in seconds."""
        due_in = self.store.seconds_until_consensus_due(
            now=now or self.clock(), debounce_s=self.debounce_s
        )
        return IDLE_POLL_S if due_in is None else min(max(due_in, 0.05), IDLE_POLL_S)

    def start(self) -> None:
        """Run steps on a daemon thread until :meth:`stop` (idempotent)."""
        if self._thread is not None and self._thread.is_alive():
            return
        self._stop.clear()
        if self.child_process:
            self._start_child()
        self._thread = threading.Thread(target=self._run, name="consensus-worker", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        """Ask the thread to end and wait for the step under way; end the child process."""
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=30)
            self._thread = None
        if self._child is not None:
            self._child.shutdown(wait=True, cancel_futures=True)
            self._child = None

    def in_child(self, call: Callable[[], ConsensusResult]) -> ConsensusResult:
        """Run ``call`` in the worker's child process (started here if it is not running)."""
        child = self._child or self._start_child()
        try:
            return child.submit(call).result()
        except BrokenProcessPool:
            log.warning("the consensus child process ended; computing in the server once")
            self._child = None
            return call()

    def _start_child(self) -> ProcessPoolExecutor:
        # "spawn": a fresh interpreter, never a fork of this threaded server.  The child
        # imports the analysis when it starts and ends itself if the server is killed;
        # submitting a trivial call starts it now (the executor would otherwise start it
        # at the first computation).
        self._child = ProcessPoolExecutor(
            max_workers=1,
            mp_context=multiprocessing.get_context("spawn"),
            initializer=prepare_child,
            initargs=("stratstab.dialogue.consensus",),
        )
        self._child.submit(int)
        return self._child

    def _run(self) -> None:
        runner = self.in_child if self.child_process else None
        while not self._stop.is_set():
            try:
                self.step(run=runner)
                pause = self.wait_s()
            except Exception:  # the database went away for a moment: try again later
                log.exception("consensus worker step failed")
                pause = IDLE_POLL_S
            self._stop.wait(pause)
