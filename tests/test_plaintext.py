"""Tests for the plain-text article cleaner in transforms.plaintext."""

from __future__ import annotations

import datetime
from pathlib import Path

import pytest
from wirestory.transforms.plaintext import CleanedText, clean_plain_text

SEEDS = Path(__file__).resolve().parents[1].parent / "shared" / "seeds"

# Per seed: (file, headline line or None, dateline line or None, boilerplate lines in order).
SEED_CASES: list[tuple[str, str | None, str | None, list[str]]] = [
    (
        "000_a26611f9c53c19ae.txt",
        "Russia seals partnership with North Korea amid troop dispatch",
        "Published 2:40 pm Thursday, October 24, 2024",
        ["_____", "Marketplace"],
    ),
    (
        "001_731249b1bbb470f6.txt",
        "North Korea ratifies mutual defence treaty with Russia",
        None,
        [
            "Sign up now: Get ST's newsletters delivered to your inbox",
            "Russian President Vladimir Putin and North Korean leader Kim Jong Un at a state "
            "reception in Pyongyang on June 19.",
            "PHOTO: REUTERS",
            "Follow topic:",
        ],
    ),
    (
        "002_8c25fc11184db0ac.txt",
        "Russian parliament ratifies defence treaty with North Korea",
        None,
        ["STR/KCNA VIA KNS/AFP", "More from International news", "News"],
    ),
    (
        "003_38b13a0796b028f7.txt",
        "South Korea condemns Russia’s move to seal defence pact with North Korea",
        None,
        [],
    ),
    (
        "004_8fef2ae59e9b698d.txt",
        None,
        None,
        [
            "North Korean troops in Russia © AFP – Nicholas SHEARMAN",
            "200% Deposit Bonus up to €3,000",
            "180% First Deposit Bonus up to $20,000",
            "South Korean President Yoon Suk Yeol on October 24, 2024 in Seoul © POOL – "
            "JEON HEON-KYUN",
            "Russian President Vladimir Putin at the BRICS summit in Kazan, October 24, 2024 © "
            "AFP – Alexander NEMENOV",
            "All reproduction and representation rights reserved. © (2024) Agence France-Presse",
            "Post navigation",
        ],
    ),
]


def _nonempty_lines(raw: str) -> list[str]:
    """Stripped non-empty lines of raw text, in order."""
    return [line.strip() for line in raw.splitlines() if line.strip()]


def _paragraphs(result: CleanedText) -> list[str]:
    """Kept paragraphs of a cleaning result."""
    return result.text.split("\n\n") if result.text else []


@pytest.mark.parametrize(("name", "headline", "dateline", "boilerplate"), SEED_CASES)
def test_seed_keeps_exactly_the_reporting(
    name: str, headline: str | None, dateline: str | None, boilerplate: list[str]
) -> None:
    raw = (SEEDS / name).read_text(encoding="utf-8")
    lines = _nonempty_lines(raw)
    removed = {*boilerplate, headline, dateline} - {None}
    assert removed <= set(lines), "expected-dropped list out of sync with the seed file"

    result = clean_plain_text(raw)

    # Every other line is reporting: nothing lost, nothing extra kept, order preserved.
    assert _paragraphs(result) == [line for line in lines if line not in removed]
    assert list(result.dropped_lines) == boilerplate
    for line in boilerplate:
        assert line not in result.text
    if headline is not None:
        assert result.title == headline


def test_seed_000_published_date() -> None:
    result = clean_plain_text((SEEDS / "000_a26611f9c53c19ae.txt").read_text(encoding="utf-8"))
    assert result.published == datetime.date(2024, 10, 24)
    assert "Published" not in result.text


def test_seed_004_title_comes_from_first_sentence() -> None:
    raw = (SEEDS / "004_8fef2ae59e9b698d.txt").read_text(encoding="utf-8")
    first_paragraph = _nonempty_lines(raw)[0]
    result = clean_plain_text(raw)
    assert result.title
    assert result.title.endswith("…")
    assert first_paragraph.startswith(result.title.removesuffix("…"))
    assert len(result.title) <= 121
    assert _paragraphs(result)[0] == first_paragraph
    # Dates inside paragraphs and captions must not become the publication date.
    assert result.published is None


