"""The compiled kernel behind :func:`stratstab.analysis.batch.evaluate.evaluate_batch`.

One variant at a time, in machine code (Numba), with no temporary arrays: both
counterforce exchanges with the stop rule, the defenses, the costs, and the
assured-retaliation reaction functions.  It follows the reference path
(:mod:`stratstab.analysis.reference.exchange_curves`, :mod:`stratstab.models.exchange`,
:mod:`stratstab.models.defense`, :mod:`stratstab.analysis.reference.arms_race`)
operation by operation; the tests hold the two equal over random scenarios.

Two things make it cheaper than tracing every point of the grid:

- **Stop rule by bounds.**  Along the grid of counterforce levels the striker's own
  damage never rises (more counterforce, fewer survivors strike back) and neither does
  the victim's (fewer warheads held back).  So on any stretch of the grid the
  striker's cost ``D_s^e + w (1 - D_v^e)`` is at least its own-damage term at the
  stretch's upper end plus the enemy term at its lower end.  The kernel traces a
  coarse grid and the level the previous variant chose (with its neighbours), then
  splits, best first, only the stretches whose bound could come within the stop
  rule's tolerance of the best cost found: the levels it skips cannot be chosen,
  so it picks exactly the level the full grid would.  If the traced points ever break
  the monotone order, it traces the whole grid instead.
- **Reaction functions by secant steps.**  The required scale factors come from the
  search of :mod:`stratstab.models.roots` (the same source as the reference,
  compiled); the four perturbed problems behind the secant slopes start from the base
  answer, as there.  Derivative slopes (``arms_race.derivative_slopes``) replace those
  four searches with six evaluations of the full strike at the base answer.

The caller may mark a side's exchange or reaction functions as already computed for an
earlier variant with the same inputs (``solve``); the kernel skips them and the caller
copies the results.  Every array is indexed through the names of
:mod:`stratstab.analysis.batch.layout`.

References
----------
Kent & Thaler, RAND R-3765-AF (1989); Wilkening (2000); REFERENCES §1-4 (through the
reference functions named above).
"""

from __future__ import annotations

import math

import numpy as np
from numba import njit

from stratstab.analysis.batch.layout import (
    ARRIVING_AFTER_FULL_COUNTERFORCE,
    ARRIVING_WARHEADS,
    ASSURED_RETALIATION,
    BASE_AIM_POINTS,
    BASE_SURVIVABILITY,
    BASE_WARHEADS,
    C1,
    C2,
    COMMON_MODE,
    DAMAGE_FRACTION,
    DECOY_REJECTION,
    DECOYS_PER_RV,
    DEFENSE_FIELDS,
    DEFENSE_ROW,
    DISCRIMINATION,
    FIRST_LAYER,
    FIRST_POWER,
    FULL_STRIKE_EVALUATIONS,
    INTERCEPTOR_PK,
    INTERCEPTORS,
    KILL_ALONE,
    KILL_ASSESSMENT,
    KILL_SSPK,
    LAUNCH_UNDER_ATTACK,
    LEVELS_TRACED,
    MISS_POWERS,
    NAME_RANK,
    PER_POINT,
    PER_SIDE_OUTPUTS,
    POWERS_STORED,
    PRIORITY_KILL,
    REACTION_SLOPE_ARSENAL,
    REACTION_SLOPE_INTERCEPTORS,
    REACTS,
    REQUIRED_ARSENAL,
    REQUIREMENT,
    RETALIATION_SHARE,
    SECOND_SHOTS,
    SHOTS_PER_RV,
    SLOPE_DELTA,
    SLOPE_DERIVATIVE,
    SLOPE_LOWER,
    STOP_RULE_LEVEL,
    STRIKES,
    SURVIVING_WARHEADS,
    TARGETED,
    VICTIM_FIXED,
    W80,
)
from stratstab.analysis.reference.arms_race import ARSENAL_SLOPE_STEP, DERIVATIVE_STEP
from stratstab.analysis.reference.exchange_curves import EMPTY_FORCE_FLOOR
from stratstab.models import roots
from stratstab.models.crisis import KENT_THALER_EXPONENT, LN5
from stratstab.models.exchange import PRIORITY_DIGITS

#: Compiled once and kept on disk; NumPy's floating-point rules (inf and NaN, no
#: exceptions), as in the reference path.
jit = njit(cache=True, error_model="numpy")

#: Margin on the pruning bound: a stretch is skipped only if its bound clears the best
#: cost plus the stop rule's tolerance by this much more (covers rounding).
PRUNE_MARGIN = 1e-10
#: Allowed rise between traced points before the monotone order counts as broken.
MONOTONE_SLACK = 1e-12
#: Coarse stretches traced first (the grid is split into this many).
COARSE_STRETCHES = 2
#: Exponent of the rounding unit of :func:`priority_key` relative to a value's leading
#: digit (``exchange.priority_key``: ``PRIORITY_DIGITS`` significant digits).
PRIORITY_UNIT_EXPONENT = float(PRIORITY_DIGITS - 1)
#: Values further apart than this (relative) keep their order when rounded to
#: ``PRIORITY_DIGITS`` significant digits (a hundred rounding units).
PRIORITY_SEPARATION = 10.0 ** (2 - PRIORITY_DIGITS)
#: Rows of the victim's working array (``victim``): counts, then scratch.
WARHEADS, AIM_POINTS, SURVIVABILITY, SAVED, VALUE, SLICE_END = range(6)
#: Rows of the per-rank array (``curve``) and of the per-level array (``traced``).
STARTS, ENDS, COVERED, COVERED_LAUNCH, UNTOUCHED, UNTOUCHED_LAUNCH = range(6)
OWN_TERM, ENEMY_TERM, STRIKER_COST, VICTIM_COST, SURVIVING, BACK, TRACED = range(7)
#: Rows of ``orders``: the victim's priority order as its forces are, then scratch.
ORDER_AS_IS, ORDER_SCRATCH = range(2)
#: Phases of the stop-rule search in :func:`exchange_curve`.
COARSE, OPEN, SPLIT, ALL_LEVELS, NEAR_GUESS = range(5)
SLOPE_STEP = ARSENAL_SLOPE_STEP  # the reference's relative change of the other arsenal
#: Per-side outputs: the reference's names, in the order the kernel writes them (the
#: columns named in :mod:`stratstab.analysis.batch.layout`).
SIDE_OUTPUTS = PER_SIDE_OUTPUTS

