"""Benchmark of the assess pipeline: batch path vs reference path, sweeps, scaling.

Measures, in one run on this machine:

- evaluations per second of the one-at-a-time reference path (``evaluate_many``) and
  of the batch path (``evaluate_batch``) on the same random variants of the built-in
  baseline; their ratio is ``speedup``;
- wall time, rate and peak memory (resident set of the whole process tree, Dask
  workers included) of a ``stratstab sweep`` over a 2-lever grid x Monte Carlo
  samples, with 1 and 2 local worker processes (the issue's 100 x 100 x 1,000 =
  10 million evaluations by default; ``--grid``/``--samples`` shrink it), for the
  full output set and for ``--outputs crisis`` (no reaction functions), with the CPU
  time per evaluation summed over the process tree;
- how sweep time grows with the grid size and with the sample count;
- the kernel's cost per row with derivative reaction slopes, and on a lever grid
  without samples, where variants share exchanges and reaction functions whose inputs
  repeat (``shared``).

Usage: ``python benchmarks/bench_assess.py [--quick] [--json] [--grid N] [--samples S]``.
``--quick`` finishes in under a minute on two cores.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np
import psutil

from stratstab.analysis.assessment.evaluate import evaluate_many
from stratstab.analysis.batch.evaluate import evaluate_batch, warm_kernel
from stratstab.analysis.batch.schedule import run_sweep
from stratstab.analysis.batch.sweep import SweepSpec, parse_vary
from stratstab.analysis.spec.scenario import load_scenario

SCENARIO = "us-china-2024-baseline"
BELIEFS = "US-view"


def random_levers(size: int, seed: int = 1) -> dict[str, np.ndarray]:
    """Random numeric lever values within the baseline's plausible ranges."""
    rng = np.random.default_rng(seed)
    return {
        "US.interceptors": rng.integers(0, 400, size).astype(float),
        "US.interceptor_pk": rng.uniform(0.3, 0.9, size),
        "CN.survivability_mobile": rng.uniform(0.2, 0.9, size),
        "CN.arsenal_scale": rng.uniform(0.5, 3.0, size),
        "US.w80": rng.uniform(150, 500, size),
    }


def bench_paths(reference_variants: int, batch_variants: int) -> dict[str, float]:
    """Evaluations per second of both paths in this process (CPU time, one core)."""
    scenario = load_scenario(SCENARIO)
    levers = random_levers(max(reference_variants, batch_variants))
    rows = [
        {k: (int(v[i]) if k.endswith("interceptors") else float(v[i])) for k, v in levers.items()}
        for i in range(reference_variants)
    ]
    evaluate_batch(scenario, {k: v[:8] for k, v in levers.items()})  # warm caches (datasets)
    started = time.process_time()
    evaluate_many(scenario, rows)
    reference = reference_variants / (time.process_time() - started)
    variants = {k: v[:batch_variants] for k, v in levers.items()}
    work: dict[str, np.ndarray] = {}
    started = time.process_time()
    evaluate_batch(scenario, variants, work=work)
    all_seconds = time.process_time() - started
    started = time.process_time()
    evaluate_batch(scenario, variants, outputs="crisis")
    crisis_seconds = time.process_time() - started
    started = time.process_time()
    evaluate_batch(scenario, variants, slopes="derivative")
    derivative_seconds = time.process_time() - started
    batch = batch_variants / all_seconds
    sides = scenario.sides
    traced = sum(work[f"{s}.levels_traced"] for s in sides) / 2
    evaluations = sum(work[f"{s}.full_strike_evaluations"] for s in sides)
    return {
        "reference_evals_per_s": reference,
        "batch_evals_per_s": batch,
        "speedup": batch / reference,
        # What one variant costs in the kernel, and where it goes.
        "kernel_us_per_variant": 1e6 * all_seconds / batch_variants,
        "kernel_us_per_variant_crisis": 1e6 * crisis_seconds / batch_variants,
        "kernel_us_per_variant_derivative": 1e6 * derivative_seconds / batch_variants,
        "grid_levels": scenario.counterforce_levels,
        "levels_traced_per_curve": float(traced.mean()),
        "full_strike_evaluations_per_variant": float(evaluations.mean()),
        "us_per_traced_level": 1e6 * crisis_seconds / batch_variants / (2 * traced.mean()),
        "us_per_full_strike_evaluation": 1e6
        * (all_seconds - crisis_seconds)
        / batch_variants
        / evaluations.mean(),
    }


