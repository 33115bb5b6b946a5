"""Stories: canonical pick (most words, earliest date, smallest id) and row building."""

from __future__ import annotations

import datetime

import apache_beam as beam
import numpy as np
from apache_beam.testing.util import assert_that, equal_to
from wirestory.transforms.records import ExtractedArticle, Signature
from wirestory.transforms.stories import (
    STORIES,
    AssignStories,
    Member,
    canonical_order,
    rank_members,
)

from tests.conftest import local_pipeline

D = datetime.date


def _member(doc_id: str, words: int, published: D | None) -> Member:
    return Member(doc_id, words, published, None, None, b"")


def test_canonical_order_words_then_date_then_id() -> None:
    members = [
        _member("c", 100, D(2024, 1, 3)),
        _member("b", 120, None),
        _member("a", 120, D(2024, 1, 5)),
        _member("d", 120, D(2024, 1, 5)),
        _member("e", 120, D(2024, 1, 4)),
    ]
    assert [m.doc_id for m in sorted(members, key=canonical_order)] == ["e", "a", "d", "b", "c"]


def _article(doc_id: str, words: int, published: D | None, site: str) -> ExtractedArticle:
    return ExtractedArticle(
        doc_id,
        f"/in/{doc_id}.html",
        f"https://{site}/{doc_id}",
        f"T {doc_id}",
        None,
        published,
        site,
        "en",
        f"text of {doc_id}",
        words,
    )


def test_assign_stories_builds_article_and_story_rows() -> None:
    values = np.arange(128, dtype=np.uint32)
    half = values.copy()
    half[:64] += 1
    articles = [
        _article("a1", 300, D(2024, 5, 2), "one.example"),
        _article("a2", 500, D(2024, 5, 1), "two.example"),
        _article("a3", 500, D(2024, 5, 3), "one.example"),
        _article("solo", 50, None, "three.example"),
    ]
    signatures = [
        Signature("a1", 10, values.tobytes()),
        Signature("a2", 10, values.tobytes()),
        Signature("a3", 10, half.tobytes()),
        Signature("solo", 10, values.tobytes()),
    ]
    labels = [("a1", "a1"), ("a2", "a1"), ("a3", "a1")]
    with local_pipeline() as p:
        rows = (
            p | "A" >> beam.Create(articles),
            p | "S" >> beam.Create(signatures),
            p | "L" >> beam.Create(labels),
        ) | AssignStories()
        story_of = rows.articles | beam.Map(
            lambda r: (r["doc_id"], r["story_id"], r["is_canonical"], r["similarity"])
        )
        assert_that(
            story_of,
            equal_to(
                [
                    ("a1", "st_a1", False, 1.0),
                    ("a2", "st_a1", True, 1.0),
                    ("a3", "st_a1", False, 0.5),
                    ("solo", "st_solo", True, 1.0),
                ]
            ),
            label="articles",
        )
        stories = rows[STORIES] | beam.Map(
            lambda s: (
                s["story_id"],
                s["canonical_doc_id"],
                s["size"],
                s["doc_ids"],
                s["sites"],
                s["first_published"],
                s["last_published"],
                s["text"],
            )
        )
        assert_that(
            stories,
            equal_to(
                [
                    (
                        "st_a1",
                        "a2",
                        3,
                        ["a1", "a2", "a3"],
                        ["one.example", "two.example"],
                        D(2024, 5, 1),
                        D(2024, 5, 3),
                        "text of a2",
                    ),
                    ("st_solo", "solo", 1, ["solo"], ["three.example"], None, None, "text of solo"),
                ]
            ),
            label="stories",
        )


def test_rank_members_prefers_the_copy_closest_to_all_others() -> None:
    original = np.arange(128, dtype=np.uint32)
    padded = original.copy()
    padded[:20] += 1000  # the original plus an outlet's own paragraph: more words, further away
    abridged = original.copy()
    abridged[100:] += 2000  # the first part only
    members = [
        Member("orig", 500, None, None, None, original.tobytes()),
        Member("padded", 560, None, None, None, padded.tobytes()),
        Member("short", 250, None, None, None, abridged.tobytes()),
    ]
    assert [m.doc_id for m in rank_members(members)] == ["orig", "padded", "short"]
    # A pair has no majority: the longer copy wins.
    assert rank_members(members[:2])[0].doc_id == "padded"
