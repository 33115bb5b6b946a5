"""Syndication benchmark: quality targets on a generated corpus, generator and metric checks."""

from __future__ import annotations

import gzip
import time
from collections import Counter, defaultdict
from pathlib import Path
from typing import Any

import pytest
from wirestory.pipeline import cli
from wirestory.transforms.signatures import MinHashParams, shingles

from benchmarks.dedup_metrics import (
    adjusted_rand,
    canonical_scores,
    grouped_texts,
    pair_scores,
    read_run,
    recall_by_kind,
    score_run,
)
from benchmarks.dedup_offline import Doc, group
from benchmarks.synd_corpus import generate_corpus, plan_stories, truth_path_for
from benchmarks.synd_stories import DEFAULT_GROUND_TRUTH

# Few real bodies, so a small corpus also holds derived stories.
CORPUS = {"docs": 300, "seed": 21, "max_articles": 60}


@pytest.fixture(scope="module")
def syndication_run(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """One generated corpus and one real `wirestory run` over it at the default settings."""
    if not DEFAULT_GROUND_TRUTH.is_file():
        pytest.fail(f"{DEFAULT_GROUND_TRUTH} is missing: the corpus is built from ../shared")
    root = tmp_path_factory.mktemp("syndication")
    corpus, out = root / "corpus", root / "out"
    truth = generate_corpus(corpus, **CORPUS)
    start = time.perf_counter()
    assert cli.main(["run", str(corpus), "--output", str(out), "--overwrite", "--quiet"]) == 0
    rows = read_run(out, corpus)
    labels = {f: r["story_id"] for f, r in rows.items()}
    canonical = {f: r["is_canonical"] for f, r in rows.items()}
    return {
        "truth": truth,
        "rows": rows,
        "score": score_run(truth, labels, canonical),
        "seconds": time.perf_counter() - start,
        "out": out,
    }


def _report(run: dict[str, Any]) -> str:
    pairs, by_kind = run["score"]["pairs"], run["score"]["by_kind"]
    worst = sorted(by_kind.items(), key=lambda kv: kv[1][1] / kv[1][0])[:4]
    kinds = ", ".join(f"{k} {f / t:.2f}" for k, (t, f) in worst)
    return (
        f"P {pairs.precision:.4f} R {pairs.recall:.4f} F1 {pairs.f1:.4f} ARI {pairs.ari:.4f}; "
        f"lowest recall: {kinds}"
    )


# --- quality targets at the current defaults --------------------------------------------------


def test_every_generated_file_becomes_an_article(syndication_run: dict[str, Any]) -> None:
    assert set(syndication_run["rows"]) == set(syndication_run["truth"]["files"])


def test_pairwise_precision_target(syndication_run: dict[str, Any]) -> None:
    assert syndication_run["score"]["pairs"].precision >= 0.995, _report(syndication_run)


def test_pairwise_f1_target(syndication_run: dict[str, Any]) -> None:
    assert syndication_run["score"]["pairs"].f1 >= 0.99, _report(syndication_run)


def test_template_heavy_singletons_never_merge(syndication_run: dict[str, Any]) -> None:
    score = syndication_run["score"]
    assert score["template_singletons"] >= 10
    assert score["template_merges"] == 0


def test_offline_grouping_reproduces_the_pipeline(syndication_run: dict[str, Any]) -> None:
    # The tuning grid in run_bench regroups offline; it is only valid if it matches the run. It
    # regroups what grouping read: a page stored whole (mostly chrome) was grouped without it.
    grouped = grouped_texts(syndication_run["out"], syndication_run["rows"])
    rows = syndication_run["rows"].values()
    docs = [
        Doc(r["doc_id"], *grouped[f], r["published"], r["sitename"], r["url"])
        for f, r in syndication_run["rows"].items()
    ]
    labels, canonical = group(docs, MinHashParams())
    assert labels == {r["doc_id"]: r["story_id"].removeprefix("st_") for r in rows}
    assert canonical == {r["doc_id"]: r["is_canonical"] for r in rows}


# --- generator ---------------------------------------------------------------------------------


def _tree(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in root.rglob("*") if p.is_file()}


def test_same_seed_gives_identical_files_and_truth(tmp_path: Path) -> None:
    a = generate_corpus(tmp_path / "a", docs=90, seed=5, max_articles=15)
    b = generate_corpus(tmp_path / "b", docs=90, seed=5, max_articles=15)
    c = generate_corpus(tmp_path / "c", docs=90, seed=6, max_articles=15)
    assert _tree(tmp_path / "a") == _tree(tmp_path / "b")
    assert a == b
    truth_a, truth_b = (truth_path_for(tmp_path / name).read_bytes() for name in "ab")
    assert truth_a == truth_b
    assert c["files"] != a["files"]


def test_truth_is_beside_the_corpus_and_covers_every_file(tmp_path: Path) -> None:
    truth = generate_corpus(tmp_path / "corpus", docs=120, seed=3, max_articles=20)
    assert truth_path_for(tmp_path / "corpus") == tmp_path / "corpus.truth.json"
    files = _tree(tmp_path / "corpus")
    assert set(files) == set(truth["files"]) and len(files) == 120
    origins = {story["origin"] for story in truth["stories"].values()}
    assert origins == {"article", "derived", "template", "near-empty"}
    for rel, data in files.items():
        text = (gzip.decompress(data) if rel.endswith(".gz") else data).decode("utf-8")
        assert text.strip()
    with pytest.raises(ValueError):
        generate_corpus(tmp_path / "x", docs=5, truth_path=tmp_path / "x" / "truth.json")


def test_copy_counts_originals_and_formats() -> None:
    plan, templates, _ = plan_stories(13, 3000, DEFAULT_GROUND_TRUTH, None)
    counts = Counter(copies for _, copies in plan)
    assert set(counts) <= set(range(1, 7))
    assert 0.25 <= counts[1] / len(plan) <= 0.42  # about a third of stories are singletons
    assert sum(s.origin == "template" for s in templates) == 120  # 4% of the documents
    assert sum(s.origin == "near-empty" for s in templates) == 30  # 1%
    assert sum(s.origin == "derived" for s, _ in plan) > 500  # 181 real bodies are not enough


def test_each_multi_copy_story_has_one_untouched_html_original(tmp_path: Path) -> None:
    truth = generate_corpus(tmp_path / "c", docs=150, seed=9, max_articles=20)
    originals: dict[str, list[str]] = defaultdict(list)
    for rel, info in truth["files"].items():
        if "original" in info["kinds"]:
            originals[info["story"]].append(rel)
            story_kinds = {"shared passage", "brief", "brief host", "CJK"}  # of the story
            assert rel.endswith(".html")
            assert set(info["kinds"]) <= {"original", "<br> body", *story_kinds}
    multi = {k for k, s in truth["stories"].items() if s["copies"] > 1}
    assert set(originals) == multi
    assert all(len(v) == 1 for v in originals.values())
    kinds = Counter(k for info in truth["files"].values() for k in info["kinds"])
    for kind in ("abridged <60%", "word edits", "plain text", "gzip", "promo lines"):
        assert kinds[kind] > 0, kind


def test_distinct_stories_share_few_shingles() -> None:
    # Derived stories reuse donor paragraphs, re-lexicalised: they must not overlap each other
    # (or the real bodies) more than unrelated real articles do, or ground truth is ambiguous.
    # Stories that share a passage by design (shared passages, briefs and their hosts) and
    # near-empty pages (the same caption on several pages) are the hard kinds: left out here.
    plan, templates, _ = plan_stories(13, 1500, DEFAULT_GROUND_TRUTH, None)
    stories = [s for s, _ in plan] + templates
    stories = [s for s in stories if not s.kinds or s.kinds == ("CJK",)]
    sets = [set(shingles("\n".join(s.paragraphs), 5)) for s in stories]
    index: dict[bytes, list[int]] = defaultdict(list)
    for i, grams in enumerate(sets):
        for gram in grams:
            index[gram].append(i)
    shared: Counter[tuple[int, int]] = Counter()
    for members in index.values():
        for a in range(len(members)):
            for b in range(a + 1, len(members)):
                shared[members[a], members[b]] += 1
    worst_any = worst_derived = 0.0
    for (a, b), n in shared.items():
        containment = n / min(len(sets[a]), len(sets[b]))
        worst_any = max(worst_any, containment)
        if "article" not in (stories[a].origin, stories[b].origin):
            worst_derived = max(worst_derived, containment)
    assert worst_any < 0.3  # two real benchmark bodies overlap 0.27 (shared boilerplate)
    assert worst_derived < 0.25


# --- metrics -----------------------------------------------------------------------------------


def test_identical_partitions_score_one_whatever_the_labels() -> None:
    truth = {"a": "s1", "b": "s1", "c": "s2", "d": "s3"}
    scores = pair_scores(truth, {"a": "x", "b": "x", "c": "y", "d": "z"})
    assert (scores.precision, scores.recall, scores.f1, scores.ari) == (1.0, 1.0, 1.0, 1.0)


def test_ari_matches_reference_values() -> None:
    # Values from scikit-learn's adjusted_rand_score documentation.
    def ari(truth: list[int], pred: list[int]) -> float:
        items = [str(i) for i in range(len(truth))]
        return pair_scores(
            dict(zip(items, map(str, truth), strict=True)),
            dict(zip(items, map(str, pred), strict=True)),
        ).ari

    assert ari([0, 0, 1, 2], [0, 0, 1, 1]) == pytest.approx(0.5714285714)
    assert ari([0, 0, 1, 1], [0, 0, 1, 2]) == pytest.approx(0.5714285714)
    assert ari([0, 0, 0, 0], [0, 1, 2, 3]) == 0.0
    assert ari([0, 0, 1, 1], [1, 1, 0, 0]) == 1.0
    assert ari([0, 1, 2, 3], [0, 1, 2, 3]) == 1.0  # all singletons on both sides
    assert adjusted_rand(0, 0, 0, 1) == 1.0


def test_pair_scores_on_a_hand_made_grouping() -> None:
    # True pairs ab ac bc de; predicted ab cd ce de: shared ab de.
    truth = {"a": "1", "b": "1", "c": "1", "d": "2", "e": "2"}
    scores = pair_scores(truth, {"a": "x", "b": "x", "c": "y", "d": "y", "e": "y"})
    assert (scores.true_pairs, scores.predicted_pairs, scores.shared_pairs) == (4, 4, 2)
    assert scores.precision == scores.recall == scores.f1 == 0.5
    assert scores.ari == pytest.approx((2 - 1.6) / (4 - 1.6))


def test_missing_items_count_as_unjoined() -> None:
    truth = {"a": "1", "b": "1", "c": "2"}
    scores = pair_scores(truth, {"a": "x", "c": "x"})
    assert scores.recall == 0.0 and scores.precision == 0.0
    assert pair_scores(truth, {}).precision == 1.0  # no predicted pairs at all


def test_recall_by_kind_counts_pairs_touching_each_kind() -> None:
    truth = {"o": "1", "e": "1", "p": "1", "x": "2"}
    kinds = {"o": ["original"], "e": ["word edits"], "p": ["plain text", "word edits"]}
    by_kind = recall_by_kind(truth, kinds, {"o": "g", "e": "g", "p": "h", "x": "i"})
    assert by_kind == {"original": (2, 1), "word edits": (3, 1), "plain text": (2, 0)}


def test_canonical_scores_report_what_beat_the_original() -> None:
    predicted = {"o1": "g", "c1": "g", "o2": "h", "c2": "h", "o3": "k"}
    canonical = {"o1": True, "c1": False, "o2": False, "c2": True, "o3": True}
    kinds = {"c2": ["promo lines"]}
    scores = canonical_scores(["o1", "o2", "o3", "gone"], predicted, canonical, kinds)
    assert (scores.stories, scores.correct) == (3, 2)
    assert scores.accuracy == pytest.approx(2 / 3)
    assert scores.beaten_by == Counter({"promo lines": 1})