#: Numba keys its on-disk cache on this file alone, but the search compiled into the
#: kernel lives in stratstab/models/roots.py.  This digest of that file ties the two
#: (a test checks it): an edit there must be recorded here, which renews the cache.
ROOTS_DIGEST = "f95c848eee17fce3"

_new_search = jit(roots.new_search)
_next_factor = jit(roots.next_factor)
_tell = jit(roots.tell)
_result = jit(roots.result)
_slope = jit(roots.slope)


@jit
def smallest_sufficient(plan, struck, need, start, landed_at_start, slope_hint):
    """The search of :mod:`stratstab.models.roots` around :func:`full_strike_landed`:
    (factor, landed warheads per unit factor at the crossing)."""
    search = _new_search(need, start, slope_hint)
    if not math.isnan(landed_at_start):
        _tell(search, start, landed_at_start)
    factor = _next_factor(search)
    while not math.isnan(factor):
        _tell(search, factor, full_strike_landed(factor, plan, struck))
        factor = _next_factor(search)
    return _result(search), _slope(search)


# --- effects and defense -------------------------------------------------------------


@jit
def kill_probability(sspk, reliability, shots, fratricide):
    """Scalar ``stratstab.models.effects.kill_probability`` (separate boosters)."""
    no_burst = 1.0
    after_burst = 0.0
    survive_after_burst = 1.0 - (1.0 - fratricide) * reliability * sspk
    for _ in range(int(shots)):
        new_after = no_burst * reliability * (1.0 - sspk) + after_burst * survive_after_burst
        no_burst = no_burst * (1.0 - reliability)
        after_burst = new_after
    return min(max(1.0 - (no_burst + after_burst), 0.0), 1.0)


@jit
def _spread(interceptors, objects, per_object):
    """Even spread of an inventory: (shots each, share with one more, interceptors used)."""
    if interceptors >= per_object * objects:
        return per_object, 0.0, per_object * objects
    safe = objects if objects > 0 else 1.0
    k = math.floor(interceptors / safe)
    return k, interceptors / safe - k, interceptors


@jit
def defense_row(fields, out):
    """A defense's fields followed by the powers ``(1 - pk) ** k`` its engagements use.

    An object draws at most ``shots_per_rv`` shots in the first salvo and
    ``second_shots`` in the second, one more where the inventory runs out part-way.
    """
    for f in range(DEFENSE_FIELDS):
        out[f] = fields[f]
    top = max(fields[SHOTS_PER_RV], fields[SECOND_SHOTS]) + 2.0
    stored = int(top) if top < MISS_POWERS else MISS_POWERS
    out[POWERS_STORED] = stored
    miss = 1.0 - fields[INTERCEPTOR_PK]
    for k in range(stored):
        out[FIRST_POWER + k] = miss ** float(k)


@jit
def _miss(defense, shots):
    """``(1 - pk) ** shots`` for a whole number of shots (from the row's powers)."""
    if shots < defense[POWERS_STORED]:
        return defense[FIRST_POWER + int(shots)]
    return (1.0 - defense[INTERCEPTOR_PK]) ** shots


@jit
def _sls_leak(defense, first, second):
    q, ka = defense[DISCRIMINATION], defense[KILL_ASSESSMENT]
    stopped_later = ka * (1.0 - _miss(defense, second))
    return q * _miss(defense, first) * (1.0 - stopped_later) + (1.0 - q)


@jit
def _binomial_pmf(k, n, p):
    """P(Binomial(n, p) = k) for whole k, n (``scipy.stats.binom.pmf``)."""
    if p <= 0.0:
        return 1.0 if k == 0 else 0.0
    if p >= 1.0:
        return 1.0 if k == n else 0.0
    log_choose = math.lgamma(n + 1.0) - math.lgamma(k + 1.0) - math.lgamma(n - k + 1.0)
    return math.exp(log_choose + k * math.log(p) + (n - k) * math.log1p(-p))


@jit
def _short_second_salvo_miss(defense, objects, left):
    """``E[(1-p)^shots]`` of an object seen to survive when ``left`` interceptors may not
    cover a full second salvo at every object seen (``_engagement._short_second_salvo``):
    the ``S - 1 ~ Binomial(m - 1, a)`` others seen share the inventory with it."""
    q, first, second, ka = (
        defense[DISCRIMINATION],
        defense[SHOTS_PER_RV],
        defense[SECOND_SHOTS],
        defense[KILL_ASSESSMENT],
    )
    seen = ka * (q * _miss(defense, first) + 1.0 - q)
    m = int(objects)
    total = 0.0
    for s in range(1, m + 1):
        weight = _binomial_pmf(s - 1.0, m - 1.0, seen)
        if left >= second * s:
            total += weight * _miss(defense, second)
        else:
            k = math.floor(left / s)
            extra = left / s - k
            total += weight * (extra * _miss(defense, k + 1.0) + (1.0 - extra) * _miss(defense, k))
    return total


