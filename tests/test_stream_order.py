"""The stream's keyed steps called directly with fake state: what StoryMap decides and keeps,
and the out-of-order paths (a catch-up delivering a later window first) of BandIndex, StoryMap
and CommitWindow, which the local test runner never takes (it delivers windows in order)."""

from __future__ import annotations

import datetime
from typing import Any

import apache_beam as beam
from apache_beam.utils.timestamp import Timestamp

WINDOW = 60


def test_story_map_resolves_refs_and_records_only_joined_groups() -> None:
    from wirestory.transforms.history import HistoryMatch
    from wirestory.transforms.story_map import StoryMapFn, resolve
    from wirestory.transforms.streaming import LABEL, SNAPSHOT, STORY

    joined = {"aa": ("st_old", 3)}
    assert resolve((LABEL, "aa", 3), joined) == "st_old"  # its group joined a story
    assert resolve((LABEL, "bb", 3), joined) == "st_bb"  # its group kept its own
    assert resolve((STORY, "st_snap", SNAPSHOT), joined) == "st_snap"  # the dataset's index

    fn = StoryMapFn(WINDOW, lookback_windows=2)
    state = _story_state(joined=[("aa", "st_old", 3), ("gone", "st_x", 0)], done=[(0, 3)], passed=3)
    pairs = [
        # New group n1 matched a group that joined st_old, and one that did not (st_bb): the
        # better match (Jaccard) wins.
        ("n1", (LABEL, "aa", 3), HistoryMatch("", "a1", 0.8, 0.9)),
        ("n1", (LABEL, "bb", 3), HistoryMatch("", "b1", 0.9, 0.9)),
        # New group n2: equal ranks but for the story: the smaller story id wins.
        ("n2", (STORY, "st_zz", SNAPSHOT), HistoryMatch("st_zz", "z1", 0.7, 0.8)),
        ("n2", (LABEL, "aa", 3), HistoryMatch("", "a2", 0.7, 0.8)),
    ]
    out = dict(value for value, _ in _answers(fn, 4, pairs, state))
    assert out == {
        (LABEL, "aa", 3): "st_old",
        (LABEL, "bb", 3): "st_bb",
        (STORY, "st_zz", SNAPSHOT): "st_zz",
    }
    # Only groups that joined a story are held; entries out of the lookback are dropped.
    held = sorted(state["joined"].items)
    assert held == [("aa", "st_old", 3), ("n1", "st_bb", 4), ("n2", "st_old", 4)]
    # A later window sees n1's recorded story, and a label never recorded as its own.
    later = [("m", (LABEL, "n1", 4), HistoryMatch("", "x", 0.9, 0.9))]
    assert _answers(fn, 5, later, state) == [(((LABEL, "n1", 4), "st_bb"), _window_max(5))]
    assert ("m", "st_bb", 5) in state["joined"].items


def test_story_map_decides_a_window_after_the_windows_its_refs_name() -> None:
    """A catch-up delivers window 6 before window 5, and window 6's group matched one of window
    5's. Window 6 waits; once window 5 is decided (its group joined window 2's story), window 6
    gets that story, in its own window's time. Deciding window 6 first would have given it
    'st_n', a story window 5 never keeps."""
    from wirestory.transforms.history import HistoryMatch
    from wirestory.transforms.story_map import StoryMapFn
    from wirestory.transforms.streaming import LABEL

    fn = StoryMapFn(WINDOW, lookback_windows=10)
    state = _story_state(done=[(0, 4)])
    six = [("m", (LABEL, "n", 5), HistoryMatch("", "n1", 0.9, 0.9))]
    assert _answers(fn, 6, six, state) == []
    assert [window for window, _ in state["waiting"].items] == [6]
    five = [("n", (LABEL, "a", 2), HistoryMatch("", "a1", 0.8, 0.9))]
    assert _answers(fn, 5, five, state) == [
        (((LABEL, "a", 2), "st_a"), _window_max(5)),
        (((LABEL, "n", 5), "st_a"), _window_max(6)),
    ]
    assert state["waiting"].items == []
    assert state["done"].value == [(0, 6)]
    assert sorted(state["joined"].items) == [("m", "st_a", 6), ("n", "st_a", 5)]
    # A window with articles but no match sends its marker only: it is decided, holds nothing.
    assert _answers(fn, 7, [None], state) == []
    assert state["done"].value == [(0, 7)]


