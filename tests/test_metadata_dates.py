"""The page's date: signals from markup, URL, printed text and trafilatura's guess, and the vote."""

from __future__ import annotations

import datetime

import pytest
from wirestory.transforms.dates import (
    day_first,
    first_date,
    labelled_date,
    printed_dates,
    vote_date,
)
from wirestory.transforms.metadata import page_metadata, parse_stamp, parse_tree

D1, D2 = datetime.date(2024, 3, 14), datetime.date(2025, 8, 19)
PROSE = "<p>" + "The night ferry resumes its winter timetable after repairs. " * 6 + "</p>"


def _tree(head: str, body: str):
    tree = parse_tree(f"<html><head>{head}</head><body>{body}</body></html>")
    assert tree is not None
    return tree


@pytest.mark.parametrize(
    ("signals", "expected"),
    [
        # trafilatura's guess alone (often a modified time or a date from anywhere) is no date.
        ({"guess": D1}, None),
        # A lone "Updated" label is not enough either; with the same date printed first, it is.
        ({"printed": D2}, None),
        ({"printed": D2, "visible": D2}, D2),
        # The markup's published date or the URL alone is.
        ({"meta": D1}, D1),
        ({"json_ld": D1}, D1),
        ({"url": D1}, D1),
        # Agreement wins: the markup and the guess against a date printed after the headline.
        ({"meta": D1, "guess": D1, "after_headline": D2}, D1),
        # A date printed under the headline, and first on the page, beats JSON-LD alone.
        ({"json_ld": D1, "after_headline": D2, "visible": D2}, D2),
        ({}, None),
        ({"meta": None, "guess": None}, None),
    ],
)
def test_vote_date(signals: dict, expected: datetime.date | None) -> None:
    assert vote_date(signals) == expected


def test_printed_dates_after_the_headline_and_in_time_elements() -> None:
    body = (
        "<nav>Archive: January 2, 2020</nav><p>Sponsored: May 5, 2021</p>"
        '<h1>Night ferry returns</h1><time datetime="x">Aug 19, 2025</time>'
        f"<p>By Ada, Updated: August 20, 2025</p>{PROSE}<footer>March 1, 2019</footer>"
    )
    dates = printed_dates(_tree("", body), "Night ferry returns")
    assert dates == {
        "printed": datetime.date(2025, 8, 20),
        "time_text": D2,
        "after_headline": D2,
        "visible": datetime.date(2021, 5, 5),
    }
    assert printed_dates(_tree("", body), None)["after_headline"] is None


def test_page_date_is_the_vote_of_its_signals() -> None:
    # JSON-LD says one day, the page prints another under its headline and first: the printed one.
    head = (
        '<script type="application/ld+json">{"@type": "Article",'
        ' "datePublished": "2024-03-14T08:00:00Z"}</script>'
    )
    body = f"<h1>Night ferry returns</h1><p>August 19, 2025</p>{PROSE}"
    meta = page_metadata(_tree(head, body))
    assert meta.published == D2
    assert meta.stated_date == D1  # what the markup states (page types use it)
    assert meta.date_signals["json_ld"] == D1


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Posted Jan. 17th, 2025 at noon", datetime.date(2025, 1, 17)),
        ("on 2 February 2024", datetime.date(2024, 2, 2)),
        ("Feb 30, 2024 then March 1, 2024", datetime.date(2024, 3, 1)),
        ("2019 was a year", None),
    ],
)
def test_first_date(text: str, expected: datetime.date | None) -> None:
    assert first_date(text) == expected


@pytest.mark.parametrize(
    ("text", "locale", "expected"),
    [
        # A day over 12 says which is which; so does a year first.
        ("Published: 19/12/2025 09:21", None, datetime.date(2025, 12, 19)),
        ("Updated 10/31/2024", None, datetime.date(2024, 10, 31)),
        ("23.07.2025 · 6 min read", None, datetime.date(2025, 7, 23)),
        ("EcoFlow - 2025/4/29", None, datetime.date(2025, 4, 29)),
        # Both 12 or under: the locale decides, and a bare "en" does not say.
        ("03/01/2017 by Ann", None, None),
        ("03/01/2017 by Ann", "en", None),
        ("03/01/2017 by Ann", "en-US", datetime.date(2017, 3, 1)),
        ("03/01/2017 by Ann", "en_GB", datetime.date(2017, 1, 3)),
        ("03.01.2017", "de", datetime.date(2017, 1, 3)),
        # An ambiguous first date is no date (not the next one), and two-digit years are never read.
        ("08/12/2021 then 19/02/2025", None, None),
        ("09/11/25", "en-US", None),
        ("v1.2.2024 build", None, None),
    ],
)
def test_numeric_dates_only_when_unambiguous(
    text: str, locale: str | None, expected: datetime.date | None
) -> None:
    assert first_date(text, day_first(locale)) == expected


def test_first_date_anywhere_skips_numeric_forms() -> None:
    body = "<h1>Ferry</h1><p>Table: 19/12/2025</p><p>Ferry news, March 3, 2025</p>" + PROSE
    dates = printed_dates(_tree("", body), "Ferry")
    assert dates["visible"] == datetime.date(2025, 3, 3)
    assert dates["after_headline"] == datetime.date(2025, 12, 19)


def test_an_ambiguous_first_time_element_is_no_date() -> None:
    body = "<h1>Ferry</h1><time>08/12/2021</time><time>19/02/2025</time>" + PROSE
    assert printed_dates(_tree("", body), "Ferry")["time_text"] is None
    assert printed_dates(_tree("", body), "Ferry", "en-GB")["time_text"] == datetime.date(
        2021, 12, 8
    )


def test_markup_dates_written_out() -> None:
    assert parse_stamp("Jan 17, 2025") == datetime.date(2025, 1, 17)
    assert parse_stamp("13/11/2025 09:21:40") == datetime.date(2025, 11, 13)
    assert parse_stamp("2024-03-14T23:30:00-05:00") == datetime.date(2024, 3, 14)
    assert parse_stamp("soon") is None and parse_stamp(None) is None


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Veröffentlicht am 12. März 2025", datetime.date(2025, 3, 12)),
        ("Publié le 3 mars 2024", datetime.date(2024, 3, 3)),
        ("Publicado el 12 de marzo de 2025", datetime.date(2025, 3, 12)),
        ("Pubblicato il 5 maggio 2023", datetime.date(2023, 5, 5)),
        ("Atualizado em 1 de dezembro de 2022", datetime.date(2022, 12, 1)),
        ("Gepubliceerd op 7 maart 2021", datetime.date(2021, 3, 7)),
    ],
)
def test_labelled_dates_in_other_languages(text: str, expected: datetime.date) -> None:
    assert labelled_date(text) == expected
    assert first_date(text) == expected


def test_month_names_are_whole_words() -> None:
    assert first_date("12 main 2024") is None
    assert first_date("12 marzo 2024") == datetime.date(2024, 3, 12)
