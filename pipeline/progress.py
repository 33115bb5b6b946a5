"""Live progress of a local run: a rich display on a terminal, periodic log lines otherwise.

The pipeline's counting steps (transforms/progress.py) write per-process counts into a folder
named by WIRESTORY_PROGRESS_DIR; a monitor thread here sums them twice a second. Stages: inputs
matched, documents read, extracted (articles and rejects), articles grouped, rows written. With
only page files the number of documents is known up front (one per file), so read, extracted
and grouped get an estimate of the time left; container records are only known once read.
"""

from __future__ import annotations

import contextlib
import glob
import json
import logging
import os
import shutil
import sys
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Iterator, Sequence
from typing import Any, TextIO

from wirestory.transforms.progress import ENV, STAGES

_LOG = logging.getLogger("wirestory.progress")
LOG_EVERY = 10.0  # seconds between log lines when stderr is not a terminal
_TICK = 0.5


def read_counts(directory: str) -> Counter[str]:
    """The counts every process of the run reported so far."""
    total: Counter[str] = Counter()
    for path in glob.glob(os.path.join(directory, "*.json")):
        with contextlib.suppress(OSError, ValueError), open(path, encoding="utf-8") as handle:
            total.update(json.load(handle))
    return total


def count_inputs(patterns: Sequence[str]) -> tuple[int, int]:
    """(files, page files) the patterns match: the totals the display can know up front."""
    from apache_beam.io.filesystems import FileSystems
    from wirestory.transforms.read import CONTAINER_KINDS, document_kind, expand_input

    paths: set[str] = set()
    for pattern in patterns:
        with contextlib.suppress(Exception):  # the run itself reports unmatched inputs
            found = FileSystems.match([expand_input(pattern)])[0].metadata_list
            paths.update(meta.path for meta in found)
    pages = sum(1 for path in paths if document_kind(path)[0] not in CONTAINER_KINDS)
    return len(paths), pages


def describe(counts: Counter[str], totals: dict[str, int | None], elapsed: float) -> str:
    """One log line: each stage's count (of its total), the rate, elapsed and time left."""
    parts = []
    for stage in STAGES:
        total = totals.get(stage)
        parts.append(f"{stage} {counts[stage]}" + (f"/{total}" if total else ""))
    line = "progress: " + ", ".join(parts) + f"; {elapsed:.0f} s elapsed"
    done = counts["extracted"]
    if done and elapsed > 0:
        rate = done / elapsed
        line += f"; {rate:.1f} documents/s"
        total = totals.get("extracted")
        if total and total > done:
            line += f"; about {(total - done) / rate:.0f} s left to extract"
    return line


class Monitor:
    """A thread that shows the counts until stop()."""

    def __init__(
        self,
        directory: str,
        inputs: Sequence[str],
        stream: TextIO,
        log_every: float = LOG_EVERY,
    ) -> None:
        self._directory = directory
        self._inputs = list(inputs)
        self._stream = stream
        self._log_every = log_every
        self._stopped = threading.Event()
        self._abandoned = False
        self._thread = threading.Thread(target=self._loop, name="wirestory-progress", daemon=True)
        self._started = time.monotonic()
        self.totals: dict[str, int | None] = {}
        self.lines: list[str] = []

    def start(self) -> None:
        self._thread.start()

    def abandon(self) -> None:
        """Stops the display without a last log line (the run was interrupted)."""
        self._abandoned = True
        self.stop()

    def stop(self) -> None:
        """Stops the display; off a terminal, logs the last counts once more."""
        if not self._stopped.is_set():
            self._stopped.set()
            if self._thread.is_alive() and self._thread is not threading.current_thread():
                self._thread.join(timeout=5)

    def _loop(self) -> None:
        files, pages = count_inputs(self._inputs)
        documents = files if files == pages else None
        self.totals = {"matched": files, "read": documents, "extracted": documents}
        self.totals["grouped"] = None  # articles, known only once extracted
        if self._stream.isatty():
            self._live()
        else:
            self._log()

    def _log(self) -> None:
        last = time.monotonic()
        while not self._stopped.wait(_TICK):
            if time.monotonic() - last >= self._log_every:
                last = time.monotonic()
                self._emit()
        if not self._abandoned:
            self._emit()

    def _emit(self) -> None:
        line = describe(read_counts(self._directory), self.totals, self._elapsed())
        self.lines.append(line)
        _LOG.info("%s", line)

    def _elapsed(self) -> float:
        return time.monotonic() - self._started

    def _live(self) -> None:
        from rich.console import Console
        from rich.progress import (
            BarColumn,
            MofNCompleteColumn,
            Progress,
            TextColumn,
            TimeElapsedColumn,
            TimeRemainingColumn,
        )

        columns = (
            TextColumn("{task.description:<10}"),
            BarColumn(),
            MofNCompleteColumn(),
            TextColumn("{task.fields[rate]}"),
            TimeElapsedColumn(),
            TimeRemainingColumn(),
        )
        console = Console(file=self._stream)
        with Progress(*columns, console=console, transient=True) as display:
            tasks = {
                stage: display.add_task(stage, total=self.totals.get(stage), rate="")
                for stage in STAGES
            }
            while not self._stopped.wait(_TICK):
                counts = read_counts(self._directory)
                elapsed = max(self._elapsed(), 1e-9)
                for stage, task in tasks.items():
                    rate = f"{counts[stage] / elapsed:,.1f}/s" if counts[stage] else ""
                    display.update(task, completed=counts[stage], rate=rate)


@contextlib.contextmanager
def shown(inputs: Sequence[str], enabled: bool, stream: Any = None) -> Iterator[Monitor | None]:
    """Shows progress while the block runs (a local run that is not --quiet)."""
    if not enabled:
        yield None
        return
    from wirestory.pipeline import signals

    directory = tempfile.mkdtemp(prefix="wirestory-progress-")
    previous = os.environ.get(ENV)
    os.environ[ENV] = directory
    monitor = Monitor(directory, inputs, stream or sys.stderr)
    monitor.start()
    signals.on_interrupt(monitor.abandon)
    try:
        yield monitor
    except BaseException:
        monitor.abandon()  # the error is the last word, not the counts
        raise
    finally:
        monitor.stop()
        if previous is None:
            os.environ.pop(ENV, None)
        else:
            os.environ[ENV] = previous
        shutil.rmtree(directory, ignore_errors=True)
