"""Learned page chrome: lines a site repeats on many pages are removed, per site."""

from __future__ import annotations

import apache_beam as beam
from apache_beam.testing.util import assert_that, equal_to
from wirestory.transforms.chrome import (
    ChromeCount,
    LearnChrome,
    RemoveChrome,
    chrome_lines,
    line_hash,
    site_of,
)
from wirestory.transforms.records import ExtractedArticle

from tests.conftest import local_pipeline

COOKIE = "We and our 843 partners store and access information on your device."
MENU = "Home News World Business Sport"


def _article(site: str, n: int, lines: list[str]) -> ExtractedArticle:
    text = "\n".join(lines)
    return ExtractedArticle(
        doc_id=f"{site}-{n}",
        source_uri=f"/in/{site}-{n}.html",
        url=f"https://www.{site}/story-{n}",
        title=None,
        author=None,
        published=None,
        sitename=None,
        language="en",
        text=text,
        word_count=len(text.split()),
    )


def _corpus() -> list[ExtractedArticle]:
    gazette = [
        _article("gazette.example", i, [COOKIE, MENU, f"Story {i} body about the ferry.", "Ends."])
        for i in range(5)
    ]
    # Another site that prints the same menu on only one page: nothing is learned there.
    herald = [_article("herald.example", 0, [MENU, "A herald story about the port."])]
    herald.append(_article("herald.example", 1, ["Another herald story."]))
    return [*gazette, *herald]


def test_site_and_line_hash_are_normalised() -> None:
    assert site_of(_article("gazette.example", 1, ["x"])) == "gazette.example"
    assert line_hash("  Home   News ") == line_hash("home news")
    assert line_hash("Home News") != line_hash("Home Sport")


def test_chrome_lines_need_min_pages_and_min_share() -> None:
    rows = [ChromeCount("s", "", 10), ChromeCount("s", "a", 4), ChromeCount("s", "b", 2)]
    assert chrome_lines(rows, min_pages=3, min_share=0.3) == frozenset({"a"})
    assert chrome_lines(rows, min_pages=3, min_share=0.5) == frozenset()


def test_learn_and_remove_chrome_per_site() -> None:
    with local_pipeline() as p:
        articles = p | beam.Create(_corpus())
        counts = articles | LearnChrome()
        clean = articles | RemoveChrome(counts, min_pages=3, min_share=0.5)
        texts = clean | beam.Map(lambda a: (a.doc_id, a.text, a.word_count))
        expected = [
            (f"gazette.example-{i}", f"Story {i} body about the ferry.", 6) for i in range(5)
        ]
        expected += [
            ("herald.example-0", f"{MENU}\nA herald story about the port.", 11),
            ("herald.example-1", "Another herald story.", 3),
        ]
        # "Ends." is on every gazette page too: a repeated sign-off is chrome as well.
        assert_that(texts, equal_to(expected))


def test_counts_accumulate_across_runs() -> None:
    previous = [
        ChromeCount("herald.example", "", 8),
        ChromeCount("herald.example", line_hash(MENU), 7),
    ]
    with local_pipeline() as p:
        articles = p | "Articles" >> beam.Create(_corpus())
        counts = articles | LearnChrome(previous=p | "Previous" >> beam.Create(previous))
        clean = articles | RemoveChrome(counts, min_pages=3, min_share=0.5)
        herald = clean | beam.Filter(lambda a: a.doc_id == "herald.example-0")
        assert_that(
            herald | beam.Map(lambda a: a.text), equal_to(["A herald story about the port."])
        )
        totals = counts | beam.Filter(lambda c: c.site == "herald.example" and c.line_hash == "")
        assert_that(totals | beam.Map(lambda c: c.pages), equal_to([10]), label="pages")


def test_an_all_chrome_article_is_kept_unchanged() -> None:
    same = [_article("same.example", i, [COOKIE, MENU]) for i in range(4)]
    with local_pipeline() as p:
        articles = p | beam.Create(same)
        clean = articles | RemoveChrome(articles | LearnChrome(), min_pages=3, min_share=0.5)
        assert_that(clean | beam.Map(lambda a: a.text), equal_to([f"{COOKIE}\n{MENU}"] * 4))
