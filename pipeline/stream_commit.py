"""A stream's window commit: one key, windows committed in order, each idempotently."""

from __future__ import annotations

import contextlib
import logging
import time
from collections.abc import Iterator
from typing import Any

import apache_beam as beam
from apache_beam.coders import PickleCoder
from apache_beam.io.filesystems import FileSystems
from apache_beam.metrics import Metrics
from apache_beam.transforms import userstate
from apache_beam.transforms.timeutil import TimeDomain
from wirestory.pipeline.dataset import META, Dataset, DatasetBusy
from wirestory.pipeline.stream_files import window_version
from wirestory.transforms.streaming import window_end

STAGING = "stream"  # DIR/_wirestory/stream/stories/: new story rows, read by the commit
_LOG = logging.getLogger("wirestory")
_OUT_OF_ORDER = Metrics.counter("wirestory", "windows_committed_out_of_order")
_WAITING = userstate.BagStateSpec("waiting", PickleCoder())  # (window, items) not committed yet
_DUE = userstate.TimerSpec("due", TimeDomain.WATERMARK)
WAITING, DUE = beam.DoFn.StateParam(_WAITING), beam.DoFn.TimerParam(_DUE)


# How long a window commit waits for another writer (an `ingest`) to release the dataset before
# it fails; the runner then retries the bundle, so the window still commits once.
LOCK_WAIT_SECONDS = 600.0


@contextlib.contextmanager
def writer_lock(dataset: Dataset, wait_seconds: float) -> Iterator[None]:
    """The dataset's writer lock (the one `ingest` takes), waiting up to `wait_seconds` for the
    holder to finish; then DatasetBusy. So a window commit never interleaves its table commits
    with an ingest's."""
    deadline = time.monotonic() + wait_seconds
    delay = 0.2
    with contextlib.ExitStack() as held:
        while True:
            try:
                held.enter_context(dataset.lock())
                break
            except DatasetBusy:
                if time.monotonic() + delay > deadline:
                    raise
                time.sleep(delay)
                delay = min(delay * 2, 10.0)
        yield


class CommitWindowFn(beam.DoFn):
    """One key, global window: (0, (window, [("written", file info) | ("update", story
    update)])) -> one idempotent commit per table and window, under the dataset's writer lock,
    in window order.

    A window waits in state until the watermark passes its end (an event-time timer), so every
    earlier window has arrived by then: when one watermark step closes several windows (a
    catch-up) and they arrive in any order, they are still committed earliest first, and each
    commit's version (its window's end) is above the last one's."""

    def __init__(self, root: str, seconds: int, lock_wait: float = LOCK_WAIT_SECONDS) -> None:
        self._root, self._seconds, self._lock_wait = root, seconds, lock_wait

    def setup(self) -> None:
        self._dataset = Dataset.open(self._root)

    def process(
        self, element: tuple[int, tuple[int, list[Any]]], waiting: Any = WAITING, due: Any = DUE
    ) -> None:
        index, items = element[1]
        waiting.add((index, items))
        due.set(window_end(min(i for i, _ in waiting.read()), self._seconds))

    @userstate.on_timer(_DUE)
    def flush(
        self, waiting: Any = WAITING, due: Any = DUE, now: Any = beam.DoFn.TimestampParam
    ) -> Iterator[dict[str, Any]]:
        """Commits, earliest first, every waiting window that ends by the timer's time (the
        watermark has passed it), then sets the timer for the next waiting window."""
        held = sorted(waiting.read(), key=lambda item: item[0])
        ready = [item for item in held if window_end(item[0], self._seconds) <= now]
        later = held[len(ready) :]
        for index, items in ready:
            yield self.commit(index, items)
        waiting.clear()
        for item in later:
            waiting.add(item)
        if later:
            due.set(window_end(later[0][0], self._seconds))

    def commit(self, index: int, items: list[Any]) -> dict[str, Any]:
        """Commits one window; returns its manifest."""
        version = window_version(index, self._seconds)
        written = sorted((v for k, v in items if k == "written"), key=lambda i: i["path"])
        updates = [v for k, v in items if k == "update"]
        summary = {"written": written, "story_updates": updates}
        staging = FileSystems.join(self._dataset.root, META, STAGING)
        with writer_lock(self._dataset, self._lock_wait):
            last = self._dataset.committed_batch()
            if last > version:  # another job committed a later window: versions must grow
                _OUT_OF_ORDER.inc()
                _LOG.error("window ending %s arrived after window %s was committed", version, last)
            # A window's version is its end time, unique to it: a retried commit of the same
            # window finishes what an earlier attempt started (steps recorded are skipped).
            committed = self._dataset.commit(version, summary, staging, resuming=True)
            manifest = {"window_end": version, "files": len(written), "committed": committed}
            self._dataset.write_manifest(version, manifest)
        _LOG.info("window ending %s: committed %s", version, committed)
        return manifest
