"""`wirestory ingest`: new input files -> micro-batches -> one dataset commit per batch.

Each batch is one Beam pipeline (pipeline/batch.py) that writes Parquet files, then one
idempotent commit (pipeline/commit.py). Before committing, the batch's summary and staged
files are recorded in DIR/_wirestory/pending.json: an ingest killed during a commit is finished
from that record by the next ingest, before it plans anything new.
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime
import json
import logging
import math
import time
import uuid
from collections.abc import Callable
from typing import Any

import apache_beam as beam
from apache_beam.io.filesystems import FileSystems
from apache_beam.options.pipeline_options import PipelineOptions
from wirestory.pipeline import outcome, signals
from wirestory.pipeline.batch import BATCH_SUMMARY, BatchContext, build_batch_pipeline
from wirestory.pipeline.dataset import META, Dataset, DatasetConfig, DatasetError, write_json
from wirestory.pipeline.options import WirestoryOptions
from wirestory.pipeline.timings import step_seconds
from wirestory.transforms.components import rounds_for
from wirestory.transforms.read import CONTAINER_KINDS, document_kind, expand_input

_LOG = logging.getLogger("wirestory")
PENDING = "pending.json"
# Planning estimate of documents per container byte (~3 kB per record), gzip counted 4:1.
_BYTES_PER_RECORD = 3000
# What a batch manifest says about where its seconds went (pipeline/timings.py).
_TIMINGS = ("pipeline_seconds", "step_seconds", "commit_seconds", "commit_step_seconds")


@dataclasses.dataclass(frozen=True)
class InputFile:
    path: str
    size: int

    def estimated_documents(self) -> int:
        kind, gzipped = document_kind(self.path)
        if kind not in CONTAINER_KINDS:
            return 1
        return max(1, self.size * (4 if gzipped else 1) // _BYTES_PER_RECORD)


def list_inputs(patterns: list[str], allow_empty: bool = False) -> list[InputFile]:
    """Every file the inputs match, once, sorted by path. An input matching nothing is an
    error, except with allow_empty for a folder or glob (a scheduled ingest of an empty
    incoming folder has nothing new: not an error)."""
    found: dict[str, int] = {}
    for pattern in patterns:
        expanded = expand_input(pattern)
        try:
            matched = FileSystems.match([expanded])[0].metadata_list
        except Exception as err:  # filesystems raise their own error types
            if allow_empty and _is_folder_or_glob(pattern, expanded):
                continue
            raise DatasetError(f"cannot list input {pattern}: {err}") from err
        if not matched and not (allow_empty and _is_folder_or_glob(pattern, expanded)):
            raise DatasetError(f"input {pattern} matched no files")
        for meta in matched:
            found[meta.path] = meta.size_in_bytes
    return [InputFile(path, size) for path, size in sorted(found.items())]


def _is_folder_or_glob(pattern: str, expanded: str) -> bool:
    return expanded.endswith("**") or any(ch in pattern for ch in "*?[")


def plan_batches(files: list[InputFile], batch_size: int) -> list[list[InputFile]]:
    """Consecutive files (in path order) of at most ~batch_size documents each; a container
    larger than that is a batch of its own (split big crawls into several files)."""
    batches: list[list[InputFile]] = []
    current: list[InputFile] = []
    load = 0
    for file in files:
        size = file.estimated_documents()
        if current and load + size > batch_size:
            batches.append(current)
            current, load = [], 0
        current.append(file)
        load += size
    if current:
        batches.append(current)
    return batches


def open_dataset(root: str, options: WirestoryOptions) -> Dataset:
    """Opens the dataset, or creates it with these options' similarity settings."""
    if not Dataset.exists(root):
        return Dataset.create(root, DatasetConfig.from_params(options.minhash_params()))
    dataset = Dataset.open(root)
    fixed = dataset.config.similarity
    differing = [
        f"--{key.replace('_', '-')} {value} (the dataset has {fixed[key]})"
        for key, value in options.similarity_overrides().items()
        if fixed[key] != value
    ]
    if differing:
        raise DatasetError(
            "a dataset keeps the similarity settings it was created with: " + ", ".join(differing)
        )
    return dataset


