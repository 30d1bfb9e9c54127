"""``stratstab calc``: teaching calculators over the models, each with ``--json``.

Thin commands: parse options, call one model function, print either a table with units
and a one-line explanation per number or a JSON object keyed by snake_case quantity names.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Annotated, Any, TypeVar

import typer
from rich.table import Table

from stratstab.cli.common import console, print_json
from stratstab.errors import InputError
from stratstab.models import _validate as v
from stratstab.models import arms_race, burst_height, crisis, defense, effects

app = typer.Typer(
    help="Teaching calculators: SSPK, missile defense, crisis cost, arms-race stability.",
    no_args_is_help=True,
)

T = TypeVar("T")
JsonOpt = Annotated[bool, typer.Option("--json", help="Print a JSON object instead of a table.")]


@contextmanager
def _options() -> Iterator[None]:
    """Report a model's complaint about a parameter under the command-line option name."""
    try:
        yield
    except InputError as exc:
        option = "--" + exc.field.replace("_", "-") if exc.field else None
        raise InputError(exc.message, field=option) from None


def _run(compute: Callable[[], T]) -> T:
    with _options():
        return compute()


def _fmt(value: Any, digits: int = 4) -> str:
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, str):
        return value
    number = float(value)
    if math.isinf(number):
        return "unbounded"
    return f"{number:,.{digits}g}" if abs(number) < 1e6 else f"{number:,.0f}"


def _show(title: str, rows: list[tuple[str, Any, str, str]], note: str = "") -> None:
    """Print rows of (quantity, value, unit, what it means)."""
    table = Table(title=title, title_justify="left")
    table.add_column("quantity")
    table.add_column("value", justify="right")
    table.add_column("unit")
    table.add_column("what it means")
    for label, value, unit, meaning in rows:
        table.add_row(label, _fmt(value), unit, meaning)
    console.print(table)
    if note:
        console.print(note)


YieldOpt = Annotated[float | None, typer.Option("--yield-kt", help="Warhead yield, kilotons.")]
CepOpt = Annotated[float | None, typer.Option("--cep-m", help="Circular error probable, metres.")]
HardnessOpt = Annotated[float | None, typer.Option("--hardness-psi", help="Target hardness, psi.")]
SspkOpt = Annotated[
    float | None,
    typer.Option("--sspk", help="Single-shot kill probability, entered directly (instead of "
                 "--yield-kt, --cep-m and --hardness-psi)."),
]  # fmt: skip


def _weapon_or_sspk(
    yield_kt: float | None,
    cep_m: float | None,
    hardness_psi: float | None,
    sspk: float | None,
    **extra: Any,
) -> tuple[float, float | None]:
    """(SSPK, lethal radius or None): from --sspk, or from yield, CEP and hardness."""
    weapon = {"--yield-kt": yield_kt, "--cep-m": cep_m, "--hardness-psi": hardness_psi}
    given = [name for name, value in weapon.items() if value is not None]
    if sspk is not None:
        if given:
            raise InputError(
                f"give either --sspk or the weapon ({', '.join(weapon)}), not both",
                field="--sspk",
            )
        return float(_run(lambda: v.probability(sspk, name="sspk"))), None
    if len(given) < len(weapon):
        missing = [name for name in weapon if name not in given]
        raise InputError(
            f"missing {', '.join(missing)} (or enter the kill probability with --sspk)",
            field=missing[0],
        )
    bias = {"bias_m": extra.pop("bias_m")} if "bias_m" in extra else {}
    kw = {"yield_kt": yield_kt, "hardness_psi": hardness_psi, **extra}
    radius = _run(lambda: effects.lethal_radius_m(**kw))
    single = _run(lambda: effects.sspk(**kw, **bias, cep_m=cep_m))
    return float(single), float(radius)


