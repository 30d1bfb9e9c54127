"""Build ``examples/polis/seattle-15-per-hour`` in the newer Pol.is export layout.

The source is the public export of the Pol.is conversation "$15/hour" (Seattle, 2014;
CC BY 4.0, The Computational Democracy Project; compdemocracy/openData), in the older
layout.  The newer ``comments.csv`` has no ``datetime`` column and adds ``is-meta``,
``is-seed`` and ``group-informed-consensus``; this script writes that layout from the
old one, so stratstab's reader is exercised on real statements and votes:

- ``datetime`` is dropped;
- ``is-meta`` and ``is-seed`` are 0 (the old export does not record them);
- ``group-informed-consensus`` is computed from the ``group-id`` Pol.is assigned in
  ``participants-votes.csv``, as Pol.is defines it: the product over groups of
  (agrees + 1) / (votes + 2) within each group;
- ``votes.csv`` is copied unchanged.

Usage: python scripts/make_polis_example.py SOURCE_FOLDER [OUT_FOLDER]
"""

from __future__ import annotations

import csv
import shutil
import sys
from collections import defaultdict
from pathlib import Path

NEW_COLUMNS = (
    "timestamp", "comment-id", "author-id", "agrees", "disagrees", "moderated",
    "comment-body", "is-seed", "is-meta", "group-informed-consensus",
)  # fmt: skip


def group_informed_consensus(source: Path, comment_ids: list[str]) -> dict[str, float]:
    """Comment id -> product over Pol.is's groups of (agrees + 1) / (votes + 2)."""
    counts: dict[tuple[str, str], list[int]] = defaultdict(lambda: [0, 0])
    groups: set[str] = set()
    with (source / "participants-votes.csv").open(newline="", encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            group = row["group-id"].strip()
            if not group:
                continue
            groups.add(group)
            for key, value in row.items():
                if key.isdigit() and value.strip() in ("1", "-1", "0"):
                    tally = counts[(key, group)]
                    tally[0] += value.strip() == "1"
                    tally[1] += 1
    result: dict[str, float] = {}
    for comment in comment_ids:
        product = 1.0
        for group in groups:
            agrees, votes = counts.get((comment, group), (0, 0))
            product *= (agrees + 1) / (votes + 2)
        result[comment] = product
    return result


def main(source: Path, out: Path) -> None:
    out.mkdir(parents=True, exist_ok=True)
    with (source / "comments.csv").open(newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    consensus = group_informed_consensus(source, [row["comment-id"] for row in rows])
    with (out / "comments.csv").open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(NEW_COLUMNS)
        for row in rows:
            cid = row["comment-id"]
            writer.writerow([
                row["timestamp"], cid, row["author-id"], row["agrees"], row["disagrees"],
                row["moderated"], row["comment-body"], 0, 0,
                f"{consensus[cid]:.6g}",
            ])  # fmt: skip
    shutil.copyfile(source / "votes.csv", out / "votes.csv")


if __name__ == "__main__":
    here = Path(__file__).resolve().parents[1]
    main(
        Path(sys.argv[1]),
        Path(sys.argv[2]) if len(sys.argv) > 2 else here / "examples/polis/seattle-15-per-hour",
    )
