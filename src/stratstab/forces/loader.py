"""Read force datasets: the built-in ones shipped in ``forces/data`` or a user's YAML file.

Every failure a user can cause ends in a typed error: YAML syntax errors and schema
violations become :class:`~stratstab.errors.InputError` naming the file, the field
path and what was expected; an unknown dataset id becomes
:class:`~stratstab.errors.NotFoundError` listing the ids that exist.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from importlib import resources
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from stratstab.errors import InputError, NotFoundError, from_validation_error
from stratstab.forces.schema import DATASET_MODELS, AnyDataset, Dataset

_PACKAGE = "stratstab.forces"
_SUFFIXES = (".yaml", ".yml")


@dataclass(frozen=True)
class DatasetSummary:
    """One line of ``stratstab forces list``.

    ``systems`` counts delivery systems (posture datasets) or states (inventories);
    ``total_warheads`` is the stockpile total when the dataset gives one, otherwise
    deployed plus stored warheads summed over systems (central estimates).
    """

    id: str
    kind: str
    country: str | None
    title: str
    as_of: date
    version: str
    systems: int
    total_warheads: float | None


# The C-accelerated safe loader is several times faster where libyaml is available.
_SafeLoader: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _UniqueKeyLoader(_SafeLoader):  # type: ignore[misc,valid-type]
    """Safe YAML loader that rejects a key repeated within one mapping.

    Plain PyYAML keeps the last value silently, which would hide a typo'd duplicate
    of a force number.
    """


def _construct_mapping(loader: _UniqueKeyLoader, node: yaml.MappingNode) -> dict[Any, Any]:
    loader.flatten_mapping(node)
    mapping: dict[Any, Any] = {}
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        if key in mapping:
            mark = key_node.start_mark
            raise yaml.constructor.ConstructorError(None, None, f"duplicate key {key!r}", mark)
        mapping[key] = loader.construct_object(value_node, deep=True)
    return mapping


_UniqueKeyLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)


def parse_yaml(text: str, *, source: str) -> Any:
    """Parse YAML text safely; syntax errors become InputError with line and column."""
    try:
        return yaml.load(text, Loader=_UniqueKeyLoader)  # noqa: S506 - a SafeLoader subclass
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        problem = getattr(exc, "problem", None) or str(exc)
        where = f"line {mark.line + 1}, column {mark.column + 1}: " if mark else ""
        raise InputError(f"invalid YAML at {where}{problem}", source=source) from None


def read_yaml_file(path: Path) -> Any:
    """Read and parse a YAML file; a missing or unreadable file is an InputError."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise NotFoundError(f"{path}: no such file") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"cannot read the file ({exc})", source=str(path)) from None
    return parse_yaml(text, source=str(path))


def validate_dataset(data: Any, *, source: str) -> AnyDataset:
    """Validate parsed YAML as a posture or inventory dataset, by its ``kind`` field."""
    if not isinstance(data, dict):
        raise InputError(
            f"expected a mapping of dataset fields at the top level, got {type(data).__name__}",
            source=source,
        )
    kind = data.get("kind")
    model = DATASET_MODELS.get(kind) if isinstance(kind, str) else None
    if model is None:
        raise InputError(
            f"expected one of {', '.join(map(repr, DATASET_MODELS))}, got {kind!r}",
            source=source,
            field="kind",
        )
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        error = from_validation_error(exc, source=source)
        raise _with_system_name(error, data) from None


def _with_system_name(error: InputError, data: dict[str, Any]) -> InputError:
    """Add the system's name to a ``systems[i]...`` field path, for readability."""
    field = error.field or ""
    if not field.startswith("systems["):
        return error
    index_text = field[len("systems[") : field.find("]")]
    systems = data.get("systems")
    if not index_text.isdigit() or not isinstance(systems, list):
        return error
    index = int(index_text)
    entry = systems[index] if index < len(systems) else None
    name = entry.get("name") if isinstance(entry, dict) else None
    if not isinstance(name, str):
        return error
    named = [(field, f"{error.message} (system {name!r})"), *error.problems[1:]]
    return InputError(named[0][1], source=error.source, field=field, problems=named)


