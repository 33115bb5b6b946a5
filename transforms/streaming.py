"""Streaming steps: keyed state (dedup, band index, story map) that replaces the index lookup.

A stream is an ingest whose batches are event-time windows of `--window-seconds`: the articles
of one window are grouped among themselves exactly as a batch is (same candidates, same
verification, the batch's distributed `GroupMatches`), then matched against the articles of
earlier windows within the lookback.

Beam graphs have no loops, so the history lives in two keyed, stateful steps in the global
window. Each takes one element per key and window from a GroupByKey in the event-time windows
(so the element arrives once the window is complete, and its output, timestamped at the
window's end, is on time for the next windowed steps):

- `BandIndexFn`, keyed by LSH band key: the signatures of earlier windows' articles sharing
  that band (doc_id, window, signature, date, ref). An entry's ref names its story: the story
  id of an article of the dataset's index (`STORY`), or the label of the article's group in its
  window (`LABEL`: the group's smallest doc_id). For a window's new articles (each with its
  group's label) it emits the earlier articles each collides with, then adds them.
- `StoryMapFn` (transforms/story_map.py), one key: the story ids of the earlier windows' groups
  that joined a story of the history; it turns refs into story ids.

Entries out of the lookback (in windows of event time) are dropped once no window still to come
can need them, and an event-time timer clears a key that sees nothing for a whole lookback.

Order. When one watermark step closes several windows (a catch-up), a key may get a later
window before an earlier one. The later window's articles then missed the earlier one's, so
when the earlier window arrives, `BandIndexFn` emits those pairs at the later window's time.
That is on time: the earlier window's pending element holds the watermark below both windows'
ends, so the later window's lookup has not fired yet. A window keeps what an earlier one may
still need: a `passing` timer at each window's end records the latest window the watermark has
passed at the key (all windows up to it have arrived), and only what no later window needs is
pruned (`still_needed`). The dataset's entries are read on the first window whose lookback
reaches the job's start.
"""

from __future__ import annotations

import datetime
import math
from collections.abc import Iterable, Iterator
from typing import Any

import apache_beam as beam
import numpy as np
from apache_beam.coders import PickleCoder, VarIntCoder
from apache_beam.metrics import Metrics
from apache_beam.transforms import userstate
from apache_beam.transforms.timeutil import TimeDomain
from apache_beam.utils.timestamp import Duration, Timestamp
from apache_beam.utils.windowed_value import PaneInfoTiming
from wirestory.transforms.history import Probe, verify_history
from wirestory.transforms.records import RawDocument, RejectRecord
from wirestory.transforms.signatures import MinHashParams, band_keys
from wirestory.transforms.stream_seed import IndexSnapshot, already_indexed, indexed_band

DUPLICATES = "duplicates"
# State and timer specs (one set per DoFn: Beam binds a timer spec to one callback), and the
# DoFn parameters that bind them, as module-level singletons.
_SEEN = userstate.ReadModifyWriteStateSpec("seen", VarIntCoder())
_SEEN_EXPIRE = userstate.TimerSpec("expire", TimeDomain.WATERMARK)
_BAND_ENTRIES = userstate.BagStateSpec("entries", PickleCoder())
_BAND_EXPIRE = userstate.TimerSpec("expire", TimeDomain.WATERMARK)
_BAND_SEEDED = userstate.ReadModifyWriteStateSpec("seeded", VarIntCoder())
# The latest window whose end the watermark has passed at this key: every window up to it has
# arrived, so state that only such windows could need may go.
_BAND_PASSED = userstate.ReadModifyWriteStateSpec("passed", VarIntCoder())
_BAND_PASSING = userstate.TimerSpec("passing", TimeDomain.WATERMARK)
SEEN, SEEN_EXPIRE = beam.DoFn.StateParam(_SEEN), beam.DoFn.TimerParam(_SEEN_EXPIRE)
BAND_ENTRIES, BAND_EXPIRE = beam.DoFn.StateParam(_BAND_ENTRIES), beam.DoFn.TimerParam(_BAND_EXPIRE)
BAND_SEEDED = beam.DoFn.StateParam(_BAND_SEEDED)
BAND_PASSED, BAND_PASSING = beam.DoFn.StateParam(_BAND_PASSED), beam.DoFn.TimerParam(_BAND_PASSING)
TIMESTAMP = beam.DoFn.TimestampParam
WINDOW = beam.DoFn.WindowParam


