"""Size caps and per-user quotas of the workspace, in one place.

Chosen from what real inputs need: the built-in scenarios are under 4 kB and the
largest built-in dataset about 40 kB, so the caps leave ample room for real work and
none for a denial of service.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class WorkspaceLimits:
    """Caps of one workbench (bytes of UTF-8 text, counts per user, seconds, MiB)."""

    scenario_max_bytes: int = 256 * 1024
    dataset_max_bytes: int = 1024 * 1024
    scenarios_per_user: int = 20
    datasets_per_user: int = 20
    active_jobs_per_user: int = 3
    kept_jobs_per_user: int = 100
    job_time_budget_s: float = 300.0
    job_memory_budget_mib: int = 2048
