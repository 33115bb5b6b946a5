"""A stream's one sequential step: the story ids of the groups that matched earlier windows.

`StoryMapFn` runs on one key. State: label -> (story_id, window) of the earlier windows' groups
that joined a story of the history (within the lookback); any other group's story is
'st_' + its label. Per window it receives one element per (new group, old ref) pair with a
verified match (reduced by key before it), the best match of the pair, plus one marker per
window that has articles. It resolves each ref to its story, gives each new group the story of
its best match (HistoryMatch.rank), records the groups that joined, and emits (ref, story) for
the refs it resolved. That is the rule of transforms/incremental.py, so story ids equal `ingest`
run with one batch per window.

Why one sequential step remains: a window's story ids depend on the stories of the groups it
matched, which were decided by an earlier window's pass through the same step; a Beam graph has
no loops, so that recurrence has to live in state, in one place. What flows through it is one
element per matched (group, old group) pair and one marker per window, and what it holds is one
entry per group that joined history.

Order. When one watermark step closes several windows (a catch-up), their elements may reach the
key in any order. A window is decided only once every window its refs name has been decided
(every window with articles sends its marker, so each such window arrives); until then it waits
in state. Its answers are then emitted at its own window's timestamp. That is never late: the
window it waited for is earlier, and its pending element holds the watermark below both. State
is pruned only below what a window still to come may need: the `passing` timer, set at each
window's end, tells the step which windows have all arrived (streaming.still_needed).
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Iterator, Mapping
from typing import Any

import apache_beam as beam
from apache_beam.coders import PickleCoder, VarIntCoder
from apache_beam.metrics import Metrics
from apache_beam.transforms import userstate
from apache_beam.transforms.timeutil import TimeDomain
from apache_beam.utils.timestamp import Duration
from wirestory.transforms.history import HistoryMatch
from wirestory.transforms.stories import story_id_for
from wirestory.transforms.streaming import (
    LABEL,
    STORY,
    TIMESTAMP,
    Ref,
    latest_passed,
    still_needed,
    window_end,
)

_JOINED = userstate.BagStateSpec("joined", PickleCoder())
_DONE = userstate.ReadModifyWriteStateSpec("done", PickleCoder())  # decided windows: intervals
_WAITING = userstate.BagStateSpec("waiting", PickleCoder())  # (window, pairs) not decided yet
_PASSED = userstate.ReadModifyWriteStateSpec("passed", VarIntCoder())  # see streaming.py
_EXPIRE = userstate.TimerSpec("expire", TimeDomain.WATERMARK)
_PASSING = userstate.TimerSpec("passing", TimeDomain.WATERMARK)
JOINED, DONE, WAITING, PASSED = (
    beam.DoFn.StateParam(s) for s in (_JOINED, _DONE, _WAITING, _PASSED)
)
EXPIRE, PASSING = beam.DoFn.TimerParam(_EXPIRE), beam.DoFn.TimerParam(_PASSING)

_STORY_PAIRS = Metrics.counter("wirestory", "story_map_pairs")  # elements StoryMap received
_WAITED = Metrics.counter("wirestory", "story_map_windows_waited")  # came before one they need
_UNRESOLVED = Metrics.counter("wirestory", "story_map_unresolved")  # matches; never expected
_DROPPED = Metrics.counter("wirestory", "story_map_windows_dropped")  # never expected

Pair = tuple[str, Ref, HistoryMatch]
_LOG = logging.getLogger("wirestory")


def resolve(ref: Ref, joined: Mapping[str, tuple[str, int]]) -> str:
    """The story of a ref: a snapshot ref's own story; a label's recorded story if its group
    joined one (`joined`: label -> (story_id, window)), else the group's own, 'st_' + label."""
    kind, value, _ = ref
    if kind == STORY:
        return value
    recorded = joined.get(value)
    return recorded[0] if recorded is not None else story_id_for(value)


def story_pair(item: tuple[str, tuple[str, Ref, HistoryMatch]]) -> tuple[Any, HistoryMatch]:
    """A verified match keyed by (new group's label, old ref): StoryMap needs one per pair."""
    _, (label, ref, match) = item
    return (label, ref), match


Spans = list[tuple[int, int]]  # sorted, disjoint, inclusive runs of windows


def covered(spans: Spans, window: int) -> bool:
    return any(start <= window <= end for start, end in spans)


def with_window(spans: Spans, window: int) -> Spans:
    """The spans plus one window (in order, one run while windows come one after another)."""
    merged: Spans = []
    for start, end in sorted([*spans, (window, window)]):
        if merged and start <= merged[-1][1] + 1:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged


def ready(index: int, pairs: Iterable[Pair], done: Spans, lookback: int) -> bool:
    """Whether every window the pairs' label refs name is decided (or out of the lookback)."""
    return all(
        ref[0] != LABEL or ref[2] < index - lookback or covered(done, ref[2]) for _, ref, _ in pairs
    )


