"""WCXB dev gate: its metrics, and the fixed subset the test suite gates on (every 15th page)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from benchmarks import eval_wcxb as wx


def test_word_f1_is_wcxb_bag_of_lowercased_words() -> None:
    assert wx.word_f1("The cat sat", "the CAT sat.") == 1.0
    # pred: a a b (3 tokens), ref: a b c d (4); overlap a, b = 2 -> P 2/3, R 1/2.
    assert wx.word_f1("a a b", "a b c d") == pytest.approx(2 * (2 / 3) * 0.5 / (2 / 3 + 0.5))
    assert wx.word_f1("", "") == 1.0
    assert wx.word_f1("menu", "") == 0.0
    assert wx.word_f1(None, "text") == 0.0


def test_title_author_and_date_matching_after_normalising() -> None:
    assert wx.title_match(
        "Budget Traveler’s Guide: To  Travel!", "budget traveler s guide to travel"
    )
    assert not wx.title_match("Story - Site", "Story")
    assert wx.author_match("By Jane Doe and John Roe", "John Roe, Jane Doe")
    assert not wx.author_match("Jane Doe", "Jane Doe, John Roe")
    assert wx.author_match("Ann Lee, Jane Doe, John Roe", "Ann Lee, Jane Doe, and John Roe")
    assert wx.author_match(None, None) and not wx.author_match("Staff", None)
    assert wx.date_match("2024-03-14", "2024-03-14T23:00:00") and wx.date_match(None, None)
    assert not wx.date_match("2024-03-15", "2024-03-14")


def test_rejected_article_scores_zero_and_listing_kept_share() -> None:
    truth = {
        "1": wx.Truth("article", "T", None, None, "alpha beta"),
        "2": wx.Truth("article", "U", None, None, "gamma delta"),
        "3": wx.Truth("listing", "L", None, None, "x"),
    }
    results = {
        "1": {"text": "alpha beta", "title": "T", "seconds": 0.1},
        "2": {"text": "gamma delta", "page_type": "forum", "seconds": 0.1},
        "3": {"text": "x", "page_type": "listing", "seconds": 0.1},
    }
    report = wx.score(truth, results)
    assert report["word_f1"] == 0.5 and report["article_kept"] == 0.5
    assert report["non_article_rejected"] == 1.0 and report["title"] == 0.5


def test_gate_fails_below_a_minimum() -> None:
    gate = {"min": {"word_f1": 0.9, "date": 0.5}, "pages": 3}
    report = {"word_f1": 0.89, "date": 0.6, "pages": 3}
    (failure,) = wx.check_gate(report, gate)
    assert "word_f1" in failure
    assert wx.check_gate({**report, "word_f1": 0.9}, gate) == []


def test_pinned_baseline_is_well_formed() -> None:
    baseline = json.loads(wx.DEFAULT_BASELINE.read_text(encoding="utf-8"))
    for key in ("full", "subset_15"):
        gate = baseline[key]
        assert set(gate["min"]) == set(wx.GATED)
        assert all(gate["measured"][k] >= gate["min"][k] for k in wx.GATED)


def test_wcxb_subset_stays_above_the_pinned_gate(shared_dir: Path) -> None:
    # The extractor itself (settings, metadata, page types) on every 15th WCXB dev page: ~30 s
    # on 2 cores. `make eval` gates the full 1,497 pages.
    data = shared_dir / "data" / "wcxb-dev"
    truth = wx.load_truth(data, subset=15)
    report = wx.score(truth, wx.run_extractor(data, sorted(truth), processes=2))
    gate = json.loads(wx.DEFAULT_BASELINE.read_text(encoding="utf-8"))["subset_15"]
    assert wx.check_gate(report, gate) == []
