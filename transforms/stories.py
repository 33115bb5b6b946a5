"""Step 6: one story per group, its canonical copy, and the article and story rows.

A story is gathered on one worker (keyed by its label) to pick its canonical copy
(transforms/canonical.py). A group above max_story_size is mass-produced pages or a bad input:
its members are never gathered. Each is labelled on its own, its smallest doc_id (the label) is
the canonical copy, the story row's fields come from a combiner, and the story is listed in the
summary (StoryFields.oversized).
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

import apache_beam as beam
import numpy as np
from apache_beam.utils.windowed_value import WindowedValue
from wirestory.transforms.candidates import Match, jaccard_score, overlap
from wirestory.transforms.canonical import (
    Member,
    furniture_floor,
    joined_through,
    line_keys,
    outlet_key,
    rank_members,
)
from wirestory.transforms.packing import PackPerKeyFn, unpacked
from wirestory.transforms.records import ExtractedArticle
from wirestory.transforms.signatures import MinHashParams, normalise, shingle_sequence

STORIES = "stories"
OVERSIZED = "oversized"


@dataclass(frozen=True)
class Assignment:
    """An article's story, why it is there, and for the canonical copy the story's fields."""

    story_id: str
    is_canonical: bool
    similarity: float
    match: Match | None
    group: dict[str, Any] | None


def story_id_for(label: str) -> str:
    """Story id from its group label (the smallest doc_id in its Jaccard core)."""
    return f"st_{label}"


def member_of(article: ExtractedArticle, params: MinHashParams, sequence: bool = True) -> Member:
    """The article's canonical-choice fields, no text: its lines and those naming its own outlet
    (canonical.line_keys) and, with `sequence`, its shingle sequence computed from the text;
    without, no keys yet (the signature's keys join it later)."""
    keys = b""
    if sequence:
        keys = (
            shingle_sequence(normalise(article.text), params.shingle_size).astype("<u4").tobytes()
        )
    site = outlet_key(article.sitename, article.url)
    lines, naming = line_keys(article.text, params.shingle_size, site)
    return Member(
        article.doc_id,
        article.word_count,
        article.published,
        article.url,
        article.sitename,
        keys,
        lines=lines,
        naming=naming,
    )


def _group_fields(story_id: str, canonical: str, members: list[Member]) -> dict[str, Any]:
    dates = [m.published for m in members if m.published is not None]
    return {
        "story_id": story_id,
        "canonical_doc_id": canonical,
        "size": len(members),
        "doc_ids": sorted(m.doc_id for m in members),
        "urls": sorted({m.url for m in members if m.url}),
        "sites": sorted({m.sitename for m in members if m.sitename}),
        "first_published": min(dates) if dates else None,
        "last_published": max(dates) if dates else None,
    }


def exact_similarity(left: Member | np.ndarray, right: Member) -> float:
    """Exact Jaccard similarity of two members' shingle sets (`left` may be given as its
    distinct keys, computed once for a whole group)."""
    a = left if isinstance(left, np.ndarray) else np.unique(left.keys())
    b = np.unique(right.keys())
    return jaccard_score(overlap(a, b), len(a), len(b))


def assign_group(
    label: str, members_iter: Iterable[Member], furniture: Iterable[int] = ()
) -> Iterator[tuple[str, Assignment]]:
    """The canonical copy of one group, and every member's assignment; `furniture`: the hashes
    of the group's lines that are furniture (canonical.furniture_floor)."""
    members = rank_members(members_iter, frozenset(furniture))
    canonical = members[0]
    story_id = story_id_for(label)
    group = _group_fields(story_id, canonical.doc_id, members)
    yield canonical.doc_id, Assignment(story_id, True, 1.0, None, group)
    through = joined_through(canonical.doc_id, members)
    canonical_keys = np.unique(canonical.keys())
    for member in members[1:]:
        similarity = exact_similarity(canonical_keys, member)
        yield (
            member.doc_id,
            Assignment(story_id, False, similarity, through.get(member.doc_id), None),
        )


def _keyed_member(
    item: tuple[str, dict[str, list[Any]]], oversized: dict[str, int]
) -> Iterator[Any]:
    """Joins a member with its label and matches, keyed by the label (oversized: assigned now)."""
    doc_id, joined = item
    if not joined["member"]:
        return
    member: Member = joined["member"][0]
    if joined.get("keys"):  # the signature's distinct shingle keys: the set the choice uses
        member = Member(**{**member.__dict__, "sequence": joined["keys"][0]})
    label = joined["label"][0] if joined["label"] else doc_id
    matches = tuple(sorted(set(unpacked(joined["match"])), key=lambda m: (m.small, m.large)))
    member = Member(**{**member.__dict__, "matches": matches})
    if label not in oversized:
        yield label, member
    else:
        # Never gathered: the label is the canonical copy, a member's best match explains it.
        yield beam.pvalue.TaggedOutput(OVERSIZED, (doc_id, _oversized_assignment(label, member)))
        yield beam.pvalue.TaggedOutput("oversized_members", (label, member))


def _oversized_assignment(label: str, member: Member) -> Assignment:
    if member.doc_id == label:
        return Assignment(story_id_for(label), True, 1.0, None, None)
    key = lambda m: (-m.jaccard, -m.containment, m.small, m.large)  # noqa: E731
    best = min(member.matches, key=key, default=None)
    return Assignment(story_id_for(label), False, best.jaccard if best else 0.0, best, None)


class StoryFields(beam.CombineFn):
    """The story row's group fields of an oversized story, combined without gathering members."""

    def create_accumulator(self) -> dict[str, Any]:
        return {"size": 0, "doc_ids": [], "urls": set(), "sites": set(), "dates": []}

    def add_input(self, acc: dict[str, Any], member: Member) -> dict[str, Any]:
        acc["size"] += 1
        acc["doc_ids"].append(member.doc_id)
        acc["urls"].update([member.url] if member.url else [])
        acc["sites"].update([member.sitename] if member.sitename else [])
        acc["dates"] = _date_range([*acc["dates"], member.published])
        return acc

    def merge_accumulators(self, accumulators: Iterable[dict[str, Any]]) -> dict[str, Any]:
        out = self.create_accumulator()
        for acc in accumulators:
            out["size"] += acc["size"]
            out["doc_ids"] += acc["doc_ids"]
            out["urls"] |= acc["urls"]
            out["sites"] |= acc["sites"]
            out["dates"] = _date_range([*out["dates"], *acc["dates"]])
        return out

    def extract_output(self, acc: dict[str, Any]) -> dict[str, Any]:
        dates = acc["dates"]
        return {
            "size": acc["size"],
            "doc_ids": sorted(acc["doc_ids"]),
            "urls": sorted(acc["urls"]),
            "sites": sorted(acc["sites"]),
            "first_published": dates[0] if dates else None,
            "last_published": dates[-1] if dates else None,
        }


def _date_range(dates: list[datetime.date | None]) -> list[datetime.date]:
    known = sorted(d for d in dates if d is not None)
    return [known[0], known[-1]] if known else []


def _oversized_canonical(label_fields: tuple[str, dict[str, Any]]) -> tuple[str, Assignment]:
    label, fields = label_fields
    story_id = story_id_for(label)
    group = {"story_id": story_id, "canonical_doc_id": label, **fields}
    return label, Assignment(story_id, True, 1.0, None, group)


class BuildRowsFn(beam.DoFn):
    """Emits the articles-table row, and for a canonical copy the stories-table row."""

    def process(self, item: tuple[str, dict[str, list[Any]]]) -> Iterator[Any]:
        _, joined = item
        if not joined["article"]:
            return
        article: ExtractedArticle = joined["article"][0]
        # An oversized story's canonical copy has a plain and a combined assignment.
        found = [a for side in ("assignment", "oversized", "combined") for a in joined[side]]
        assignment: Assignment = max(found, key=lambda a: a.group is not None)
        match = assignment.match
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
            "text": article.stored_text(),
            "word_count": article.stored_words(),
            "story_id": assignment.story_id,
            "is_canonical": assignment.is_canonical,
            "similarity": round(assignment.similarity, 6),
            "matched_doc_id": match.other(article.doc_id) if match else None,
            "match_jaccard": round(match.jaccard, 6) if match else None,
            "match_containment": round(match.containment, 6) if match else None,
        }
        if assignment.group is not None:
            story = {"title": article.title, "url": article.url, "text": article.stored_text()}
            yield beam.pvalue.TaggedOutput(STORIES, {**assignment.group, **story})