def _read_json(path: str) -> Any:
    with FileSystems.open(path) as handle:
        return json.loads(handle.read().decode("utf-8"))


def _delete(path: str) -> None:
    """Deletes a file or a folder (with everything in it) if it is there, on any filesystem."""
    with contextlib.suppress(Exception):  # absent already
        FileSystems.delete([path])
    with contextlib.suppress(Exception):  # an object-store "folder" is a prefix
        FileSystems.delete([path.rstrip("/") + "/"])


def resume_pending(dataset: Dataset) -> dict[str, Any] | None:
    """Finishes a batch whose commit was interrupted; returns its manifest, if there was one."""
    pending = FileSystems.join(dataset.root, META, PENDING)
    if not FileSystems.exists(pending):
        return None
    record = _read_json(pending)
    _LOG.info("finishing the commit of batch %d, interrupted earlier", record["batch"])
    return _commit(dataset, record, resuming=True)


def _commit(dataset: Dataset, record: dict[str, Any], resuming: bool = False) -> dict[str, Any]:
    batch, summary = record["batch"], record["summary"]
    staging = FileSystems.join(dataset.root, record["staging"])
    started = time.monotonic()
    seconds: dict[str, float] = {}
    committed = dataset.commit(batch, summary, staging, resuming, seconds)
    # Every table's version once the batch is in: a consistent snapshot to read.
    manifest = {
        **record["manifest"],
        "committed": committed,
        "versions": dataset.versions(),
        "commit_seconds": round(time.monotonic() - started, 3),
        "commit_step_seconds": seconds,
    }
    dataset.write_manifest(batch, manifest)
    _delete(FileSystems.join(dataset.root, META, PENDING))
    _delete(staging)
    return manifest


def run_batch(
    dataset: Dataset,
    files: list[InputFile],
    options: PipelineOptions,
    make_runner: Callable[[], Any],
) -> dict[str, Any] | None:
    """Runs and commits one batch; returns its manifest, or None when nothing was new."""
    wirestory = options.view_as(WirestoryOptions)
    batch = dataset.committed_batch() + 1
    attempt = uuid.uuid4().hex[:8]
    staging = FileSystems.join(dataset.root, META, "staging", f"b{batch:08d}-{attempt}")
    config = dataset.config
    estimate = sum(f.estimated_documents() for f in files)
    ctx = BatchContext(
        root=dataset.root,
        staging=staging,
        batch=batch,
        prefix=f"b{batch:08d}-{attempt}",
        params=config.params(),
        buckets=config.buckets,
        lookback_days=wirestory.lookback_days,
        ingest_date=datetime.datetime.now(datetime.timezone.utc).date(),
        cc_rounds=wirestory.cc_rounds or rounds_for(estimate),
        article_shards=max(1, math.ceil(estimate / 20_000)),
        documents=dataset.bucket_files("documents"),
        bands=dataset.bucket_files("bands"),
        chrome=dataset.bucket_files("chrome"),
    )
    started = time.monotonic()
    with beam.Pipeline(runner=make_runner(), options=options) as pipeline:
        signals.watch(pipeline)  # an interrupt cancels a remote job
        build_batch_pipeline(pipeline, [(f.path, f.size) for f in files], wirestory, ctx)
    pipeline_seconds = time.monotonic() - started
    summary = _read_json(FileSystems.join(staging, BATCH_SUMMARY))
    manifest = {
        "batch": batch,
        "files": summary.get("files", 0),
        "units": summary.get("units", 0),
        "articles": summary.get("articles", 0),
        "rejects": summary.get("rejects", 0),
        "new_stories": summary.get("new_stories", 0),
        "joined_existing": sum(u["size"] for u in summary.get("story_updates", [])),
        "rejects_by_reason": summary.get("rejects_by_reason", {}),
        "skipped": summary.get("skipped", {}),
        "skipped_records": summary.get("skipped_records", {}),
        "oversized_stories": [
            {"story_id": f"st_{label}", "size": size}
            for label, size in summary.get("oversized", [])
        ],
        "pipeline_seconds": round(pipeline_seconds, 3),
        # Where the pipeline's seconds went (local runner; empty where a runner reports none).
        "step_seconds": step_seconds(pipeline.result),
    }
    # A broken install commits nothing (the batch's reject files name the first failure).
    outcome.check_extraction(summary, dataset.root)
    if not summary.get("written"):
        _delete(staging)
        return {**manifest, "batch": None}
    # Relative to the dataset, so a moved dataset can still finish it.
    relative = staging[len(dataset.root) :].lstrip("/")
    record = {"batch": batch, "summary": summary, "staging": relative, "manifest": manifest}
    write_json(FileSystems.join(dataset.root, META, PENDING), record)
    return _commit(dataset, record)