@app.command("sspk")
def sspk_command(
    yield_kt: YieldOpt = None,
    cep_m: CepOpt = None,
    hardness_psi: HardnessOpt = None,
    sspk: SspkOpt = None,
    reliability: Annotated[float, typer.Option(help="Probability missile and warhead work.")] = 1.0,
    bias_m: Annotated[float, typer.Option("--bias-m", help="Aim bias, metres.")] = 0.0,
    shots: Annotated[int, typer.Option(help="Warheads on the target (separate boosters).")] = 1,
    fratricide: Annotated[float, typer.Option(help="Chance a later warhead is negated.")] = 0.0,
    method: Annotated[str, typer.Option(help="Lethal radius: rule-2.62 or brode.")] = "rule-2.62",
    as_json: JsonOpt = False,
) -> None:
    """Kill probability of a warhead against a hardened target (silo, bunker).

    Give the weapon (--yield-kt, --cep-m, --hardness-psi) or enter the single-shot kill
    probability directly with --sspk; reliability, several shots and fratricide apply
    either way.
    """
    extra = {"method": method, "bias_m": bias_m}
    if sspk is not None and (bias_m != 0.0 or method != "rule-2.62"):
        raise InputError("--bias-m and --method apply to the weapon, not to --sspk", field="--sspk")
    single, radius = _weapon_or_sspk(yield_kt, cep_m, hardness_psi, sspk, **extra)
    tkp = _run(lambda: effects.kill_probability(sspk=single, reliability=reliability,
                                                shots=shots, fratricide=fratricide))  # fmt: skip
    k = (
        _run(lambda: effects.lethality(yield_kt=yield_kt, cep_m=cep_m))
        if radius is not None
        else None
    )
    out = {"sspk": single, "tkp": tkp, "lethal_radius_m": radius, "lethality": k}
    if as_json:
        print_json(out)
        return
    rows = [
        ("SSPK", single, "probability", "one arriving warhead destroys the target"),
        ("TKP", tkp, "probability", f"{shots} warhead(s) destroy it, reliability included"),
    ]
    if radius is None:
        _show(f"SSPK {single:g} entered directly", rows)
        return
    _show(f"{yield_kt:g} kt, CEP {cep_m:g} m, against {hardness_psi:g} psi", [
        ("lethal radius", radius, "m", "a burst this close destroys the target"),
        *rows,
        ("lethality K", k, "Mt^(2/3)/nmi^2", "counter-military potential"),
    ])  # fmt: skip


