"""History matching: new articles verified against the indexed ones, the probe moving to them."""

from __future__ import annotations

import datetime
import hashlib
import random
from pathlib import Path

import apache_beam as beam
import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
from apache_beam.testing.util import assert_that, equal_to
from wirestory.transforms.history import (
    HistoryMatch,
    MatchHistory,
    Probe,
    SealFn,
    SkipSeenFn,
    band_bucket,
    doc_bucket,
    route_probe,
)
from wirestory.transforms.records import RawDocument
from wirestory.transforms.signatures import band_keys

from tests.conftest import local_pipeline
from tests.test_candidates import PARAMS, _signatures

BUCKETS = 4
DAY = datetime.date(2026, 11, 1)


def _words(rng: random.Random, n: int) -> list[str]:
    return [f"w{rng.randint(0, 50_000)}" for _ in range(n)]


def _id(name: str) -> str:
    """A document id shaped like the product's (hex digits: buckets come from them)."""
    return hashlib.sha256(name.encode()).hexdigest()[:32]


def _corpus() -> tuple[dict[str, str], str]:
    """40 indexed articles that share one background passage with a new one, two of which are
    copies of its story (one with other paragraphs), and the new article."""
    rng = random.Random(11)
    passage = _words(rng, 120)
    story = _words(rng, 300)
    texts = {_id(f"old{i:02d}"): " ".join(_words(rng, 200) + passage) for i in range(38)}
    texts[_id("old38")] = " ".join(story + passage)  # the same text: a Jaccard edge
    texts[_id("old39")] = " ".join(story + _words(rng, 200))  # a verified, weaker match
    texts[_id("new")] = " ".join(story + passage)
    return texts, _id("new")


def _history(tmp_path: Path, texts: dict[str, str], new_id: str) -> tuple[dict, dict, Probe]:
    """Per-bucket `bands` and `documents` files of the indexed articles; the new one's Probe."""
    signatures = {s.doc_id: s for s in _signatures(texts)}
    bands: dict[int, list[dict]] = {}
    documents: dict[int, list[dict]] = {}
    for doc_id, sig in signatures.items():
        if doc_id == new_id:
            continue
        story = f"st_{doc_id}"
        values = np.frombuffer(sig.hashvalues, dtype="<u4")
        for key in band_keys(values, PARAMS):
            row = {"band_key": key, "doc_id": doc_id, "doc_date": DAY}
            bands.setdefault(band_bucket(key, BUCKETS), []).append(row)
        documents.setdefault(doc_bucket(doc_id, BUCKETS), []).append(
            {
                "doc_id": doc_id,
                "story_id": story,
                "num_shingles": sig.num_shingles,
                "hashvalues": sig.hashvalues,
                "shingle_keys": sig.shingle_keys,
                "lead_keys": sig.lead_keys,
            }
        )

    def write(name: str, rows: dict[int, list[dict]]) -> dict[int, list[str]]:
        files = {}
        for bucket, items in rows.items():
            path = tmp_path / f"{name}-{bucket}.parquet"
            pq.write_table(pa.Table.from_pylist(items), path)
            files[bucket] = [str(path)]
        return files

    probe = Probe(signatures[new_id], DAY)
    return write("bands", bands), write("documents", documents), probe


def test_a_probe_travels_once_per_bucket_not_once_per_collision() -> None:
    texts, new_id = _corpus()
    probe = Probe(_signatures({new_id: texts[new_id]})[0], DAY)
    old_ids = [f"{i:08x}{'0' * 24}" for i in range(400)]  # 400 collisions
    routed = list(route_probe((new_id, {"probe": [probe], "old": old_ids * 2}), BUCKETS))
    assert len(routed) == BUCKETS  # was one indexed row per colliding pair: 400
    assert sorted(i for _, (_, ids) in routed for i in ids) == sorted(old_ids)
    assert all(doc_bucket(i, BUCKETS) == b for b, (_, ids) in routed for i in ids)


def test_history_match_is_the_best_verified_one_among_many_collisions(tmp_path: Path) -> None:
    texts, new_id = _corpus()
    bands, documents, probe = _history(tmp_path, texts, new_id)
    with local_pipeline() as p:
        signatures = p | "Signatures" >> beam.Create([probe.signature])
        dates = p | "Dates" >> beam.Create([(new_id, DAY)])
        matches = (signatures, dates) | MatchHistory(PARAMS, bands, documents, BUCKETS, 30)
        old = _id("old38")
        # The identical indexed copy wins over the trimmed one; shared passages never match.
        assert_that(matches, equal_to([(new_id, HistoryMatch(f"st_{old}", old, 1.0, 1.0))]))


def test_history_outside_the_lookback_is_not_matched(tmp_path: Path) -> None:
    texts, new_id = _corpus()
    bands, documents, probe = _history(tmp_path, texts, new_id)
    late = DAY + datetime.timedelta(days=31)
    with local_pipeline() as p:
        signatures = p | "Signatures" >> beam.Create([probe.signature])
        dates = p | "Dates" >> beam.Create([(new_id, late)])
        matches = (signatures, dates) | MatchHistory(PARAMS, bands, documents, BUCKETS, 30)
        assert_that(matches, equal_to([]))


def test_skip_keeps_the_first_copy_by_uri_opened_and_tags_the_rest() -> None:
    page = "<html><body>" + "<p>The council approved the budget on Tuesday.</p>" * 40 + "</body>"
    copies = [RawDocument(f"file:///in/{name}.html", "html", page) for name in ("b", "a", "c")]
    other = RawDocument("file:///in/d.html", "html", page.replace("Tuesday", "Friday"))
    seal = SealFn()
    seal.setup()
    sealed = [s for doc in (*copies, other) for s in seal.process(doc)]
    assert all(len(s.packed) < len(page) / 5 for s in sealed)  # HTML crosses compressed
    fn = SkipSeenFn({})
    fn.setup()
    out = [o for bucket in (0,) for o in fn.process((bucket, list(reversed(sealed))))]
    kept = sorted((o for o in out if isinstance(o, RawDocument)), key=lambda d: d.source_uri)
    skipped = [o.value for o in out if not isinstance(o, RawDocument)]
    assert [d.source_uri for d in kept] == ["file:///in/a.html", "file:///in/d.html"]
    assert kept[0] == copies[1].identified()  # opened whole, with its content id
    assert sorted((s.source_uri, s.reason) for s in skipped) == [
        ("file:///in/b.html", "duplicate_in_batch"),
        ("file:///in/c.html", "duplicate_in_batch"),
    ]
