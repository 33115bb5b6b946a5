"""Table shards written from packed rows (transforms/tables.py)."""

from __future__ import annotations

import datetime
from pathlib import Path

import apache_beam as beam
import pyarrow.parquet as pq
from apache_beam.options.pipeline_options import PipelineOptions
from wirestory.schemas import table_schemas
from wirestory.transforms.tables import WriteShards, decode_rows, encode_rows


def _band(doc: str, band: int, story: str) -> dict:
    return {
        "bucket": band % 2,
        "band_key": bytes([0, band]) + doc.encode(),
        "doc_id": doc,
        "story_id": story,
        "doc_date": datetime.date(2024, 10, 1) if band else None,
    }


def test_packs_keep_every_value_and_sort_by_the_key_columns() -> None:
    schema = table_schemas()["bands"]
    rows = [_band(d, b, f"st_{d}") for d in ("c", "a", "b") for b in (2, 0, 1)]
    packs = [encode_rows(rows[:4], schema), encode_rows(rows[4:], schema)]
    table = decode_rows(reversed(packs))
    assert table.schema == schema
    expected = sorted(rows, key=lambda r: (r["doc_id"], r["band_key"]))
    assert table.to_pylist() == expected


def _write(rows: list[dict], directory: Path) -> list[dict]:
    options = PipelineOptions(runner="FnApiRunner")
    with beam.Pipeline(options=options) as pipeline:
        _ = (
            pipeline
            | beam.Create(rows, reshuffle=False)
            | WriteShards("bands", str(directory), "b1", lambda row: row["bucket"], True)
        )
    return sorted((directory / "bands").rglob("*.parquet"))


def test_written_files_do_not_depend_on_the_order_rows_arrive_in(tmp_path: Path) -> None:
    rows = [_band(f"d{i:03d}", b, f"st_{i % 7}") for i in range(120) for b in range(4)]
    forward = _write(rows, tmp_path / "forward")
    backward = _write(list(reversed(rows)), tmp_path / "backward")
    assert [p.relative_to(tmp_path / "forward") for p in forward] == [
        p.relative_to(tmp_path / "backward") for p in backward
    ]
    assert len(forward) == 2  # one file per bucket
    tables = [pq.read_table(p) for p in forward]
    assert sum(t.num_rows for t in tables) == len(rows)
    for a, b in zip(forward, backward, strict=True):
        assert pq.read_table(a).equals(pq.read_table(b))
