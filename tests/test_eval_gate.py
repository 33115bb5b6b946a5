"""Fast tests of the benchmark scripts: shingle metric, quality gate, plain-text generator."""

from __future__ import annotations

import json
import random
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from benchmarks import eval_extraction as ev
from benchmarks import eval_plaintext as pt

TEXT = "The harbour authority confirmed on Tuesday that the night ferry will resume next month."
OTHER = "Engineers replaced two hydraulic pistons and the control cabinet of the loading ramp."
BASELINE = {"min_f1": 0.955, "max_lost_pages": 0, "pages": 2, "measured": {"f1": 0.96}}


# --- metric ---------------------------------------------------------------------------------


def test_shingles_are_four_token_multisets_and_short_texts_one_shingle() -> None:
    assert ev.shingles("one two three four five") == Counter(
        {("one", "two", "three", "four"): 1, ("two", "three", "four", "five"): 1}
    )
    assert ev.shingles("just two") == Counter({("just", "two"): 1})
    assert ev.shingles("— ... —") == Counter()


def test_identical_texts_score_one() -> None:
    assert ev.page_scores(TEXT, TEXT) == (1.0, 1.0)


def test_disjoint_texts_score_zero() -> None:
    assert ev.page_scores(TEXT, OTHER) == (0.0, 0.0)


def test_partial_overlap_matches_hand_computed_value() -> None:
    # true shingles: abcd bcde cdef (3); pred: abcd bcde cdex dexy (4); shared: 2.
    precision, recall = ev.page_scores("a b c d e f", "a b c d e x y")
    assert precision == pytest.approx(2 / 4)
    assert recall == pytest.approx(2 / 3)
    assert ev.f1_score(precision, recall) == pytest.approx(2 * 0.5 * (2 / 3) / (0.5 + 2 / 3))


def test_shingles_are_counted_as_a_multiset_not_a_set() -> None:
    # pred "w x y z w x y z" has 5 shingles, wxyz twice; only one copy matches the truth.
    assert ev.page_scores("w x y z", "w x y z. w x y z") == (pytest.approx(1 / 5), 1.0)


def test_tokens_keep_case_like_the_reference_benchmark() -> None:
    assert ev.page_scores("Alpha beta gamma delta", "alpha beta gamma delta") == (0.0, 0.0)


def test_lost_page_counts_as_zero_and_is_reported() -> None:
    scores = ev.evaluate({"a": TEXT, "b": OTHER}, {"a": TEXT})
    assert scores.lost == ["b"]
    assert scores.pages == 2
    assert scores.per_page["b"] == (0.0, 0.0)
    assert (scores.precision, scores.recall, scores.f1) == (0.5, 0.5, 0.5)


def test_empty_ground_truth_is_skipped_and_reported() -> None:
    scores = ev.evaluate({"a": TEXT, "c": " — "}, {"a": TEXT, "c": "menu"})
    assert scores.skipped == ["c"]
    assert scores.pages == 1
    assert scores.f1 == 1.0


def test_page_id_strips_directory_and_suffix() -> None:
    assert ev.page_id("/data/html/ab12.html.gz") == "ab12"
    assert ev.page_id("gs://bucket/html/cd34.html") == "cd34"


# --- gate -----------------------------------------------------------------------------------


def _scores(f1: float, lost: list[str] | None = None, pages: int = 2) -> ev.Scores:
    return ev.Scores(pages=pages, precision=f1, recall=f1, f1=f1, lost=lost or [])


def test_gate_passes_at_or_above_min_f1_with_no_lost_pages() -> None:
    assert ev.check_gate(_scores(0.96), BASELINE) == []
    assert ev.check_gate(_scores(0.955), BASELINE) == []


def test_gate_fails_below_min_f1() -> None:
    (failure,) = ev.check_gate(_scores(0.9549), BASELINE)
    assert "below min_f1" in failure


def test_gate_fails_when_a_page_is_lost_even_with_good_f1() -> None:
    (failure,) = ev.check_gate(_scores(0.99, lost=["b"]), BASELINE)
    assert "lost" in failure and "b" in failure


def test_gate_fails_when_the_page_count_differs() -> None:
    (failure,) = ev.check_gate(_scores(0.99, pages=1), BASELINE)
    assert "expects 2" in failure


def test_updated_baseline_replaces_measured_and_keeps_min_f1() -> None:
    updated = ev.updated_baseline(BASELINE, _scores(0.97))
    assert updated["min_f1"] == BASELINE["min_f1"]
    assert updated["measured"] == {"f1": 0.97, "precision": 0.97, "recall": 0.97}