SYNTHETIC_ARTICLE = """\
Harbour City council approves new ferry route

By Jane Doe and John Roe
Updated: Mar. 3, 2023

Published figures from 2021 show ferry ridership fell 4 percent, the council said.
The city council voted 7-2 on Tuesday to approve a new ferry route linking the harbour to the \
northern suburbs.
Sign up for our daily briefing
Voters rushed to sign up for the new scheme before the deadline, officials said.
“This is a good day for commuters,” Mayor Ana Ruiz said.
RELATED: Harbour City ferry fares to rise in spring
Advertisement
– Fares and funding –
The plan was first Published in a 2019 consultation paper and revised twice since then.
The council's weekly newsletter, which first reported the vote, said a photo of the ferry would \
be released next month.
The mayor arrives at the council chamber on Tuesday.
PHOTO: JANE DOE
Work on the new pier is expected to begin in the autumn and last about 18 months
***
Copyright 2023 Harbour City Gazette. All rights reserved.
World
Local
"""


def test_synthetic_article() -> None:
    result = clean_plain_text(SYNTHETIC_ARTICLE)
    assert result.title == "Harbour City council approves new ferry route"
    assert result.author == "Jane Doe and John Roe"
    assert result.published == datetime.date(2023, 3, 3)
    assert _paragraphs(result) == [
        "Published figures from 2021 show ferry ridership fell 4 percent, the council said.",
        "The city council voted 7-2 on Tuesday to approve a new ferry route linking the harbour "
        "to the northern suburbs.",
        "Voters rushed to sign up for the new scheme before the deadline, officials said.",
        "“This is a good day for commuters,” Mayor Ana Ruiz said.",
        "– Fares and funding –",
        "The plan was first Published in a 2019 consultation paper and revised twice since then.",
        "The council's weekly newsletter, which first reported the vote, said a photo of the "
        "ferry would be released next month.",
        "Work on the new pier is expected to begin in the autumn and last about 18 months",
    ]
    assert result.dropped_lines == (
        "Sign up for our daily briefing",
        "RELATED: Harbour City ferry fares to rise in spring",
        "Advertisement",
        "The mayor arrives at the council chamber on Tuesday.",
        "PHOTO: JANE DOE",
        "***",
        "Copyright 2023 Harbour City Gazette. All rights reserved.",
        "World",
        "Local",
    )


PARAGRAPH_A = "The ministry said on Monday that the new rules would take effect next year."
PARAGRAPH_B = "Opposition lawmakers criticised the timing of the announcement, citing costs."


def _sandwich(line: str) -> str:
    """An article with line between two real paragraphs."""
    return f"Ministry unveils new rules\n{PARAGRAPH_A}\n{line}\n{PARAGRAPH_B}\n"


@pytest.mark.parametrize(
    "line",
    [
        "Subscribe to our newsletter",
        "Sign up for The Morning Briefing",
        "Follow us on Twitter",
        "Share this article",
        "Share on Facebook",
        "Click to share on WhatsApp (Opens in new window)",
        "Share",
        "ADVERTISEMENT",
        "Sponsored content",
        "Previous article",
        "Next article",
        "Skip to content",
        "Back to top",
        "Read more",
        "Home",
        "More from Business",
        "Related:",
        "Read also: Ministry delays rules for small firms",
        "See also Ministry timeline",
        "Most read",
        "Trending",
        "Photo: AP",
        "(Photo by John Smith/Getty Images)",
        "Ministry headquarters in the capital © AFP – Jane SMITH",
        "All rights reserved",
        "© 2024 Example News Ltd",
        "----",
        "==========",
    ],
)
def test_boilerplate_line_is_dropped(line: str) -> None:
    result = clean_plain_text(_sandwich(line))
    assert _paragraphs(result) == [PARAGRAPH_A, PARAGRAPH_B]
    assert line in result.dropped_lines