@app.command("bmd")
def bmd_command(
    rvs: Annotated[float, typer.Option(help="Attacking reentry vehicles (warheads).")],
    interceptor_pk: Annotated[
        float | None, typer.Option("--interceptor-pk", help="Interceptor SSPK.")
    ] = None,
    shots_per_rv: Annotated[
        int | None, typer.Option("--shots-per-rv", help="Interceptors per RV.")
    ] = None,
    layer: Annotated[
        list[str] | None,
        typer.Option(
            "--layer",
            help="A defense layer, repeatable, e.g. 'interceptors=44,"
            "pk=0.5,shots=4,discrimination=0.9,common_mode=1'; second=N fires a "
            "shoot-look-shoot second salvo of N at RVs kill_assessment=P sees survive "
            "(instead of the single-layer options).",
        ),
    ] = None,  # fmt: skip
    discrimination: Annotated[float, typer.Option(help="P(RV tracked and discriminated).")] = 1.0,
    common_mode: Annotated[float, typer.Option(help="P(whole defense works).")] = 1.0,
    decoys: Annotated[float, typer.Option(help="Decoys accompanying the RVs.")] = 0.0,
    decoy_rejection: Annotated[float, typer.Option(help="P(a decoy is recognised).")] = 0.0,
    inventory: Annotated[
        int | None, typer.Option(help="Interceptors available (default: unlimited).")
    ] = None,
    shoot_look_shoot: Annotated[
        bool, typer.Option(help="Fire a second salvo after a look.")
    ] = False,
    second_shots: Annotated[
        int | None, typer.Option(help="Second-salvo interceptors (default: --shots-per-rv).")
    ] = None,
    kill_assessment: Annotated[
        float, typer.Option(help="P(a surviving RV is seen as alive).")
    ] = 1.0,
    as_json: JsonOpt = False,
) -> None:
    """How many warheads get through a missile defense (Wilkening's model).

    One layer from the options, or several with repeated --layer (each a barrage that
    shoots at what the layer before let through).
    """
    if layer:
        _layered(rvs, layer, as_json=as_json)
        return
    for option, value in (("--interceptor-pk", interceptor_pk), ("--shots-per-rv", shots_per_rv)):
        if value is None:
            raise InputError("missing (or describe the defense with --layer)", field=option)
    e = _run(lambda: defense.engage(
        rvs=rvs, interceptors=math.inf if inventory is None else inventory,
        interceptor_pk=interceptor_pk, shots_per_rv=shots_per_rv, discrimination=discrimination,
        common_mode=common_mode, decoys=decoys, decoy_rejection=decoy_rejection,
        shoot_look_shoot=shoot_look_shoot, kill_assessment=kill_assessment,
        second_shots=shots_per_rv if second_shots is None else second_shots,
    ))  # fmt: skip
    out = {"p_no_leakers": e.p_no_leakers, "expected_leakers": e.expected_leakers,
           "interceptors_used": e.interceptors_used, "leakage_per_rv": e.leakage_per_rv,
           "engaged_objects": e.engaged_objects, "doctrine": defense.ENGAGE_DOCTRINE}  # fmt: skip
    if as_json:
        print_json(out)
        return
    _show(f"{rvs:g} RVs against a defense", [
        ("P(no leakers)", e.p_no_leakers, "probability", "chance the defense stops every RV"),
        ("expected leakers", e.expected_leakers, "warheads", "RVs expected to reach targets"),
        ("interceptors used", e.interceptors_used, "interceptors", "expected number fired"),
        ("leakage per RV", e.leakage_per_rv, "probability", "chance a given RV gets through"),
        ("objects engaged", e.engaged_objects, "objects", "RVs plus decoys not rejected"),
    ], note=f"Defense doctrine: {defense.ENGAGE_DOCTRINE}.")  # fmt: skip


_LAYER_KEYS = {
    "interceptors": "interceptors",
    "pk": "interceptor_pk",
    "shots": "shots_per_rv",
    "discrimination": "discrimination",
    "common_mode": "common_mode",
    "second": "second_shots",
    "kill_assessment": "kill_assessment",
}


def _parse_layer(text: str, number: int) -> defense.DefenseLayer:
    """``key=value`` pairs of one --layer (keys of ``_LAYER_KEYS``; pk and shots needed)."""
    field = f"--layer #{number}"
    values: dict[str, Any] = {}
    for part in filter(None, (p.strip() for p in text.split(","))):
        key, sep, raw = part.partition("=")
        if not sep or key.strip() not in _LAYER_KEYS:
            raise InputError(
                f"expected key=value with keys {', '.join(_LAYER_KEYS)}, got {part!r}",
                field=field,
            )
        try:
            number_value = float(raw)
        except ValueError:
            raise InputError(f"{key}: expected a number, got {raw!r}", field=field) from None
        values[_LAYER_KEYS[key.strip()]] = number_value
    missing = [k for k in ("pk", "shots") if _LAYER_KEYS[k] not in values]
    if missing:
        raise InputError(f"missing {', '.join(missing)}", field=field)
    for key, name in (("shots", "shots_per_rv"), ("second", "second_shots")):
        count = values.get(name, 0.0)
        if count != int(count) or count < 0:
            raise InputError(f"{key}: expected a whole number >= 0, got {count:g}", field=field)
        values[name] = int(count)
    values["shoot_look_shoot"] = values["second_shots"] > 0
    for name in ("interceptor_pk", "discrimination", "common_mode", "kill_assessment"):
        if name in values and not 0.0 <= values[name] <= 1.0:
            raise InputError(f"{name}: expected a probability in [0, 1]", field=field)
    if values.get("interceptors", 0.0) < 0:
        raise InputError("interceptors: expected >= 0", field=field)
    return defense.DefenseLayer(**values)