def ingest(
    options: PipelineOptions,
    make_runner: Callable[[], Any],
    files: list[InputFile] | None = None,
    should_stop: Callable[[], bool] | None = None,
) -> dict[str, Any]:
    """Ingests every new input of --input (or `files`) into --dataset; returns a summary.
    `should_stop` is asked before each batch (watch: a signal ends it after the batch)."""
    wirestory = options.view_as(WirestoryOptions)
    started = time.monotonic()
    if files is None:
        files = list_inputs(wirestory.inputs, allow_empty=True)
    if not wirestory.dataset:
        raise DatasetError("--dataset is required")
    dataset = open_dataset(wirestory.dataset, wirestory)
    batches: list[dict[str, Any]] = []
    with dataset.lock():
        dataset.add_missing_tables()
        resumed = resume_pending(dataset)
        if resumed is not None:
            batches.append(resumed)
        plan = plan_batches(files, max(1, wirestory.batch_size))
        for number, part in enumerate(plan, 1):
            if should_stop is not None and should_stop():
                break
            manifest = run_batch(dataset, part, options, make_runner)
            batches.append(manifest)
            _LOG.info(
                "batch %d/%d: %d files, %d articles, %d rejects, %d new stories, "
                "%d joined existing stories, %d skipped%s (%.1f s)",
                number,
                len(plan),
                manifest["files"],
                manifest["articles"],
                manifest["rejects"],
                manifest["new_stories"],
                manifest["joined_existing"],
                sum(manifest["skipped"].values()),
                f", committed as batch {manifest['batch']}" if manifest["batch"] else "",
                manifest["pipeline_seconds"],
            )
    return summarise(dataset, files, batches, time.monotonic() - started)


def summarise(
    dataset: Dataset, files: list[InputFile], batches: list[dict[str, Any]], seconds: float
) -> dict[str, Any]:
    """What one ingest command did, and the dataset's size after it."""

    def total(key: str) -> int:
        return sum(b[key] for b in batches)

    def tally(key: str) -> dict[str, int]:
        out: dict[str, int] = {}
        for b in batches:
            for reason, n in b[key].items():
                out[reason] = out.get(reason, 0) + n
        return dict(sorted(out.items()))

    return {
        "dataset": dataset.root,
        "inputs": len(files),
        "batches": [b["batch"] for b in batches if b["batch"]],
        "units": total("units"),
        "articles": total("articles"),
        "rejects": total("rejects"),
        "new_stories": total("new_stories"),
        "joined_existing": total("joined_existing"),
        "rejects_by_reason": tally("rejects_by_reason"),
        "skipped": tally("skipped"),
        "skipped_records": tally("skipped_records"),
        "oversized_stories": [s for b in batches for s in b.get("oversized_stories", [])],
        "timings": [{k: b[k] for k in _TIMINGS if k in b} for b in batches],
        "tables": dataset.counts(),
        "seconds": round(seconds, 3),
    }
