"""Streaming steps: keyed state (dedup, band index, story map) that replaces the index lookup.

A stream is an ingest whose batches are event-time windows of `--window-seconds`: the articles
of one window are grouped among themselves exactly as a batch is (same candidates, same
verification), then matched against the articles of earlier windows within the lookback.

Beam graphs have no loops, so the history lives in two keyed, stateful steps in the global
window. Each takes one element per key and window from a GroupByKey in the event-time windows
(so the element arrives once the window is complete, and its output, timestamped at the
window's end, is on time for the next windowed steps):

- `BandIndexFn`, keyed by LSH band key: the signatures of earlier windows' articles sharing
  that band (doc_id, window, num_shingles, hashvalues, date). For a window's new articles it
  emits the earlier articles each collides with, then adds them.
- `StoryMapFn`, one key: doc_id -> story_id of earlier windows' articles. For a window it
  turns the verified collisions into `HistoryMatch`es (story ids filled in), labels the
  window's groups (union-find of the within-window edges, smallest doc_id), and records each
  group's final story: the best match's story, else 'st_' + smallest doc_id. That is the rule
  of transforms/incremental.py, so story ids equal `ingest` run with one batch per window.

Entries older than the lookback (in windows of event time) are dropped when a window is
processed, and an event-time timer clears a key that sees nothing for a whole lookback. Windows
reach a key in order (a key's panes fire as the watermark passes each window's end); a window
that arrives after a later one only misses that later window's entries (it never sees them).
"""

from __future__ import annotations

import datetime
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
from wirestory.transforms.candidates import Match
from wirestory.transforms.grouping import group_in_memory
from wirestory.transforms.history import HistoryMatch, Probe, best_match, verify_history
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
_STORY_MAP = userstate.BagStateSpec("stories", PickleCoder())
_STORY_EXPIRE = userstate.TimerSpec("expire", TimeDomain.WATERMARK)
SEEN, SEEN_EXPIRE = beam.DoFn.StateParam(_SEEN), beam.DoFn.TimerParam(_SEEN_EXPIRE)
BAND_ENTRIES, BAND_EXPIRE = beam.DoFn.StateParam(_BAND_ENTRIES), beam.DoFn.TimerParam(_BAND_EXPIRE)
BAND_SEEDED = beam.DoFn.StateParam(_BAND_SEEDED)
STORY_MAP, STORY_EXPIRE = beam.DoFn.StateParam(_STORY_MAP), beam.DoFn.TimerParam(_STORY_EXPIRE)
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
    """Per band key: (band key, (window, [Probe])) -> (new doc_id, (old doc_id, Signature,
    story_id or None)) for each earlier article within the lookback sharing the
    band: earlier windows' articles, and (story id known) the dataset's when the job started."""

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
        element: tuple[bytes, tuple[int, list[Probe]]],
        entries: Any = BAND_ENTRIES,
        seeded: Any = BAND_SEEDED,
        expire: Any = BAND_EXPIRE,
    ) -> Iterator[Any]:
        key, (index, new) = element
        held = [e for e in entries.read() if self._kept(e[1], index)]
        if not seeded.read():
            seeded.write(1)
            held += self._seed(key, index)
        probes = sorted({p.doc_id: p for p in new}.values(), key=lambda p: p.doc_id)
        for probe in probes:
            for old_id, old_index, signature, old_date, story in held:
                # The lookback of ingest too: document dates at most --lookback-days apart.
                if old_index < index and abs(probe.doc_date - old_date) <= self._days:
                    yield probe.doc_id, (old_id, signature, story)
        known = {e[0] for e in held}
        held += [
            (p.doc_id, index, p.signature, p.doc_date, None)
            for p in probes
            if p.doc_id not in known
        ]
        entries.clear()
        for entry in held:
            entries.add(entry)
        newest = max(e[1] for e in held)
        expire.set(window_end(newest + self._lookback + 1, self._seconds))

    def _kept(self, entry_index: int, index: int) -> bool:
        """Within the lookback: entries of the snapshot (window -1) count from the job's start."""
        since = self._start if entry_index == SNAPSHOT else entry_index
        return since >= index - self._lookback

    def _seed(self, key: bytes, index: int) -> list[tuple[Any, ...]]:
        """The dataset's indexed articles with this band key (story ids known), as entries
        older than any window; none once the job's start is out of the lookback."""
        if self._snapshot.empty() or not self._kept(SNAPSHOT, index):
            return []
        return [
            (doc_id, SNAPSHOT, signature, doc_date, story)
            for doc_id, signature, doc_date, story in indexed_band(self._snapshot, key, None)
        ]

    @userstate.on_timer(_BAND_EXPIRE)
    def expired(self, entries: Any = BAND_ENTRIES) -> None:
        entries.clear()  # nothing for a whole lookback: every entry is out of it