def _layered(rvs: float, specs: list[str], *, as_json: bool) -> None:
    layers = [_parse_layer(text, i) for i, text in enumerate(specs, start=1)]
    result = _run(lambda: defense.layered_engagement(rvs=rvs, layers=layers))
    out = {
        "p_no_leakers": None if math.isnan(result.p_no_leakers) else result.p_no_leakers,
        "expected_leakers": result.expected_leakers,
        "per_layer_leakers": list(result.per_layer_leakers),
        "interceptors_used": list(result.interceptors_used),
        "doctrine": defense.ENGAGE_DOCTRINE,
    }
    if as_json:
        print_json(out)
        return
    rows = [
        (f"after layer {i}", left, "warheads", f"RVs expected past layer {i}")
        for i, left in enumerate(result.per_layer_leakers, start=1)
    ]
    rows.append(("P(no leakers)", "n/a" if out["p_no_leakers"] is None else result.p_no_leakers,
                 "probability", "chance no RV gets through any layer"))  # fmt: skip
    _show(f"{rvs:g} RVs against {len(layers)} defense layers", rows, note=(
        "Each layer engages the RVs the one before let through. With a short inventory in "
        "a layer the next one gets the expected number (an approximation) and P(no "
        "leakers) is not computed."))  # fmt: skip


@app.command("crisis-cost")
def crisis_cost_command(
    own_damage: Annotated[float, typer.Option(help="Fraction of own value destroyed, 0-1.")],
    enemy_damage: Annotated[float, typer.Option(help="Fraction of enemy value destroyed, 0-1.")],
    own_weight_exponent: Annotated[float, typer.Option(help="Damage exponent.")] = 0.75,
    enemy_weight: Annotated[float, typer.Option(help="Weight of undamaged enemy value.")] = 0.3,
    as_json: JsonOpt = False,
) -> None:
    """Kent-Thaler cost of a war outcome to one side (lower is better for it)."""
    _run(lambda: (v.probability(own_damage, name="own_damage"),
                  v.probability(enemy_damage, name="enemy_damage"),
                  v.positive(own_weight_exponent, name="own_weight_exponent"),
                  v.non_negative(enemy_weight, name="enemy_weight")))  # fmt: skip
    value = float(crisis.cost(
        own_damage=own_damage, enemy_damage=enemy_damage,
        own_weight_exponent=own_weight_exponent, enemy_weight=enemy_weight,
    ))  # fmt: skip
    if as_json:
        print_json({"cost": value})
        return
    _show("Kent-Thaler cost", [
        ("cost", value, "dimensionless", f"0 = no loss; up to {1 + enemy_weight:g} = total loss"),
    ], "Mostly one's own damage, plus a surcharge for enemy value left intact.")  # fmt: skip


@app.command("richardson")
def richardson_command(
    a: Annotated[float, typer.Option("--a", help="X's reaction to Y's arms, per year.")],
    b: Annotated[float, typer.Option("--b", help="Y's reaction to X's arms, per year.")],
    m: Annotated[float, typer.Option("--m", help="X's fatigue/cost restraint, per year.")],
    n: Annotated[float, typer.Option("--n", help="Y's fatigue/cost restraint, per year.")],
    g: Annotated[float, typer.Option("--g", help="X's grievance, arms units per year.")],
    h: Annotated[float, typer.Option("--h", help="Y's grievance, arms units per year.")],
    as_json: JsonOpt = False,
) -> None:
    """Richardson arms race: equilibrium arms levels and whether the race settles."""
    r = _run(lambda: arms_race.richardson_equilibrium(a=a, b=b, m=m, n=n, g=g, h=h))
    out = {"x_star": r.x_star, "y_star": r.y_star, "stable": r.stable,
           "eigenvalues": r.eigenvalues}  # fmt: skip
    if as_json:
        print_json(out)
        return
    verdict = "settles at the equilibrium" if r.stable else "runs away (or never settles)"
    _show("Richardson equilibrium", [
        ("x*", r.x_star, "arms units", "X's level where both stop changing"),
        ("y*", r.y_star, "arms units", "Y's level where both stop changing"),
        ("stable", r.stable, "", f"m*n > a*b: the race {verdict}"),
    ])  # fmt: skip


