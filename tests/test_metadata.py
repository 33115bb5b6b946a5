"""Page metadata from markup, page types and article language."""

from __future__ import annotations

import datetime

import pytest
from wirestory.transforms.dates import labelled_date
from wirestory.transforms.language import article_language, declared_language, detect_language
from wirestory.transforms.metadata import (
    clean_author,
    page_metadata,
    parse_iso_date,
    parse_tree,
    strip_site_name,
    url_date,
)
from wirestory.transforms.pagetype import ARTICLE, page_signals, page_type

PARAGRAPH = (
    "The harbour authority confirmed on Tuesday that the night ferry will resume its winter "
    "timetable next month after repairs to the loading ramp were finished ahead of schedule."
)


def _page(head: str, body: str = "") -> str:
    prose = f"<p>{PARAGRAPH} {PARAGRAPH}</p>" * 3
    return f"<html><head>{head}</head><body>{body or prose}</body></html>"


def _meta(head: str, body: str = ""):
    tree = parse_tree(_page(head, body))
    assert tree is not None
    return page_metadata(tree)


# --- title ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("title", "site", "expected"),
    [
        ("Night ferry returns | Harbour Gazette", "Harbour Gazette", "Night ferry returns"),
        ("Harbour Gazette - Night ferry returns", "Harbour Gazette", "Night ferry returns"),
        ("Night ferry returns — harbourgazette.example", None, "Night ferry returns"),
        (
            "Q&A: Night ferry returns - Harbour Gazette",
            "Harbour Gazette",
            "Q&A: Night ferry returns",
        ),
        ("Night ferry - the return", "Harbour Gazette", "Night ferry - the return"),
    ],
)
def test_site_name_is_stripped_from_either_end(title: str, site: str | None, expected: str) -> None:
    assert strip_site_name(title, site, "www.harbourgazette.example") == expected


def test_visible_headline_beats_the_document_title() -> None:
    meta = _meta(
        '<title>Ferry back | Gazette</title><meta property="og:site_name" content="Gazette">',
        f"<h1>Night ferry returns</h1><p>{PARAGRAPH}</p>",
    )
    assert meta.title == "Night ferry returns"


def test_a_site_name_h1_is_a_logo_and_the_story_h1_is_the_title() -> None:
    head = (
        "<title>Night ferry returns | Harbour Gazette</title>"
        '<meta property="og:site_name" content="Harbour Gazette">'
    )
    body = f"<h1>Harbour Gazette</h1><h1>Night ferry returns</h1><p>{PARAGRAPH}</p>"
    assert _meta(head, body).title == "Night ferry returns"


def test_title_without_h1_comes_from_og_title_without_the_site() -> None:
    head = (
        '<meta property="og:title" content="Night ferry returns - Harbour Gazette">'
        '<meta property="og:site_name" content="Harbour Gazette">'
    )
    assert _meta(head).title == "Night ferry returns"


# --- author ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("byline", "expected"),
    [
        ("By Ada Lovelace", "Ada Lovelace"),
        ("Written by: Ada Lovelace", "Ada Lovelace"),
        ("View all posts by Ada Lovelace", "Ada Lovelace"),
        ("Ada Lovelace, Senior Reporter", "Ada Lovelace"),
        ("Harry Rabinowitz Tech Reporter", "Harry Rabinowitz"),
        ("By Ada Lovelace and Charles Babbage", "Ada Lovelace, Charles Babbage"),
        ("Ada Lovelace (ada@example.com)", "Ada Lovelace"),
        ("https://example.com/ada", None),
        ("Ada Lovelace, October 15", "Ada Lovelace"),
        ("August 28, 2025 • 5 min read", None),
        ("Sign In", None),
        ("Name *", None),
        (
            "Ada Lovelace, Charles Babbage, Extension horticulture educators",
            "Ada Lovelace, Charles Babbage",
        ),
        ("Staff Writer", None),
        ("", None),
        # Group bylines stay whole; dates, glued or labelled "By" and HTML entities are cleaned.
        ("The Investopedia Team", "The Investopedia Team"),
        ("By Great Day Editorial Team", "Great Day Editorial Team"),
        ("Luke Kim December", "Luke Kim"),
        ("Haley Hoekstra • March 3, 2025", "Haley Hoekstra"),
        ("Updated January", None),
        ("BySummer Swann", "Summer Swann"),
        ("Recipe by PJ Hamel", "PJ Hamel"),
        ("Maria &amp; Katerina", "Maria, Katerina"),
        ("The Author", None),
        ("Supermove Last update:", "Supermove"),
        ("Written By", None),
        ("Written byDan Pantelo", "Dan Pantelo"),
        ("Authored by: Ehsan Jazini", "Ehsan Jazini"),
        ("undefined", None),
        ("/nexxisrentals", None),
    ],
)
def test_byline_is_reduced_to_names(byline: str, expected: str | None) -> None:
    assert clean_author(byline) == expected


