"""A stream's output files: each table's rows of one event-time window as one Parquet file per
destination (`fileio.WriteToFiles`: `WriteToParquet` writes corrupt files on unbounded input),
named by the window's commit version, and the file info a window commit takes."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import apache_beam as beam
from apache_beam.io import fileio
from apache_beam.io.filesystems import FileSystems
from wirestory.schemas import table_schemas
from wirestory.transforms.streaming import window_index


def window_version(index: int, seconds: int) -> int:
    """A window's commit version: its end in epoch seconds (independent of the window size,
    and above any `ingest` batch number)."""
    return (index + 1) * seconds


class ParquetSink(fileio.FileSink):
    """Rows of one table -> one Parquet file (rows sorted, so a retry writes the same file)."""

    def __init__(self, table: str) -> None:
        self._table = table
        self._rows: list[dict[str, Any]] = []
        self._handle: Any = None

    def open(self, fh: Any) -> None:
        self._handle, self._rows = fh, []

    def write(self, record: dict[str, Any]) -> None:
        self._rows.append(record)

    def flush(self) -> None:
        import pyarrow as pa
        import pyarrow.parquet as pq

        order = ("doc_id", "band_key", "story_id", "source_uri")
        rows = sorted(self._rows, key=lambda r: tuple(str(r.get(k) or "") for k in order))
        data = pa.Table.from_pylist(rows, schema=table_schemas()[self._table])
        pq.write_table(data, self._handle, compression="zstd")


def _naming(table: str, seconds: int) -> Any:
    def name(window: Any, pane: Any, shard: int, total: int, compression: Any, dest: Any) -> str:
        index = window_index(window.end, seconds)
        part = f"-bucket{dest}" if dest not in (None, "") else ""
        return f"w{window_version(index, seconds)}{part}-{shard:05d}-of-{total:05d}.parquet"

    return name


class FileInfoFn(beam.DoFn):
    """A written file -> ("written", the file info a dataset commit takes)."""

    def __init__(self, table: str, directory: str, partitioned: bool, seconds: int) -> None:
        self._table, self._dir = table, directory
        self._partitioned, self._seconds = partitioned, seconds

    def process(self, result: Any, window: Any = beam.DoFn.WindowParam) -> Iterator[Any]:
        import pyarrow.parquet as pq

        relative = result.file_name  # fileio names the file relative to the directory
        path = FileSystems.join(self._dir, relative)
        with FileSystems.open(path) as handle:
            rows = pq.ParquetFile(handle).metadata.num_rows
        size = FileSystems.match([path])[0].metadata_list[0].size_in_bytes
        partition = {"bucket": str(result.destination)} if self._partitioned else {}
        info = {"table": self._table, "path": relative, "size": size, "rows": rows}
        yield "written", {**info, "partition": partition}


def write_window_files(rows: beam.PCollection, table: str, directory: str, seconds: int) -> Any:
    """Rows of one table -> ("written", file info) per file of each window; `documents` and
    `bands` are partitioned by bucket. The steps are `Write<Table>` and `Info<Table>` at the top
    of the graph (a running job's update needs these names kept)."""
    partitioned = table in ("documents", "bands")
    folder = FileSystems.join(directory, table)
    written = rows | f"Write{table.title()}" >> fileio.WriteToFiles(
        path=folder,
        destination=(lambda r: r["bucket"]) if partitioned else None,
        sink=lambda _dest, t=table: ParquetSink(t),
        file_naming=_naming(table, seconds),
        shards=1,
    )
    return written | f"Info{table.title()}" >> beam.ParDo(
        FileInfoFn(table, folder, partitioned, seconds)
    )


class VersionedFn(beam.DoFn):
    """A `documents` row with its window's commit version as `batch`."""

    def __init__(self, seconds: int) -> None:
        self._seconds = seconds

    def process(self, row: dict[str, Any], window: Any = beam.DoFn.WindowParam) -> Iterator[Any]:
        yield {
            **row,
            "batch": window_version(window_index(window.end, self._seconds), self._seconds),
        }