def test_band_index_gives_a_window_that_came_first_the_pairs_it_missed() -> None:
    """A catch-up delivers window 6 to a band key before window 5: window 6's article could not
    see window 5's. When window 5 arrives, the pair goes out at window 6's time, with window
    5's ref, so window 6's lookup still gets it; in order nothing is re-timed."""
    from wirestory.transforms.history import Probe
    from wirestory.transforms.records import Signature
    from wirestory.transforms.streaming import LABEL, BandIndexFn

    def probe(doc_id: str) -> tuple[Probe, str]:
        return Probe(Signature(doc_id, 10, b"", b"", b""), datetime.date(2024, 10, 1)), doc_id

    fn = BandIndexFn(WINDOW, lookback_windows=10, lookback_days=30)
    state = _band_state()
    assert list(fn.process((b"k", (6, [probe("x")])), **state)) == []
    (missed,) = fn.process((b"k", (5, [probe("w")])), **state)
    assert isinstance(missed, beam.window.TimestampedValue)
    new_id, (old_id, _, ref) = missed.value
    assert (new_id, old_id, ref, missed.timestamp) == ("x", "w", (LABEL, "w", 5), _window_max(6))
    found = fn.process((b"k", (7, [probe("y")])), **state)
    assert sorted((new, old[0], old[2]) for new, old in found) == [
        ("y", "w", (LABEL, "w", 5)),
        ("y", "x", (LABEL, "x", 6)),
    ]


def test_window_commits_wait_for_the_watermark_and_go_in_window_order() -> None:
    """A catch-up delivers window 6's files before window 5's. Neither commits on arrival; when
    the watermark passes a window's end, every waiting window up to it commits, earliest first
    (a Delta commit's version must grow, so window 6 first would have made window 5 look
    committed already)."""
    from wirestory.pipeline.stream_commit import CommitWindowFn
    from wirestory.transforms.streaming import window_end

    order: list[int] = []

    class Recording(CommitWindowFn):
        def commit(self, index: int, items: list[Any]) -> dict[str, Any]:
            order.append(index)
            return {"window": index, "items": items}

    fn = Recording("unused", WINDOW)
    waiting, due = _Bag([]), _Timer()
    fn.process((0, (6, [("written", "six")])), waiting=waiting, due=due)
    fn.process((0, (5, [("written", "five")])), waiting=waiting, due=due)
    fn.process((0, (7, [])), waiting=waiting, due=due)
    assert order == [] and due.when == window_end(5, WINDOW)
    # The timer fires at its time: window 5 commits, and the timer moves to window 6.
    assert [m["window"] for m in fn.flush(waiting=waiting, due=due, now=due.when)] == [5]
    assert due.when == window_end(6, WINDOW)
    assert [m["window"] for m in fn.flush(waiting=waiting, due=due, now=due.when)] == [6]
    assert order == [5, 6] and waiting.items == [(7, [])] and due.when == window_end(7, WINDOW)