def test_author_from_json_ld_before_meta_tags() -> None:
    head = (
        '<meta name="author" content="Harbour Gazette">'
        '<script type="application/ld+json">{"@context": "https://schema.org", "@graph": ['
        '{"@type": "NewsArticle", "headline": "Night ferry returns",'
        ' "author": [{"@type": "Person", "name": "Ada Lovelace"}, {"name": "Charles Babbage"}],'
        ' "datePublished": "2024-03-14T23:30:00-05:00", "dateModified": "2024-04-01"}]}'
        "</script>"
    )
    meta = _meta(head)
    assert meta.author == "Ada Lovelace, Charles Babbage"
    # The date as written on the page, not shifted to UTC; dateModified is never used.
    assert meta.published == datetime.date(2024, 3, 14)
    assert "newsarticle" in meta.ld_types


def test_an_author_that_is_the_site_name_gives_way_to_the_byline() -> None:
    head = (
        '<meta name="author" content="Harbour Gazette">'
        '<meta property="og:site_name" content="Harbour Gazette">'
    )
    body = f'<h1>Night ferry</h1><a rel="author" href="/ada">Ada Lovelace</a><p>{PARAGRAPH}</p>'
    assert _meta(head, body).author == "Ada Lovelace"
    assert _meta(head).author is None


def test_visible_byline_when_markup_names_no_author() -> None:
    body = f'<h1>Night ferry</h1><span class="byline">By Ada Lovelace</span><p>{PARAGRAPH}</p>'
    assert _meta("", body).author == "Ada Lovelace"


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ("<p>Written by</p><p>Ada Lovelace</p>", "Ada Lovelace"),
        ("<p>Written by</p><!-- name --><p>Ada Lovelace</p>", "Ada Lovelace"),
        ("<p><!-- x -->By Ada Lovelace</p>", "Ada Lovelace"),
        # Texts of neighbouring elements are kept apart ("Lovelace</span><span>Last updated").
        (
            '<div class="author"><span>Ada Lovelace</span><span>Last updated: May 2</span></div>',
            "Ada Lovelace",
        ),
        ("<span>By <a href='/ada'>Ada Lovelace</a></span>", "Ada Lovelace"),
        ("<div>Author: <b>Ada Lovelace</b></div>", "Ada Lovelace"),
        # Credits that are not bylines, and a byline in the site footer.
        ("<p>Powered by WordPress</p>", None),
        ("<footer><p>By Site Owner</p></footer>", None),
    ],
)
def test_printed_byline_when_markup_names_no_author(body: str, expected: str | None) -> None:
    tree = parse_tree(_page("", f"<h1>Ferry</h1>{body}<p>{PARAGRAPH}</p>"))
    assert tree is not None
    assert page_metadata(tree).author == expected


def test_broken_json_ld_is_ignored() -> None:
    head = '<script type="application/ld+json">{"@type": "NewsArticle", "author": </script>'
    assert _meta(head).author is None


# --- date -----------------------------------------------------------------------------------


