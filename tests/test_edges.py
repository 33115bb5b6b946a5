"""The page's headline, date and byline lines at the edges of an extracted text."""

from __future__ import annotations

from wirestory.transforms.edges import is_metadata_line, strip_edge_metadata

BODY = [
    "The council approved the budget on Tuesday after a four-hour debate in the chamber.",
    "Opposition members said the plan cut too deeply into library and transport services.",
    "The mayor said the savings were needed to keep council tax rises below five percent.",
]
TITLE = "Council approves budget after long debate"


def test_headline_and_date_lines_above_the_body_are_dropped() -> None:
    text = "\n".join([TITLE, "March 16, 2024", *BODY])
    assert strip_edge_metadata(text, TITLE) == "\n".join(BODY)


def test_a_template_headline_and_date_byline_below_the_body_are_dropped() -> None:
    text = "\n".join([*BODY, TITLE, "February 25, 2024 | Transcontinental Press"])
    assert strip_edge_metadata(text, TITLE) == "\n".join(BODY)


def test_byline_and_stamped_date_lines_are_metadata() -> None:
    assert is_metadata_line("By Farah Qureshi, Transcontinental Press", [])
    assert is_metadata_line("Updated: 5 March 2024 10:32 GMT", [])
    assert is_metadata_line("Transcontinental Press November 6, 2024", [])


def test_sentences_and_lines_in_the_middle_stay() -> None:
    # A sentence that mentions a date is text; so is a byline-like line with a full stop.
    assert not is_metadata_line("On March 5, 2024 he died.", [])
    assert not is_metadata_line("By the end of the week, nothing had changed.", [])
    # A date line between paragraphs is not at an edge.
    text = "\n".join([BODY[0], "March 16, 2024", BODY[1], BODY[2]])
    assert strip_edge_metadata(text, TITLE) == text
    # The title repeated inside the text, not at an edge, stays too.
    text = "\n".join([BODY[0], BODY[1], TITLE, BODY[2]])
    assert strip_edge_metadata(text, TITLE) == text


def test_a_short_text_is_kept_whole() -> None:
    text = "\n".join([TITLE, "March 16, 2024", "Too short to lose its lines."])
    assert strip_edge_metadata(text, TITLE) == text