def test_a_window_that_came_first_keeps_what_an_earlier_one_still_needs() -> None:
    """Lookback 2 windows. Window 3's group c joined story st_a, and window 3's article c1 sits
    in a band. Window 6 comes before window 5 (a catch-up); window 5 still reaches window 3.
    Neither step may drop window 3's state on seeing window 6: only the watermark (the latest
    window passed, here 3) says what no window to come needs."""
    from wirestory.transforms.history import HistoryMatch, Probe
    from wirestory.transforms.records import Signature
    from wirestory.transforms.story_map import StoryMapFn
    from wirestory.transforms.streaming import LABEL, BandIndexFn

    stories = StoryMapFn(WINDOW, lookback_windows=2)
    state = _story_state(done=[(0, 3)], passed=3)
    three = [("c", (LABEL, "a", 2), HistoryMatch("", "a1", 0.9, 0.9))]
    assert [value for value, _ in _answers(stories, 3, three, state)] == [((LABEL, "a", 2), "st_a")]
    assert _answers(stories, 6, [None], state) == []
    five = [("e", (LABEL, "c", 3), HistoryMatch("", "c1", 0.9, 0.9))]
    assert _answers(stories, 5, five, state) == [(((LABEL, "c", 3), "st_a"), _window_max(5))]

    def probe(doc_id: str) -> tuple[Probe, str]:
        return Probe(Signature(doc_id, 10, b"", b"", b""), datetime.date(2024, 10, 1)), doc_id

    bands = BandIndexFn(WINDOW, lookback_windows=2, lookback_days=30)
    band = _band_state(passed=2)
    assert list(bands.process((b"k", (3, [probe("c1")])), **band)) == []
    band["passed"].value = 3
    assert list(bands.process((b"k", (6, [probe("f1")])), **band)) == []  # c1 is out of 6's
    found = list(bands.process((b"k", (5, [probe("e1")])), **band))
    timed = beam.window.TimestampedValue
    assert [(new, old[0]) for new, old in (x for x in found if not isinstance(x, timed))] == [
        ("e1", "c1")  # window 6 did not drop c1: window 5 still reaches it
    ]
    assert [(x.value[0], x.value[1][0]) for x in found if isinstance(x, timed)] == [("f1", "e1")]


def test_a_band_key_keeps_the_datasets_entries_for_the_lookback_from_the_jobs_start() -> None:
    """A backlog window from before the job's start (window 95, start 100, lookback 3) is the
    first to use a band key. The dataset's entries it reads stay reachable until window 103,
    so the key's expiry may not come before then (it came after window 99 before)."""
    from wirestory.transforms.history import Probe
    from wirestory.transforms.records import Signature
    from wirestory.transforms.streaming import SNAPSHOT, STORY, BandIndexFn, window_end

    def signature(doc_id: str) -> Signature:
        return Signature(doc_id, 10, b"", b"", b"")

    day = datetime.date(2024, 10, 1)
    fn = BandIndexFn(WINDOW, lookback_windows=3, lookback_days=30, start_index=100)
    fn._seed = lambda key: [("s1", SNAPSHOT, signature("s1"), day, (STORY, "st_s1", SNAPSHOT))]
    band = _band_state()
    found = list(fn.process((b"k", (95, [(Probe(signature("a95"), day), "a95")])), **band))
    assert [(new, old[0]) for new, old in found] == [("a95", "s1")]
    assert band["expire"].when == window_end(100 + 3 + 1, WINDOW)


class _Bag:
    """Bag state for calling a stateful DoFn's process directly."""

    def __init__(self, items: list[Any]) -> None:
        self.items = list(items)

    def read(self) -> list[Any]:
        return list(self.items)

    def clear(self) -> None:
        self.items = []

    def add(self, item: Any) -> None:
        self.items.append(item)


class _Value:
    def __init__(self, value: Any) -> None:
        self.value = value

    def read(self) -> Any:
        return self.value

    def write(self, value: Any) -> None:
        self.value = value


class _Timer:
    def set(self, when: Any) -> None:
        self.when = when


def _story_state(
    joined: list[Any] = (), done: list[Any] = (), passed: int | None = None
) -> dict[str, Any]:
    return {
        "joined": _Bag(list(joined)),
        "done": _Value(list(done)),
        "waiting": _Bag([]),
        "passed": _Value(passed),
        "expire": _Timer(),
        "passing": _Timer(),
    }


def _band_state(passed: int | None = None) -> dict[str, Any]:
    return {
        "entries": _Bag([]),
        "seeded": _Value(None),
        "expire": _Timer(),
        "passed": _Value(passed),
        "passing": _Timer(),
    }


def _window_max(index: int) -> Timestamp:
    return Timestamp(micros=(index + 1) * WINDOW * 1_000_000 - 1)


def _answers(fn: Any, index: int, pairs: list[Any], state: dict[str, Any]) -> list[Any]:
    """StoryMapFn's outputs for one window's element: (value, timestamp)."""
    return [(out.value, out.timestamp) for out in fn.process((0, (index, pairs)), **state)]