@pytest.mark.parametrize(
    "line",
    [
        "North Korean Foreign Minister Choe Son Hui recently visited Moscow",
        "The reclusive state recently fired a salvo of ballistic missiles. AFP",
        "“We will not back down,” the minister said.",
        "– Unanimous vote in Moscow –",
        "Sign-up rates for the scheme rose sharply, officials said.",
        "Subscribers to the ministry's newsletter were told first.",
        "More than 300 firms have applied for an exemption.",
        "Share prices of the affected firms fell 3 percent on Monday.",
        "By Thursday, the first firms had filed their paperwork.",
        "Published in 2019, the draft was shelved after a public outcry over its cost.",
        "Updated rules take effect in May 2024, officials said.",
        "Home ownership rates have fallen for a decade, the report found.",
    ],
)
def test_reporting_line_is_kept(line: str) -> None:
    result = clean_plain_text(_sandwich(line))
    assert _paragraphs(result) == [PARAGRAPH_A, line, PARAGRAPH_B]
    assert result.published is None
    assert result.author is None


@pytest.mark.parametrize(
    "dateline",
    [
        "Published 2:40 pm Thursday, October 24, 2024",
        "Updated: Oct. 24, 2024",
        "Posted on 24 October 2024",
        "Published 2024-10-24",
        "October 24, 2024",
    ],
)
def test_dateline_becomes_published(dateline: str) -> None:
    result = clean_plain_text(f"Ministry unveils new rules\n{dateline}\n{PARAGRAPH_A}")
    assert result.published == datetime.date(2024, 10, 24)
    assert _paragraphs(result) == [PARAGRAPH_A]
    assert dateline not in result.dropped_lines


def test_keyword_dateline_far_from_top_is_not_the_publication_date() -> None:
    body = [f"Paragraph number {n} of the report, officials said." for n in range(10)]
    lines = ["Ministry unveils new rules", *body, "Updated 2024-10-25"]
    result = clean_plain_text("\n".join(lines))
    assert result.published is None
    assert _paragraphs(result) == body
    assert result.dropped_lines == ("Updated 2024-10-25",)


@pytest.mark.parametrize(
    ("byline", "author"),
    [
        ("By Jane Doe", "Jane Doe"),
        ("By Jane Doe and John Roe", "Jane Doe and John Roe"),
        ("By Jane Doe, Reuters", "Jane Doe, Reuters"),
    ],
)
def test_byline_becomes_author(byline: str, author: str) -> None:
    result = clean_plain_text(f"Ministry unveils new rules\n{byline}\n{PARAGRAPH_A}")
    assert result.author == author
    assert _paragraphs(result) == [PARAGRAPH_A]


def test_first_line_paragraph_gives_sentence_title_and_stays() -> None:
    first = (
        "U.S. officials said on Monday that the talks had stalled. Negotiators will meet "
        "again next week in Geneva, according to a statement."
    )
    result = clean_plain_text(f"{first}\n{PARAGRAPH_A}")
    assert result.title == "U.S. officials said on Monday that the talks had stalled."
    assert _paragraphs(result) == [first, PARAGRAPH_A]


def test_long_first_sentence_title_is_cut_at_word_boundary() -> None:
    first = "Officials " + "repeatedly " * 20 + "said the talks had stalled, according to reports."
    result = clean_plain_text(first)
    assert result.title is not None
    assert result.title.endswith("…")
    assert len(result.title) <= 121
    assert first.startswith(result.title.removesuffix("…") + " ")
    assert result.text == first


def test_all_caps_headline_is_title_not_credit() -> None:
    result = clean_plain_text(f"MINISTRY UNVEILS NEW RULES\n{PARAGRAPH_A}")
    assert result.title == "MINISTRY UNVEILS NEW RULES"
    assert result.text == PARAGRAPH_A


def test_one_line_text_keeps_its_line_as_text_and_title() -> None:
    # A one-line file used to lose its only line to the title and be rejected as empty.
    result = clean_plain_text("Ministry unveils new rules\n")
    assert result.title == "Ministry unveils new rules"
    assert result.text == "Ministry unveils new rules"


@pytest.mark.parametrize("raw", ["", "   \n\t\n \u00a0 \n"])
def test_empty_input(raw: str) -> None:
    assert clean_plain_text(raw) == CleanedText(
        title=None, published=None, author=None, text="", dropped_lines=()
    )


def test_only_boilerplate() -> None:
    raw = "Advertisement\nShare this article\n_____\nPost navigation\nMarketplace\n"
    result = clean_plain_text(raw)
    assert result.text == ""
    assert result.title is None
    assert result.dropped_lines == (
        "Advertisement",
        "Share this article",
        "_____",
        "Post navigation",
        "Marketplace",
    )


