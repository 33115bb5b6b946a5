"""Bylines reduced to names: roles after a comma, publishers, repeated words, comment authors."""

from __future__ import annotations

import pytest
from wirestory.transforms.bylines import clean_author
from wirestory.transforms.metadata import page_metadata, parse_tree

PROSE = "<p>" + "The night ferry resumes its winter timetable after repairs. " * 6 + "</p>"


@pytest.mark.parametrize(
    ("byline", "expected"),
    [
        # A later segment that names a role goes whole, "and" inside it included.
        ("By Brett Cruz , Privacy and Digital Security Expert", "Brett Cruz"),
        ("Rasmus Barslund, Lead Reviewer", "Rasmus Barslund"),
        ("Manoj Jain and Jagpreet Chhatwal | Guest Columnists", "Manoj Jain, Jagpreet Chhatwal"),
        ("Matt Check Head Winemaker", "Matt Check"),
        # ... but a group byline stays a name.
        (
            "Thomas Broderick, Nalea Ko, and ACO Rankings Team",
            "Thomas Broderick, Nalea Ko, ACO Rankings Team",
        ),
        # A publisher in capitals after the name; one capitalised postnominal stays.
        ("Brian Truitt USA TODAY", "Brian Truitt"),
        ("Sarah Knowles MW", "Sarah Knowles MW"),
        ("JOHN SMITH", "JOHN SMITH"),
        # Words that follow a name in comments and credits.
        ("Help Net Security Sponsored", "Help Net Security"),
        ("David at Example Farm", "David"),
        # An avatar's label repeated before the name.
        ("Yucy Yucy", "Yucy"),
    ],
)
def test_byline_roles_and_publishers(byline: str, expected: str) -> None:
    assert clean_author(byline) == expected


def _author(head: str, body: str) -> str | None:
    tree = parse_tree(f"<html><head>{head}</head><body>{body}</body></html>")
    assert tree is not None
    return page_metadata(tree).author


def test_a_comment_author_is_not_the_articles() -> None:
    comments = '<div class="comment-list"><span class="comment-author">Jiobal says:</span></div>'
    body = f"<h1>Ferry</h1><p>By Amanda</p>{PROSE}{comments}"
    assert _author("", body) == "Amanda"


def test_citation_author_is_family_name_first() -> None:
    assert _author('<meta name="citation_author" content="Roy, Aniruddha">', PROSE) == (
        "Aniruddha Roy"
    )


def test_the_linked_name_after_a_printed_by() -> None:
    body = '<h1>Ferry</h1><p>By <a href="/c/ajn">A. J. Neal</a> View In Digital Edition</p>'
    assert _author("", body + PROSE) == "A. J. Neal"


def test_an_author_box_with_a_bio_names_its_first_line() -> None:
    bio = "Lauren writes about ferries, harbours and the people who keep them running. " * 2
    box = (
        f'<div class="author-box"><p>Author Spotlight</p><div>Lauren Vetter</div><p>{bio}</p></div>'
    )
    assert _author("", f"<h1>Ferry</h1>{PROSE}{box}") == "Lauren Vetter"
    # A page container whose class names an author is not an author box.
    page = f'<div class="single-author"><p>Skip to content</p>{PROSE * 3}</div>'
    assert _author("", f"<h1>Ferry</h1>{page}") is None


@pytest.mark.parametrize(
    ("byline", "expected"),
    [
        ("CM Craig McCarthy", "Craig McCarthy"),  # an avatar's initials
        ("NASA Goddard Staff", "NASA Goddard Staff"),
        ("Guide by Will Judd Former Deputy Tech Editor", "Will Judd"),
    ],
)
def test_initials_and_kinds_of_byline(byline: str, expected: str) -> None:
    assert clean_author(byline) == expected


def test_one_citation_author_tag_per_author() -> None:
    head = "".join(
        f'<meta name="citation_author" content="{name}">'
        for name in ("Mahindru, Aditya", "Pradeep Patil", "Varun Agrawal")
    )
    assert _author(head, PROSE) == "Aditya Mahindru, Pradeep Patil, Varun Agrawal"