def window_index(end: Timestamp, seconds: int) -> int:
    """The logical window of a window's end: windows 0, 1, 2 ... of `seconds` each."""
    return int(end.micros // (seconds * 1_000_000)) - 1


SNAPSHOT = -1  # the window of entries read from the dataset's index: before any other


def window_end(index: int, seconds: int) -> Timestamp:
    return Timestamp(micros=(index + 1) * seconds * 1_000_000)


_LATE = Metrics.counter("wirestory", "late_messages")
_DUPLICATES = Metrics.counter("wirestory", "duplicate_messages")

# What an earlier article's band entries say about its story (a Ref): (STORY, story id, SNAPSHOT)
# for an article of the dataset's index, (LABEL, its group's label, its window) for a streamed
# one. The window tells StoryMap which window's decisions the ref depends on.
STORY, LABEL = "story", "label"
Ref = tuple[str, str, int]


def identity(item: RawDocument | RejectRecord) -> tuple[str, RawDocument | RejectRecord]:
    """(content doc_id, item) for documents; (identity, item) for rejects."""
    if isinstance(item, RawDocument):
        item = item.identified()
        return item.doc_id, item
    return item.identity(), item


class ReviveLateFn(beam.DoFn):
    """(doc_id, copies) from a GroupByKey with late firings -> (doc_id, first copy).

    Copies of one pane are duplicates: the first by source URI passes (so which one is kept does
    not depend on delivery order), the others go to 'duplicates'. An on-time copy keeps its
    window. A late copy (behind the watermark when it arrived) is treated as arriving now:
    re-timestamped to processing time, at or after the watermark, so it joins the next open
    window instead of being dropped."""

    def process(
        self, element: tuple[str, Iterable[Any]], pane: Any = beam.DoFn.PaneInfoParam
    ) -> Iterator[Any]:
        doc_id, copies = element
        first, *others = sorted(copies, key=lambda c: c.source_uri)
        for _ in others:
            _DUPLICATES.inc()
            yield beam.pvalue.TaggedOutput(DUPLICATES, doc_id)
        if pane.timing == PaneInfoTiming.LATE:
            _LATE.inc()
            yield beam.window.TimestampedValue((doc_id, first), Timestamp.now())
        else:
            yield doc_id, first


class DedupFn(beam.DoFn):
    """Keyed by doc_id, global window: the first copy passes; redeliveries and republished
    copies within the lookback, and documents the dataset held when the job started, go to
    'duplicates'. The key's state expires after the lookback."""

    def __init__(self, ttl_seconds: int, snapshot: IndexSnapshot | None = None) -> None:
        self._ttl = ttl_seconds
        self._snapshot = snapshot or IndexSnapshot()

    def process(
        self,
        element: tuple[str, Any],
        timestamp: Any = TIMESTAMP,
        seen: Any = SEEN,
        expire: Any = SEEN_EXPIRE,
    ) -> Iterator[Any]:
        doc_id, item = element
        if seen.read() or already_indexed(self._snapshot, doc_id):
            _DUPLICATES.inc()
            yield beam.pvalue.TaggedOutput(DUPLICATES, doc_id)
            return
        seen.write(1)
        expire.set(timestamp + Duration(seconds=self._ttl))
        yield item

    @userstate.on_timer(_SEEN_EXPIRE)
    def expired(self, seen: Any = SEEN) -> None:
        seen.clear()


class TagWindowFn(beam.DoFn):
    """x -> (key(x), (logical window, value(x))), for the keyed per-window steps."""

    def __init__(self, seconds: int, key: Any, value: Any = None) -> None:
        self._seconds = seconds
        self._key = key
        self._value = value

    def process(self, element: Any, window: Any = WINDOW) -> Iterator[Any]:
        index = window_index(window.end, self._seconds)
        value = element if self._value is None else self._value(element)
        yield self._key(element), (index, value)


class BandIndexFn(beam.DoFn):
    """Per band key: (band key, (window, [(Probe, label)])) -> (new doc_id, (old doc_id,
    Signature, Ref)) for each earlier article within the lookback sharing the band: earlier
    windows' articles (ref: their group's label), and the dataset's when the job started (ref:
    their story id)."""

    def __init__(
        self,
        seconds: int,
        lookback_windows: int,
        lookback_days: int,
        snapshot: IndexSnapshot | None = None,
        start_index: int = 0,
    ) -> None:
        self._seconds = seconds
        self._lookback = lookback_windows
        self._days = datetime.timedelta(days=lookback_days)
        self._snapshot = snapshot or IndexSnapshot()
        self._start = start_index  # the job's first window: the snapshot is just before it

    def process(
        self,
        element: tuple[bytes, tuple[int, list[tuple[Probe, str]]]],
        entries: Any = BAND_ENTRIES,
        seeded: Any = BAND_SEEDED,
        expire: Any = BAND_EXPIRE,
        passed: Any = BAND_PASSED,
        passing: Any = BAND_PASSING,
    ) -> Iterator[Any]:
        key, (index, new) = element
        # Kept: what this window or any window still to come may need (not only this one's
        # lookback: an earlier window may still arrive, see the module's "Order").
        floor = still_needed(index, passed.read(), self._lookback)
        held = [e for e in entries.read() if self._since(e[1]) >= floor]
        if not seeded.read() and self._start >= index - self._lookback:
            seeded.write(1)
            held += self._seed(key)
        probes = sorted({p.doc_id: (p, label) for p, label in new}.values(), key=_doc_id)
        for probe, label in probes:
            for old_id, old_index, signature, old_date, ref in held:
                # The lookback of ingest too: document dates at most --lookback-days apart.
                if abs(probe.doc_date - old_date) > self._days:
                    continue
                if old_index < index and self._since(old_index) >= index - self._lookback:
                    yield probe.doc_id, (old_id, signature, ref)
                elif old_index > index and old_index - index <= self._lookback:
                    # A later window reached this key first (a catch-up: one watermark step
                    # closed both): its article missed this one, so the pair goes to the later
                    # window now. On time there: this window's element holds the watermark.
                    mine = (probe.doc_id, probe.signature, (LABEL, label, index))
                    at = window_end(old_index, self._seconds) - Duration(micros=1)
                    yield beam.window.TimestampedValue((old_id, mine), at)
        known = {e[0] for e in held}
        held += [
            (p.doc_id, index, p.signature, p.doc_date, (LABEL, label, index))
            for p, label in probes
            if p.doc_id not in known
        ]
        entries.clear()
        for entry in held:
            entries.add(entry)
        # The dataset's entries count from the job's start: kept until its lookback ends.
        newest = max(self._since(e[1]) for e in held)
        expire.set(window_end(newest + self._lookback + 1, self._seconds))
        if any(self._since(e[1]) < index - self._lookback for e in held):
            # Something here is out of this window's lookback and waits to be pruned: learn
            # when the watermark passes this window (a key with nothing to prune sets no timer).
            passing.set(window_end(index, self._seconds))

    def _since(self, entry_index: int) -> int:
        """An entry's window; the snapshot's (window -1) counts from the job's start."""
        return self._start if entry_index == SNAPSHOT else entry_index

    def _seed(self, key: bytes) -> list[tuple[Any, ...]]:
        """The dataset's indexed articles with this band key (story ids known), as entries
        older than any window. Read on the first window whose lookback reaches the job's start
        (a key first used later reads nothing, unless an earlier window then arrives)."""
        if self._snapshot.empty():
            return []
        return [
            (doc_id, SNAPSHOT, signature, doc_date, (STORY, story, SNAPSHOT))
            for doc_id, signature, doc_date, story in indexed_band(self._snapshot, key, None)
        ]

    @userstate.on_timer(_BAND_EXPIRE)
    def expired(self, entries: Any = BAND_ENTRIES) -> None:
        entries.clear()  # nothing for a whole lookback: every entry is out of it

    @userstate.on_timer(_BAND_PASSING)
    def passing(self, passed: Any = BAND_PASSED, now: Any = TIMESTAMP) -> None:
        passed.write(latest_passed(passed.read(), now, self._seconds))


def still_needed(index: int, passed: int | None, lookback: int) -> int | float:
    """The oldest window a keyed step must keep for `index` and every window still to come:
    those after `passed` (the latest window the watermark has passed there, None if none yet),
    and this one."""
    if passed is None:
        return -math.inf  # no window passed yet: an earlier one may still come
    return min(index, passed + 1) - lookback


def latest_passed(passed: int | None, now: Timestamp, seconds: int) -> int:
    """The latest window passed, after a `passing` timer fired at `now` (a window's end)."""
    fired = window_index(now, seconds)
    return fired if passed is None else max(passed, fired)


def _doc_id(labelled: tuple[Probe, str]) -> str:
    return labelled[0].doc_id


def probe_bands(
    item: tuple[str, tuple[Probe, str]], params: MinHashParams
) -> Iterator[tuple[bytes, tuple[Probe, str]]]:
    """(band key, (probe, its group's label)) for every band of a new article."""
    labelled = item[1]
    values = np.frombuffer(labelled[0].signature.hashvalues, dtype="<u4")
    for key in band_keys(values, params):
        yield key, labelled


class VerifyCollisionsFn(beam.DoFn):
    """(new doc_id, {probe: [(Probe, label)], old}) -> (new doc_id, (its label, old Ref,
    HistoryMatch)); the match's story_id is the ref's story for a snapshot ref, else '' (the
    story of an earlier window's group is StoryMap's to say)."""

    def __init__(self, params: MinHashParams) -> None:
        self._params = params

    def process(self, item: tuple[str, dict[str, list[Any]]]) -> Iterator[Any]:
        doc_id, joined = item
        if not joined["probe"]:
            return
        probe, label = joined["probe"][0]
        olds = {old[0]: old for old in joined["old"]}  # one per band it shares
        for old_id in sorted(olds):
            _, signature, ref = olds[old_id]
            old = {
                "doc_id": old_id,
                "story_id": ref[1] if ref[0] == STORY else "",
                "num_shingles": signature.num_shingles,
                "hashvalues": signature.hashvalues,
                "shingle_keys": signature.shingle_keys,
                "lead_keys": signature.lead_keys,
            }
            match = verify_history(probe, old, self._params)
            if match is not None:
                yield doc_id, (label, ref, match)
