"""Canonical copy: a paragraph in which an outlet names itself, and no other copy holds, is that
outlet's own addition and counts against its copy (transforms/canonical.py)."""

from __future__ import annotations

import datetime

import pytest
from wirestory.transforms.canonical import outlet_key, rank_members, site_key
from wirestory.transforms.records import ExtractedArticle
from wirestory.transforms.signatures import MinHashParams
from wirestory.transforms.stories import member_of

PARAMS = MinHashParams()
STORY = [" ".join(f"p{n}w{i}" for i in range(40)) for n in range(6)]
LOCAL = (
    "In Carrow, Rosa Valdemar, who chairs the council there, told The Harbour Gazette that the "
    "change came as no surprise locally and that residents would watch the budget closely."
)


def _copy(doc_id: str, paragraphs: list[str], sitename: str | None, day: int) -> ExtractedArticle:
    text = "\n".join(paragraphs)
    published = datetime.date(2025, 5, day)
    return ExtractedArticle(
        doc_id, f"/{doc_id}.html", None, None, None, published, sitename, "en", text,
        len(text.split()),
    )  # fmt: skip


def _canonical(*articles: ExtractedArticle) -> str:
    return rank_members(member_of(a, PARAMS) for a in articles)[0].doc_id


def test_a_paragraph_an_outlet_adds_about_itself_counts_against_its_copy() -> None:
    original = _copy("orig", STORY, "Northfield Daily", 1)
    inserted = _copy("added", [*STORY[:3], LOCAL, *STORY[3:]], "The Harbour Gazette", 2)
    exact = _copy("exact", STORY, "Valley Times", 3)
    # Before: the copy with the outlet's paragraph held all the others and was the longest.
    assert _canonical(original, inserted, exact) == "orig"
    assert _canonical(original, inserted) == "orig"
    # The same paragraph in a copy whose outlet it does not name is not that copy's own addition:
    # set relations alone decide, and the longer copy holds all of the other.
    elsewhere = _copy("added", [*STORY[:3], LOCAL, *STORY[3:]], "Lakeside Ledger", 2)
    assert _canonical(original, elsewhere) == "added"


def test_a_line_naming_the_original_outlet_that_copies_kept_is_the_story() -> None:
    lead = f"LONDON (Northfield Daily) - {STORY[0]}"
    original = _copy("orig", [lead, *STORY[1:]], "Northfield Daily", 1)
    copies = [
        _copy("full", [f"LONDON - {STORY[0]}", *STORY[1:]], "Valley Times", 2),
        _copy("cut", [f"LONDON - {STORY[0]}", *STORY[1:4]], "Metro Portal", 3),
    ]
    # The credit line's own shingles are the original's alone, but the paragraph is shared.
    assert _canonical(original, *copies) == "orig"


@pytest.mark.parametrize(
    ("sitename", "key"),
    [
        ("The Harbour Gazette", "harbourgazette"),
        ("www.capitalwire.example", "capitalwire"),
        ("Wirewatch", "wirewatch"),
        ("BBC", None),  # too short to find in text without false hits
        ("News", None),  # a common word: any text may say it
        ("news.sky.com", None),  # "sky": too short; the subdomain "news" is not the outlet
        ("www.theguardian.co.uk", "theguardian"),
        ("I disorder't accumulating the flavors. A", None),  # an extractor's guess: a sentence
        ("China by: Site Expectancies BOOST: 18.46 and more", None),
        (None, None),
    ],
)
def test_site_key(sitename: str | None, key: str | None) -> None:
    assert site_key(sitename) == key


def test_a_copy_without_a_site_name_is_known_by_its_url_host() -> None:
    assert outlet_key(None, "https://www.wirewatch.example/2025/07/story") == "wirewatch"
    assert outlet_key("The Harbour Gazette", "https://hg.example/x") == "harbourgazette"
    assert outlet_key("I read it. Then more", None) is None
