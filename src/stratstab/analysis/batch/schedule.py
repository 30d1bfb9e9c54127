"""Run a sweep's chunks in this process, on local worker processes, or on a Dask cluster.

``local`` evaluates chunk after chunk here; ``processes`` starts a
``dask.distributed.LocalCluster`` (one single-threaded worker process per core unless
told otherwise); ``tcp://HOST:PORT`` connects to a running Dask scheduler.  At most a
few chunks per worker are in flight at a time and each finished chunk is written
straight to disk, so memory stays bounded by the chunk size, not by the sweep size.

Workers of an external cluster run at full speed only if started with
``MALLOC_MMAP_THRESHOLD_=1073741824 MALLOC_TRIM_THRESHOLD_=1073741824`` in their
environment (see :data:`WORKER_MALLOC_ENVIRON`); Dask's default halves the rate.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import numpy as np

from stratstab.analysis.batch.store import SweepStore
from stratstab.analysis.batch.sweep import SweepSpec, chunk_rows, evaluate_chunk
from stratstab.analysis.reference.inputs import resolve
from stratstab.errors import InputError

IN_FLIGHT_PER_WORKER = 2
# Dask starts workers with MALLOC_TRIM_THRESHOLD_=65536, which also freezes glibc's
# mmap threshold at 128 KiB: every large temporary array is then mapped, page-faulted
# and unmapped afresh, and the batch kernel (many short-lived arrays of a few MB) ran
# at half speed.  Our own workers keep such arrays on the heap for reuse.  Workers of
# an external cluster keep their own settings.
WORKER_MALLOC_ENVIRON = {
    "distributed.nanny.pre-spawn-environ.MALLOC_TRIM_THRESHOLD_": str(2**30),
    "distributed.nanny.pre-spawn-environ.MALLOC_MMAP_THRESHOLD_": str(2**30),
}


@dataclass(frozen=True)
class SweepRun:
    """What a finished sweep produced."""

    path: Path
    rows: int
    chunks: int
    chunks_resumed: int
    workers: int
    seconds_evaluating: float
    rows_resumed: int = 0


@contextmanager
def _client(scheduler: str, workers: int | None) -> Iterator[Any]:
    import dask
    from dask.distributed import Client, LocalCluster

    if scheduler == "processes":
        count = workers or os.cpu_count() or 1
        with (
            dask.config.set(WORKER_MALLOC_ENVIRON),
            LocalCluster(
                n_workers=count,
                threads_per_worker=1,
                processes=True,
                dashboard_address=":0",
                host="127.0.0.1",
            ) as cluster,
            Client(cluster) as client,
        ):
            yield client
    elif scheduler.startswith("tcp://"):
        try:
            client = Client(scheduler, timeout="10s")
        except (OSError, TimeoutError) as exc:
            raise InputError(
                f"cannot reach the Dask scheduler ({exc})", source="--scheduler"
            ) from None
        with client:
            yield client
    else:
        raise InputError(
            f"expected local, processes or tcp://HOST:PORT, got {scheduler!r}", source="--scheduler"
        )


def _run_distributed(
    spec: SweepSpec,
    todo: list[int],
    store: SweepStore,
    client: Any,
    on_chunk: Callable[[int], None],
) -> int:
    from dask.distributed import as_completed

    workers = max(len(client.scheduler_info()["workers"]), 1)
    shared = client.scatter(spec, broadcast=True)
    pending = iter(todo)
    limit = IN_FLIGHT_PER_WORKER * workers
    first = [
        client.submit(
            evaluate_chunk, shared, c, key=f"stratstab-chunk-{spec.digest()}-{c}", pure=False
        )
        for c in _take(pending, limit)
    ]
    queue = as_completed(first, with_results=True)
    for future, columns in queue:
        chunk = int(future.key.rsplit("-", 1)[1])
        store.write_chunk(chunk, columns)
        on_chunk(chunk)
        for following in _take(pending, 1):
            queue.add(
                client.submit(
                    evaluate_chunk,
                    shared,
                    following,
                    key=f"stratstab-chunk-{spec.digest()}-{following}",
                    pure=False,
                )
            )
    return workers


def _warm_up(spec: SweepSpec) -> None:
    """Import the models, load the datasets and the compiled kernel before timing starts.

    The first call on a machine compiles the kernel (some seconds) and stores it on
    disk; later processes, workers included, load it from there.  Three or more sides
    use no kernel: the datasets are loaded, and nothing is evaluated twice.
    """
    if _uses_kernel(spec):
        evaluate_chunk(replace(spec, samples=0, chunk_size=1, design="full"), 0)
    else:
        resolve(spec.scenario, spec.view)


def _uses_kernel(spec: SweepSpec) -> bool:
    """Whether the sweep's chunks run the compiled (two-sided) kernel."""
    return len(spec.scenario.sides) == 2


