"""The independent syndication corpus is deterministic and its truth consistent; the scorer counts
pairs, missing files and canonical picks as documented."""

from __future__ import annotations

import json
import random
from collections import Counter
from pathlib import Path

import pyarrow as pa
import pytest
from deltalake import write_deltalake

from benchmarks import indep_corpus, indep_score


def _fake_ground_truth(root: Path, n: int = 14) -> Path:
    """WCXB-shaped ground truth: articles of made-up words, so no two share a sentence."""
    rng = random.Random(0)
    gt = root / "gt"
    gt.mkdir()
    for i in range(n):
        paras = [
            " ".join(f"w{rng.randrange(10**6)}" for _ in range(rng.randint(30, 60))) + "."
            for _ in range(rng.randint(6, 12))
        ]
        doc = {
            "_internal": {"page_type": {"primary": "article"}},
            "ground_truth": {
                "title": f"Story number {i} today",
                "main_content": "\n\n".join(paras),
            },
        }
        (gt / f"{i:04d}.json").write_text(json.dumps(doc), encoding="utf-8")
    # A page that is not an article is never used.
    (gt / "9999.json").write_text(
        json.dumps({"_internal": {"page_type": {"primary": "product"}}, "ground_truth": {}}),
        encoding="utf-8",
    )
    return gt


def _files(root: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()
    }


def test_corpus_is_deterministic_and_truth_consistent(tmp_path: Path) -> None:
    gt = _fake_ground_truth(tmp_path)
    t1 = indep_corpus.generate(gt, tmp_path / "a", 60, 5)
    t2 = indep_corpus.generate(gt, tmp_path / "b", 60, 5)
    t3 = indep_corpus.generate(gt, tmp_path / "c", 60, 6)
    assert t1 == t2
    assert t1 != t3
    assert _files(tmp_path / "a") == _files(tmp_path / "b")
    assert _files(tmp_path / "a") != _files(tmp_path / "c")
    assert set(t1) == set(_files(tmp_path / "a"))
    assert 50 <= len(t1) <= 70
    originals = Counter(v["story"] for v in t1.values() if v["original"])
    assert set(originals) == {v["story"] for v in t1.values()}
    assert set(originals.values()) == {1}
    assert all(v["identical_tokens_to_original"] for v in t1.values() if v["kind"] == "exact")
    assert sum(v["kind"] == "near_empty" for v in t1.values()) == 5


def _run(root: Path, rows: list[tuple[str, str, bool]], rejects: list[str]) -> Path:
    run = root / "run"
    uris, groups, canon = zip(*rows, strict=True)
    write_deltalake(
        str(run / "articles"),
        pa.table({"source_uri": list(uris), "story_id": list(groups), "is_canonical": list(canon)}),
    )
    write_deltalake(
        str(run / "rejects"),
        pa.table(
            {
                "source_uri": rejects,
                "reason": ["empty"] * len(rejects),
                "detail": ["no text"] * len(rejects),
            }
        ),
    )
    return run


def test_scorer_pairs_missing_and_canonical(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    def info(story: str, kind: str, original: bool, same: bool) -> dict[str, object]:
        return {"story": story, "kind": kind, "original": original,
                "identical_tokens_to_original": same, "trap": None}  # fmt: skip

    truth = {
        "o1/a.html": info("s1", "original", True, True),
        "o2/b.html": info("s1", "exact", False, True),
        "o3/c.txt": info("s1", "inserted", False, False),
        "o1/d.html": info("s2", "original", True, True),
        "o2/e.html": info("s2", "abridged", False, False),
        "o3/f.txt": info("s3", "near_empty", True, True),
    }
    tpath = tmp_path / "c.truth.json"
    tpath.write_text(json.dumps(truth), encoding="utf-8")
    corpus = tmp_path / "c"
    rows = [
        (f"{corpus}/o1/a.html", "g1", False),
        (f"file://{corpus}/o2/b.html", "g1", True),  # identical tokens: lenient only
        (f"{corpus}/o3/c.txt", "g1", False),
        (f"{corpus}/o1/d.html", "g1", False),  # s2's original joins s1: 3 wrong pairs
        (f"{corpus}/o2/e.html", "g2", True),
    ]
    run = _run(tmp_path, rows, [f"{corpus}/o3/f.txt"])
    assert indep_score.main(["--truth", str(tpath), "--run", str(run)]) == 0
    out = capsys.readouterr().out
    # predicted pairs: C(4,2)=6, 3 true; true pairs: 3 (s1) + 1 (s2) = 4.
    assert "PRECISION 0.5000  RECALL 0.7500  F1 0.6000" in out
    assert "o3/f.txt [near_empty] empty: no text" in out
    assert "mixed predicted groups: 1" in out
    # s1: canonical b is an identical copy; s2's files are split 1-1, the group with the
    # original (g1) has canonical b of s1: wrong.
    assert "strict (the original) 0.0000  original-or-identical-tokens 0.5000" in out
