"""The layout of the arrays the compiled batch kernel reads and writes, by name.

:func:`stratstab.analysis.batch.evaluate.evaluate_resolved` fills these arrays and
:mod:`stratstab.analysis.batch._kernel` reads them; both index rows and columns through
the names below, never through bare numbers.  They are module-level integers, which
Numba compiles as constants.  Output columns are the positions of
:data:`stratstab.analysis.spec.outputs.PER_SIDE_OUTPUTS` (defined there, re-exported
here for the kernel).  This module imports neither NumPy nor Numba.
"""

from __future__ import annotations

from stratstab.analysis.batch.inputs import DEFENSE_ARRAY_FIELDS
from stratstab.analysis.spec.outputs import (
    ARRIVING_AFTER_FULL_COUNTERFORCE,
    ARRIVING_WARHEADS,
    ASSURED_RETALIATION,
    C1,
    C2,
    DAMAGE_FRACTION,
    EXCHANGE_COLUMNS,
    PER_SIDE_OUTPUTS,
    REACTION_COLUMNS,
    REACTION_SLOPE_ARSENAL,
    REACTION_SLOPE_INTERCEPTORS,
    REQUIRED_ARSENAL,
    SURVIVING_WARHEADS,
)

__all__ = [
    "ARRIVING_AFTER_FULL_COUNTERFORCE",
    "ARRIVING_WARHEADS",
    "ASSURED_RETALIATION",
    "C1",
    "C2",
    "DAMAGE_FRACTION",
    "EXCHANGE_COLUMNS",
    "PER_SIDE_OUTPUTS",
    "REACTION_COLUMNS",
    "REACTION_SLOPE_ARSENAL",
    "REACTION_SLOPE_INTERCEPTORS",
    "REQUIRED_ARSENAL",
    "SURVIVING_WARHEADS",
]

#: Rows of a side's base forces ``bases[side]`` ``(3, N, n)``: per variant and system.
BASE_WARHEADS, BASE_AIM_POINTS, BASE_SURVIVABILITY = range(3)
BASE_ROWS = 3
#: Rows of the per-variant numbers ``values`` ``(5, 2, N)``: each side's ``w80``, launch
#: under attack and retaliation requirement (arriving warheads), then the interceptor
#: step of the slope against it and its lowered inventory.
W80, LAUNCH_UNDER_ATTACK, REQUIREMENT, SLOPE_DELTA, SLOPE_LOWER = range(5)
VALUE_ROWS = 5
#: Rows of a strike plan's per-target array (``targets``).
PRIORITY_KILL, PER_POINT, TARGETED, NAME_RANK, VICTIM_FIXED, RETALIATION_SHARE = range(6)
TARGET_ROWS = 6
#: Rows of a strike plan's kill table (``kill`` ``(2, n_types, n)``): each weapon type's
#: SSPK against each target system, then its kill probability there at the plan's
#: warheads per aim point (what a slice of that one type achieves).
KILL_SSPK, KILL_ALONE = range(2)
#: Columns of the kernel's work record ``work`` ``(N, 2, 3)``, per side as the striker.
STOP_RULE_LEVEL, LEVELS_TRACED, FULL_STRIKE_EVALUATIONS = range(3)
WORK = ("stop_rule_level", "levels_traced", "full_strike_evaluations")
#: Flags of ``solve`` ``(N, 2, 2)``: per variant and side, whether the kernel traces the
#: side's exchange as the striker and whether it solves the side's reaction functions.
STRIKES, REACTS = range(2)
#: Settings of a batch (``settings``): grid size, cost exponent, enemy weight, whether
#: to trace every grid level, whether to solve the reaction functions, the stop rule's
#: near-tie tolerance, and how the reaction slopes are taken (a :data:`SLOPE_METHODS` code).
SLOPE_SECANT, SLOPE_DERIVATIVE = range(2)
SLOPE_METHODS = ("secant", "derivative")

#: A defense row: the fields of ``DEFENSE_ARRAY_FIELDS``, how many powers follow, then
#: the powers ``(1 - pk) ** k`` for whole numbers of shots from 0: as many as the
#: doctrine can fire at one object (at most MISS_POWERS).
DEFENSE_FIELDS = len(DEFENSE_ARRAY_FIELDS)
INTERCEPTORS = DEFENSE_ARRAY_FIELDS.index("interceptors")
INTERCEPTOR_PK = DEFENSE_ARRAY_FIELDS.index("interceptor_pk")
SHOTS_PER_RV = DEFENSE_ARRAY_FIELDS.index("shots_per_rv")
DISCRIMINATION = DEFENSE_ARRAY_FIELDS.index("discrimination")
COMMON_MODE = DEFENSE_ARRAY_FIELDS.index("common_mode")
DECOYS_PER_RV = DEFENSE_ARRAY_FIELDS.index("decoys_per_rv")
DECOY_REJECTION = DEFENSE_ARRAY_FIELDS.index("decoy_rejection")
SECOND_SHOTS = DEFENSE_ARRAY_FIELDS.index("second_shots")
KILL_ASSESSMENT = DEFENSE_ARRAY_FIELDS.index("kill_assessment")
POWERS_STORED = DEFENSE_FIELDS
FIRST_POWER = DEFENSE_FIELDS + 1
MISS_POWERS = 24
DEFENSE_ROW = FIRST_POWER + MISS_POWERS
#: The layer a variant's own defense numbers fill (the further layers follow it).
FIRST_LAYER = 0
