"""Main text: the other extractors' consensus when trafilatura's text is the odd one out."""

from __future__ import annotations

from collections.abc import Iterator
from types import SimpleNamespace
from typing import Any

import pytest
from wirestory.transforms import consensus, extractors
from wirestory.transforms.consensus import bag_f1, consensus_text, other_texts, word_bag
from wirestory.transforms.extractors import ExtractionSettings, extract_document

from tests.test_extract import PAGE, PARAGRAPHS

ARTICLE = "\n".join(PARAGRAPHS)
MENU = "Home News Sport Weather Most read Council votes on parking fees Subscribe Sign in"


def _others(texts: list[str], consumed: list[str]) -> Iterator[tuple[str, str]]:
    for index, text in enumerate(texts):
        consumed.append(str(index))
        yield str(index), text


def test_bag_f1_is_word_f1_of_two_texts() -> None:
    assert bag_f1(word_bag("A b b c"), word_bag("a B b c")) == 1.0
    assert bag_f1(word_bag("a b"), word_bag("c d")) == 0.0
    assert bag_f1(word_bag(""), word_bag("a")) == 0.0
    assert bag_f1(word_bag("a b c d"), word_bag("a b")) == pytest.approx(2 / 3)


def test_kept_when_one_other_agrees_and_the_rest_never_run() -> None:
    consumed: list[str] = []
    others = _others([ARTICLE + " Share", MENU, MENU], consumed)
    assert consensus_text(ARTICLE, others, agree=0.925, pair=0.9) is None
    assert consumed == ["0"]  # the cheapest other agreed: the others were not asked


def test_replaced_when_none_agrees_and_two_others_do() -> None:
    consumed: list[str] = []
    others = _others(["", ARTICLE, ARTICLE + " Advertisement", "Accept all cookies"], consumed)
    assert consensus_text(MENU, others, agree=0.925, pair=0.9) == ARTICLE
    assert consumed == ["0", "1", "2", "3"]


def test_kept_when_the_others_disagree_among_themselves() -> None:
    others = iter([("a", PARAGRAPHS[0]), ("b", PARAGRAPHS[1]), ("c", PARAGRAPHS[2])])
    assert consensus_text(MENU, others, agree=0.925, pair=0.9) is None


def test_the_other_extractors_read_the_article_of_a_page() -> None:
    texts = dict(other_texts(PAGE))
    assert list(texts) == [name for name, _ in consensus.OTHERS]
    # jusText keeps nothing of a page this short (its paragraph-length thresholds).
    readers = [n for n, text in texts.items() if bag_f1(word_bag(text), word_bag(ARTICLE)) > 0.8]
    assert readers == ["resiliparse", "trafilatura_baseline", "readability"]


def _menu_only_trafilatura(monkeypatch: pytest.MonkeyPatch) -> None:
    """trafilatura returns the page's menu instead of its article (both passes)."""

    def fake(html: str, settings: Any, favor_recall: bool, with_metadata: bool) -> Any:
        fields = dict(title=None, url=None, author=None, date=None, sitename=None)
        return SimpleNamespace(text=MENU, **fields)

    monkeypatch.setattr(extractors, "_trafilatura_pass", fake)


def test_the_article_wins_over_trafilaturas_menu(monkeypatch: pytest.MonkeyPatch) -> None:
    # Before: the pipeline kept trafilatura's text whatever the other extractors read.
    _menu_only_trafilatura(monkeypatch)
    fields = extract_document("html", PAGE, ExtractionSettings())
    assert bag_f1(word_bag(fields["text"]), word_bag(ARTICLE)) > 0.9
    assert "Subscribe" not in fields["text"]
    assert fields["word_count"] >= 80


def test_consensus_off_keeps_trafilaturas_text(monkeypatch: pytest.MonkeyPatch) -> None:
    _menu_only_trafilatura(monkeypatch)
    fields = extract_document("html", PAGE, ExtractionSettings(consensus_agree=0))
    assert fields["text"] == MENU


def test_a_crashing_extractor_loses_its_vote(monkeypatch: pytest.MonkeyPatch) -> None:
    def boom(html: str) -> str:
        raise ValueError("odd markup")

    monkeypatch.setattr(consensus, "OTHERS", (("boom", boom), *consensus.OTHERS[1:]))
    texts = list(other_texts(PAGE))
    assert texts[0] == ("boom", "") and texts[1][1] and texts[3][1]