def test_windows_line_endings() -> None:
    raw = f"Ministry unveils new rules\r\n\r\nBy Jane Doe\r\n{PARAGRAPH_A}\r\nAdvertisement\r\n"
    result = clean_plain_text(raw + f"{PARAGRAPH_B}\r\n")
    assert result.title == "Ministry unveils new rules"
    assert result.author == "Jane Doe"
    assert result.text == f"{PARAGRAPH_A}\n\n{PARAGRAPH_B}"
    assert "\r" not in result.text


def test_non_breaking_spaces_are_stripped_at_line_edges() -> None:
    nbsp = "\u00a0"
    raw = f"{nbsp}Ministry unveils new rules{nbsp}\n{nbsp}\n{nbsp}Follow{nbsp}topic:\n"
    raw += f"{PARAGRAPH_A}{nbsp}\nThe vote was 397{nbsp}to 0.{nbsp}\n"
    result = clean_plain_text(raw)
    assert result.title == "Ministry unveils new rules"
    # Inner NBSPs are part of the paragraph text and stay untouched.
    assert _paragraphs(result) == [PARAGRAPH_A, f"The vote was 397{nbsp}to 0."]
    assert result.dropped_lines == (f"Follow{nbsp}topic:",)


def test_japanese_paragraphs_are_reporting_not_labels() -> None:
    # Japanese has no spaces: each paragraph is one or two whitespace "words" ending in "。".
    # They were taken for trailing labels ("World", "Marketplace") and all dropped, so a
    # Japanese .txt copy came out empty and was rejected.
    raw = "\n\n".join(
        [
            "東京の株価が三日続けて上昇",
            "By Anna Kovacs",
            "日経平均株価は二日、前日比で三百円高い水準で取引を終えた。市場では輸出関連の銘柄に買いが集まった。",
            "政府は来月、新しい経済対策を発表する予定で、投資家の期待が高まっている。",
            "専門家は「円安が続く限り、この流れは変わらない」と話した。",
            "関連",
        ]
    )
    cleaned = clean_plain_text(raw)
    assert cleaned.title == "東京の株価が三日続けて上昇"
    assert cleaned.author == "Anna Kovacs"
    paragraphs = cleaned.text.split("\n\n")
    assert len(paragraphs) == 3 and paragraphs[2].startswith("専門家は")
    assert cleaned.dropped_lines == ("関連",)  # a real label still goes


def test_a_menu_line_above_the_headline_is_navigation_not_the_title() -> None:
    raw = (
        "Front page | Region | Nation | Economy | Science | Arts | Obituaries\n\n"
        "Council approves the harbour budget\n\n"
        "By Tomasz Lindqvist\n\n"
        "The council approved the harbour budget on Tuesday after a long debate over dredging.\n\n"
        "Share this article: Facebook | X | Email\n"
        "Source: https://www.wirewatch.example/2025/07/council-approves-the-harbour-budget\n"
    )
    cleaned = clean_plain_text(raw)
    assert cleaned.title == "Council approves the harbour budget"
    assert cleaned.text == (
        "The council approved the harbour budget on Tuesday after a long debate over dredging."
    )
    assert (
        cleaned.url == "https://www.wirewatch.example/2025/07/council-approves-the-harbour-budget"
    )
    assert "Front page | Region | Nation | Economy | Science | Arts | Obituaries" in (
        cleaned.dropped_lines
    )


@pytest.mark.parametrize(
    "line",
    [
        "Arsenal | 10 | 2 | 32",  # a table row: cells with figures
        "Alpha | Beta",  # two items: not a menu
        "He paused. | She left. | They stayed.",  # sentences
    ],
)
def test_pipes_that_are_not_a_menu_stay(line: str) -> None:
    first = "First paragraph of the story, long enough to be reporting."
    raw = f"Headline here\n\n{first}\n\n{line}\n\nLast paragraph of the story, which closes it."
    assert line in clean_plain_text(raw).text


def test_a_source_line_inside_the_body_is_a_citation_and_stays() -> None:
    body = [f"Paragraph {n} of the report, with enough words to be reporting." for n in range(6)]
    cite = "Source: https://stats.example/report-2024.pdf"
    cleaned = clean_plain_text("\n\n".join(["Headline", *body[:3], cite, *body[3:]]))
    assert cite in cleaned.text and cleaned.url is None
