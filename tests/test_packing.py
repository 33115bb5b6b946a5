"""Per-bundle packing of keyed records (transforms/packing.py)."""

from __future__ import annotations

from apache_beam.transforms.window import GlobalWindow, IntervalWindow
from wirestory.transforms.packing import PackPerKeyFn, unpacked


def _run(fn: PackPerKeyFn, elements: list, windows: list) -> list:
    fn.start_bundle()
    out = [wv for e, w in zip(elements, windows, strict=True) for wv in fn.process(e, w)]
    return out + list(fn.finish_bundle())


def test_values_leave_once_per_key_window_and_bundle() -> None:
    ends = lambda pair: [(pair[0], pair), (pair[1], pair)]  # noqa: E731
    pairs = [("a", "b"), ("a", "c"), ("b", "c"), ("a", "b")]
    early, late = IntervalWindow(0, 10), IntervalWindow(10, 20)
    out = _run(PackPerKeyFn(ends), pairs, [early, early, late, early])
    packs = sorted((wv.windows[0].start, wv.value[0], sorted(wv.value[1])) for wv in out)
    a_b = ("a", "b")
    assert packs == [
        (0, "a", [a_b, a_b, ("a", "c")]),
        (0, "b", [a_b, a_b]),
        (0, "c", [("a", "c")]),
        (10, "b", [("b", "c")]),
        (10, "c", [("b", "c")]),
    ]
    assert all(wv.timestamp == wv.windows[0].max_timestamp() for wv in out)


def test_distinct_packs_and_the_bound_on_held_values() -> None:
    sizes = lambda doc: [(doc % 7, doc % 3)]  # noqa: E731
    window = GlobalWindow()
    docs = list(range(100))
    out = _run(PackPerKeyFn(sizes, distinct=True), docs, [window] * 100)
    packs = {wv.value[0]: sorted(wv.value[1]) for wv in out}
    assert len(out) == 7 and packs == {
        k: sorted({d % 3 for d in docs if d % 7 == k}) for k in packs
    }
    # Held values are bounded: a bundle emits its packs whenever 10 are held.
    out = _run(PackPerKeyFn(sizes, held=10), docs, [window] * 100)
    assert sorted(v for wv in out for v in wv.value[1]) == sorted(d % 3 for d in docs)
    assert 7 * 10 >= len(out) > 7
    assert list(unpacked([[1, 2], [], [3]])) == [1, 2, 3]
