"""A user's uploaded datasets and scenarios: validated once, stored parsed, capped.

The web workbench reads scenarios only through :meth:`UploadStore.catalog`, the
loading context that knows built-in datasets and this user's uploaded ones and never
opens a file (see :mod:`stratstab.forces.catalog`).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator, Mapping
from dataclasses import dataclass

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session, sessionmaker

from stratstab.analysis.spec.scenario import Scenario, scenario_from_dict
from stratstab.db import transaction
from stratstab.errors import InputError, NotFoundError, QuotaError, TooLargeError
from stratstab.forces.catalog import DatasetCatalog
from stratstab.forces.loader import builtin_ids, parse_yaml, validate_dataset
from stratstab.forces.schema import AnyDataset
from stratstab.workspace.limits import WorkspaceLimits
from stratstab.workspace.models import UploadedDataset, UploadedScenario

UPLOAD_PREFIX = "upload-"


@dataclass(frozen=True)
class DatasetInfo:
    """One uploaded dataset as listed (no content)."""

    id: str
    kind: str
    title: str
    filename: str
    size_bytes: int


@dataclass(frozen=True)
class ScenarioInfo:
    """One uploaded scenario as listed (no content): read from columns, never re-parsed."""

    id: str
    name: str
    description: str
    filename: str
    size_bytes: int


def _check_size(text: str, *, cap: int, what: str, filename: str) -> int:
    size = len(text.encode("utf-8"))
    if size > cap:
        raise TooLargeError(
            f"{filename}: the {what} is {size:,} bytes; at most {cap:,} bytes are accepted",
            key=f"limits.{what}_too_large",
            size_kib=round(size / 1024),
            cap_kib=cap // 1024,
        )
    return size


class _OwnerDatasets(Mapping[str, AnyDataset]):
    """A user's uploaded datasets by id, each validated from its stored form on first use."""

    def __init__(self, factory: sessionmaker[Session], owner_id: int) -> None:
        self._factory, self._owner_id = factory, owner_id
        with factory() as session:
            self._ids = set(
                session.scalars(
                    select(UploadedDataset.dataset_id).where(UploadedDataset.owner_id == owner_id)
                )
            )
        self._loaded: dict[str, AnyDataset] = {}

    def __getitem__(self, dataset_id: str) -> AnyDataset:
        if dataset_id not in self._ids:
            raise KeyError(dataset_id)
        if dataset_id not in self._loaded:
            with self._factory() as session:
                content = session.scalar(
                    select(UploadedDataset.content).where(
                        UploadedDataset.owner_id == self._owner_id,
                        UploadedDataset.dataset_id == dataset_id,
                    )
                )
            if content is None:  # deleted meanwhile
                raise KeyError(dataset_id)
            self._loaded[dataset_id] = validate_dataset(content, source=f"{dataset_id} (uploaded)")
        return self._loaded[dataset_id]

    def __contains__(self, dataset_id: object) -> bool:
        return dataset_id in self._ids

    def __iter__(self) -> Iterator[str]:
        return iter(sorted(self._ids))

    def __len__(self) -> int:
        return len(self._ids)


