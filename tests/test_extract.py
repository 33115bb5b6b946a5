"""Extraction: HTML through trafilatura with metadata, plain text through the cleaner, rejects."""

from __future__ import annotations

import datetime

import apache_beam as beam
from apache_beam.testing.util import assert_that, equal_to
from wirestory.transforms.extract import ExtractArticles
from wirestory.transforms.extractors import ExtractionSettings, extract_document, html_language
from wirestory.transforms.records import RawDocument, content_doc_id

from tests.conftest import local_pipeline

PARAGRAPHS = [
    "The harbour authority confirmed on Tuesday that the night ferry will resume its winter "
    "timetable next month after repairs to the loading ramp were finished ahead of schedule.",
    "Engineers replaced two hydraulic pistons and the control cabinet, the authority said, "
    "adding that the total cost stayed within the budget approved by the council in March.",
    "Passenger groups welcomed the news but asked for earlier departures on weekdays, saying "
    "the current timetable forces commuters to wait almost an hour in the terminal building.",
]

PAGE = f"""<!doctype html><html lang="en-GB"><head>
<title>Night ferry to resume winter timetable | Harbour Gazette</title>
<meta property="og:title" content="Night ferry to resume winter timetable">
<meta property="og:site_name" content="Harbour Gazette">
<meta name="author" content="Ada Lovelace">
<meta property="article:published_time" content="2024-03-14T08:00:00Z">
<link rel="canonical" href="https://harbourgazette.example/ferry">
</head><body>
<nav><a href="/">Home</a> <a href="/news">News</a></nav>
<article><h1>Night ferry to resume winter timetable</h1>
{"".join(f"<p>{p}</p>" for p in PARAGRAPHS)}
</article>
<aside><h3>Most read</h3><ul><li>Council votes on parking fees</li></ul></aside>
<footer>© 2024 Harbour Gazette. All rights reserved.</footer>
</body></html>"""

PLAIN = "Night ferry returns\nPublished 14 March 2024\nBy Ada Lovelace\n\n" + "\n\n".join(
    [*PARAGRAPHS, "Share this article", "Advertisement"]
)


def test_html_language_reads_primary_subtag() -> None:
    assert html_language('<html lang="en-GB">') == "en"
    assert html_language("<html><body>") is None


def test_extract_articles_html_plain_and_rejects() -> None:
    docs = [
        RawDocument("/in/page.html", "html", PAGE),
        RawDocument("/in/plain.txt", "text", PLAIN),
        RawDocument("/in/script.html", "html", "<html><script>x()</script></html>"),
        RawDocument("/in/promo.txt", "text", "Advertisement\nFollow us on Twitter\n"),
    ]
    with local_pipeline() as p:
        out = p | beam.Create(docs) | ExtractArticles(ExtractionSettings())
        html_fields = out.articles | beam.Map(
            lambda a: (a.doc_id, a.url, a.title, a.author, a.published, a.sitename, a.language)
        )
        texts = out.articles | beam.Map(lambda a: (a.source_uri, a.text.splitlines()[-3:]))
        reasons = out.rejects | beam.Map(lambda r: (r.source_uri, r.stage, r.reason.value))
        assert_that(
            html_fields,
            equal_to(
                [
                    (
                        content_doc_id(PAGE, None),
                        "https://harbourgazette.example/ferry",
                        "Night ferry to resume winter timetable",
                        "Ada Lovelace",
                        datetime.date(2024, 3, 14),
                        "Harbour Gazette",
                        "en",
                    ),
                    (
                        content_doc_id(PLAIN, None),
                        None,
                        "Night ferry returns",
                        "Ada Lovelace",
                        datetime.date(2024, 3, 14),
                        None,
                        "en",  # detected: plain text declares no language
                    ),
                ]
            ),
            label="metadata",
        )
        assert_that(
            texts,
            equal_to([("/in/page.html", PARAGRAPHS), ("/in/plain.txt", PARAGRAPHS)]),
            label="texts",
        )
        assert_that(
            reasons,
            equal_to(
                [
                    ("/in/script.html", "extract", "not_article"),
                    ("/in/promo.txt", "extract", "empty"),
                ]
            ),
            label="rejects",
        )


def test_comment_before_a_doctype_with_an_entity_subset_is_still_an_article() -> None:
    # The prolog stripper only knew "<?xml ...?>" before the DOCTYPE: a leading comment left the
    # entity subset in place, lxml refused the page and it was rejected as not_article.
    body = "".join(f"<p>{p}</p>" for p in PARAGRAPHS)
    for prolog in ("<!-- saved page -->", '<?xml version="1.0"?>\n<!-- a --><!-- b -->'):
        page = (
            f'{prolog}<!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
            f"<html><body><article>{body}</article></body></html>"
        )
        text = extract_document("html", page, ExtractionSettings())["text"]
        assert text.splitlines() == PARAGRAPHS
        assert "root:" not in text


def test_a_navigation_only_page_is_not_a_one_word_article() -> None:
    # trafilatura's fallback returned the menu ("menu", "Home News") as the article text.
    for page in (
        "<html><body><nav>menu</nav></body></html>",
        "<html><body><header><nav><a href='/'>Home</a> <a href='/news'>News</a></nav>"
        "</header><footer>Copyright 2024</footer></body></html>",
    ):
        assert extract_document("html", page, ExtractionSettings())["page_type"] == "navigation"
    assert extract_document("html", PAGE, ExtractionSettings())["page_type"] == "article"


def test_navigation_only_page_is_rejected_with_its_page_type() -> None:
    docs = [RawDocument("/in/nav.html", "html", "<html><body><nav>menu</nav></body></html>")]
    with local_pipeline() as p:
        out = p | beam.Create(docs) | ExtractArticles(ExtractionSettings())
        rows = out.rejects | beam.Map(lambda r: (r.source_uri, r.reason.value, r.detail))
        assert_that(rows, equal_to([("/in/nav.html", "not_article", "page type: navigation")]))
        assert_that(out.articles, equal_to([]), label="no articles")