@jit
def _corner(rvs, decoys, defense, shoot_look_shoot):
    """Expected leakers for whole numbers of RVs and decoys (``_engagement.engage_counts``).

    ``defense``: a row of :func:`defense_row`.
    """
    interceptors, first, q, rho = (
        defense[INTERCEPTORS],
        defense[SHOTS_PER_RV],
        defense[DISCRIMINATION],
        defense[COMMON_MODE],
    )
    second, ka = defense[SECOND_SHOTS], defense[KILL_ASSESSMENT]
    objects = rvs + decoys
    k1, f1, used1 = _spread(interceptors, objects, first)
    if not shoot_look_shoot:
        leak_more = 1.0 - q * (1.0 - _miss(defense, k1 + 1.0))
        leak = f1 * leak_more + (1.0 - f1) * (1.0 - q * (1.0 - _miss(defense, k1)))
    else:
        left = math.inf if math.isinf(interceptors) else interceptors - used1
        if interceptors >= first * objects and left >= second * objects:
            leak = _sls_leak(defense, first, second)
        elif left > 0:
            alive = q * _miss(defense, first)
            seen_miss = _short_second_salvo_miss(defense, objects, left)
            leak = alive * (1.0 - ka + ka * seen_miss) + (1.0 - q)
        else:
            leak = f1 * _sls_leak(defense, k1 + 1.0, 0.0) + (1.0 - f1) * _sls_leak(defense, k1, 0.0)
    return rho * rvs * leak + (1.0 - rho) * rvs


@jit
def arriving(rvs, layers, shoot_look_shoot):
    """Expected warheads through every layer of a defense in turn
    (``defense.through_layers``).

    ``layers``: one row of :func:`defense_row` per layer, first to engage first;
    ``shoot_look_shoot``: each layer's doctrine flag.  Each layer engages the expected
    warheads the one before let through.
    """
    for k in range(layers.shape[0]):
        rvs = _arriving_layer(rvs, layers[k], shoot_look_shoot[k])
    return rvs


@jit
def _arriving_layer(rvs, defense, shoot_look_shoot):
    """Expected warheads through one layer (``DefenseLayer.engage(...).expected_leakers``).

    ``defense``: the fields of ``batch_inputs.DEFENSE_ARRAY_FIELDS`` for one variant,
    then powers of the miss probability (see :func:`defense_row`).
    No interceptors: everything arrives.  Real-valued counts are interpolated
    bilinearly between whole numbers of RVs and of unrejected decoys.
    """
    if not defense[INTERCEPTORS] > 0:
        return rvs
    unrejected = rvs * defense[DECOYS_PER_RV] * (1.0 - defense[DECOY_REJECTION])
    rv_floor, decoy_floor = math.floor(rvs), math.floor(unrejected)
    rv_frac, decoy_frac = rvs - rv_floor, unrejected - decoy_floor
    total = 0.0
    for rv_step in range(2):
        rv_weight = rv_frac if rv_step else 1.0 - rv_frac
        for decoy_step in range(2):
            weight = rv_weight * (decoy_frac if decoy_step else 1.0 - decoy_frac)
            if weight > 0:
                total += weight * _corner(
                    rv_floor + rv_step, decoy_floor + decoy_step, defense, shoot_look_shoot
                )
    return total


# --- the counterforce strike -----------------------------------------------------------


@jit
def priority_key(value):
    """Scalar ``stratstab.models.exchange.priority_key`` (10 significant digits)."""
    if not (math.isfinite(value) and value != 0.0):
        return value
    scale = 10.0 ** (math.floor(math.log10(abs(value))) - PRIORITY_UNIT_EXPONENT)
    rounded = np.rint(value / scale) * scale
    return rounded if math.isfinite(rounded) else value


@jit
def _goes_first(a, b, targets, victim):
    """True if target system ``a`` comes before ``b`` (``exchange.target_priority``)."""
    va, vb = victim[VALUE, a], victim[VALUE, b]
    name_first = targets[NAME_RANK, a] < targets[NAME_RANK, b]
    if va != vb:
        # Rounding to 10 digits keeps the order of values further apart than that,
        # and never reverses an order: if the names agree with the values, the rounded
        # values need not be computed (they either agree too, or tie).
        if abs(va - vb) > PRIORITY_SEPARATION * max(abs(va), abs(vb)) or (va > vb) == name_first:
            return va > vb
        ka, kb = priority_key(va), priority_key(vb)
        if ka != kb:
            return ka > kb
    return name_first


@jit
def _priority_order(targets, victim, order):
    """The victim's systems in the striker's priority order (into ``order``)."""
    n = targets.shape[1]
    for j in range(n):
        aim = victim[AIM_POINTS, j]
        if targets[TARGETED, j] > 0 and aim > 0:
            # Only what launch under attack leaves in the silos counts (as the reference).
            exposed = victim[WARHEADS, j] * (1.0 - victim[SURVIVABILITY, j])
            per_aim_point = exposed * (1.0 - victim[SAVED, j]) / max(aim, 1.0)
            victim[VALUE, j] = per_aim_point * targets[PRIORITY_KILL, j] / targets[PER_POINT, j]
        else:
            victim[VALUE, j] = -math.inf
        order[j] = j
    for r in range(1, n):  # insertion sort: a handful of systems
        j = order[r]
        s = r
        while s > 0 and _goes_first(j, order[s - 1], targets, victim):
            order[s] = order[s - 1]
            s -= 1
        order[s] = j


@jit
def _ranked_once(targets, base, i, launch_under_attack, victim, order):
    """The striker's priority order over the victim's forces as they are (into
    ``order``), and the smallest factor on those forces for which it still holds.

    A system's priority value is its exposed warheads per aim point, which scaling the
    forces leaves as it is while every targeted system keeps at least one aim point
    (below one, the count is taken as one).  So the reaction searches rank the victim
    once, not at every step; the order can differ from ranking the scaled forces only
    where two values lie within rounding of a 10-digit tie boundary.
    """
    _fill_victim(base, i, 1.0, launch_under_attack, targets, victim)
    _priority_order(targets, victim, order)
    holds = 0.0
    for j in range(targets.shape[1]):
        aim = victim[AIM_POINTS, j]
        if targets[TARGETED, j] > 0 and aim > 0:
            holds = max(holds, 1.0 / aim)
    return holds if holds <= 1.0 else math.inf  # already below one: rank at every step