# Line holders travel packed, like the band entries (candidates.py): (line, label) pairs go to one
# of _LINE_SHARDS shards by line hash, each bundle emitting a shard's distinct pairs together,
# at most _PACK to an element. A shard holds 1/_LINE_SHARDS of the run's distinct pairs, and one
# line's labels at most (the stories holding it).
_LINE_SHARDS = 1024
_PACK = 4096


class PackLinesFn(beam.DoFn):
    """(label, member) -> (shard, [(line hash, label), ...]): each bundle's distinct line holders
    per window and line shard."""

    def start_bundle(self) -> None:
        self._packs: dict[tuple[Any, int], set[tuple[int, str]]] = {}

    def process(
        self, item: tuple[str, Member], window: Any = beam.DoFn.WindowParam
    ) -> Iterator[tuple[int, list[tuple[int, str]]]]:
        label, member = item
        for line, _ in member.lines:
            shard = line % _LINE_SHARDS
            pack = self._packs.setdefault((window, shard), set())
            pack.add((line, label))
            if len(pack) >= _PACK:
                yield shard, sorted(self._packs.pop((window, shard)))

    def finish_bundle(self) -> Iterator[WindowedValue]:
        for (window, shard), pack in self._packs.items():
            yield WindowedValue((shard, sorted(pack)), window.max_timestamp(), (window,))
        self._packs = {}


