"""Background jobs for long computations: stored in the database, run under budgets.

A job is a picklable function and its arguments, run in a worker *process* (Pebble's
process pool) so that it cannot hold the server: each worker's address space is
capped by ``RLIMIT_AS`` (the memory budget: a job that needs more fails with a clear
message instead of growing the server), and a job that outlives the time budget is
stopped by terminating its worker, which the pool replaces.

What was asked, the state, the result and any error live in the ``job`` table, so a
job survives a restart of the workbench; a job that was queued or running when the
workbench stopped is marked *interrupted* at the next start, never lost silently.
Interactive single runs do not need this machinery; it is for computations that take
long (uncertainty, sweeps, assurance) and for the explorer's queued runs.
"""

from __future__ import annotations

import multiprocessing
import os
import queue
import threading
import uuid
from collections.abc import Callable
from concurrent.futures import TimeoutError as FutureTimeout
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import delete, func, select, update
from sqlalchemy.orm import Session, sessionmaker

from stratstab.db import transaction
from stratstab.errors import NotFoundError, QuotaError, StratstabError
from stratstab.workspace.limits import WorkspaceLimits
from stratstab.workspace.models import Job, utcnow

ACTIVE_STATES = ("queued", "running")
INTERRUPTED_MESSAGE = (
    "the workbench stopped before this job finished; nothing of it was kept — start it again"
)


@dataclass(frozen=True)
class JobView:
    """A job as pollers see it (a detached copy of its row)."""

    id: str
    owner_id: int
    kind: str
    state: str
    done: int
    total: int
    note: str
    result: Any
    error: str | None
    created_at: datetime
    finished_at: datetime | None

    @property
    def progress(self) -> float:
        """Fraction of the work done, in [0, 1]."""
        if self.state == "done":
            return 1.0
        return min(1.0, self.done / self.total) if self.total else 0.0


def _view(row: Job) -> JobView:
    return JobView(
        row.id,
        row.owner_id,
        row.kind,
        row.state,
        row.done,
        row.total,
        row.note,
        row.result,
        row.error,
        row.created_at,
        row.finished_at,
    )


def _limit_worker(memory_budget_mib: int) -> None:
    """Pebble worker initializer: cap the address space, one BLAS thread."""
    import resource

    os.environ["OPENBLAS_NUM_THREADS"] = os.environ["OMP_NUM_THREADS"] = "1"
    limit = memory_budget_mib * 1024 * 1024
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))


def _load_models() -> None:
    """Import the assessment code in a worker (the warm-up task)."""
    import stratstab.analysis.assessment.assess  # noqa: F401


class _Dispatchers:
    """Daemon threads that hand jobs to the worker processes and wait for their results.

    Not a ThreadPoolExecutor: Python joins every executor thread when it exits, so a job
    still waiting on a worker would keep a stopped server (or a test run) from ever
    ending.  An unfinished job needs no thread to end cleanly: its record is in the
    database, and the next start of the workbench marks it interrupted.
    """

    def __init__(self, count: int) -> None:
        self._queue: queue.Queue[tuple[Callable[..., Any], tuple] | None] = queue.Queue()
        self._count = count
        self._threads: list[threading.Thread] = []
        self._lock = threading.Lock()

    def _loop(self) -> None:
        while (item := self._queue.get()) is not None:
            function, args = item
            function(*args)

    def submit(self, function: Callable[..., Any], *args: Any) -> None:
        """Run ``function(*args)`` on the next free dispatcher."""
        with self._lock:
            if not self._threads:
                for i in range(self._count):
                    thread = threading.Thread(target=self._loop, name=f"job_{i}", daemon=True)
                    thread.start()
                    self._threads.append(thread)
        self._queue.put((function, args))

    def shutdown(self) -> None:
        """Take no more jobs: drop the queued ones and let every dispatcher finish."""
        while True:
            try:
                self._queue.get_nowait()
            except queue.Empty:
                break
        for _ in self._threads:
            self._queue.put(None)