@app.command("deterrence-cone")
def deterrence_cone_command(
    mbar_a: Annotated[float, typer.Option("--mbar-a", help="A missiles for unacceptable damage.")],
    mbar_b: Annotated[float, typer.Option("--mbar-b", help="B missiles for unacceptable damage.")],
    f_a: Annotated[float, typer.Option("--f-a", help="B missiles destroyed per A missile.")],
    f_b: Annotated[float, typer.Option("--f-b", help="A missiles destroyed per B missile.")],
    as_json: JsonOpt = False,
) -> None:
    """Intriligator-Brito cone: smallest forces at which each side deters the other."""
    c = _run(lambda: arms_race.deterrence_cone(mbar_a=mbar_a, mbar_b=mbar_b, f_a=f_a, f_b=f_b))
    if as_json:
        print_json({"exists": c.exists, "vertex_a": c.vertex_a, "vertex_b": c.vertex_b})
        return
    _show("Cone of mutual deterrence", [
        ("cone exists", c.exists, "", "f_a*f_b < 1: mutual deterrence is reachable"),
        ("vertex A", c.vertex_a, "missiles", "fewest A missiles inside the cone"),
        ("vertex B", c.vertex_b, "missiles", "fewest B missiles inside the cone"),
    ])  # fmt: skip


@app.command("required-arsenal")
def required_arsenal_command(
    retaliation: Annotated[float, typer.Option(help="Warheads that must arrive in retaliation.")],
    p_kill: Annotated[float, typer.Option("--p-kill", help="P(a missile dies in a first strike).")],
    warheads_per_missile: Annotated[float, typer.Option(help="Warheads per missile.")],
    interceptors: Annotated[float, typer.Option(help="Opponent's interceptors.")],
    shots_per_rv: Annotated[int, typer.Option("--shots-per-rv", help="Interceptors per RV.")],
    interceptor_pk: Annotated[float, typer.Option("--interceptor-pk", help="Interceptor SSPK.")],
    as_json: JsonOpt = False,
) -> None:
    """Missiles needed to retaliate after a counterforce strike and through a defense."""
    r = _run(lambda: arms_race.required_arsenal(
        retaliation=retaliation, p_kill=p_kill, warheads_per_missile=warheads_per_missile,
        interceptors=interceptors, shots_per_rv=shots_per_rv, interceptor_pk=interceptor_pk,
    ))  # fmt: skip
    out = {"required_arsenal": r.required_arsenal, "required_missiles": r.required_missiles,
           "slope": r.slope, "slope_counterforce": r.slope_counterforce,
           "defense_exhausted": r.defense_exhausted,
           "doctrine": arms_race.REQUIRED_ARSENAL_DOCTRINE}  # fmt: skip
    if as_json:
        print_json(out)
        return
    _show("Assured-retaliation requirement", [
        ("required arsenal", r.required_arsenal, "missiles", "fewest missiles to still retaliate"),
        ("slope dN/dI", r.slope, "missiles/interceptor", "missiles added per extra interceptor"),
        ("slope dN/dPk", r.slope_counterforce, "missiles", "per unit rise in enemy P(kill)"),
        ("defense exhausted", r.defense_exhausted, "", "the interceptors run out before the RVs"),
    ], note=f"Defense doctrine: {arms_race.REQUIRED_ARSENAL_DOCTRINE}. "
            "`calc bmd` and the assessments use the even spread instead.")  # fmt: skip