class StoryMapFn(beam.DoFn):
    """One key: (0, (window, [pair | None (the window's marker)])) -> (Ref, story_id) for every
    ref of the window's pairs, timestamped in that window."""

    def __init__(self, seconds: int, lookback_windows: int) -> None:
        self._seconds = seconds
        self._lookback = lookback_windows

    def process(
        self,
        element: tuple[int, tuple[int, list[Pair | None]]],
        joined: Any = JOINED,
        done: Any = DONE,
        waiting: Any = WAITING,
        passed: Any = PASSED,
        expire: Any = EXPIRE,
        passing: Any = PASSING,
    ) -> Iterator[Any]:
        index, items = element[1]
        pairs = [item for item in items if item is not None]
        _STORY_PAIRS.inc(len(pairs))
        known = {label: (story, at) for label, story, at in joined.read()}
        decided: Spans = done.read() or []
        pending = dict(waiting.read())
        pending[index] = pairs
        answered, decided = self._decide(pending, decided, known)
        for window, answers in answered:
            at = window_end(window, self._seconds) - Duration(micros=1)
            for answer in answers:
                yield beam.window.TimestampedValue(answer, at)
        if index in pending:
            _WAITED.inc()
        # Kept: what a waiting window, this one or any still to come may need.
        needed = still_needed(index, passed.read(), self._lookback)
        floor = min([needed, *(window - self._lookback for window in pending)])
        _rewrite(joined, sorted((lb, s, at) for lb, (s, at) in known.items() if at >= floor))
        done.write([(max(start, floor), end) for start, end in decided if end >= floor])
        _rewrite(waiting, sorted(pending.items()))
        newest = max([index, *pending, *(end for _, end in decided)])
        expire.set(window_end(newest + self._lookback + 1, self._seconds))
        passing.set(window_end(index, self._seconds))

    def _decide(
        self, pending: dict[int, list[Pair]], decided: Spans, known: dict[str, tuple[str, int]]
    ) -> tuple[list[tuple[int, list[tuple[Ref, str]]]], Spans]:
        """Decides the pending windows that are ready, earliest first, until none is: (window,
        its answers) in the order decided, and the decided windows after them."""
        answered = []
        while ready_ones := [
            w for w in sorted(pending) if ready(w, pending[w], decided, self._lookback)
        ]:
            window = ready_ones[0]
            answered.append((window, list(decide_window(window, pending.pop(window), known))))
            decided = with_window(decided, window)
        return answered, decided

    @userstate.on_timer(_EXPIRE)
    def expired(self, joined: Any = JOINED, done: Any = DONE, waiting: Any = WAITING) -> None:
        stuck = [window for window, _ in waiting.read()]
        if stuck:  # never expected: each window a ref names sends its marker
            _DROPPED.inc(len(stuck))
            _LOG.error("windows %s never got the windows they matched: dropped", stuck)
        for state in (joined, done, waiting):  # nothing for a whole lookback
            state.clear()

    @userstate.on_timer(_PASSING)
    def passing(self, passed: Any = PASSED, now: Any = TIMESTAMP) -> None:
        passed.write(latest_passed(passed.read(), now, self._seconds))


def _rewrite(state: Any, items: Iterable[Any]) -> None:
    state.clear()
    for item in items:
        state.add(item)


def decide_window(index: int, pairs: Iterable[Pair], known: dict[str, tuple[str, int]]) -> Iterator:
    """One window's story decisions: (ref, story) for each ref of `pairs`; records in `known`
    (label -> (story_id, window)) each new group's best match's story (rank: Jaccard, then
    containment, then the smaller story id, then the smaller doc id). A story id never changes:
    a label already recorded keeps its story."""
    resolved: dict[Ref, str] = {}
    best: dict[str, HistoryMatch] = {}
    for label, ref, match in pairs:
        story = resolved.get(ref)
        if story is None:
            story = resolved[ref] = resolve(ref, known)
        found = HistoryMatch(story, match.doc_id, match.jaccard, match.containment)
        held = best.get(label)
        if held is None or found.rank() > held.rank():
            best[label] = found
    for label, match in best.items():
        known.setdefault(label, (match.story_id, index))
    yield from sorted(resolved.items())


def fill_story(item: tuple[Ref, dict[str, list[Any]]]) -> Iterator[tuple[str, HistoryMatch]]:
    """(ref, {match: [(doc_id, HistoryMatch)], story: [story_id]}) -> (doc_id, HistoryMatch)
    with the ref's story filled in."""
    ref, joined = item
    if not joined["story"]:
        # StoryMap answers every ref it is sent; only an answer the runner dropped as late
        # data (behind the watermark) would be missing.
        _UNRESOLVED.inc(len(joined["match"]))
        _LOG.error("no story for %s: its matches are dropped", ref)
        return
    story = joined["story"][0]
    for doc_id, match in joined["match"]:
        yield doc_id, HistoryMatch(story, match.doc_id, match.jaccard, match.containment)