def _data_folder() -> Any:
    """The package-data folder holding the built-in dataset files."""
    return resources.files(_PACKAGE).joinpath("data")


def builtin_ids() -> list[str]:
    """Ids of the datasets shipped with stratstab, sorted."""
    folder = _data_folder()
    return sorted(
        entry.name.rsplit(".", 1)[0] for entry in folder.iterdir() if entry.name.endswith(_SUFFIXES)
    )


def _looks_like_path(id_or_path: str | Path) -> bool:
    if isinstance(id_or_path, Path):
        return True
    text = str(id_or_path)
    return text.endswith(_SUFFIXES) or "/" in text or "\\" in text or Path(text).is_file()


def load_builtin(dataset_id: str) -> AnyDataset:
    """A built-in dataset by id (NotFoundError listing the ids for an unknown one)."""
    ids = builtin_ids()
    if dataset_id not in ids:
        raise NotFoundError(
            f"no built-in force dataset {dataset_id!r}; available: {', '.join(ids)} "
            "(or give a path to a YAML file)"
        )
    resource = _data_folder().joinpath(f"{dataset_id}.yaml")
    label = f"{dataset_id}.yaml (built-in)"
    dataset = validate_dataset(
        parse_yaml(resource.read_text(encoding="utf-8"), source=label), source=label
    )
    if dataset.id != dataset_id:
        raise InputError(
            f"expected id {dataset_id!r} to match the file name", source=label, field="id"
        )
    return dataset


def load_dataset(id_or_path: str | Path) -> AnyDataset:
    """Load a built-in dataset by id (``"china-2024"``) or a user's YAML file by path.

    Returns a validated :class:`~stratstab.forces.schema.Dataset` (``kind: posture``) or
    :class:`~stratstab.forces.schema.InventoryDataset` (``kind: inventory``).
    Raises NotFoundError for an unknown id or missing file, InputError for bad content.
    """
    if _looks_like_path(id_or_path):
        path = Path(id_or_path)
        return validate_dataset(read_yaml_file(path), source=str(path))
    return load_builtin(str(id_or_path))


def load_posture(id_or_path: str | Path) -> Dataset:
    """Like :func:`load_dataset` but insist on a posture (by-system) dataset."""
    dataset = load_dataset(id_or_path)
    if not isinstance(dataset, Dataset):
        raise InputError(
            f"dataset {dataset.id!r} is an inventory table; expected a posture dataset "
            "with delivery systems",
            source=str(id_or_path),
            field="kind",
        )
    return dataset


def summarize(dataset: AnyDataset) -> DatasetSummary:
    """The :class:`DatasetSummary` of a loaded dataset."""
    if isinstance(dataset, Dataset):
        stockpile = dataset.totals.stockpile if dataset.totals else None
        if stockpile is not None:
            total: float | None = stockpile.central
        else:
            total = sum(
                s.deployed_warheads.central
                + (s.stored_warheads.central if s.stored_warheads else 0.0)
                for s in dataset.systems
            )
        return DatasetSummary(
            dataset.id,
            dataset.kind,
            dataset.country,
            dataset.title,
            dataset.as_of,
            dataset.version,
            len(dataset.systems),
            total,
        )
    world = (
        dataset.world.total.central
        if dataset.world
        else sum(s.total.central for s in dataset.states)
    )
    return DatasetSummary(
        dataset.id,
        dataset.kind,
        None,
        dataset.title,
        dataset.as_of,
        dataset.version,
        len(dataset.states),
        world,
    )


def list_datasets() -> list[DatasetSummary]:
    """Summaries of every built-in dataset, sorted by id."""
    return [summarize(load_builtin(dataset_id)) for dataset_id in builtin_ids()]
