"""Main text of HTML pages: the second pass, its choice and repeated template lines."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import pytest
from wirestory.transforms import extractors
from wirestory.transforms.extractors import (
    ExtractionSettings,
    drop_repeated_lines,
    extract_document,
)

from tests.test_extract import PAGE, PARAGRAPHS

# The second-pass tests fake trafilatura's text; the other extractors' vote stays out of them.
SECOND_PASS_ONLY = ExtractionSettings(consensus_agree=0)
CALL_TO_ACTION = "Want to work with us? Call our team today for a free quote on your next project."


def test_a_long_line_repeating_an_earlier_one_is_dropped() -> None:
    text = "\n".join([PARAGRAPHS[0], CALL_TO_ACTION, PARAGRAPHS[1], CALL_TO_ACTION.upper() + "!"])
    assert drop_repeated_lines(text, 10).splitlines() == [
        PARAGRAPHS[0],
        CALL_TO_ACTION,
        PARAGRAPHS[1],
    ]


def test_short_repeated_lines_stay() -> None:
    # Headings such as "Pros" or "Specifications" repeat legitimately in reviews.
    text = "Pros\nLight and quick to fold\nPros\nA long battery life on one charge"
    assert drop_repeated_lines(text, 10) == text


def test_a_template_block_printed_twice_in_the_article_is_kept_once() -> None:
    # Before: trafilatura returned both copies; the repeat lowers precision and, across pages
    # of one outlet, makes short pages look alike.
    body = "".join(f"<p>{p}</p><p>{CALL_TO_ACTION}</p>" for p in PARAGRAPHS[:2])
    page = f"<html><body><article><h1>Ferry</h1>{body}</article></body></html>"
    text = extract_document("html", page, ExtractionSettings())["text"]
    assert text.splitlines().count(CALL_TO_ACTION) == 1
    assert PARAGRAPHS[1] in text


def _fake_passes(monkeypatch: pytest.MonkeyPatch, first: int, second: int) -> list[bool]:
    """Passes return `first` / `second` words; records each pass's with_metadata."""
    calls: list[bool] = []

    def fake(html: str, settings: Any, favor_recall: bool, with_metadata: bool) -> Any:
        calls.append(with_metadata)
        words = second if favor_recall else first
        title = "Second pass title" if favor_recall else "First pass title"
        return SimpleNamespace(
            text=" ".join(["recall" if favor_recall else "default"] * words),
            title=title if with_metadata else None,
            url=None,
            author=None,
            date=None,
            sitename=None,
        )

    monkeypatch.setattr(extractors, "_trafilatura_pass", fake)
    return calls


def test_a_second_pass_somewhat_longer_wins_and_the_first_keeps_the_metadata(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # The page has 101 words: 40 of them (under 0.7) calls for a second pass; 40 is under 0.9
    # of 48 (the rule before, 0.5, kept the first text).
    calls = _fake_passes(monkeypatch, first=40, second=48)
    fields = extract_document("html", PAGE, SECOND_PASS_ONLY)
    assert fields["text"].split()[0] == "recall" and fields["word_count"] == 48
    assert calls == [True, False]  # the second pass skips trafilatura's metadata
    assert fields["title"] == "Night ferry to resume winter timetable"  # markup first, as before


def test_a_second_pass_barely_longer_loses(monkeypatch: pytest.MonkeyPatch) -> None:
    _fake_passes(monkeypatch, first=40, second=43)
    fields = extract_document("html", PAGE, SECOND_PASS_ONLY)
    assert fields["text"].split()[0] == "default" and fields["word_count"] == 40


def test_no_second_pass_when_the_first_holds_most_of_the_page(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    calls = _fake_passes(monkeypatch, first=75, second=200)
    fields = extract_document("html", PAGE, SECOND_PASS_ONLY)
    assert calls == [True] and fields["word_count"] == 75


def test_when_the_first_pass_finds_nothing_the_second_brings_metadata(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    calls: list[bool] = []

    def fake(html: str, settings: Any, favor_recall: bool, with_metadata: bool) -> Any:
        calls.append(with_metadata)
        if not favor_recall:
            return None
        return SimpleNamespace(
            text=" ".join(PARAGRAPHS),
            title=None,
            url=None,
            author="Grace Hopper" if with_metadata else None,
            date=None,
            sitename=None,
        )

    monkeypatch.setattr(extractors, "_trafilatura_pass", fake)
    page = PAGE.replace('<meta name="author" content="Ada Lovelace">', "")
    fields = extract_document("html", page, SECOND_PASS_ONLY)
    assert calls == [True, True]
    assert fields["text"] == " ".join(PARAGRAPHS) and fields["author"] == "Grace Hopper"


def test_the_tuning_loop_applies_the_pipelines_rule() -> None:
    from benchmarks.tune_extraction import retry

    def page(text: str) -> dict[str, Any]:
        return {"text": text, "words": len(text.split()), "cpu": 0.01}

    runs = {
        "default": {"p": page("a b c d"), "q": page("a b c d e f g h")},
        "recall_text": {"p": page("a b c d e"), "q": page("x " * 20)},
        "signals": {"p": {"body_words": 10}, "q": {"body_words": 10}},
    }
    rule = retry(share=0.7, ratio=0.9)
    assert rule("p", runs) == ("a b c d e", ["default", "recall_text"])  # 4 < 0.9 * 5
    assert rule("q", runs) == ("a b c d e f g h", ["default"])  # 8 of 10 words: no second pass