@jit
def weapon_counts(queue, type_starts, base, i, fixed, factor, counts, edges):
    """Ready counterforce warheads per merged weapon type of variant ``i``, and the queue
    edges; the striker's forces times ``factor`` (``batch_exchange.weapon_counts``)."""
    n_types = type_starts.size
    for t in range(n_types):
        stop = type_starts[t + 1] if t + 1 < n_types else queue.size
        total = 0.0
        for q in range(type_starts[t], stop):
            s = queue[q]
            ready = 1.0 if fixed[s] else base[BASE_SURVIVABILITY, i, s]
            total += base[BASE_WARHEADS, i, s] * factor * ready
        counts[t] = total
    edges[0] = 0.0
    for t in range(n_types):
        edges[t + 1] = edges[t] + counts[t]


@jit
def _fill_victim(base, i, factor, launch_under_attack, targets, victim):
    """Variant ``i``'s counts (times ``factor``), survivability and saved shares."""
    for j in range(targets.shape[1]):
        victim[WARHEADS, j] = base[BASE_WARHEADS, i, j] * factor
        victim[AIM_POINTS, j] = base[BASE_AIM_POINTS, i, j] * factor
        victim[SURVIVABILITY, j] = base[BASE_SURVIVABILITY, i, j]
        victim[SAVED, j] = launch_under_attack if targets[VICTIM_FIXED, j] > 0 else 0.0


@jit
def _left(targets, kill, reliability, fratricide, j, start, stop, edges, victim):
    """Warheads left of victim system ``j`` struck with the queue slice ``[start, stop)``
    (``batch_exchange._left`` for one system).

    ``kill``: ``(2, n_types, n)``, each weapon type's SSPK against each system, then its
    kill probability there (what a slice of that one type achieves).
    """
    if not stop > start:
        return victim[WARHEADS, j]  # nothing struck: nothing destroyed
    n_types = reliability.size
    total = 0.0
    weighted_sspk = 0.0
    weighted_reliability = 0.0
    types = 0
    only = 0
    for t in range(n_types):
        lower = edges[t]
        width = edges[t + 1] - edges[t]
        overlap = min(max(stop - lower, 0.0), width) - min(max(start - lower, 0.0), width)
        if overlap > 0:
            types += 1
            only = t
        total += overlap
        weighted_sspk += overlap * kill[KILL_SSPK, t, j]
        weighted_reliability += overlap * reliability[t]
    per_point = targets[PER_POINT, j]
    if types == 1:
        p_kill = kill[KILL_ALONE, only, j]
    else:
        if total > 0:
            mean_sspk = weighted_sspk / total
            mean_reliability = weighted_reliability / total
        else:
            mean_sspk = kill[KILL_SSPK, 0, j]
            mean_reliability = reliability[0]
        p_kill = kill_probability(
            min(max(mean_sspk, 0.0), 1.0),
            min(max(mean_reliability, 0.0), 1.0),
            per_point,
            fratricide,
        )
    covered = (stop - start) / per_point
    exposed = 1.0 - victim[SURVIVABILITY, j]
    destroyed = exposed * (covered / max(victim[AIM_POINTS, j], 1.0)) * p_kill
    destroyed = min(max(destroyed * (1.0 - victim[SAVED, j]), 0.0), 1.0)
    return victim[WARHEADS, j] * (1.0 - destroyed)


# --- reaction functions ----------------------------------------------------------------


@jit
def full_strike_landed(factor, plan, struck):
    """Warheads landed in retaliation after the largest strike, victim forces times ``factor``.

    ``plan``: (targets, kill, reliability, fratricide, counts, edges) of the attacker's
    strike; ``struck``: (the victim's base counts and variant index, its launch under attack; the
    victim working array; ``orders`` ``(2, n)``: the priority order of the victim's
    forces as they are (see :func:`_ranked_once`), then scratch; the smallest factor
    for which that order holds; the attacker's defense and doctrine flag; a tally
    whose first entry counts the calls).
    The single-level strike of ``arms_race_analysis.arriving_after_full_strike``.
    """
    targets, kill, reliability, fratricide, counts, edges = plan
    base, i, launch_under_attack, victim, orders, order_holds, defense, sls, tally = struck
    tally[0] += 1.0
    _fill_victim(base, i, factor, launch_under_attack, targets, victim)
    n = targets.shape[1]
    n_types = counts.size
    launched = 0.0
    if n_types == 0:
        for j in range(n):
            launched += victim[WARHEADS, j] * targets[RETALIATION_SHARE, j]
        return arriving(launched, defense, sls)
    order = orders[ORDER_AS_IS]
    if not factor >= order_holds:
        order = orders[ORDER_SCRATCH]
        _priority_order(targets, victim, order)
    total_counts = 0.0
    for t in range(n_types):
        total_counts += counts[t]
    total_demand = 0.0
    for j in range(n):
        if targets[TARGETED, j] > 0 and victim[AIM_POINTS, j] > 0:
            total_demand += targets[PER_POINT, j] * victim[AIM_POINTS, j]
    budget = min(min(total_counts, total_demand), edges[n_types])
    cumulative = 0.0
    for r in range(n):
        j = order[r]
        if targets[TARGETED, j] > 0 and victim[AIM_POINTS, j] > 0:
            cumulative += targets[PER_POINT, j] * victim[AIM_POINTS, j]
        victim[SLICE_END, j] = min(budget, cumulative)
    start = 0.0
    for r in range(n):
        j = order[r]
        stop = victim[SLICE_END, j]
        left = _left(targets, kill, reliability, fratricide, j, start, stop, edges, victim)
        victim[VALUE, j] = left * targets[RETALIATION_SHARE, j]
        start = stop
    for j in range(n):
        launched += victim[VALUE, j]
    return arriving(launched, defense, sls)