@app.command("interceptors")
def interceptors_command(
    rvs: Annotated[float, typer.Option(help="Attacking reentry vehicles (warheads).")],
    interceptor_pk: Annotated[float, typer.Option("--interceptor-pk", help="Interceptor SSPK.")],
    p_no_leakers: Annotated[
        float, typer.Option("--p-no-leakers", help="Wanted probability that no RV gets through.")
    ],
    discrimination: Annotated[float, typer.Option(help="P(RV tracked and discriminated).")] = 1.0,
    common_mode: Annotated[float, typer.Option(help="P(whole defense works).")] = 1.0,
    as_json: JsonOpt = False,
) -> None:
    """Interceptors a barrage defense needs for a wanted probability of no leakers.

    Wilkening's question: n = ln(1 - (P0/rho)^(1/N) / q) / ln(1 - p) interceptors per RV,
    rounded up to whole interceptors.
    """
    try:
        need = _run(lambda: defense.interceptors_for_p0(
            rvs=rvs, p0=p_no_leakers, interceptor_pk=interceptor_pk,
            discrimination=discrimination, common_mode=common_mode,
        ))  # fmt: skip
    except InputError as exc:
        field = "--p-no-leakers" if exc.field == "--p0" else exc.field
        raise InputError(exc.message, field=field) from None
    whole = float(need.whole_shots_per_rv)
    check = _run(lambda: defense.engage(
        rvs=rvs, interceptors=math.inf, interceptor_pk=interceptor_pk, shots_per_rv=whole,
        discrimination=discrimination, common_mode=common_mode,
    )) if rvs > 0 and whole > 0 else None  # fmt: skip
    achieved = float(check.p_no_leakers) if check is not None else 1.0
    out = {"shots_per_rv": float(need.shots_per_rv), "whole_shots_per_rv": whole,
           "interceptors": float(need.interceptors), "p_no_leakers_achieved": achieved}  # fmt: skip
    if as_json:
        print_json(out)
        return
    _show(f"{rvs:g} RVs, wanted P(no leakers) {p_no_leakers:g}", [
        ("interceptors per RV", need.shots_per_rv, "interceptors", "exact solution (real number)"),
        ("whole interceptors per RV", whole, "interceptors", "rounded up: what a barrage fires"),
        ("interceptors needed", need.interceptors, "interceptors", "whole shots times RVs"),
        ("P(no leakers) achieved", achieved, "probability", "with the whole number of shots"),
    ], note="No decoys; every RV engaged. Source: Wilkening (2000), Science & Global "
            "Security 8(2).")  # fmt: skip


