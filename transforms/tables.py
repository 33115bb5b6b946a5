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
from wirestory.transforms.packing import PackPerKeyFn

FileInfo = dict[str, Any]


def shard_of(key: str, shards: int) -> int:
    """A stable shard for a row key."""
    return int.from_bytes(hashlib.blake2b(key.encode("utf-8"), digest_size=4).digest(), "big") % (
        shards
    )


# Rows a bundle holds per table before it encodes its packs: about 40 MB of article rows
# (text included), under 1 MB of band rows.
PACKED_ROWS = 1 << 13
_SORT_KEYS = ("doc_id", "band_key", "story_id", "source_uri", "site", "line_hash")


def encode_rows(rows: list[dict[str, Any]], schema: Any) -> bytes:
    """Rows as one zstd-compressed Arrow IPC stream with the table's schema."""
    import pyarrow as pa

    sink = pa.BufferOutputStream()
    options = pa.ipc.IpcWriteOptions(compression="zstd")
    with pa.ipc.new_stream(sink, schema, options=options) as writer:
        writer.write_table(pa.Table.from_pylist(rows, schema=schema))
    return sink.getvalue().to_pybytes()


def decode_rows(packs: Iterable[bytes]) -> Any:
    """The Arrow table of encoded packs, rows sorted by the table's key columns, so a file's
    content does not depend on bundle order."""
    import pyarrow as pa
    import pyarrow.compute as pc

    table = pa.concat_tables(pa.ipc.open_stream(pack).read_all() for pack in packs)
    keys = [(k, "ascending", "at_start") for k in _SORT_KEYS if k in table.column_names]
    return table.take(pc.sort_indices(table, sort_keys=keys))


class EncodePackFn(beam.DoFn):
    """(shard, [rows]) -> (shard, Arrow IPC bytes): the local runner holds a GroupByKey's input
    decoded, and a dict per band row costs ten times its bytes there."""

    def __init__(self, table: str) -> None:
        self._table = table

    def setup(self) -> None:
        self._schema = table_schemas()[self._table]

    def process(self, element: tuple[int, list[dict[str, Any]]]) -> Iterator[tuple[int, bytes]]:
        shard, rows = element
        yield shard, encode_rows(rows, self._schema)


class WriteShardFn(beam.DoFn):
    """Writes one Parquet file per (table, shard) and emits its path, size and row count."""

    def __init__(self, table: str, directory: str, prefix: str, partitioned: bool) -> None:
        self._table = table
        self._directory = directory
        self._prefix = prefix
        self._partitioned = partitioned

    def process(self, element: tuple[int, Iterable[bytes]]) -> Iterator[FileInfo]:
        import pyarrow.parquet as pq

        shard, packs = element
        table = decode_rows(packs)
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


class WriteShards(beam.PTransform):
    """Rows of one table -> file infos of the Parquet files written under DIRECTORY/<table>/.

    Rows move to their shard's writer packed: each bundle's rows of a shard as one compressed
    Arrow batch with the table's schema."""

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
        shard = self._shard
        by_shard = PackPerKeyFn(lambda row: [(shard(row), row)], held=PACKED_ROWS)
        return (
            rows
            | "PackByShard" >> beam.ParDo(by_shard)
            | "Encode" >> beam.ParDo(EncodePackFn(self._table))
            | "GroupShards" >> beam.GroupByKey()
            | "WriteFiles" >> beam.ParDo(write)
        )