class UploadStore:
    """Uploaded datasets and scenarios of every user, in the workbench's database."""

    def __init__(self, factory: sessionmaker[Session], limits: WorkspaceLimits) -> None:
        self._factory, self.limits = factory, limits

    # ----------------------------------------------------------------- datasets

    def catalog(self, *, owner_id: int) -> DatasetCatalog:
        """The loading context of this user's scenarios: built-in and uploaded datasets."""
        return DatasetCatalog(uploaded=_OwnerDatasets(self._factory, owner_id))

    def add_dataset(self, *, owner_id: int, text: str, filename: str) -> tuple[DatasetInfo, bool]:
        """Validate and store a dataset YAML; a new upload of the same id replaces it.

        Returns the stored dataset and whether it is new.
        """
        size = _check_size(
            text, cap=self.limits.dataset_max_bytes, what="dataset", filename=filename
        )
        dataset = validate_dataset(parse_yaml(text, source=filename), source=filename)
        if dataset.id in builtin_ids():
            raise InputError(
                f"{dataset.id!r} is the id of a built-in dataset; give yours another id",
                source=filename,
                field="id",
            )
        if len(dataset.id) > 64:
            raise InputError("expected an id of at most 64 characters", source=filename, field="id")
        content = dataset.model_dump(mode="json", exclude_none=True)
        with transaction(self._factory) as session:
            row = session.scalar(
                select(UploadedDataset).where(
                    UploadedDataset.owner_id == owner_id, UploadedDataset.dataset_id == dataset.id
                )
            )
            created = row is None
            if row is None:
                count = session.scalar(
                    select(func.count()).where(UploadedDataset.owner_id == owner_id)
                )
                if (count or 0) >= self.limits.datasets_per_user:
                    raise QuotaError(
                        f"you have {count} uploaded datasets, the most allowed; delete one first",
                        key="limits.datasets_quota",
                        n=self.limits.datasets_per_user,
                    )
                row = UploadedDataset(owner_id=owner_id, dataset_id=dataset.id)
                session.add(row)
            row.kind, row.title, row.filename = dataset.kind, dataset.title, filename[:200]
            row.size_bytes, row.content = size, content
        return _dataset_info(row), created

    def datasets(self, *, owner_id: int) -> list[DatasetInfo]:
        """This user's uploaded datasets, by id."""
        with self._factory() as session:
            rows = session.scalars(
                select(UploadedDataset)
                .where(UploadedDataset.owner_id == owner_id)
                .order_by(UploadedDataset.dataset_id)
            ).all()
        return [_dataset_info(row) for row in rows]

    def delete_dataset(self, *, owner_id: int, dataset_id: str) -> None:
        """Delete one of this user's datasets (scenarios naming it then fail to load)."""
        with transaction(self._factory) as session:
            gone = session.execute(
                delete(UploadedDataset).where(
                    UploadedDataset.owner_id == owner_id, UploadedDataset.dataset_id == dataset_id
                )
            ).rowcount
        if not gone:
            raise NotFoundError(f"no uploaded dataset {dataset_id[:64]!r}")

    # ---------------------------------------------------------------- scenarios

    def add_scenario(self, *, owner_id: int, text: str, filename: str) -> tuple[str, Scenario]:
        """Validate a scenario YAML against this user's datasets and store it parsed."""
        size = _check_size(
            text, cap=self.limits.scenario_max_bytes, what="scenario", filename=filename
        )
        data = parse_yaml(text, source=filename)
        scenario = scenario_from_dict(
            data, source=filename, datasets=self.catalog(owner_id=owner_id)
        )
        content = scenario.model_dump(mode="json")
        digest = hashlib.sha256(json.dumps(content, sort_keys=True).encode()).hexdigest()
        public_id = UPLOAD_PREFIX + digest[:12]
        with transaction(self._factory) as session:
            exists = session.scalar(
                select(UploadedScenario.id).where(
                    UploadedScenario.owner_id == owner_id, UploadedScenario.public_id == public_id
                )
            )
            if exists is None:
                count = session.scalar(
                    select(func.count()).where(UploadedScenario.owner_id == owner_id)
                )
                if (count or 0) >= self.limits.scenarios_per_user:
                    raise QuotaError(
                        f"you have {count} uploaded scenarios, the most allowed; delete one first",
                        key="limits.scenarios_quota",
                        n=self.limits.scenarios_per_user,
                    )
                session.add(
                    UploadedScenario(
                        public_id=public_id,
                        owner_id=owner_id,
                        name=scenario.name,
                        description=scenario.description or "",
                        filename=filename[:200],
                        size_bytes=size,
                        content=content,
                    )
                )
        return public_id, scenario

    def scenario(self, *, owner_id: int, scenario_id: str) -> Scenario:
        """This user's uploaded scenario, validated from its stored form (no YAML)."""
        with self._factory() as session:
            row = session.execute(
                select(UploadedScenario.content, UploadedScenario.filename).where(
                    UploadedScenario.owner_id == owner_id, UploadedScenario.public_id == scenario_id
                )
            ).first()
        if row is None:
            raise NotFoundError(f"no uploaded scenario {scenario_id[:40]!r}")
        content, filename = row
        return scenario_from_dict(
            content, source=filename, datasets=self.catalog(owner_id=owner_id)
        )

    def scenarios(self, *, owner_id: int) -> list[ScenarioInfo]:
        """This user's uploaded scenarios, oldest first, from plain columns."""
        with self._factory() as session:
            rows = session.execute(
                select(
                    UploadedScenario.public_id,
                    UploadedScenario.name,
                    UploadedScenario.description,
                    UploadedScenario.filename,
                    UploadedScenario.size_bytes,
                )
                .where(UploadedScenario.owner_id == owner_id)
                .order_by(UploadedScenario.id)
            ).all()
        return [ScenarioInfo(*row) for row in rows]

    def delete_scenario(self, *, owner_id: int, scenario_id: str) -> None:
        """Delete one of this user's scenarios."""
        with transaction(self._factory) as session:
            gone = session.execute(
                delete(UploadedScenario).where(
                    UploadedScenario.owner_id == owner_id, UploadedScenario.public_id == scenario_id
                )
            ).rowcount
        if not gone:
            raise NotFoundError(f"no uploaded scenario {scenario_id[:40]!r}")


def _dataset_info(row: UploadedDataset) -> DatasetInfo:
    return DatasetInfo(row.dataset_id, row.kind, row.title, row.filename, row.size_bytes)