def bench_shared(grid: int) -> list[dict[str, Any]]:
    """CPU time per row (one core, in process) of a ``grid`` x ``grid`` lever grid
    without samples: US interceptors x China's launch under attack.  China's strike
    on the United States does not depend on China's launch under attack, nor the US
    reaction functions: the kernel computes those once per US inventory."""
    scenario = load_scenario(SCENARIO)
    interceptors, lua = np.meshgrid(
        np.linspace(0.0, 4.0 * (grid - 1), grid), np.linspace(0.0, 1.0, grid), indexing="ij"
    )
    levers = {"US.interceptors": interceptors.ravel(), "CN.launch_under_attack": lua.ravel()}
    evaluate_batch(scenario, {k: v[:4] for k, v in levers.items()})  # warm
    out = []
    for outputs, slopes in (("crisis", "secant"), ("all", "secant"), ("all", "derivative")):
        started = time.process_time()
        evaluate_batch(scenario, levers, outputs=outputs, slopes=slopes)
        seconds = time.process_time() - started
        out.append(
            {
                "grid": f"{grid}x{grid}",
                "outputs": outputs,
                "slopes": slopes,
                "us_per_row": 1e6 * seconds / grid**2,
            }
        )
    return out


def _peak_rss_of(process: subprocess.Popen[bytes]) -> tuple[float, float]:
    """Wait for ``process``; return the peak summed RSS of it and its children (MB) and
    their CPU time (s, user + system, as last seen while each was alive)."""
    root = psutil.Process(process.pid)
    peak = 0.0
    cpu: dict[int, float] = {}
    while process.poll() is None:
        try:
            tree = [root, *root.children(recursive=True)]
            peak = max(peak, sum(p.memory_info().rss for p in tree if p.is_running()) / 2**20)
            for p in tree:
                times = p.cpu_times()
                cpu[p.pid] = times.user + times.system
        except psutil.Error:
            pass
        time.sleep(0.05)
    return peak, sum(cpu.values())


def bench_sweep(
    grid: int,
    samples: int,
    workers: int,
    chunk_size: int,
    outputs: str = "all",
    slopes: str = "secant",
) -> dict[str, Any]:
    """Run ``stratstab sweep`` as a subprocess; wall time, rate, CPU time and peak memory."""
    stratstab = str(Path(sys.executable).with_name("stratstab"))
    with tempfile.TemporaryDirectory() as folder:
        out = Path(folder) / "sweep.parquet"
        command = [
            stratstab,
            "sweep",
            SCENARIO,
            "--vary",
            f"US.interceptors=0:{4 * (grid - 1)}:{grid}",
            "--vary",
            f"CN.launch_under_attack=0:1:{grid}",
            "--samples",
            str(samples),
            "--view",
            BELIEFS,
            "--seed",
            "1",
            "--scheduler",
            "processes",
            "--workers",
            str(workers),
            "--chunk-size",
            str(chunk_size),
            "--outputs",
            outputs,
            *(["--slopes", slopes] if slopes != "secant" else []),
            "--out",
            str(out),
            "--json",
        ]
        started = time.perf_counter()
        process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
        peak, cpu = _peak_rss_of(process)
        wall = time.perf_counter() - started
        summary = json.loads(process.stdout.read() if process.stdout else b"{}")
        if process.returncode != 0:
            raise RuntimeError(f"sweep failed: {' '.join(command)}")
    rows = grid * grid * samples
    return {
        "grid": f"{grid}x{grid}",
        "samples": samples,
        "evaluations": rows,
        "workers": workers,
        "outputs": outputs if slopes == "secant" else f"{outputs}/{slopes}",
        "wall_s": wall,
        "compute_s": summary["seconds_evaluating"],
        "evals_per_s": rows / summary["seconds_evaluating"],
        "peak_rss_mb": peak,
        "cpu_us_per_eval": 1e6 * cpu / rows,
    }