def _fake_benchmark(tmp_path: Path, predicted: dict[str, str]) -> list[str]:
    """A two-page benchmark and a wirestory-like output; returns main()'s --no-run arguments."""
    bench, out = tmp_path / "bench", tmp_path / "out"
    (bench / "html").mkdir(parents=True)
    (out / "articles").mkdir(parents=True)
    truth = {"p1": {"articleBody": TEXT, "url": "u1"}, "p2": {"articleBody": OTHER, "url": "u2"}}
    (bench / "ground-truth.json").write_text(json.dumps(truth), encoding="utf-8")
    uris = [str(bench / "html" / f"{pid}.html.gz") for pid in predicted]
    table = pa.table({"source_uri": uris, "text": list(predicted.values())})
    pq.write_table(table, out / "articles" / "part-0.parquet")
    baseline = tmp_path / "baseline.json"
    baseline.write_text(json.dumps(BASELINE), encoding="utf-8")
    return ["--no-run", f"--benchmark={bench}", f"--output={out}", f"--baseline={baseline}"]


def test_main_passes_and_updates_measured_values(tmp_path: Path) -> None:
    args = _fake_benchmark(tmp_path, {"p1": TEXT, "p2": OTHER})
    assert ev.main([*args, "--update-baseline", "--json", str(tmp_path / "r.json")]) == 0
    baseline = json.loads((tmp_path / "baseline.json").read_text(encoding="utf-8"))
    assert baseline["measured"]["f1"] == 1.0 and baseline["min_f1"] == 0.955
    assert json.loads((tmp_path / "r.json").read_text(encoding="utf-8"))["lost"] == []


def test_main_fails_on_a_lost_page_and_keeps_the_baseline(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    args = _fake_benchmark(tmp_path, {"p1": TEXT})
    assert ev.main([*args, "--update-baseline"]) == 1
    assert "GATE FAILED" in capsys.readouterr().err
    baseline = json.loads((tmp_path / "baseline.json").read_text(encoding="utf-8"))
    assert baseline["measured"] == {"f1": 0.96}


def test_pinned_baseline_file_is_well_formed() -> None:
    baseline = json.loads(ev.DEFAULT_BASELINE.read_text(encoding="utf-8"))
    assert baseline["min_f1"] >= 0.955 and baseline["max_lost_pages"] == 0
    assert baseline["measured"]["f1"] >= baseline["min_f1"]


# --- plain-text generator -------------------------------------------------------------------

TRUTH = {
    f"page{i}": {
        "url": f"https://news.example/world/ferry-service-resumes-after-repairs-{i}",
        "articleBody": "\n".join(f"{TEXT} Paragraph {i}.{j}." for j in range(6)),
    }
    for i in range(4)
}


def test_corpus_is_deterministic_for_a_seed() -> None:
    assert pt.build_corpus(TRUTH, seed=5) == pt.build_corpus(TRUTH, seed=5)
    assert pt.build_corpus(TRUTH, seed=5) != pt.build_corpus(TRUTH, seed=6)


def test_article_keeps_every_paragraph_in_order_and_injects_boilerplate() -> None:
    article = pt.build_article(TRUTH["page0"]["url"], TRUTH["page0"]["articleBody"], rng=_rng())
    assert article[0] == ("Ferry service resumes after repairs", pt.HEADLINE)
    content = [line for line, label in article if label == pt.CONTENT]
    assert content == TRUTH["page0"]["articleBody"].splitlines()
    injected = [label for _, label in article if label not in (pt.CONTENT, pt.HEADLINE)]
    assert len(injected) >= 3 and set(injected) <= set(pt.KINDS)


def test_boilerplate_instances_vary() -> None:
    rng = _rng()
    for kind in pt.KINDS:
        distinct = {tuple(pt.boilerplate(kind, rng)) for _ in range(60)}
        assert len(distinct) >= 3, kind


@dataclass
class _Cleaned:
    title: str | None
    text: str


def test_plaintext_scoring_with_an_oracle_and_a_keep_everything_cleaner() -> None:
    corpus = pt.build_corpus(TRUTH, seed=1)
    noise = {line for article in corpus.values() for line, lab in article if lab in pt.KINDS}

    def oracle(raw: str) -> _Cleaned:
        lines = raw.split("\n\n")
        return _Cleaned(lines[0], "\n\n".join(x for x in lines[1:] if x not in noise))

    perfect = pt.evaluate(corpus, oracle)
    assert (perfect["precision"], perfect["recall"], perfect["false_removals"]) == (1.0, 1.0, 0)
    assert perfect["headline"] == {"title": len(TRUTH)}

    keep_all = pt.evaluate(corpus, lambda raw: _Cleaned(None, raw))
    assert keep_all["true_positives"] == 0
    assert keep_all["missed_boilerplate"] == perfect["boilerplate_lines"] > 0


def _rng() -> random.Random:
    return random.Random(3)