# --- the exchange curve and the stop rule ----------------------------------------------


@jit
def _rank(targets, kill, reliability, fratricide, counts, edges, victim, order, curve):
    """Rank the victim's systems; fill slice bounds and running sums into ``curve``.

    Returns the largest sensible strike (all weapons, or full coverage).
    """
    n = targets.shape[1]
    n_types = counts.size
    _priority_order(targets, victim, order)
    cumulative = 0.0
    coverage = 0.0
    for r in range(n):
        j = order[r]
        aim = victim[AIM_POINTS, j]
        demand = targets[PER_POINT, j] * aim if (targets[TARGETED, j] > 0 and aim > 0) else 0.0
        cumulative += demand
        curve[ENDS, r] = cumulative
        curve[STARTS, r] = cumulative - demand
    for j in range(n):
        aim = victim[AIM_POINTS, j]
        if targets[TARGETED, j] > 0 and aim > 0:
            coverage += targets[PER_POINT, j] * aim
    # Fully covered systems summed from the front, untouched ones from the back.
    curve[COVERED, 0] = 0.0
    curve[COVERED_LAUNCH, 0] = 0.0
    for r in range(n):
        j = order[r]
        if n_types > 0:
            start, stop = curve[STARTS, r], curve[ENDS, r]
            left = _left(targets, kill, reliability, fratricide, j, start, stop, edges, victim)
        else:
            left = victim[WARHEADS, j]
        curve[COVERED, r + 1] = curve[COVERED, r] + left
        curve[COVERED_LAUNCH, r + 1] = (
            curve[COVERED_LAUNCH, r] + left * targets[RETALIATION_SHARE, j]
        )
    curve[UNTOUCHED, n] = 0.0
    curve[UNTOUCHED_LAUNCH, n] = 0.0
    for r in range(n - 1, -1, -1):
        j = order[r]
        warheads = victim[WARHEADS, j]
        curve[UNTOUCHED, r] = curve[UNTOUCHED, r + 1] + warheads
        share = targets[RETALIATION_SHARE, j]
        curve[UNTOUCHED_LAUNCH, r] = curve[UNTOUCHED_LAUNCH, r + 1] + warheads * share
    total_counts = 0.0
    for t in range(n_types):
        total_counts += counts[t]
    return min(total_counts, coverage)


@jit
def _sort(values, count):
    """Sort ``values[:count]`` in place (insertion sort: a few dozen entries)."""
    for r in range(1, count):
        k = values[r]
        s = r
        while s > 0 and values[s - 1] > k:
            values[s] = values[s - 1]
            s -= 1
        values[s] = k


@jit
def _monotone(traced, visited, count):
    """True if both damage terms never rise from one traced level to the next.

    ``visited[:count]``: the traced levels, sorted here in place.
    """
    _sort(visited, count)
    for r in range(1, count):
        k, previous = visited[r], visited[r - 1]
        if (
            traced[OWN_TERM, k] > traced[OWN_TERM, previous] + MONOTONE_SLACK
            or traced[ENEMY_TERM, k] > traced[ENEMY_TERM, previous] + MONOTONE_SLACK
        ):
            return False
    return True


@jit
def _power(x, exponent):
    """``x ** exponent`` for x >= 0; the Kent-Thaler exponent 3/4 by two square roots."""
    if exponent == KENT_THALER_EXPONENT:
        root = math.sqrt(x)
        return root * math.sqrt(root)
    return x**exponent


