"""Step 6: one story per component, its canonical copy, and the article and story rows."""

from __future__ import annotations

import dataclasses
import datetime
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

import apache_beam as beam
import numpy as np
from wirestory.transforms.candidates import estimated_jaccard
from wirestory.transforms.records import ExtractedArticle, Signature

STORIES = "stories"
_CENTRALITY_MAX_GROUP = 200


@dataclass(frozen=True)
class Member:
    """What choosing a canonical copy needs of one article: no text."""

    doc_id: str
    word_count: int
    published: datetime.date | None
    url: str | None
    sitename: str | None
    hashvalues: bytes


@dataclass(frozen=True)
class Assignment:
    """An article's story; the canonical one also carries the story's group fields."""

    story_id: str
    is_canonical: bool
    similarity: float
    group: dict[str, Any] | None


def canonical_order(member: Member) -> tuple[int, bool, datetime.date, str]:
    """Sort key: most words first, then earliest published (unknown last), then smallest id."""
    return (
        -member.word_count,
        member.published is None,
        member.published or datetime.date.max,
        member.doc_id,
    )


def rank_members(members: Iterable[Member]) -> list[Member]:
    """Members, the canonical (most complete) copy first.

    Copies derive from one original: abridging, edits and added promo lines each move a copy
    away from the others, so the original is the member most similar to all the rest (the
    medoid by estimated Jaccard). Centrality is rounded so estimator noise does not decide;
    ties fall to canonical_order (most words, earliest date, smallest id). Very large groups
    (mass-produced pages) skip the quadratic centrality.
    """
    ordered = sorted(members, key=lambda m: m.doc_id)
    if 2 < len(ordered) <= _CENTRALITY_MAX_GROUP:
        values = np.stack([signature_values_of(m) for m in ordered])
        similarity = (values[:, None, :] == values[None, :, :]).mean(axis=2)
        centrality = np.round(similarity.sum(axis=1) - 1.0, 2)
    else:
        centrality = np.zeros(len(ordered))
    order = sorted(range(len(ordered)), key=lambda i: (-centrality[i], canonical_order(ordered[i])))
    return [ordered[i] for i in order]


def story_id_for(label: str) -> str:
    """Story id from its component label (the smallest doc_id in it)."""
    return f"st_{label}"


def _member_of(article: ExtractedArticle) -> tuple[str, Member]:
    """The article's canonical-choice fields, keyed by doc_id; the signature joins later."""
    return article.doc_id, Member(
        article.doc_id,
        article.word_count,
        article.published,
        article.url,
        article.sitename,
        b"",
    )


def _keyed_member(item: tuple[str, dict[str, list[Any]]]) -> Iterator[tuple[str, Member]]:
    """Joins a member with its signature and component label, keyed by that label."""
    doc_id, joined = item
    if not joined["member"]:
        return
    member: Member = joined["member"][0]
    signature: Signature = joined["signature"][0]
    label = joined["label"][0] if joined["label"] else doc_id
    yield label, dataclasses.replace(member, hashvalues=signature.hashvalues)


class AssignStoryFn(beam.DoFn):
    """Picks the canonical copy of one component and assigns every member to the story."""

    def process(self, group: tuple[str, Iterable[Member]]) -> Iterator[tuple[str, Assignment]]:
        label, members_iter = group
        members = rank_members(members_iter)
        canonical = members[0]
        story_id = story_id_for(label)
        dates = [m.published for m in members if m.published is not None]
        group_fields = {
            "story_id": story_id,
            "canonical_doc_id": canonical.doc_id,
            "size": len(members),
            "doc_ids": sorted(m.doc_id for m in members),
            "urls": sorted({m.url for m in members if m.url}),
            "sites": sorted({m.sitename for m in members if m.sitename}),
            "first_published": min(dates) if dates else None,
            "last_published": max(dates) if dates else None,
        }
        yield canonical.doc_id, Assignment(story_id, True, 1.0, group_fields)
        reference = signature_values_of(canonical)
        for member in members[1:]:
            similarity = estimated_jaccard(reference, signature_values_of(member))
            yield member.doc_id, Assignment(story_id, False, similarity, None)


def signature_values_of(member: Member) -> np.ndarray:
    """The MinHash values of a member (little-endian uint32, as in Signature records)."""
    return np.frombuffer(member.hashvalues, dtype="<u4")


class BuildRowsFn(beam.DoFn):
    """Emits the articles-table row, and for a canonical copy the stories-table row."""

    def process(self, item: tuple[str, dict[str, list[Any]]]) -> Iterator[Any]:
        _, joined = item
        article: ExtractedArticle = joined["article"][0]
        assignment: Assignment = joined["assignment"][0]
        yield {
            "doc_id": article.doc_id,
            "source_uri": article.source_uri,
            "url": article.url,
            "title": article.title,
            "author": article.author,
            "published": article.published,
            "sitename": article.sitename,
            "language": article.language,
            "fetched": article.fetched,
            "text": article.text,
            "word_count": article.word_count,
            "story_id": assignment.story_id,
            "is_canonical": assignment.is_canonical,
            "similarity": round(assignment.similarity, 6),
        }
        if assignment.group is not None:
            story = {"title": article.title, "url": article.url, "text": article.text}
            yield beam.pvalue.TaggedOutput(STORIES, {**assignment.group, **story})


class AssignStories(beam.PTransform):
    """(articles, signatures, component labels) -> article rows and story rows ('stories')."""

    def expand(self, inputs: tuple[beam.PCollection, ...]) -> beam.pvalue.DoOutputsTuple:
        articles, signatures, labels = inputs
        keyed_articles = articles | "KeyArticles" >> beam.Map(lambda a: (a.doc_id, a))
        members = (
            {
                # Only the fields the canonical choice needs travel here, not the text.
                "member": articles | "Members" >> beam.Map(_member_of),
                "signature": signatures | "KeySignatures" >> beam.Map(lambda s: (s.doc_id, s)),
                "label": labels,
            }
            | "JoinLabels" >> beam.CoGroupByKey()
            | "KeyByStory" >> beam.FlatMap(_keyed_member)
        )
        assignments = (
            members
            | "GroupStories" >> beam.GroupByKey()
            | "PickCanonical" >> beam.ParDo(AssignStoryFn())
        )
        return (
            {"article": keyed_articles, "assignment": assignments}
            | "JoinAssignments" >> beam.CoGroupByKey()
            | "BuildRows" >> beam.ParDo(BuildRowsFn()).with_outputs(STORIES, main="articles")
        )
