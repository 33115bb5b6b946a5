"""Per-bundle packing of keyed records: fewer, larger elements through a shuffle.

On Beam's local runner every element pays encoding, decoding and dispatch at each stage boundary
(and a join's Flatten is one more boundary), so many small records cost more than their bytes. A
packing step collects a bundle's values per key and emits (key, [values]) instead: the same
bytes, one element per key and bundle. Memory is bounded by `held` values; consumers read the
packs of a key as one iterable of lists.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from typing import Any

import apache_beam as beam
from apache_beam.utils.windowed_value import WindowedValue

# Values a bundle holds before it emits its packs (a few MB of small records).
HELD = 1 << 16


class PackPerKeyFn(beam.DoFn):
    """element -> records(element) as (key, value) pairs, emitted as (key, [values]) once per
    key, window and bundle; with `distinct`, a value repeated under a key is kept once."""

    def __init__(
        self,
        records: Callable[[Any], Iterable[tuple[Any, Any]]],
        distinct: bool = False,
        held: int = HELD,
    ) -> None:
        self._records = records
        self._distinct = distinct
        self._held_max = held

    def start_bundle(self) -> None:
        self._packs: dict[tuple[Any, Any], Any] = {}
        self._held = 0

    def process(self, element: Any, window: Any = beam.DoFn.WindowParam) -> Iterator[Any]:
        for key, value in self._records(element):
            pack = self._packs.get((window, key))
            if pack is None:
                pack = self._packs[(window, key)] = set() if self._distinct else []
            if self._distinct:
                self._held += value not in pack
                pack.add(value)
            else:
                self._held += 1
                pack.append(value)
        if self._held >= self._held_max:
            yield from self._flush()

    def finish_bundle(self) -> Iterator[WindowedValue]:
        yield from self._flush()

    def _flush(self) -> Iterator[WindowedValue]:
        for (window, key), pack in self._packs.items():
            yield WindowedValue((key, list(pack)), window.max_timestamp(), (window,))
        self._packs, self._held = {}, 0


def unpacked(packs: Iterable[list[Any]]) -> Iterator[Any]:
    """The values of a key's packs."""
    for pack in packs:
        yield from pack
