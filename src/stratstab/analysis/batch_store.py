"""Where a sweep's results live: chunk files, a manifest, and the final Parquet file.

While a sweep runs, every finished chunk is written to ``<out>.parts/chunk-NNNNNN.parquet``
(atomically: written under a temporary name, then renamed) next to a ``manifest.json``
holding the sweep's description.  A resumed sweep with the same description skips the
chunks already on disk; at the end the chunks are streamed into one Parquet file whose
schema metadata carries the provenance (key ``stratstab``), and the parts are removed.
"""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

from stratstab.errors import InputError

METADATA_KEY = b"stratstab"


def to_table(columns: dict[str, np.ndarray]) -> pa.Table:
    """A pyarrow table from chunk columns (object columns become strings or booleans)."""
    arrays = {}
    for name, values in columns.items():
        if values.dtype == object or values.dtype.kind == "U":
            arrays[name] = pa.array(values.tolist())
        else:
            arrays[name] = pa.array(values)
    return pa.table(arrays)


class SweepStore:
    """Chunk files and manifest of one sweep writing to ``out``."""

    def __init__(self, out: Path, record: dict[str, Any]):
        self.out = Path(out)
        self.parts = self.out.with_name(self.out.name + ".parts")
        self.record = record

    @property
    def manifest(self) -> Path:
        """The manifest file."""
        return self.parts / "manifest.json"

    def chunk_path(self, chunk: int) -> Path:
        """File of one chunk."""
        return self.parts / f"chunk-{chunk:06d}.parquet"

    def open(self, *, resume: bool) -> set[int]:
        """Prepare the parts folder; return the chunks already done (empty unless resuming)."""
        if self.parts.exists() and resume:
            try:
                stored = json.loads(self.manifest.read_text(encoding="utf-8"))
            except (OSError, ValueError):
                raise InputError(
                    "cannot resume: the manifest is missing or unreadable",
                    source=str(self.manifest),
                ) from None
            if stored != json.loads(json.dumps(self.record)):
                raise InputError(
                    "cannot resume: the sweep settings differ from the interrupted run "
                    "(same scenario, --vary, --samples, --seed, --design, --points, "
                    "--view and --chunk-size are needed)",
                    source=str(self.manifest),
                )
            return {c for c in self._chunks_on_disk() if self._complete(c)}
        if self.parts.exists():
            shutil.rmtree(self.parts)
        try:
            self.parts.mkdir(parents=True)
        except OSError as exc:
            raise InputError(
                f"cannot create the results folder ({exc.strerror})", source=str(self.parts)
            ) from None
        self._atomic_write(self.manifest, json.dumps(self.record, indent=1).encode())
        return set()

    def _chunks_on_disk(self) -> Iterable[int]:
        for path in self.parts.glob("chunk-*.parquet"):
            yield int(path.stem.split("-")[1])

    def _complete(self, chunk: int) -> bool:
        try:
            pq.read_metadata(self.chunk_path(chunk))
        except (OSError, pa.ArrowException):
            return False
        return True

    def _atomic_write(self, path: Path, data: bytes) -> None:
        temporary = path.with_name(path.name + ".tmp")
        temporary.write_bytes(data)
        os.replace(temporary, path)

    def write_chunk(self, chunk: int, columns: dict[str, np.ndarray]) -> None:
        """Store one finished chunk."""
        temporary = self.chunk_path(chunk).with_suffix(".tmp")
        pq.write_table(to_table(columns), temporary)
        os.replace(temporary, self.chunk_path(chunk))

    def finish(self, chunks: int, metadata: dict[str, Any]) -> Path:
        """Stream all chunks into ``out`` with ``metadata`` in the schema; remove the parts."""
        first = pq.read_table(self.chunk_path(0))
        schema = first.schema.with_metadata({METADATA_KEY: json.dumps(metadata).encode()})
        temporary = self.out.with_name(self.out.name + ".tmp")
        with pq.ParquetWriter(temporary, schema) as writer:
            writer.write_table(first.cast(schema))
            for chunk in range(1, chunks):
                writer.write_table(pq.read_table(self.chunk_path(chunk)).cast(schema))
        os.replace(temporary, self.out)
        shutil.rmtree(self.parts)
        return self.out


def read_metadata(path: Path) -> dict[str, Any]:
    """The stratstab metadata (provenance, sweep description) of a sweep's Parquet file."""
    schema = pq.read_schema(path)
    return json.loads((schema.metadata or {})[METADATA_KEY])