class JobRunner:
    """Runs jobs in budgeted worker processes and keeps their records in the database."""

    def __init__(
        self, factory: sessionmaker[Session], limits: WorkspaceLimits, *, max_workers: int = 2
    ) -> None:
        self._factory, self.limits = factory, limits
        self._max_workers = max_workers
        self._threads = _Dispatchers(max_workers)
        self._pool: Any = None
        self._pool_lock = threading.Lock()
        self.interrupted_at_start = self._mark_interrupted()

    def _mark_interrupted(self) -> int:
        """Mark jobs a previous run of the workbench left unfinished; return how many."""
        with transaction(self._factory) as session:
            return session.execute(
                update(Job)
                .where(Job.state.in_(ACTIVE_STATES))
                .values(state="interrupted", error=INTERRUPTED_MESSAGE, finished_at=utcnow())
            ).rowcount

    def _process_pool(self) -> Any:
        """The worker processes, started on first use (most apps never run a job)."""
        with self._pool_lock:
            if self._pool is None:
                from pebble import ProcessPool

                self._pool = ProcessPool(
                    max_workers=self._max_workers,
                    initializer=_limit_worker,
                    initargs=(self.limits.job_memory_budget_mib,),
                    context=multiprocessing.get_context("forkserver"),
                )
            return self._pool

    def warm(self) -> None:
        """Start the workers now and load the models in them (about 5 s of imports),
        so the first user's job does not wait for it."""
        self._process_pool().schedule(_load_models)

    def submit(
        self,
        *,
        owner_id: int,
        kind: str,
        request: dict[str, Any],
        task: Callable[..., Any],
        args: tuple = (),
        note: str = "",
    ) -> JobView:
        """Store the job and queue ``task(*args)``; QuotaError past the user's active jobs."""
        # A write transaction from the start: the count is read, then the job written; as
        # a plain read that turned writer, it failed at once ("database is locked") on
        # SQLite whenever a running job had saved its progress in between.
        with transaction(self._factory, write=True) as session:
            active = session.scalar(
                select(func.count()).where(Job.owner_id == owner_id, Job.state.in_(ACTIVE_STATES))
            )
            if (active or 0) >= self.limits.active_jobs_per_user:
                raise QuotaError(
                    f"you already have {active} runs in progress; wait for one to finish",
                    key="limits.jobs_quota",
                    n=self.limits.active_jobs_per_user,
                )
            row = Job(
                id=uuid.uuid4().hex,
                owner_id=owner_id,
                kind=kind,
                state="queued",
                done=0,
                total=1,
                note=note,
                request=request,
            )
            session.add(row)
        view = _view(row)
        self._threads.submit(self._run, view.id, task, args)
        return view

    def _set(self, job_id: str, **values: Any) -> None:
        with transaction(self._factory) as session:
            session.execute(update(Job).where(Job.id == job_id).values(**values))

    def _run(self, job_id: str, task: Callable[..., Any], args: tuple) -> None:
        self._set(job_id, state="running", started_at=utcnow())
        budget_s = self.limits.job_time_budget_s
        try:
            future = self._process_pool().schedule(task, args=args, timeout=budget_s)
            result = future.result()
        except StratstabError as exc:
            self._fail(job_id, str(exc))
        except FutureTimeout:
            self._fail(job_id, f"stopped: the job took longer than its {budget_s:g} s budget")
        except MemoryError:
            self._fail(
                job_id,
                f"stopped: the job needed more than its {self.limits.job_memory_budget_mib} MiB "
                "memory budget",
            )
        except Exception as exc:  # noqa: BLE001 - a failed job must not kill the runner
            self._fail(job_id, f"internal error ({exc.__class__.__name__})")
        else:
            self._set(job_id, state="done", done=1, total=1, result=result, finished_at=utcnow())
        self._prune(job_id)

    def _fail(self, job_id: str, message: str) -> None:
        self._set(job_id, state="failed", error=message, finished_at=utcnow())

    def _prune(self, job_id: str) -> None:
        """Keep each user's newest finished jobs only (the oldest go first)."""
        with transaction(self._factory) as session:
            owner = session.scalar(select(Job.owner_id).where(Job.id == job_id))
            keep = select(Job.id).where(Job.owner_id == owner).order_by(Job.created_at.desc())
            kept = set(session.scalars(keep.limit(self.limits.kept_jobs_per_user)))
            session.execute(
                delete(Job).where(
                    Job.owner_id == owner, Job.state.not_in(ACTIVE_STATES), Job.id.not_in(kept)
                )
            )

    def get(self, job_id: str, *, owner_id: int) -> JobView:
        """The job if it exists and belongs to ``owner_id``; else NotFoundError."""
        with self._factory() as session:
            row = session.scalar(select(Job).where(Job.id == job_id[:32], Job.owner_id == owner_id))
        if row is None:
            raise NotFoundError(f"no job {job_id[:32]!r}")
        return _view(row)

    def shutdown(self) -> None:
        """Stop accepting jobs and stop the workers (unfinished jobs become interrupted)."""
        self._threads.shutdown()
        with self._pool_lock:
            if self._pool is not None:
                self._pool.stop()
                self._pool = None
