"""Learned page chrome: lines a site repeats on many pages are removed, per site."""

from __future__ import annotations

import random

import apache_beam as beam
from apache_beam.testing.util import assert_that, equal_to
from wirestory.transforms.chrome import (
    ChromeCount,
    ChromeRule,
    CountChromeLines,
    RemoveChrome,
    group_on_own_lines,
    line_hash,
    site_lines,
    site_of,
    strip_chrome,
)
from wirestory.transforms.extractors import count_words
from wirestory.transforms.records import ExtractedArticle

from tests.conftest import local_pipeline

COOKIE = "We and our 843 partners store and access information on your device."
MENU = "Home News World Business Sport"
RULE = ChromeRule(min_pages=3, min_share=0.5)


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


_COLLECTED: list[tuple] = []  # the in-process FnApiRunner shares this module's globals


def _collect(rows: list[tuple]) -> None:
    _COLLECTED.extend(rows)


def _cleaned(articles: list[ExtractedArticle], rule: ChromeRule = RULE) -> list[tuple]:
    """(doc_id, text, word_count) of every article after chrome removal, in a pipeline."""
    _COLLECTED.clear()
    with local_pipeline() as p:
        pages = p | beam.Create(articles)
        clean = pages | RemoveChrome(pages | CountChromeLines(), rule)
        rows = clean | beam.Map(lambda a: (a.doc_id, a.text, a.word_count))
        _ = rows | beam.combiners.ToList() | beam.Map(_collect)
    return sorted(_COLLECTED)


def test_site_and_line_hash_are_normalised() -> None:
    assert site_of(_article("gazette.example", 1, ["x"])) == "gazette.example"
    assert line_hash("  Home   News ") == line_hash("home news")
    assert line_hash("Home News") != line_hash("Home Sport")


def test_chrome_lines_need_min_pages_and_min_share() -> None:
    rows = [ChromeCount("s", "", 10), ChromeCount("s", "a", 4), ChromeCount("s", "b", 2)]
    assert site_lines(rows, ChromeRule(min_pages=3, min_share=0.3)).chrome == frozenset({"a"})
    assert site_lines(rows, ChromeRule(min_pages=3, min_share=0.5)).chrome == frozenset()
    # A small site: every line on all of its 3 pages, below the page floor of the defaults.
    small = [ChromeCount("s", "", 3), ChromeCount("s", "a", 3)]
    assert site_lines(small, ChromeRule()).chrome == frozenset()


def test_a_page_mostly_made_of_chrome_lines_is_stored_whole() -> None:
    body = "Short body line."
    page = _article("gazette.example", 1, [COOKIE, MENU, body])
    chrome = {line_hash(COOKIE), line_hash(MENU)}
    # 17 of 20 words are chrome: more than 0.8 of the page. Grouping never reads them.
    mostly = strip_chrome(page, chrome, max_page_share=0.8)
    assert (mostly.text, mostly.word_count) == (body, 3)
    assert (mostly.stored_text(), mostly.stored_words()) == (page.text, 20)
    clean = strip_chrome(page, chrome, max_page_share=0.9)
    assert (clean.text, clean.stored_text(), clean.stored_words()) == (body, body, 3)
    assert strip_chrome(page, {line_hash("elsewhere")}, max_page_share=0.8) == page


def test_learn_and_remove_chrome_per_site() -> None:
    expected = [(f"gazette.example-{i}", f"Story {i} body about the ferry.", 6) for i in range(5)]
    expected += [
        ("herald.example-0", f"{MENU}\nA herald story about the port.", 11),
        ("herald.example-1", "Another herald story.", 3),
    ]
    # "Ends." is on every gazette page too: a repeated sign-off is chrome as well.
    assert _cleaned(_corpus(), ChromeRule(min_pages=3, min_share=0.5, max_page_share=1.0)) == (
        expected
    )


def test_removal_does_not_depend_on_input_order() -> None:
    pages = _corpus() + [
        _article("ledger.example", i, [COOKIE, f"Ledger report {i} on the harbour works.", MENU])
        for i in range(7)
    ]
    first = _cleaned(pages)
    shuffled = list(pages)
    random.Random(3).shuffle(shuffled)
    assert _cleaned(shuffled) == first
    assert all(COOKIE not in text for doc, text, _ in first if doc.startswith("ledger"))


def test_an_all_chrome_article_is_stored_whole_and_grouped_on_nothing() -> None:
    page = _article("same.example", 0, [COOKIE, MENU])
    bare = strip_chrome(page, {line_hash(COOKIE), line_hash(MENU)}, max_page_share=0.8)
    assert (bare.text, bare.word_count) == ("", 0)
    assert bare.stored_text() == f"{COOKIE}\n{MENU}"
    same = [_article("same.example", i, [COOKIE, MENU]) for i in range(4)]
    assert {text for _, text, _ in _cleaned(same)} == {""}