def test_date_sources_in_order_meta_then_time_then_url() -> None:
    head = '<meta property="article:published_time" content="2024-03-14T08:00:00Z">'
    assert _meta(head).published == datetime.date(2024, 3, 14)
    body = (
        '<time class="updated" datetime="2024-05-01">May 1</time>'
        f'<time datetime="2024-03-15">March 15</time><p>{PARAGRAPH}</p>'
    )
    assert _meta("", body).published == datetime.date(2024, 3, 15)
    canonical = '<link rel="canonical" href="https://news.example/2024/03/16/night-ferry">'
    assert _meta(canonical).published == datetime.date(2024, 3, 16)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("updated:Dec 12, 2025We've compiled", datetime.date(2025, 12, 12)),
        ("Updated on December 11, 2025 Edited by", datetime.date(2025, 12, 11)),
        ("Published 3rd March 2025", datetime.date(2025, 3, 3)),
        ("Last updated: 2023-05-01.", datetime.date(2023, 5, 1)),
        # Day-first or month-first? Left alone; so are impossible days and unlabelled dates.
        ("Updated on 09/11/25", None),
        ("Posted on 2024-02-30", None),
        ("December 11, 2025", None),
    ],
)
def test_labelled_dates(text: str, expected: datetime.date | None) -> None:
    assert labelled_date(text) == expected


def test_printed_date_when_the_markup_states_none() -> None:
    body = f"<h1>Ferry</h1><p>Updated: March 3, 2025</p><p>{PARAGRAPH}</p>"
    assert _meta("", body).published == datetime.date(2025, 3, 3)
    assert _meta("", body).stated_date is None
    # A date printed in the site's footer is not the story's.
    footer = f"<h1>Ferry</h1><p>{PARAGRAPH}</p><footer>Updated: March 3, 2025</footer>"
    assert _meta("", footer).published is None


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("https://n.example/2024/03/14/ferry", datetime.date(2024, 3, 14)),
        ("https://n.example/news/2024-3-14-ferry", datetime.date(2024, 3, 14)),
        ("https://n.example/20240314/ferry", datetime.date(2024, 3, 14)),
        ("https://n.example/2024/13/40/ferry", None),
        ("https://n.example/ferry-2024", None),
        (None, None),
    ],
)
def test_url_dates(url: str | None, expected: datetime.date | None) -> None:
    assert url_date(url) == expected


def test_iso_dates_keep_the_written_day() -> None:
    assert parse_iso_date("2024-03-14T23:30:00-05:00") == datetime.date(2024, 3, 14)
    assert parse_iso_date("20240314") == datetime.date(2024, 3, 14)
    assert parse_iso_date("2024-02-30") is None
    assert parse_iso_date(None) is None


# --- page type ------------------------------------------------------------------------------


def _type(head: str, body: str = "", text_words: int = 90) -> str:
    tree = parse_tree(_page(head, body))
    assert tree is not None
    meta = page_metadata(tree)
    return page_type(meta, page_signals(tree), text_words)


def test_article_markup_keeps_a_page_that_looks_like_a_listing() -> None:
    links = "".join(f'<li><a href="/s{i}">Story number {i} of the day</a></li>' for i in range(40))
    assert _type('<meta property="og:type" content="article">', f"<ul>{links}</ul>") == ARTICLE
    assert _type("", f"<ul>{links}</ul>") == "listing"


@pytest.mark.parametrize(
    ("head", "expected"),
    [
        (
            '<script type="application/ld+json">{"@type": "Product", "name": "Kettle"}</script>',
            "product",
        ),
        ('<script type="application/ld+json">{"@type": "QAPage"}</script>', "forum"),
        ('<meta property="og:type" content="product">', "product"),
        ('<link rel="canonical" href="https://shop.example/products/kettle-2">', "product"),
        ('<link rel="canonical" href="https://news.example/category/world/">', "listing"),
        ('<link rel="canonical" href="https://docs.example.org/install">', "documentation"),
        # Stories filed below a section are not the section's listing.
        ('<link rel="canonical" href="https://n.example/category/world/2024/ferry">', ARTICLE),
        ('<link rel="canonical" href="https://n.example/community/orchard">', ARTICLE),
        # A publisher's Organization or an FAQ block on an article is no evidence.
        (
            '<script type="application/ld+json">{"@type": ["Organization", "FAQPage"]}</script>',
            ARTICLE,
        ),
    ],
)
def test_type_evidence(head: str, expected: str) -> None:
    head += '<meta property="article:published_time" content="2024-03-14">'
    assert _type(head) == expected


