"""Background jobs on a thread pool, so long computations never block the server.

A job is a function ``work(report)`` where ``report(done, total, note)`` publishes
progress.  The registry keeps the most recent jobs in memory (they are recomputable
results, not records) and answers polls by job id; only the job's owner may read it.
"""

from __future__ import annotations

import threading
import time
import uuid
from collections import OrderedDict
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any, Literal

from stratstab.errors import NotFoundError, StratstabError

JobState = Literal["queued", "running", "done", "failed"]
ProgressReporter = Callable[[int, int, str], None]


@dataclass
class Job:
    """State of one background job, as seen by pollers."""

    id: str
    owner_id: int
    kind: str
    state: JobState = "queued"
    done: int = 0
    total: int = 1
    note: str = ""
    result: Any = None
    error: str | None = None
    created_at_s: float = field(default_factory=time.time)
    finished_at_s: float | None = None

    @property
    def progress(self) -> float:
        """Fraction of the work done, in [0, 1]."""
        if self.state == "done":
            return 1.0
        return min(1.0, self.done / self.total) if self.total else 0.0


class JobRunner:
    """Thread pool plus a bounded, thread-safe registry of jobs."""

    def __init__(self, *, max_workers: int = 2, keep_jobs: int = 200):
        self._pool = ThreadPoolExecutor(max_workers=max_workers, thread_name_prefix="stratstab-job")
        self._jobs: OrderedDict[str, Job] = OrderedDict()
        self._lock = threading.Lock()
        self._keep = keep_jobs

    def submit(self, *, owner_id: int, kind: str, work: Callable[[ProgressReporter], Any]) -> Job:
        """Queue ``work`` and return its job at once."""
        job = Job(id=uuid.uuid4().hex, owner_id=owner_id, kind=kind)
        with self._lock:
            self._jobs[job.id] = job
            while len(self._jobs) > self._keep:
                self._jobs.popitem(last=False)
        self._pool.submit(self._run, job, work)
        return job

    def _run(self, job: Job, work: Callable[[ProgressReporter], Any]) -> None:
        def report(done: int, total: int, note: str = "") -> None:
            job.done, job.total, job.note = done, max(total, 1), note

        job.state = "running"
        try:
            job.result = work(report)
            job.state = "done"
        except StratstabError as exc:
            job.error, job.state = str(exc), "failed"
        except Exception as exc:  # noqa: BLE001 - a failed job must not kill the worker
            job.error, job.state = f"internal error: {exc.__class__.__name__}: {exc}", "failed"
        finally:
            job.finished_at_s = time.time()

    def get(self, job_id: str, *, owner_id: int) -> Job:
        """The job if it exists and belongs to ``owner_id``; else NotFoundError."""
        with self._lock:
            job = self._jobs.get(job_id)
        if job is None or job.owner_id != owner_id:
            raise NotFoundError(f"no job {job_id!r}")
        return job

    def shutdown(self) -> None:
        """Stop accepting jobs; running ones finish in the background."""
        self._pool.shutdown(wait=False, cancel_futures=True)