def test_counts_are_per_site_and_page() -> None:
    with local_pipeline() as p:
        counts = p | beam.Create(_corpus()) | CountChromeLines()
        menu = counts | beam.Filter(lambda c: c.line_hash in ("", line_hash(MENU)))
        assert_that(
            menu,
            equal_to(
                [
                    ChromeCount("gazette.example", "", 5),
                    ChromeCount("gazette.example", line_hash(MENU), 5),
                    ChromeCount("herald.example", "", 2),
                    ChromeCount("herald.example", line_hash(MENU), 1),
                ]
            ),
        )


def test_flags_feed_the_rule_and_are_checked() -> None:
    import pytest
    from wirestory.pipeline import flags
    from wirestory.pipeline.errors import UsageError
    from wirestory.pipeline.options import WirestoryOptions

    rule = ChromeRule()
    defaults = ("chrome_min_pages", "chrome_min_share", "chrome_repeated_share")
    assert tuple(flags.DEFAULTS[name] for name in defaults) == (
        rule.min_pages,
        rule.min_share,
        rule.repeated_share,
    )
    assert WirestoryOptions([]).chrome_rule() == rule
    assert WirestoryOptions(["--chrome-min-pages", "0"]).chrome_rule() is None
    off = WirestoryOptions(["--chrome-repeated-share", "1"]).chrome_rule()
    assert off is not None and off.repeated_share == 1.0
    with pytest.raises(UsageError, match="--chrome-min-share"):
        flags.validate({**flags.DEFAULTS, "chrome_min_share": 0})
    with pytest.raises(UsageError, match="--chrome-repeated-share"):
        flags.validate({**flags.DEFAULTS, "chrome_repeated_share": 1.5})


def test_headline_and_date_lines_left_at_the_edges_by_chrome_removal_are_dropped() -> None:
    import dataclasses

    body = [
        "The ferry service to the island resumed on Monday after a week of storms.",
        "Operators said the timetable would return to normal by the end of the month.",
    ]
    headline = "Ferry service resumes after storms"
    # The template prints headline and date inside the extracted block, between the cookie
    # banner and menu above and the body below: not at an edge until the chrome goes.
    page = _article("gazette.example", 1, [COOKIE, MENU, headline, "March 4, 2024", *body])
    page = dataclasses.replace(page, title=headline)
    clean = strip_chrome(page, {line_hash(COOKIE), line_hash(MENU)})
    assert clean.text == "\n".join(body)
    assert clean.word_count == len(" ".join(body).split())


OVERLAY = [
    "We and our 843 partners store and access information on your device, such as cookies, and",
    "process personal data for personalised advertising, measurement and content development.",
]


def test_lines_on_min_pages_under_the_share_are_repeated_not_chrome() -> None:
    rows = [ChromeCount("s", "", 20), ChromeCount("s", "a", 8), ChromeCount("s", "b", 5)]
    rows.append(ChromeCount("s", "c", 4))
    assert site_lines(rows, ChromeRule()) == (frozenset({"a"}), frozenset({"b"}))


def test_a_page_much_made_of_repeated_lines_is_grouped_on_its_own_lines_and_stored_whole() -> None:
    own = "LONDON - The ferry timetable changes on Monday."
    short = _article("portal.example", 0, [*OVERLAY, own])
    repeated = {line_hash(line) for line in OVERLAY}
    grouped = group_on_own_lines(short, repeated, 0.35)
    assert (grouped.text, grouped.word_count) == (own, 7)
    assert (grouped.stored_text(), grouped.stored_words()) == (short.text, count_words(short.text))
    # A full article carrying the same overlay keeps it: 26 of its 86 tokens, under 0.35.
    body = [
        f"Paragraph {i} of a long report on the harbour works and the new quay." for i in range(4)
    ]
    long = _article("portal.example", 1, [*OVERLAY, *body])
    assert group_on_own_lines(long, repeated, 0.35) == long


def test_short_pages_sharing_only_a_partly_shown_overlay_are_grouped_without_it() -> None:
    """A consent overlay the extractor keeps on 6 of a site's 25 pages (under the 30% chrome
    share): on the 4 short pages it is most of the text, and two of them would match on it."""

    def body(n: int) -> list[str]:
        return [f"Paragraph {i} of report {n} on the harbour works and the quay." for i in range(6)]

    pages = [
        _article("portal.example", i, [f"Report {i} on the city budget.", *body(i)])
        for i in range(19)
    ]
    pages += [_article("portal.example", 19 + i, [*OVERLAY, *body(19 + i)]) for i in range(2)]
    shorts = [f"LONDON - Short item {i} on the tram strike." for i in range(4)]
    pages += [_article("portal.example", 21 + i, [*OVERLAY, line]) for i, line in enumerate(shorts)]
    cleaned = {doc: text for doc, text, _ in _cleaned(pages, ChromeRule())}
    assert [cleaned[f"portal.example-{21 + i}"] for i in range(4)] == shorts
    assert all(cleaned[f"portal.example-{19 + i}"].startswith(OVERLAY[0]) for i in range(2))