@jit
def exchange_curve(strike, striker, defenses, size, costs, exhaustive, traced, stack, mark, guess):
    """The striker's stop-rule choice along a grid of ``size`` counterforce levels.

    ``strike``: (targets, kill, reliability, fratricide, counts, edges, victim, order,
    curve) with ``curve`` filled by :func:`_rank`; ``striker``: (largest strike,
    striker's warheads, their mean reliability in use, striker's ``w80``, victim's
    ``w80``); ``defenses``: (striker's defense, its flag, victim's defense, its flag);
    ``costs``: (exponent, enemy weight, the stop rule's near-tie tolerance);
    ``traced``/``stack``: scratch, with levels traced in this call marked ``mark`` (a
    number not used before); ``guess``: a grid level likely near the choice (e.g. a
    similar variant's), traced early with its neighbours so that the bound prunes
    sooner (-1: none).  Returns
    (victim survivors, retaliation arriving, striker damage, striker cost, victim cost,
    chosen grid index, levels traced), as ``exchange_curves`` with ``crisis.stop_rule``.
    """
    targets, kill, reliability, fratricide, counts, edges, victim, order, curve = strike
    maximum, total_held, use_reliability, w80_striker, w80_victim = striker
    striker_defense, striker_sls, victim_defense, victim_sls = defenses
    exponent, enemy_weight, tolerance = costs
    n = targets.shape[1]
    n_types = counts.size
    step = maximum / (size - 1)
    visited = stack[:, 2]  # the levels traced, in the order traced
    stride = 1
    if not (exhaustive or size <= 2 * COARSE_STRETCHES + 1):
        stride = (size - 1 + COARSE_STRETCHES - 1) // COARSE_STRETCHES
    # Phases: the coarse grid, the guess and its neighbours, open the stretches between
    # traced levels, split them, or trace all (the fallback).  No stretch whose bound
    # clears the best cost by the stop rule's tolerance can hold a level the rule
    # would choose.
    phase = COARSE
    k_next = 0
    top = 0
    tally = 0
    best = math.inf
    while True:
        if phase == COARSE:
            k = k_next
            if k >= size - 1:
                k = size - 1
                phase = NEAR_GUESS if stride > 1 and guess >= 0 else OPEN
                k_next = guess - 1
            else:
                k_next = k + stride
        elif phase == NEAR_GUESS:
            # The guess and its neighbours, where not traced yet.
            k = -1
            while k < 0 and k_next <= guess + 1:
                if 0 <= k_next < size and traced[TRACED, k_next] != mark:
                    k = k_next
                k_next += 1
            if k < 0:
                _sort(visited, tally)
                phase = OPEN
                continue
        elif phase == OPEN:
            for r in range(1, tally):  # the levels traced so far, in ascending order
                if visited[r] - visited[r - 1] > 1:
                    stack[top, 0] = visited[r - 1]
                    stack[top, 1] = visited[r]
                    top += 1
            phase = SPLIT
            continue
        elif phase == SPLIT:
            # Split the open stretch with the lowest bound (best first): once the
            # minimum is pinned down, the others are dropped without being traced.
            k = -1
            lowest = math.inf
            pick = -1
            for r in range(top):
                a, b = stack[r, 0], stack[r, 1]
                bound = traced[OWN_TERM, b] + enemy_weight * (1.0 - traced[ENEMY_TERM, a])
                if bound < lowest:
                    lowest = bound
                    pick = r
            if pick >= 0 and lowest <= best + tolerance + PRUNE_MARGIN:
                a, b = stack[pick, 0], stack[pick, 1]
                top -= 1
                stack[pick, 0] = stack[top, 0]
                stack[pick, 1] = stack[top, 1]
                k = (a + b) // 2
                if k - a > 1:
                    stack[top, 0] = a
                    stack[top, 1] = k
                    top += 1
                if b - k > 1:
                    stack[top, 0] = k
                    stack[top, 1] = b
                    top += 1
            if k < 0:
                # The bound holds only if both damage terms fall along the grid.
                if stride == 1 or _monotone(traced, visited, tally):
                    break
                phase = ALL_LEVELS
                k_next = 0
                continue
        else:
            while k_next < size and traced[TRACED, k_next] == mark:
                k_next += 1
            if k_next >= size:
                break
            k = k_next
        # Trace level k: the strike, the retaliation and the striker's answer.
        level = maximum if k == size - 1 else k * step + 0.0
        budget = min(level, edges[n_types])
        if n_types == 0:
            surviving, launched, spent = curve[COVERED, n], curve[COVERED_LAUNCH, n], 0.0
        else:
            current = 0
            while current < n and curve[ENDS, current] <= budget:
                current += 1
            if current < n:
                j = order[current]
                start = curve[STARTS, current]
                stop = max(budget, start)
                left = _left(targets, kill, reliability, fratricide, j, start, stop, edges, victim)
                surviving = curve[COVERED, current] + left + curve[UNTOUCHED, current + 1]
                launched = (
                    curve[COVERED_LAUNCH, current]
                    + left * targets[RETALIATION_SHARE, j]
                    + curve[UNTOUCHED_LAUNCH, current + 1]
                )
            else:
                surviving, launched = curve[COVERED, n], curve[COVERED_LAUNCH, n]
            spent = min(budget, curve[ENDS, n - 1])
        back = arriving(launched, striker_defense, striker_sls)
        reserve = max(total_held - spent, 0.0) * use_reliability
        reserve_arriving = arriving(reserve, victim_defense, victim_sls)
        own = _power(-math.expm1(-max(back, 0.0) * LN5 / w80_striker), exponent)
        enemy = _power(-math.expm1(-max(reserve_arriving, 0.0) * LN5 / w80_victim), exponent)
        traced[OWN_TERM, k] = own
        traced[ENEMY_TERM, k] = enemy
        traced[STRIKER_COST, k] = own + enemy_weight * (1.0 - enemy)
        traced[VICTIM_COST, k] = enemy + enemy_weight * (1.0 - own)
        traced[SURVIVING, k] = surviving
        traced[BACK, k] = back
        traced[TRACED, k] = mark
        visited[tally] = k
        tally += 1
        best = min(best, traced[STRIKER_COST, k])
    # The stop rule over the traced levels (no other level can be near the minimum).
    chosen = stop_rule(traced, visited, tally, best, tolerance)
    damage = -math.expm1(-max(traced[BACK, chosen], 0.0) * LN5 / w80_striker)
    return (
        traced[SURVIVING, chosen],
        traced[BACK, chosen],
        damage,
        traced[STRIKER_COST, chosen],
        traced[VICTIM_COST, chosen],
        chosen,
        tally,
    )


@jit
def stop_rule(traced, visited, count, best, tolerance):
    """Scalar ``stratstab.models.crisis.stop_rule`` over the levels ``visited[:count]``
    (in any order) of ``traced``: the lowest striker cost ``best`` among them, the level
    within ``tolerance`` of it that costs the victim most, then the smallest level."""
    chosen = -1
    for r in range(count):
        k = visited[r]
        if traced[STRIKER_COST, k] <= best + tolerance:
            if (
                chosen < 0
                or traced[VICTIM_COST, k] > traced[VICTIM_COST, chosen]
                or (traced[VICTIM_COST, k] == traced[VICTIM_COST, chosen] and k < chosen)
            ):
                chosen = k
    return chosen


# --- one batch of variants ---------------------------------------------------------------