def probe_bands(item: tuple[str, Probe], params: MinHashParams) -> Iterator[tuple[bytes, Probe]]:
    """(band key, probe) for every band of a new article."""
    probe = item[1]
    for key in band_keys(np.frombuffer(probe.signature.hashvalues, dtype="<u4"), params):
        yield key, probe


class VerifyCollisionsFn(beam.DoFn):
    """(new doc_id, {probe, old}) -> (new doc_id, HistoryMatch with story_id still unknown)."""

    def __init__(self, params: MinHashParams) -> None:
        self._params = params

    def process(self, item: tuple[str, dict[str, list[Any]]]) -> Iterator[Any]:
        doc_id, joined = item
        if not joined["probe"]:
            return
        probe: Probe = joined["probe"][0]
        olds = {old[0]: old for old in joined["old"]}  # one per band it shares
        for old_id in sorted(olds):
            _, signature, story = olds[old_id]
            old = {
                "doc_id": old_id,
                "story_id": story or "",
                "num_shingles": signature.num_shingles,
                "hashvalues": signature.hashvalues,
                "shingle_keys": signature.shingle_keys,
                "lead_keys": signature.lead_keys,
            }
            match = verify_history(probe, old, self._params)
            if match is not None:
                yield doc_id, match


def window_groups(
    docs: Iterable[str], matches: Iterable[Match]
) -> tuple[dict[str, str], list[Match]]:
    """(doc_id -> label, the matches the groups were built from) for one window: the one-shot
    grouping rule (grouping.group_in_memory); a document in no match is a group of its own."""
    labels, used = group_in_memory(matches)
    return {d: labels.get(d, d) for d in docs}, used


class StoryMapFn(beam.DoFn):
    """One key: (0, (window, [("doc", id) | ("edge", Match) | ("match", (id, HistoryMatch))]))
    -> ("label", (doc_id, label)), ("used", Match) and ("match", (doc_id, HistoryMatch)) for
    the window."""

    def __init__(self, seconds: int, lookback_windows: int) -> None:
        self._seconds = seconds
        self._lookback = lookback_windows

    def process(
        self,
        element: tuple[int, tuple[int, list[Any]]],
        stories: Any = STORY_MAP,
        expire: Any = STORY_EXPIRE,
    ) -> Iterator[Any]:
        index, items = element[1]
        known = {
            doc: (story, at) for doc, story, at in stories.read() if at >= index - self._lookback
        }
        yield from self._window(index, items, known)
        stories.clear()
        for doc, (story, at) in sorted(known.items()):
            stories.add((doc, story, at))
        newest = max(at for _, at in known.values())
        expire.set(window_end(newest + self._lookback + 1, self._seconds))

    def _window(self, index: int, items: list, known: dict[str, tuple[str, int]]) -> Iterator:
        docs = sorted({v for kind, v in items if kind == "doc"})
        labels, used = window_groups(docs, [v for kind, v in items if kind == "edge"])
        for match in used:
            yield "used", match
        matches: dict[str, list[HistoryMatch]] = {}
        for kind, value in items:
            if kind != "match":
                continue
            doc_id, match = value
            story = known.get(match.doc_id)
            if story is None and match.story_id:  # from the dataset's index (stream_seed)
                story = (match.story_id, index - 1)
            if story is not None and story[1] < index:
                matches.setdefault(doc_id, []).append(
                    HistoryMatch(story[0], match.doc_id, match.jaccard, match.containment)
                )
        group_best: dict[str, HistoryMatch | None] = {}
        for doc_id in docs:
            best = best_match(matches.get(doc_id, []))
            if best is not None:
                yield "match", (doc_id, best)
            label = labels[doc_id]
            yield "label", (doc_id, label)
            group_best[label] = best_match(m for m in (group_best.get(label), best) if m)
        for doc_id in docs:
            if doc_id not in known:  # a story id never changes
                best = group_best[labels[doc_id]]
                known[doc_id] = (best.story_id if best else "st_" + labels[doc_id], index)

    @userstate.on_timer(_STORY_EXPIRE)
    def expired(self, stories: Any = STORY_MAP) -> None:
        stories.clear()  # nothing for a whole lookback
