"""Step 7: write the tables as Parquet with the model-derived schemas, plus a run summary."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from typing import Any

import apache_beam as beam
from apache_beam.io.filesystems import FileSystems
from apache_beam.metrics import Metrics
from wirestory.schemas import table_schemas
from wirestory.transforms import progress

SUMMARY_FILE = "summary.json"
_LARGEST = 10


class LogProgressFn(beam.DoFn):
    """Pass-through that counts elements for a stage: a Beam counter and the local display."""

    def __init__(self, stage: str) -> None:
        self._stage = stage
        self._counter = Metrics.counter("wirestory", stage)

    def setup(self) -> None:
        progress.leave_interrupts_to_the_main_process()
        self._pending, self._reported = 0, time.monotonic()

    def process(self, element: Any) -> Iterator[Any]:
        self._counter.inc()
        self._pending += 1
        if time.monotonic() - self._reported >= 0.25:  # cheap per element: report in batches
            self._report()
        yield element

    def finish_bundle(self) -> None:
        self._report()
        progress.flush()

    def _report(self) -> None:
        if self._pending:
            progress.report(self._stage, self._pending)
        self._pending, self._reported = 0, time.monotonic()


def log_progress(stage: str) -> beam.ParDo:
    """A labelled progress step for `stage`."""
    return beam.ParDo(LogProgressFn(stage))


def _largest_key(story: dict[str, Any]) -> tuple[int, str]:
    return story["size"], story["story_id"]


def _largest_entry(stories: list[dict[str, Any]]) -> tuple[str, Any]:
    ordered = sorted(stories, key=lambda s: (-s["size"], s["story_id"]))
    return "largest", [
        {"story_id": s["story_id"], "size": s["size"], "title": s["title"]} for s in ordered
    ]


def _oversized_entry(groups: list[tuple[str, int]]) -> tuple[str, Any]:
    ordered = sorted(groups, key=lambda g: (-g[1], g[0]))
    return "oversized_stories", [{"story_id": f"st_{label}", "size": n} for label, n in ordered]


class WriteSummaryFn(beam.DoFn):
    """Writes the run summary (counts, largest stories) as one small JSON file."""

    def __init__(self, path: str) -> None:
        self._path = path

    def process(self, summary: dict[str, Any]) -> Iterator[str]:
        with FileSystems.create(self._path) as handle:
            handle.write(json.dumps(summary, sort_keys=True).encode("utf-8"))
        yield self._path


class WriteTables(beam.PTransform):
    """Writes each table as Parquet under DIRECTORY/<table>/ with its model-derived schema."""

    def __init__(self, directory: str) -> None:
        super().__init__()
        self._directory = directory

    def expand(self, tables: dict[str, beam.PCollection]) -> beam.pvalue.PDone:
        schemas = table_schemas()
        for name, rows in sorted(tables.items()):
            counted = rows | f"Progress_{name}" >> log_progress("written")
            _ = counted | f"Write_{name}" >> beam.io.WriteToParquet(
                FileSystems.join(self._directory, name, "part"),
                schema=schemas[name],
                file_name_suffix=".parquet",
            )
        return beam.pvalue.PDone(next(iter(tables.values())).pipeline)


class SummariseRun(beam.PTransform):
    """Counts inputs, rows, rejects per reason, skipped container records, input units and the
    largest stories into summary.json."""

    def __init__(self, directory: str) -> None:
        super().__init__()
        self._directory = directory

    def expand(self, collections: dict[str, beam.PCollection]) -> beam.PCollection:
        counts = [
            collections[name]
            | f"Count_{name}" >> beam.combiners.Count.Globally()
            | f"Entry_{name}" >> beam.Map(lambda n, key=name: (key, n))
            for name in ("inputs", "articles", "stories", "rejects")
        ]
        by_reason = [
            reasons
            | f"Count_{key}" >> beam.combiners.Count.PerElement()
            | f"Dict_{key}" >> beam.combiners.ToDict()
            | f"Entry_{key}" >> beam.Map(lambda found, key=key: (key, found))
            for key, reasons in (
                ("rejects_by_reason", collections["rejects"] | beam.Map(lambda row: row["reason"])),
                ("skipped_records", collections["skipped"]),
            )
        ]
        # Input units (page files and container records): the manifest's `documents` check.
        units = (
            collections["units"]
            | "SumUnits" >> beam.CombineGlobally(sum)
            | "Entry_units" >> beam.Map(lambda n: ("units", n))
        )
        largest = (
            collections["stories"]
            | "Largest" >> beam.combiners.Top.Of(_LARGEST, key=_largest_key)
            | "LargestEntry" >> beam.Map(_largest_entry)
        )
        entries = [*counts, *by_reason, units, largest]
        if "oversized" in collections:  # groups above max_story_size, by label
            entries.append(
                collections["oversized"]
                | "OversizedList" >> beam.combiners.ToList()
                | "OversizedEntry" >> beam.Map(_oversized_entry)
            )
        return (
            entries
            | "SummaryEntries" >> beam.Flatten()
            | "Summary" >> beam.combiners.ToDict()
            | "WriteSummary"
            >> beam.ParDo(WriteSummaryFn(FileSystems.join(self._directory, SUMMARY_FILE)))
        )
