"""`wirestory ingest` and `wirestory watch`: add new inputs to a dataset, once or continuously."""

from __future__ import annotations

import logging
import signal
import sys
import time
from typing import Any

from apache_beam.io.filesystems import FileSystems
from apache_beam.options.pipeline_options import PipelineOptions
from wirestory.pipeline.dataset import DatasetError
from wirestory.pipeline.ingest import InputFile, ingest
from wirestory.pipeline.options import WirestoryOptions
from wirestory.pipeline.runner import extraction_processes, resolve_runner
from wirestory.transforms.read import expand_input

_LOG = logging.getLogger("wirestory")
# A file is taken once it has not changed for this long (a crawler may still be writing it).
SETTLE_SECONDS = 2.0


def _prepared(options: PipelineOptions, workers: int | None) -> Any:
    wirestory = options.view_as(WirestoryOptions)
    if not wirestory.dataset:
        raise DatasetError("--dataset is required")
    try:
        wirestory.minhash_params()
    except ValueError as err:
        raise DatasetError(str(err)) from err
    runner = resolve_runner(options, workers)
    if not wirestory.extract_processes:
        wirestory.extract_processes = extraction_processes(runner, options)
    return runner


def run_ingest(options: PipelineOptions, workers: int | None = None) -> dict[str, Any]:
    """One ingest of every new input into the dataset."""
    runner = _prepared(options, workers)
    return ingest(options, lambda: runner)


def print_ingest_summary(summary: dict[str, Any]) -> None:
    """What one ingest did, as a person reads it."""
    batches = summary["batches"]
    print(f"wirestory: ingest done in {summary['seconds']:.1f} s", end="")
    print(f" ({len(batches)} commits)" if batches else " (nothing new: no commit)")
    print(f"  inputs              {summary['inputs']:>8}")
    skipped = summary["skipped"]
    detail = ", ".join(f"{k}: {v}" for k, v in skipped.items())
    print(
        f"  skipped             {sum(skipped.values()):>8}" + (f"   ({detail})" if detail else "")
    )
    print(f"  new articles        {summary['articles']:>8}")
    reasons = ", ".join(f"{k}: {v}" for k, v in summary["rejects_by_reason"].items())
    print(f"  new rejects         {summary['rejects']:>8}" + (f"   ({reasons})" if reasons else ""))
    print(f"  new stories         {summary['new_stories']:>8}")
    print(f"  joined old stories  {summary['joined_existing']:>8}")
    tables = summary["tables"]
    print(
        f"  dataset: {summary['dataset']} ({tables['articles']} articles, "
        f"{tables['stories']} stories, {tables['rejects']} rejects)"
    )


class _Stop:
    """SIGINT/SIGTERM: the first finishes the current batch, a second abandons it."""

    def __init__(self) -> None:
        self.signal: int | None = None

    def __call__(self, signum: int, _frame: Any) -> None:
        if self.signal is not None:
            raise KeyboardInterrupt
        self.signal = signum
        _LOG.info("stopping after the current batch (signal again to abandon it)")


def _new_files(
    patterns: list[str], done: set[tuple[str, int, float]]
) -> list[tuple[InputFile, tuple[str, int, float]]]:
    now = time.time()
    found = []
    for pattern in patterns:
        for meta in FileSystems.match([expand_input(pattern)])[0].metadata_list:
            stamp = (meta.path, meta.size_in_bytes, meta.last_updated_in_seconds)
            if stamp not in done and now - meta.last_updated_in_seconds >= SETTLE_SECONDS:
                found.append((InputFile(meta.path, meta.size_in_bytes), stamp))
    return sorted(found, key=lambda item: item[0].path)


def run_watch(
    options: PipelineOptions, every: float, workers: int | None = None, cycles: int = 0
) -> int:
    """Ingests new files every `every` seconds until SIGINT/SIGTERM (or `cycles` passes).

    A signal lets the current batch finish and commit, then the watch exits 0; a second signal
    abandons the batch (nothing of it is committed)."""
    runner = _prepared(options, workers)
    patterns = options.view_as(WirestoryOptions).inputs
    stop = _Stop()
    previous = {s: signal.signal(s, stop) for s in (signal.SIGINT, signal.SIGTERM)}
    done: set[tuple[str, int, float]] = set()
    passes = 0
    try:
        while stop.signal is None:
            fresh = _new_files(patterns, done)
            if fresh:
                summary = ingest(
                    options,
                    lambda: runner,
                    [f for f, _ in fresh],
                    should_stop=lambda: stop.signal is not None,
                )
                done.update(stamp for _, stamp in fresh)
                _LOG.info(
                    "watch: %d new files, %d articles, %d rejects, %d skipped",
                    len(fresh),
                    summary["articles"],
                    summary["rejects"],
                    sum(summary["skipped"].values()),
                )
            passes += 1
            if cycles and passes >= cycles:
                break
            deadline = time.monotonic() + every
            while stop.signal is None and time.monotonic() < deadline:
                time.sleep(0.2)
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)
    if stop.signal is not None:
        print(f"wirestory: watch stopped by {signal.Signals(stop.signal).name}", file=sys.stderr)
    return 0