def _compile_kernel() -> subprocess.Popen[str]:
    """Start compiling the batch kernel (or checking its cache) in a short-lived process.

    Local workers then load it from disk instead of each compiling it, and this
    coordinating process never loads the compiler (about 100 MB).  It runs while the
    cluster starts; :func:`_compiled` waits for it.
    """
    code = "from stratstab.analysis.batch.evaluate import warm_kernel; warm_kernel()"
    return subprocess.Popen(
        [sys.executable, "-c", code],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )


def _compiled(process: subprocess.Popen[str]) -> None:
    _, errors = process.communicate()
    if process.returncode != 0:
        raise RuntimeError(f"compiling the batch kernel failed:\n{errors[-2000:]}")


def _take(iterator: Iterator[int], count: int) -> list[int]:
    out = []
    for _ in range(count):
        try:
            out.append(next(iterator))
        except StopIteration:
            break
    return out


def run_sweep(
    spec: SweepSpec,
    *,
    out: Path,
    scheduler: str = "local",
    workers: int | None = None,
    resume: bool = False,
    progress: Callable[[int], None] | None = None,
    stage: Callable[[str], None] | None = None,
) -> SweepRun:
    """Evaluate every chunk not yet on disk into ``out`` (Parquet with provenance).

    ``progress`` is called with the number of rows finished so far (resumed chunks
    count at once).  ``stage`` is told ``"preparing"`` while the compiled kernel is
    loaded (compiled on a machine's first run, about ten seconds) and the workers
    start, then ``"evaluating"``.
    """
    metadata = {"provenance": spec.provenance(), "sweep": spec.record()}
    store = SweepStore(out, spec.record(), metadata)
    try:
        return _run(spec, store, scheduler, workers, resume, progress, stage)
    finally:
        store.abandon()


def _run(
    spec: SweepSpec,
    store: SweepStore,
    scheduler: str,
    workers: int | None,
    resume: bool,
    progress: Callable[[int], None] | None,
    stage: Callable[[str], None] | None,
) -> SweepRun:
    done = store.open(resume=resume)
    todo = [c for c in range(spec.chunks) if c not in done]
    finished = sum(np.subtract(*reversed(chunk_rows(spec, c))) for c in done)
    resumed_rows = int(finished)
    if progress is not None:
        progress(int(finished))

    def on_chunk(chunk: int) -> None:
        nonlocal finished
        first, last = chunk_rows(spec, chunk)
        finished += last - first
        if progress is not None:
            progress(int(finished))

    def tell(name: str) -> None:
        if stage is not None:
            stage(name)

    tell("preparing")
    if scheduler == "local":
        _warm_up(spec)
        tell("evaluating")
        used, started = 1, time.perf_counter()
        for chunk in todo:
            store.write_chunk(chunk, evaluate_chunk(spec, chunk))
            on_chunk(chunk)
        evaluating = time.perf_counter() - started
    else:
        # Compiled once, so that local workers only load it (two sides only).
        compiling = _compile_kernel() if _uses_kernel(spec) else None
        try:
            with _client(scheduler, workers) as client:
                if compiling is not None:
                    _compiled(compiling)
                client.run(_warm_up, spec)
                tell("evaluating")
                started = time.perf_counter()  # the cluster is up and warm: time evaluation only
                used = _run_distributed(spec, todo, store, client, on_chunk)
                evaluating = time.perf_counter() - started  # (not the cluster's shutdown)
        finally:
            if compiling is not None and compiling.poll() is None:  # the cluster failed
                compiling.kill()
                compiling.wait()
    path = store.finish(spec.chunks)
    return SweepRun(
        path=path,
        rows=spec.total_rows,
        chunks=spec.chunks,
        chunks_resumed=len(done),
        workers=used,
        seconds_evaluating=evaluating,
        rows_resumed=resumed_rows,
    )