def _furniture_of(
    item: tuple[int, Iterable[list[tuple[int, str]]]], stories: int
) -> Iterator[tuple[str, int]]:
    """(label, line hash) for every story holding a line of this shard that is furniture."""
    holders: dict[int, set[str]] = {}
    for pack in item[1]:
        for line, label in pack:
            holders.setdefault(line, set()).add(label)
    floor = furniture_floor(stories)
    for line, labels in holders.items():
        if len(labels) >= floor:
            for label in labels:
                yield label, line


class StoryFurniture(beam.PTransform):
    """(label, member) -> (label, line hash) of the lines that are furniture: held by at least
    canonical.furniture_floor(stories) stories. One packed shuffle by line shard counts each
    line's distinct stories; in a windowed (streaming) pipeline, per window."""

    def expand(self, members: beam.PCollection) -> beam.PCollection:
        stories = (
            members
            | "Labels" >> beam.Keys()
            | "DistinctLabels" >> beam.Distinct()
            | "CountStories" >> beam.combiners.Count.Globally().without_defaults()
        )
        return (
            members
            | "PackLines"
            # Typed Any, not list[...]: packs get the compiled coder (components.PackCoded).
            >> beam.ParDo(PackLinesFn()).with_output_types(tuple[int, Any])
            | "GroupLineShards" >> beam.GroupByKey()
            | "FurnitureLines"
            >> beam.FlatMap(_furniture_of, beam.pvalue.AsSingleton(stories, default_value=0))
        )


def _both_ends(match: Match) -> Iterator[tuple[str, Match]]:
    yield match.small, match
    yield match.large, match


class AssignStories(beam.PTransform):
    """(articles, labels, used matches[, signatures]) -> article rows (main) and story rows
    ('stories'); OVERSIZED: (label, size) of the groups above max_story_size.

    With the articles' signatures, members take their shingle keys from them; without, each
    article's text is shingled again (the same set: canonical choice uses distinct keys)."""

    def __init__(self, params: MinHashParams) -> None:
        super().__init__()
        self._params = params

    def expand(self, inputs: tuple[beam.PCollection, ...]) -> beam.pvalue.DoOutputsTuple:
        articles, labels, matches, *signatures = inputs
        limit = self._params.max_story_size
        oversized = (
            labels
            | "LabelOnes" >> beam.Map(lambda item: (item[1], 1))
            | "GroupSizes" >> beam.CombinePerKey(sum)
            | "Oversized" >> beam.Filter(lambda item: item[1] > limit)
        )
        keyed_articles = articles | "KeyArticles" >> beam.Map(lambda a: (a.doc_id, a))
        params, sequence = self._params, not signatures
        joined = {
            # Only the fields the canonical choice needs travel here, not the text.
            "member": articles
            | "Members"
            >> beam.Map(lambda a, p, s: (a.doc_id, member_of(a, p, s)), params, sequence),
            "label": labels,
            "match": matches | "MatchEnds" >> beam.ParDo(PackPerKeyFn(_both_ends, True)),
        }
        if signatures:
            joined["keys"] = signatures[0] | "SignatureKeys" >> beam.Map(
                lambda s: (s.doc_id, s.shingle_keys)
            )
        members = (
            joined
            | "JoinLabels" >> beam.CoGroupByKey()
            | "KeyByStory"
            >> beam.FlatMap(_keyed_member, beam.pvalue.AsDict(oversized)).with_outputs(
                OVERSIZED, "oversized_members", main="members"
            )
        )
        furniture = members.members | "Furniture" >> StoryFurniture()
        assignments = (
            {"member": members.members, "furniture": furniture}
            | "GroupStories" >> beam.CoGroupByKey()
            | "PickCanonical"
            >> beam.FlatMapTuple(lambda label, j: assign_group(label, j["member"], j["furniture"]))
        )
        combined = (
            members.oversized_members
            | "OversizedFields" >> beam.CombinePerKey(StoryFields())
            | "OversizedCanonical" >> beam.Map(_oversized_canonical)
        )
        # The three assignment kinds join as three inputs: no Flatten of their own (on the local
        # runner a Flatten is one more pass over its elements).
        rows = (
            {
                "article": keyed_articles,
                "assignment": assignments,
                "oversized": members[OVERSIZED],
                "combined": combined,
            }
            | "JoinAssignments" >> beam.CoGroupByKey()
            | "BuildRows" >> beam.ParDo(BuildRowsFn()).with_outputs(STORIES, main="articles")
        )
        return {"articles": rows.articles, STORIES: rows[STORIES], OVERSIZED: oversized}