def test_undated_page_with_no_prose_is_a_landing_page() -> None:
    blurbs = "".join(
        f"<div><h3>Service {i}</h3><p>We fix ferries fast.</p></div>" for i in range(6)
    )
    assert _type("", blurbs) == "landing page"
    # The same page with a stated date, or with paragraphs of prose, stays an article.
    dated = '<meta property="article:published_time" content="2024-03-14">'
    assert _type(dated, blurbs) == ARTICLE
    assert _type("") == ARTICLE
    # One block of <br>-separated text under a big menu (a real story on a municipal site).
    menu = "".join(f'<a href="/s{i}">Section {i} of the city portal</a> ' for i in range(60))
    block = "<br><br>".join([PARAGRAPH] * 4)
    assert _type("", f"<nav>{menu}</nav><div><p>{block}</p></div>") == ARTICLE
    # Short paragraphs inside the page's one <article> element: a news story, kept.
    assert _type("", f"<article><h1>Ferry</h1>{blurbs}</article>") == ARTICLE


def test_priced_page_is_a_product_unless_it_is_an_article() -> None:
    cards = "".join(
        f'<div class="card"><span class="product-price">$1{i}</span></div>' for i in range(5)
    )
    body = f"<h1>Kettles</h1><p>{PARAGRAPH}</p><p>{PARAGRAPH}</p>{cards}"
    assert _type("", body) == "product"
    assert _type('<meta property="og:type" content="article">', body) == ARTICLE
    # Three prices quoted in a story are no shop.
    assert _type("", f"<h1>Kettles</h1><p>{PARAGRAPH}</p>{cards[: len(cards) * 3 // 5]}") == ARTICLE


def test_undated_link_page_is_a_listing_and_headless_page_a_landing_page() -> None:
    links = "".join(
        f'<a href="/s{i}">Ferry timetable for route {i} this winter</a> ' for i in range(40)
    )
    prose = "<h1>Ferries</h1>" + f"<p>{PARAGRAPH} {PARAGRAPH}</p>" * 2
    assert _type("", f"{prose}<div>{links}</div>") == "listing"
    # The same links below the page's one <article> element, or on a dated page: an article.
    assert _type("", f"<article>{prose}</article><div>{links}</div>") == ARTICLE
    dated = '<meta property="article:published_time" content="2024-03-14">'
    assert _type(dated, f"{prose}<div>{links}</div>") == ARTICLE
    # No <h1>, no date and no more than two paragraphs of prose: a landing page.
    two = f"<p>{PARAGRAPH} {PARAGRAPH}</p>" * 2 + "<p>Call us today.</p>"
    assert _type("", two) == "landing page"
    assert _type("", f"<h1>Ferries</h1>{two}") == ARTICLE
    assert _type("", f"<article>{two}</article>") == ARTICLE


# --- language -------------------------------------------------------------------------------


def test_declared_language_wins_and_invalid_tags_fall_back_to_detection() -> None:
    assert declared_language("en-GB") == "en" and declared_language("pt_BR") == "pt"
    assert declared_language("und") is None and declared_language("{{lang}}") is None
    german = "Die Hafenbehörde bestätigte am Dienstag, dass die Nachtfähre wieder fahren wird."
    assert article_language("fr", german) == "fr"
    assert article_language("{{lang}}", german) == "de"
    assert detect_language("12 345 — 678") is None


def test_language_from_the_page_markup() -> None:
    tree = parse_tree(f'<html lang="es-MX"><body><p>{PARAGRAPH}</p></body></html>')
    assert tree is not None and page_metadata(tree).language == "es"


def test_a_clearly_wrong_declaration_is_overruled_by_a_long_text() -> None:
    german = (
        "Die Hafenbehörde bestätigte am Dienstag, dass die Nachtfähre im nächsten Monat wieder "
        "nach dem Winterfahrplan fahren wird, nachdem die Reparaturen an der Laderampe früher "
        "als geplant abgeschlossen wurden. Die Kosten blieben im Rahmen des Budgets. "
    )
    assert article_language("en", german * 3) == "de"  # 90 words, certain: German
    assert article_language("en", german[:80]) == "en"  # too short to overrule
    assert article_language("en", PARAGRAPH * 3) == "en"