@app.command("target-survival")
def target_survival_command(
    yield_kt: YieldOpt = None,
    cep_m: CepOpt = None,
    hardness_psi: HardnessOpt = None,
    sspk: SspkOpt = None,
    reliability: Annotated[float, typer.Option(help="Probability missile and warhead work.")] = 1.0,
    warheads: Annotated[int, typer.Option(help="Warheads aimed at the target.")] = 1,
    interceptor_pk: Annotated[
        float, typer.Option("--interceptor-pk", help="Interceptor SSPK (0: no defense).")
    ] = 0.0,
    shots_per_rv: Annotated[int, typer.Option("--shots-per-rv", help="Interceptors per RV.")] = 0,
    discrimination: Annotated[float, typer.Option(help="P(RV tracked and discriminated).")] = 1.0,
    as_json: JsonOpt = False,
) -> None:
    """Chance a point target survives an attack that must get through a missile defense.

    Each warhead works (reliability), leaks through the defense (a barrage of
    --shots-per-rv interceptors) and destroys the target (SSPK):
    P(survive) = (1 - R L SSPK)^n.
    """
    single, _ = _weapon_or_sspk(yield_kt, cep_m, hardness_psi, sspk)
    leak = float(_run(lambda: defense.barrage_leakage(
        interceptor_pk=interceptor_pk, shots_per_rv=shots_per_rv, discrimination=discrimination,
    )))  # fmt: skip
    survive = float(_run(lambda: effects.target_survival(
        sspk=single, reliability=reliability, p_penetrate=leak, warheads=warheads,
    )))  # fmt: skip
    out = {"sspk": single, "leakage_per_rv": leak, "p_kill_per_warhead": reliability * leak
           * single, "target_survival": survive, "damage_expectancy": 1.0 - survive}  # fmt: skip
    if as_json:
        print_json(out)
        return
    _show(f"{warheads} warhead(s) against a defended point target", [
        ("SSPK", single, "probability", "one arriving warhead destroys the target"),
        ("leakage per RV", leak, "probability", "a warhead gets through the defense"),
        ("kill per warhead", out["p_kill_per_warhead"], "probability",
         "reliability x leakage x SSPK"),
        ("target survival", survive, "probability", "the target outlives every warhead"),
        ("damage expectancy", 1.0 - survive, "probability", "1 - survival"),
    ], note="The defense is taken to have interceptors for every warhead "
            "(no exhaustion).")  # fmt: skip


@app.command("hob")
def hob_command(
    yield_kt: Annotated[float, typer.Option("--yield-kt", help="Warhead yield, kilotons.")],
    hardness_psi: Annotated[
        float | None,
        typer.Option("--hardness-psi", help="Target hardness, psi: find the best burst height."),
    ] = None,
    ground_range_m: Annotated[
        float | None,
        typer.Option("--ground-range-m", help="Ground range, metres: overpressure there."),
    ] = None,
    burst_height_m: Annotated[
        float, typer.Option("--burst-height-m", help="Burst height, metres (0: surface burst).")
    ] = 0.0,
    as_json: JsonOpt = False,
) -> None:
    """Height of burst: Brode's overpressure for an airburst, and the best height for a hardness.

    With --ground-range-m: the peak overpressure there from a burst at --burst-height-m.
    With --hardness-psi: the burst height that carries that overpressure furthest, and
    how far, against a surface burst.
    """
    if hardness_psi is None and ground_range_m is None:
        raise InputError("give --hardness-psi, --ground-range-m or both", field="--hardness-psi")
    out: dict[str, Any] = {}
    rows: list[tuple[str, Any, str, str]] = []
    if ground_range_m is not None:
        pressure = float(_run(lambda: burst_height.airburst_overpressure_psi(
            yield_kt=yield_kt, ground_range_m=ground_range_m, burst_height_m=burst_height_m,
        )))  # fmt: skip
        out["overpressure_psi"] = pressure
        where = f"{ground_range_m:g} m from ground zero, burst at {burst_height_m:g} m"
        rows.append(("peak overpressure", pressure, "psi", where))
    if hardness_psi is not None:
        best = _run(lambda: burst_height.optimum_burst_height(
            yield_kt=yield_kt, hardness_psi=hardness_psi))  # fmt: skip
        out.update(best)
        rows += [
            ("optimum burst height", best["burst_height_m"], "m",
             f"carries {hardness_psi:g} psi furthest"),
            ("lethal ground range", best["ground_range_m"], "m", "at the optimum height"),
            ("surface-burst range", best["surface_ground_range_m"], "m",
             "the same pressure from a surface burst"),
        ]  # fmt: skip
    if as_json:
        print_json(out)
        return
    _show(f"{yield_kt:g} kt burst", rows, note=(
        "Brode (1986) airblast fit: ideal surface at sea level, about 4 % typical and 11 % "
        "worst-case error against the test data; less reliable above about 100 psi."))  # fmt: skip