def bench_scaling(grids: list[int], samples: list[int], chunk_size: int) -> list[dict[str, Any]]:
    """In-process sweep time (one core) for growing grids and sample counts."""
    scenario = load_scenario(SCENARIO)
    out = []
    warm_kernel()  # loading the compiled kernel is a one-off, not part of the trend
    with tempfile.TemporaryDirectory() as folder:
        middle = grids[len(grids) // 2]
        for grid, count in [(g, samples[0]) for g in grids] + [(middle, s) for s in samples[1:]]:
            axes = (
                parse_vary(f"US.interceptors=0:{4 * (grid - 1)}:{grid}", scenario),
                parse_vary(f"CN.launch_under_attack=0:1:{grid}", scenario),
            )
            spec = SweepSpec(
                scenario=scenario,
                axes=axes,
                samples=count,
                seed=1,
                sample_view=BELIEFS,
                view=BELIEFS,
                chunk_size=chunk_size,
            )
            started = time.perf_counter()
            run_sweep(spec, out=Path(folder) / f"s{grid}-{count}.parquet")
            seconds = time.perf_counter() - started
            out.append(
                {
                    "grid": f"{grid}x{grid}",
                    "samples": count,
                    "evaluations": spec.total_rows,
                    "seconds": seconds,
                    "us_per_eval": 1e6 * seconds / spec.total_rows,
                }
            )
    return out


def main() -> None:
    """Parse options, run the measurements, print a table or JSON."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="small sizes: under a minute")
    parser.add_argument("--json", action="store_true", help="print JSON instead of a table")
    parser.add_argument(
        "--grid", type=int, default=None, help="grid points per lever (default 100)"
    )
    parser.add_argument(
        "--samples", type=int, default=None, help="samples per point (default 1000)"
    )
    args = parser.parse_args()
    grid = args.grid or (15 if args.quick else 100)
    samples = args.samples or (5 if args.quick else 1000)
    chunk = 20_000
    result: dict[str, Any] = {"cpu_count": os.cpu_count(), "scenario": SCENARIO}
    result.update(bench_paths(2 if args.quick else 8, 1000 if args.quick else 10000))
    result["sweeps"] = [
        bench_sweep(grid, samples, workers, chunk, outputs)
        for outputs in ("all", "crisis")
        for workers in (1, 2)
    ] + [bench_sweep(grid, samples, 2, chunk, "all", "derivative")]
    result["two_worker_speedup"] = (
        result["sweeps"][0]["compute_s"] / result["sweeps"][1]["compute_s"]
    )
    result["two_worker_speedup_crisis"] = (
        result["sweeps"][2]["compute_s"] / result["sweeps"][3]["compute_s"]
    )
    result["shared"] = bench_shared(30 if args.quick else 100)
    result["scaling"] = bench_scaling(
        [20, 40] if args.quick else [25, 50, 100], [2, 4] if args.quick else [5, 10, 20], chunk
    )
    if args.json:
        print(json.dumps(result, indent=2))
        return
    print_table(result)


def print_table(result: dict[str, Any]) -> None:
    """The figures as a plain-text table."""
    print(f"stratstab assess benchmark ({result['scenario']}, {result['cpu_count']} cores)")
    print(f"  reference path   {result['reference_evals_per_s']:12,.1f} evaluations/s (one core)")
    print(f"  batch path       {result['batch_evals_per_s']:12,.1f} evaluations/s (one core)")
    print(f"  speedup          {result['speedup']:12,.1f} x")
    print(
        f"  kernel           {result['kernel_us_per_variant']:12.1f} us per variant "
        f"(crisis outputs only: {result['kernel_us_per_variant_crisis']:.1f}; "
        f"derivative slopes: {result['kernel_us_per_variant_derivative']:.1f})"
    )
    print(
        f"    stop rule      {result['levels_traced_per_curve']:12.1f} of "
        f"{result['grid_levels']} grid levels traced per exchange curve, "
        f"{result['us_per_traced_level']:.2f} us each (with the curve's set-up)"
    )
    print(
        f"    reactions      {result['full_strike_evaluations_per_variant']:12.1f} "
        f"full-strike evaluations per variant (10 root searches), "
        f"{result['us_per_full_strike_evaluation']:.2f} us each"
    )
    print(
        f"  {'sweep':<18}{'outputs':>8}{'evals':>12}{'workers':>8}{'wall s':>10}"
        f"{'compute s':>11}{'evals/s':>10}{'CPU us/ev':>10}{'peak MB':>9}"
    )
    for row in result["sweeps"]:
        label = f"{row['grid']} x {row['samples']}"
        print(
            f"  {label:<18}{row['outputs']:>8}{row['evaluations']:>12,}{row['workers']:>8}"
            f"{row['wall_s']:>10.1f}{row['compute_s']:>11.1f}{row['evals_per_s']:>10,.0f}"
            f"{row['cpu_us_per_eval']:>10.0f}{row['peak_rss_mb']:>9.0f}"
        )
    print(f"  2 workers vs 1   {result['two_worker_speedup']:12.2f} x (all outputs)")
    print(f"  2 workers vs 1   {result['two_worker_speedup_crisis']:12.2f} x (crisis outputs)")
    print(f"  {'grid, no samples':<18}{'outputs':>8}{'slopes':>12}{'us/row':>10}")
    for row in result["shared"]:
        print(
            f"  {row['grid']:<18}{row['outputs']:>8}{row['slopes']:>12}{row['us_per_row']:>10.1f}"
        )
    print(f"  {'scaling':<18}{'evals':>12}{'seconds':>10}{'us/eval':>10}")
    for row in result["scaling"]:
        label = f"{row['grid']} x {row['samples']}"
        print(
            f"  {label:<18}{row['evaluations']:>12,}{row['seconds']:>10.2f}"
            f"{row['us_per_eval']:>10.0f}"
        )


if __name__ == "__main__":
    main()
