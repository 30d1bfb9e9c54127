"""Where a scenario's dataset references are looked up: the loading context.

A scenario names each side's forces by a dataset reference.  What a reference may
mean depends on who loads the scenario, and that is a property of the catalog the
loader is given, not of string checks at the call sites:

* :data:`LOCAL_FILES` — the command line and the Python API on the user's own
  machine: a built-in id, or the path of a YAML file the user chose.
* :class:`DatasetCatalog` without file access (the default, and what the web
  workbench uses): built-in ids and datasets given to it already parsed (uploaded
  into the database).  A reference is only ever compared with those ids; it never
  reaches the file system, so an error cannot tell one server file from another.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import lru_cache

from stratstab.errors import InputError, NotFoundError
from stratstab.forces.loader import builtin_ids, load_builtin, load_dataset
from stratstab.forces.schema import AnyDataset, Dataset


@lru_cache(maxsize=16)
def _builtin(dataset_id: str) -> AnyDataset:
    """A built-in dataset, validated once per process (they never change at run time)."""
    return load_builtin(dataset_id)


class DatasetCatalog:
    """Resolve dataset references to validated datasets.

    Parameters
    ----------
    uploaded:
        Datasets by id that this context may use besides the built-in ones (a user's
        uploads, already parsed and validated).
    read_files:
        Whether a reference that is not a known id may be read as a file path.  Only
        the local command line and Python API set this.
    """

    def __init__(
        self, *, uploaded: Mapping[str, AnyDataset] | None = None, read_files: bool = False
    ) -> None:
        self._uploaded: Mapping[str, AnyDataset] = uploaded if uploaded is not None else {}
        self.read_files = read_files

    def ids(self) -> list[str]:
        """Every id this catalog resolves without touching files, built-in first."""
        return builtin_ids() + sorted(set(self._uploaded) - set(builtin_ids()))

    def load(self, reference: str) -> AnyDataset:
        """The dataset a reference names; NotFoundError if this context has no such dataset."""
        if reference in builtin_ids():
            return _builtin(reference)
        if reference in self._uploaded:
            return self._uploaded[reference]
        if self.read_files:
            return load_dataset(reference)
        # The reference is not quoted back: the field path names it, and the message
        # is the same whatever the reference is (a path, a device, a typo).
        uploaded = ", ".join(sorted(self._uploaded)) or "none"
        raise NotFoundError(
            "unknown dataset; a scenario names a built-in dataset "
            f"({', '.join(builtin_ids())}) or one of your uploaded datasets ({uploaded}); "
            "file paths are not read"
        )

    def load_posture(self, reference: str, *, source: str | None, field: str) -> Dataset:
        """Like :meth:`load`, insisting on a by-system (posture) dataset for a side."""
        try:
            dataset = self.load(reference)
        except NotFoundError as exc:
            raise InputError(str(exc), source=source, field=field) from None
        if not isinstance(dataset, Dataset):
            raise InputError(
                f"dataset {dataset.id!r} is an inventory table (warhead totals by state); "
                "a side needs a posture dataset with delivery systems, e.g. "
                + ", ".join(i for i in builtin_ids() if _builtin(i).kind == "posture"),
                source=source,
                field=field,
            )
        return dataset


#: Built-in datasets only: the safe default of every loader.
BUILTIN_ONLY = DatasetCatalog()
#: Built-in ids and local file paths: the command line and the Python API.
LOCAL_FILES = DatasetCatalog(read_files=True)