@jit
def _reaction(i, x, plans, bases, fixed, rows, sls, values, slopes, scratch, out):
    """Reaction-function outputs of side ``x`` (the victim of the other's full strike).

    ``slopes``: :data:`~stratstab.analysis.batch.layout.SLOPE_SECANT` (the reference's
    secants over +-10 % of the other arsenal and its interceptor step) or
    ``SLOPE_DERIVATIVE`` (implicit differentiation, as
    ``arms_race.derivative_slopes``).  Each variant's searches start from its own
    forces (factor 1), never from another variant's answer: results do not depend on
    how variants are grouped or ordered.
    """
    o = 1 - x
    queue, type_starts, targets, kill, reliability, fratricide, _ = plans[o]
    counts, edges, victim, orders, defense, tally = scratch
    delta, lower = values[SLOPE_DELTA, o, i], values[SLOPE_LOWER, o, i]
    lua_x = values[LAUNCH_UNDER_ATTACK, x, i]
    defense[:] = rows[o]
    interceptors = defense[FIRST_LAYER, INTERCEPTORS]
    need_x = values[REQUIREMENT, x, i]
    holds = _ranked_once(targets, bases[x], i, lua_x, victim, orders[ORDER_AS_IS])
    plan = (targets, kill, reliability, fratricide, counts, edges)
    struck = (bases[x], i, lua_x, victim, orders, holds, defense, sls[o], tally)
    weapon_counts(queue, type_starts, bases[o], i, fixed[o], 1.0, counts, edges)
    landed = full_strike_landed(1.0, plan, struck)
    scale, rise = smallest_sufficient(plan, struck, need_x, 1.0, landed, math.nan)
    total_x = 0.0
    total_o = 0.0
    for j in range(bases[x].shape[2]):
        total_x += bases[x][BASE_WARHEADS, i, j]
    for j in range(bases[o].shape[2]):
        total_o += bases[o][BASE_WARHEADS, i, j]
    out[i, x, REQUIRED_ARSENAL] = scale * total_x
    out[i, x, ARRIVING_AFTER_FULL_COUNTERFORCE] = landed
    out[i, x, ASSURED_RETALIATION] = 1.0 if landed >= need_x else 0.0
    attacker = (queue, type_starts, bases[o], i, fixed[o])
    inventory = (interceptors, interceptors + delta, lower)
    out[i, x, REACTION_SLOPE_ARSENAL] = 0.0
    if slopes == SLOPE_DERIVATIVE:
        arsenal, per_interceptor = _derivative_slopes(plan, struck, attacker, inventory, scale)
        if total_o > 0:
            out[i, x, REACTION_SLOPE_ARSENAL] = arsenal * total_x / total_o
        out[i, x, REACTION_SLOPE_INTERCEPTORS] = per_interceptor * total_x
        return
    up, down, more, fewer = _secant_scales(plan, struck, attacker, inventory, need_x, scale, rise)
    if total_o > 0:
        out[i, x, REACTION_SLOPE_ARSENAL] = (up * total_x - down * total_x) / (
            2 * SLOPE_STEP * total_o
        )
    out[i, x, REACTION_SLOPE_INTERCEPTORS] = (more * total_x - fewer * total_x) / (
        interceptors + delta - lower
    )


@jit
def _secant_scales(plan, struck, attacker, inventory, need, scale, rise):
    """The required scales behind the secant slopes (``arms_race.reaction_function``):
    with the other side's arsenal up and down, with its interceptors up and down.

    The other side's arsenal 10 % up and down, then its interceptors up and down; the
    perturbed searches start at the base answer with its slope as a hint.
    """
    queue, type_starts, base, i, fixed = attacker
    counts, edges = plan[4], plan[5]
    defense = struck[6]
    interceptors, more_interceptors, lower = inventory
    found = math.isfinite(scale) and scale > 0
    near = scale if found else 1.0
    hint = rise if found else math.nan
    weapon_counts(queue, type_starts, base, i, fixed, 1.0 + SLOPE_STEP, counts, edges)
    up = smallest_sufficient(plan, struck, need, near, math.nan, hint)[0]
    weapon_counts(queue, type_starts, base, i, fixed, 1.0 - SLOPE_STEP, counts, edges)
    down = smallest_sufficient(plan, struck, need, near, math.nan, hint)[0]
    weapon_counts(queue, type_starts, base, i, fixed, 1.0, counts, edges)
    defense[FIRST_LAYER, INTERCEPTORS] = more_interceptors
    more = smallest_sufficient(plan, struck, need, near, math.nan, hint)[0]
    fewer = scale
    if lower != interceptors:
        defense[FIRST_LAYER, INTERCEPTORS] = lower
        fewer = smallest_sufficient(plan, struck, need, near, math.nan, hint)[0]
    defense[FIRST_LAYER, INTERCEPTORS] = interceptors
    return up, down, more, fewer


@jit
def _derivative_slopes(plan, struck, attacker, inventory, scale):
    """Slopes of the required scale by implicit differentiation
    (``arms_race.derivative_slopes``): ``-(dF/dx) / (dF/df)`` of the condition
    ``F = landed(f, x) - need = 0`` at the required factor ``f``, each partial a central
    difference (``DERIVATIVE_STEP`` relative in the factors; one interceptor either side,
    over which the engagement model is linear).  Zero when no forces are needed, NaN when
    no factor suffices.
    """
    if not scale > 0:
        return 0.0, 0.0
    if not math.isfinite(scale):
        return math.nan, math.nan
    queue, type_starts, base, i, fixed = attacker
    counts, edges = plan[4], plan[5]
    defense = struck[6]
    interceptors, more_interceptors, lower = inventory
    h = DERIVATIVE_STEP
    rise = full_strike_landed(scale * (1.0 + h), plan, struck)
    rise -= full_strike_landed(scale * (1.0 - h), plan, struck)
    per_factor = rise / (2.0 * h * scale)
    weapon_counts(queue, type_starts, base, i, fixed, 1.0 + h, counts, edges)
    per_arsenal = full_strike_landed(scale, plan, struck)
    weapon_counts(queue, type_starts, base, i, fixed, 1.0 - h, counts, edges)
    per_arsenal -= full_strike_landed(scale, plan, struck)
    per_arsenal /= 2.0 * h
    weapon_counts(queue, type_starts, base, i, fixed, 1.0, counts, edges)
    defense[FIRST_LAYER, INTERCEPTORS] = more_interceptors
    per_interceptor = full_strike_landed(scale, plan, struck)
    defense[FIRST_LAYER, INTERCEPTORS] = lower
    per_interceptor -= full_strike_landed(scale, plan, struck)
    per_interceptor /= more_interceptors - lower
    defense[FIRST_LAYER, INTERCEPTORS] = interceptors
    return -per_arsenal / per_factor, -per_interceptor / per_factor


