"""Scenario overrides of force numbers: ``{"DF-41.launchers": 60}``.

An override key is ``SYSTEM.FIELD`` where FIELD is one of the estimate fields of a
delivery system (``launchers``, ``cep_m``, ``survivability.generated`` ...) or
``strategic``.  The value is a number, which becomes the ``central`` value (``low`` and
``high`` widen to include it), or a mapping with any of ``low``/``central``/``high``.
Overridden numbers cite the source key ``override`` (added to the dataset's sources)
and are marked as assumptions whose basis records the replaced value, so a report
shows plainly which numbers came from the scenario rather than the dataset.

Changing ``launchers`` or ``warheads_per_launcher`` rescales ``deployed_warheads`` in
proportion unless the same overrides also set ``deployed_warheads``: 60 DF-41
launchers means 60 loaded launchers with their warheads.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

from pydantic import ValidationError

from stratstab.errors import InputError
from stratstab.forces.schema import ESTIMATE_FIELDS, Dataset

OVERRIDE_SOURCE_KEY = "override"
_SCALING_FIELDS = ("launchers", "warheads_per_launcher")


def _override_source(origin: str) -> dict[str, Any]:
    return {
        "key": OVERRIDE_SOURCE_KEY,
        "citation": {
            "authors": ["scenario author"],
            "title": f"Force numbers overridden in {origin}",
            "venue": "stratstab scenario",
            "publisher": "scenario author",
            "year": 2024,
        },
        "user_supplied": True,
        "notes": "Values set by a scenario or command line, replacing the dataset's own.",
    }


def _split_key(key: object, dataset: Dataset, *, origin: str, where: str) -> tuple[int, str]:
    """Resolve ``SYSTEM.FIELD`` to (system index, dotted field); longest name wins."""
    if not isinstance(key, str):
        raise InputError(
            f"expected a 'SYSTEM.FIELD' string key, got {key!r}", source=origin, field=where
        )
    names = dataset.system_names
    matches = [
        (index, key[len(name) + 1 :])
        for index, name in enumerate(names)
        if key.casefold().startswith(name.casefold() + ".")
    ]
    if not matches:
        raise InputError(
            f"unknown system in override {key!r}; dataset {dataset.id!r} has: " + ", ".join(names),
            source=origin,
            field=where,
        )
    index, field = max(matches, key=lambda match: len(names[match[0]]))
    if field not in ESTIMATE_FIELDS and field != "strategic":
        raise InputError(
            f"cannot override field {field!r}; expected one of: "
            + ", ".join((*ESTIMATE_FIELDS, "strategic")),
            source=origin,
            field=where,
        )
    return index, field


def _number(value: object, *, origin: str, where: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise InputError(f"expected a finite number, got {value!r}", source=origin, field=where)
    return float(value)


def _new_estimate(
    old: dict[str, Any] | None, value: object, *, origin: str, where: str
) -> dict[str, Any]:
    """The overridden estimate as a plain dict (validated later with the dataset)."""
    if isinstance(value, Mapping):
        unknown = set(value) - {"low", "central", "high"}
        if unknown:
            raise InputError(
                f"expected keys low/central/high, got {sorted(map(str, unknown))}",
                source=origin,
                field=where,
            )
        parts = {k: _number(v, origin=origin, where=f"{where}.{k}") for k, v in value.items()}
    else:
        parts = {"central": _number(value, origin=origin, where=where)}
    if "central" not in parts and old is None:
        raise InputError(
            "expected a central value for a field the dataset leaves empty",
            source=origin,
            field=where,
        )
    central = parts.get("central", old["central"] if old else 0.0)
    low = parts.get("low", min(_or(old, "low", central), central))
    high = parts.get("high", max(_or(old, "high", central), central))
    replaced = f"{old['central']:g} from source {old['source']!r}" if old else "no value"
    return {
        "central": central,
        "low": low,
        "high": high,
        "source": OVERRIDE_SOURCE_KEY,
        "assumption": True,
        "basis": f"set in {origin} (dataset had {replaced})",
    }


def _or(old: dict[str, Any] | None, bound: str, default: float) -> float:
    value = old.get(bound) if old else None
    return default if value is None else float(value)


def _rescale_deployed(system: dict[str, Any], before: dict[str, Any], origin: str) -> None:
    """Scale deployed_warheads by the change in launchers x warheads_per_launcher."""
    old_product = before["launchers"]["central"] * before["warheads_per_launcher"]["central"]
    new_product = system["launchers"]["central"] * system["warheads_per_launcher"]["central"]
    deployed = dict(system["deployed_warheads"])
    if old_product > 0:
        ratio = new_product / old_product
        for bound in ("low", "central", "high"):
            if deployed.get(bound) is not None:
                deployed[bound] = deployed[bound] * ratio
    else:
        deployed.update(low=new_product, central=new_product, high=new_product)
    deployed.update(
        source=OVERRIDE_SOURCE_KEY,
        assumption=True,
        note=None,
        basis=f"rescaled with launchers x warheads per launcher in {origin}",
    )
    system["deployed_warheads"] = deployed


def apply_overrides(
    dataset: Dataset,
    overrides: Mapping[str, Any],
    *,
    origin: str = "overrides",
    field_prefix: str = "",
) -> Dataset:
    """Return a new, fully revalidated dataset with the overrides applied.

    ``origin`` names where the overrides came from (a scenario file, ``--set``) and
    ``field_prefix`` the path of the overrides block inside it (e.g.
    ``"forces.CN.overrides"``); errors name ``origin`` as their source and
    ``field_prefix.KEY`` (or just ``KEY``) as their field.
    Raises InputError for an unknown system or field, a non-numeric value, or a value
    the schema rejects (e.g. a probability above 1).
    """
    if not isinstance(dataset, Dataset):
        raise InputError(
            "overrides apply to posture datasets only", source=origin, field=field_prefix or None
        )
    if not overrides:
        return dataset
    data = dataset.model_dump(mode="python")
    before = dataset.model_dump(mode="python")
    touched: dict[int, set[str]] = {}
    resolved: list[tuple[str, int, str]] = []
    for key, value in overrides.items():
        where = f"{field_prefix}.{key}" if field_prefix else str(key)
        index, field = _split_key(key, dataset, origin=origin, where=where)
        resolved.append((where, index, field))
        system = data["systems"][index]
        touched.setdefault(index, set()).add(field)
        if field == "strategic":
            if not isinstance(value, bool):
                raise InputError(
                    f"expected true or false, got {value!r}", source=origin, field=where
                )
            system["strategic"] = value
            continue
        parent, _, leaf = field.rpartition(".")
        holder = system[parent] if parent else system
        holder[leaf] = _new_estimate(holder.get(leaf), value, origin=origin, where=where)
    for index, fields in touched.items():
        if fields & set(_SCALING_FIELDS) and "deployed_warheads" not in fields:
            _rescale_deployed(data["systems"][index], before["systems"][index], origin)
    if all(s["key"] != OVERRIDE_SOURCE_KEY for s in data["sources"]):
        data["sources"].append(_override_source(origin))
    try:
        return Dataset.model_validate(data)
    except ValidationError as exc:
        raise _blame(exc, resolved, dataset, origin=origin, field_prefix=field_prefix) from None


def _blame(
    exc: ValidationError,
    resolved: list[tuple[str, int, str]],
    dataset: Dataset,
    *,
    origin: str,
    field_prefix: str,
) -> InputError:
    """Point a validation failure at the override key that caused it."""
    first = exc.errors()[0]
    location = [str(part) for part in first.get("loc", ())]
    detail = first.get("msg", "invalid value").removeprefix("Value error, ")
    blamed = field_prefix or None
    if len(location) >= 2 and location[0] == "systems" and location[1].isdigit():
        index, rest = int(location[1]), ".".join(location[2:])
        candidates = [(where, field) for where, i, field in resolved if i == index]
        exact = [where for where, field in candidates if rest.startswith(field)]
        if exact or candidates:
            blamed = exact[0] if exact else candidates[0][0]
        detail = f"{detail} (system {dataset.systems[index].name!r}, field {rest or 'system'})"
    return InputError(detail, source=origin, field=blamed)
