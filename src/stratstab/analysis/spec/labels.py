"""Human labels with units for outputs and levers, for figures and printed reports.

One table for the names that figures and reports show instead of identifiers such as
``US.arriving_after_full_counterforce``.  :func:`label` turns any output or lever key
(``SIDE.name``, ``SIDE.SYSTEM.field`` or a scenario-wide output) into
"side: what it is (unit)".
"""

from __future__ import annotations

#: Scenario-wide and per-side outputs: (label, unit or "" for a pure number).
OUTPUT_LABELS: dict[str, tuple[str, str]] = {
    "crisis_stability_index": ("crisis-stability index", "0-1, 1 = no gain from striking first"),
    "arms_race_slope_product": ("arms-race slope product", "below 1 = stable"),
    "arms_race_stable": ("arms race stable", "yes/no"),
    "surviving_warheads": ("warheads surviving the other's first strike", "warheads"),
    "arriving_warheads": ("retaliating warheads arriving", "warheads"),
    "damage_fraction": ("damage to the first striker", "share of value"),
    "c1": ("cost of striking first (C1)", "Kent-Thaler cost"),
    "c2": ("cost of being struck first (C2)", "Kent-Thaler cost"),
    "required_arsenal": ("arsenal needed for assured retaliation", "deployed warheads"),
    "arriving_after_full_counterforce": (
        "warheads arriving after the other's full counterforce strike",
        "warheads",
    ),
    "assured_retaliation": ("assured retaliation holds", "yes/no"),
    "reaction_slope_arsenal": ("reaction slope to the rival's arsenal", "warheads per warhead"),
    "reaction_slope_interceptors": (
        "reaction slope to the rival's interceptors",
        "warheads per interceptor",
    ),
}

#: Side-level levers (see :mod:`stratstab.analysis.spec.levers`): (label, unit).
LEVER_LABELS: dict[str, tuple[str, str]] = {
    "posture": ("alert posture", "day-to-day/generated"),
    "arsenal_scale": ("arsenal size", "x dataset"),
    "interceptors": ("missile-defense interceptors", "interceptors"),
    "interceptor_pk": ("interceptor kill probability", "probability"),
    "shots_per_rv": ("interceptors fired per RV", "interceptors"),
    "discrimination": ("RV discrimination", "probability"),
    "common_mode": ("defense works as a whole", "probability"),
    "decoys_per_rv": ("decoys per RV", "decoys"),
    "decoy_rejection": ("decoy rejection", "probability"),
    "shoot_look_shoot": ("shoot-look-shoot firing", "yes/no"),
    "second_shots": ("second-salvo interceptors", "interceptors"),
    "kill_assessment": ("kill assessment", "probability"),
    "survivability_mobile": ("mobile-missile survivability", "share dispersed"),
    "survivability_ssbn": ("SSBNs at sea", "share"),
    "survivability_bomber": ("bombers on alert", "share"),
    "launch_under_attack": ("launch under attack", "share of silo warheads saved"),
    "w80": ("value target size (w80)", "warheads for 80 % damage"),
    "retaliation_warheads": ("assured-retaliation requirement", "arriving warheads"),
}

#: Dataset fields that a ``SIDE.SYSTEM.field`` override changes: (label, unit).
FIELD_LABELS: dict[str, tuple[str, str]] = {
    "launchers": ("launchers", "launchers"),
    "warheads_per_launcher": ("warheads per launcher", "warheads"),
    "deployed_warheads": ("deployed warheads", "warheads"),
    "yield_kt": ("yield", "kt"),
    "cep_m": ("accuracy (CEP)", "m"),
    "reliability": ("reliability", "probability"),
    "hardness_psi": ("silo hardness", "psi"),
    "aim_points": ("aim points", "aim points"),
}


def _with_unit(text: str, unit: str) -> str:
    return f"{text} ({unit})" if unit else text


def label(key: str) -> str:
    """A readable label with unit for an output or lever key; the key itself if unknown.

    ``"US.arriving_after_full_counterforce"`` becomes "US: warheads arriving after the
    other's full counterforce strike (warheads)"; ``"CN.DF-41.launchers"`` becomes
    "CN DF-41: launchers (launchers)".
    """
    if key in OUTPUT_LABELS:
        return _with_unit(*OUTPUT_LABELS[key])
    side, _, rest = key.partition(".")
    if not rest:
        return key
    for table in (OUTPUT_LABELS, LEVER_LABELS):
        if rest in table:
            return f"{side}: {_with_unit(*table[rest])}"
    system, _, field = rest.rpartition(".")
    if system and field in FIELD_LABELS:
        return f"{side} {system}: {_with_unit(*FIELD_LABELS[field])}"
    return key
