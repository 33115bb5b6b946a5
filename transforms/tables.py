"""Writes table rows as Parquet files for a dataset commit, and reports what it wrote.

Beam workers write; the launching process commits the reported files to the Delta tables
(pipeline/dataset.py). Files are named by batch and run, so a rerun never overwrites a file
an earlier, possibly committed, attempt wrote.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable, Iterator
from typing import Any

import apache_beam as beam
from apache_beam.io.filesystems import FileSystems
from wirestory.schemas import table_schemas

FileInfo = dict[str, Any]


def shard_of(key: str, shards: int) -> int:
    """A stable shard for a row key."""
    return int.from_bytes(hashlib.blake2b(key.encode("utf-8"), digest_size=4).digest(), "big") % (
        shards
    )


class WriteShardFn(beam.DoFn):
    """Writes one Parquet file per (table, shard) and emits its path, size and row count."""

    def __init__(self, table: str, directory: str, prefix: str, partitioned: bool) -> None:
        self._table = table
        self._directory = directory
        self._prefix = prefix
        self._partitioned = partitioned

    def setup(self) -> None:
        self._schema = table_schemas()[self._table]

    def process(self, element: tuple[int, Iterable[dict[str, Any]]]) -> Iterator[FileInfo]:
        import pyarrow as pa
        import pyarrow.parquet as pq

        shard, rows = element
        ordered = sorted(rows, key=_row_order)
        table = pa.Table.from_pylist(ordered, schema=self._schema)
        name = f"{self._prefix}-{shard:05d}.parquet"
        relative = f"bucket={shard}/{name}" if self._partitioned else name
        path = FileSystems.join(self._directory, self._table, relative)
        with FileSystems.create(path) as handle:
            pq.write_table(table, handle, compression="zstd")
        size = FileSystems.match([path])[0].metadata_list[0].size_in_bytes
        yield {
            "table": self._table,
            "path": relative,
            "size": size,
            "rows": table.num_rows,
            "partition": {"bucket": str(shard)} if self._partitioned else {},
        }


def _row_order(row: dict[str, Any]) -> tuple[str, ...]:
    """Rows sorted within a file, so a file's content does not depend on bundle order."""
    keys = ("doc_id", "band_key", "story_id", "source_uri", "site", "line_hash")
    return tuple(str(row.get(k) or "") for k in keys)


class WriteShards(beam.PTransform):
    """Rows of one table -> file infos of the Parquet files written under DIRECTORY/<table>/."""

    def __init__(
        self,
        table: str,
        directory: str,
        prefix: str,
        shard: Callable[[dict[str, Any]], int],
        partitioned: bool = False,
    ) -> None:
        super().__init__()
        self._table = table
        self._directory = directory
        self._prefix = prefix
        self._shard = shard
        self._partitioned = partitioned

    def expand(self, rows: beam.PCollection) -> beam.PCollection:
        write = WriteShardFn(self._table, self._directory, self._prefix, self._partitioned)
        return (
            rows
            | "KeyByShard" >> beam.Map(lambda row, shard=self._shard: (shard(row), row))
            | "GroupShards" >> beam.GroupByKey()
            | "WriteFiles" >> beam.ParDo(write)
        )
