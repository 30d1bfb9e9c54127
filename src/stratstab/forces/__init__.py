"""Cited force datasets: schema, loader and scenario overrides.

>>> from stratstab.forces import load_dataset
>>> china = load_dataset("china-2024")
>>> china.system("DF-41").launchers.central  # doctest: +SKIP

Every number is an :class:`Estimate` (central, optional low/high) citing a source key
of its dataset; unpublished values are flagged as assumptions with their basis.
"""

from stratstab.forces.estimate import (
    Citation,
    CountEstimate,
    Estimate,
    PositiveEstimate,
    ProbabilityEstimate,
    Source,
    Which,
)
from stratstab.forces.loader import (
    DatasetSummary,
    builtin_ids,
    list_datasets,
    load_dataset,
    load_posture,
    summarize,
    validate_dataset,
)
from stratstab.forces.overrides import OVERRIDE_SOURCE_KEY, apply_overrides
from stratstab.forces.schema import (
    ESTIMATE_FIELDS,
    AnyDataset,
    Dataset,
    DeliverySystem,
    InventoryDataset,
    StateInventory,
    Survivability,
    Totals,
)

__all__ = [
    "ESTIMATE_FIELDS",
    "OVERRIDE_SOURCE_KEY",
    "AnyDataset",
    "Citation",
    "CountEstimate",
    "Dataset",
    "DatasetSummary",
    "DeliverySystem",
    "Estimate",
    "InventoryDataset",
    "PositiveEstimate",
    "ProbabilityEstimate",
    "Source",
    "StateInventory",
    "Survivability",
    "Totals",
    "Which",
    "apply_overrides",
    "builtin_ids",
    "list_datasets",
    "load_dataset",
    "load_posture",
    "summarize",
    "validate_dataset",
]
