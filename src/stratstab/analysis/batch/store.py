"""Where a sweep's results live: chunk files, a manifest, and the final Parquet file.

While a sweep runs, every finished chunk is written to ``<out>.parts/chunk-NNNNNN.parquet``
(atomically: written under a temporary name, then renamed) next to a ``manifest.json``
holding the sweep's description.  A resumed sweep with the same description skips the
chunks already on disk.

The output file grows as the sweep runs: each chunk is appended, in chunk order, to
``<out>.tmp`` (one row group per chunk) as soon as the chunks before it are in; a chunk
that finishes early waits in memory, or on disk beyond a few.  So the end of a sweep
only closes the file, renames it to ``out`` and removes the parts, instead of reading
every chunk back.  The schema metadata carries the provenance (key ``stratstab``).
Float columns are written without dictionary encoding: sampled values rarely repeat,
and trying to build a dictionary for them cost more than the rest of the write.
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


#: Chunks kept in memory while waiting for an earlier one; later ones are read back.
WAITING_IN_MEMORY = 8


def _write_options(schema: pa.Schema) -> dict[str, Any]:
    """Parquet writer options: dictionaries only where values repeat (not floats)."""
    repeating = [f.name for f in schema if not pa.types.is_floating(f.type)]
    return {"use_dictionary": repeating, "compression": "snappy"}


def parts_folder(out: Path) -> Path:
    """Where a sweep writing to ``out`` keeps its chunk files and manifest."""
    return Path(out).with_name(Path(out).name + ".parts")


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

    def __init__(self, out: Path, record: dict[str, Any], metadata: dict[str, Any] | None = None):
        self.out = Path(out)
        self.parts = parts_folder(self.out)
        self.record = record
        self.metadata = metadata if metadata is not None else {"sweep": record}
        self._writer: pq.ParquetWriter | None = None
        self._schema: pa.Schema | None = None
        self._next = 0  # the next chunk the output file takes
        self._stored: set[int] = set()  # chunks on disk
        self._waiting: dict[int, pa.Table] = {}  # finished early, kept in memory

    @property
    def partial(self) -> Path:
        """The output file while it grows."""
        return self.out.with_name(self.out.name + ".tmp")

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
            self._stored = {c for c in self._chunks_on_disk() if self._complete(c)}
            self._append_ready()
            return set(self._stored)
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
        """Store one finished chunk, and append it (and any chunks it held up) to the output."""
        table = to_table(columns)
        temporary = self.chunk_path(chunk).with_suffix(".tmp")
        pq.write_table(table, temporary, **_write_options(table.schema))
        os.replace(temporary, self.chunk_path(chunk))
        self._stored.add(chunk)
        if chunk == self._next:
            self._append(table)
        elif len(self._waiting) < WAITING_IN_MEMORY:
            self._waiting[chunk] = table
        self._append_ready()

    def _append_ready(self) -> None:
        """Append every stored chunk whose turn has come."""
        while self._next in self._stored:
            table = self._waiting.pop(self._next, None)
            self._append(table if table is not None else pq.read_table(self.chunk_path(self._next)))

    def _append(self, table: pa.Table) -> None:
        if self._writer is None:
            metadata = {METADATA_KEY: json.dumps(self.metadata).encode()}
            self._schema = table.schema.with_metadata(metadata)
            self._writer = pq.ParquetWriter(
                self.partial, self._schema, **_write_options(self._schema)
            )
        self._writer.write_table(table.cast(self._schema))
        self._next += 1

    def close(self) -> None:
        """Close the growing output file."""
        if self._writer is not None:
            self._writer.close()
            self._writer = None

    def abandon(self) -> None:
        """Close and delete an unfinished output file (the parts keep what was done; a
        resumed sweep rebuilds the file from them).  Nothing to do after :meth:`finish`."""
        self.close()
        self.partial.unlink(missing_ok=True)

    def finish(self, chunks: int) -> Path:
        """Close the output once all ``chunks`` are in; move it to ``out``; remove the parts."""
        self._append_ready()
        if self._next != chunks:
            raise RuntimeError(f"sweep output incomplete: {self._next} of {chunks} chunks")
        self.close()
        os.replace(self.partial, self.out)
        shutil.rmtree(self.parts)
        return self.out


def read_metadata(path: Path) -> dict[str, Any]:
    """The stratstab metadata (provenance, sweep description) of a sweep's Parquet file."""
    schema = pq.read_schema(path)
    return json.loads((schema.metadata or {})[METADATA_KEY])