@jit
def evaluate_variants(
    plans, bases, fixed, reliability, defenses, further, sls, values, settings, solve, out, work
):
    """Per-side outputs of every variant into ``out`` (``(N, 2, len(SIDE_OUTPUTS))``).

    ``plans``: per side, its strike plan on the other (queue, type starts, targets,
    SSPK, reliability per type, fratricide, use share; see ``batch._plan_arrays``);
    ``bases``: per side ``(BASE_ROWS, N, n)`` warheads, aim points, survivability;
    ``fixed``, ``reliability``: per side, per system; ``defenses``: ``(2, N, 9)``, each
    variant's first defense layer; ``further``: ``(2, L - 1, 9)``, the further layers
    (the same in every variant; a side with fewer is padded with layers without
    interceptors); ``sls``: ``(2, L)`` shoot-look-shoot flag of each layer;
    ``values``: ``(VALUE_ROWS, 2, N)``, the rows named in
    :mod:`~stratstab.analysis.batch.layout` (w80, launch under attack, retaliation
    requirement, the interceptor step and lowered count of the slope);
    ``settings``: (grid size, cost exponent, enemy weight, exhaustive, reactions,
    the stop rule's near-tie tolerance, the slope method code);
    ``solve`` ``(N, 2, 2)``: per variant and side, whether to trace the side's exchange
    as the striker, and whether to compute its reaction functions (the caller copies
    both from an earlier variant with the same inputs where false).
    ``work`` ``(N, 2, 3)`` receives, per side, the grid index its stop rule chose as
    the striker, the grid levels traced to find it, and the full-strike evaluations
    its reaction functions took (zeros where nothing was computed).
    """
    size, exponent, enemy_weight, exhaustive, reactions, tolerance, slopes = settings
    w80, lua = values[W80], values[LAUNCH_UNDER_ATTACK]
    n_rows = out.shape[0]
    n_max = max(bases[0].shape[2], bases[1].shape[2])
    curve = np.empty((6, n_max + 1))
    victim = np.empty((6, n_max))
    orders = np.empty((2, n_max), dtype=np.int64)
    order = orders[ORDER_AS_IS]
    traced = np.empty((7, size))
    traced[TRACED] = -1.0
    stack = np.empty((2 * size, 3), dtype=np.int64)
    n_layers = further.shape[1] + 1
    defense = np.empty((n_layers, DEFENSE_ROW))
    rows = np.empty((2, n_layers, DEFENSE_ROW))
    for s in range(2):
        for k in range(1, n_layers):
            defense_row(further[s, k - 1], rows[s, k])
    counts = (np.empty(plans[0][1].size), np.empty(plans[1][1].size))
    edges = (np.empty(plans[0][1].size + 1), np.empty(plans[1][1].size + 1))
    tally = np.zeros(1)
    previous = np.full(2, -1, dtype=np.int64)  # each striker's choice in the last variant
    for i in range(n_rows):
        defense_row(defenses[0, i], rows[0, FIRST_LAYER])
        defense_row(defenses[1, i], rows[1, FIRST_LAYER])
        for s in range(2):
            v = 1 - s
            for q in range(REQUIRED_ARSENAL, out.shape[2]):
                out[i, s, q] = math.nan
            work[i, s, STOP_RULE_LEVEL] = 0.0
            work[i, s, LEVELS_TRACED] = 0.0
            work[i, s, FULL_STRIKE_EVALUATIONS] = 0.0
            if not solve[i, s, STRIKES]:
                continue  # the same exchange as an earlier variant: copied afterwards
            queue, type_starts, targets, kill, rel, fratricide, use_share = plans[s]
            weapon_counts(queue, type_starts, bases[s], i, fixed[s], 1.0, counts[s], edges[s])
            _fill_victim(bases[v], i, 1.0, lua[v, i], targets, victim)
            strike = (targets, kill, rel, fratricide, counts[s], edges[s], victim, order, curve)
            maximum = _rank(
                targets, kill, rel, fratricide, counts[s], edges[s], victim, order, curve
            )
            total_held = 0.0
            reliable_use = 0.0
            for k in range(bases[s].shape[2]):
                held = bases[s][BASE_WARHEADS, i, k]
                total_held += held
                reliable_use += held * use_share[k] * reliability[s][k]
            striker = (
                maximum,
                total_held,
                reliable_use / max(total_held, EMPTY_FORCE_FLOOR),
                w80[s, i],
                w80[v, i],
            )
            pair = (rows[s], sls[s], rows[v], sls[v])
            surviving, back, damage, striker_cost, victim_cost, index, traces = exchange_curve(
                strike,
                striker,
                pair,
                size,
                (exponent, enemy_weight, tolerance),
                exhaustive,
                traced,
                stack,
                float(2 * i + s),
                previous[s],
            )
            previous[s] = index
            # What the striker's choice does to the victim, and the striker's own cost.
            out[i, v, SURVIVING_WARHEADS] = surviving
            out[i, v, ARRIVING_WARHEADS] = back
            out[i, v, DAMAGE_FRACTION] = damage
            out[i, s, C1] = striker_cost
            out[i, v, C2] = victim_cost
            work[i, s, STOP_RULE_LEVEL] = index
            work[i, s, LEVELS_TRACED] = traces
        if reactions:
            for x in range(2):
                if not solve[i, x, REACTS]:
                    continue  # the same inputs as an earlier variant: copied afterwards
                tally[0] = 0.0
                scratch = (counts[1 - x], edges[1 - x], victim, orders, defense, tally)
                _reaction(i, x, plans, bases, fixed, rows, sls, values, slopes, scratch, out)
                work[i, x, FULL_STRIKE_EVALUATIONS] = tally[0]
