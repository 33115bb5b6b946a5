"""`wirestory explain DATASET DOC_ID`: why an article is in its story.

Prints the article's story, the match it joined through (the explain columns), every verified
match it has inside the story with exact scores (recomputed from the stored texts with the
grouping's own functions), the lines in which it names its own outlet that no other copy holds
(they count against it as the canonical copy), and a word-level diff against the canonical copy.
"""

from __future__ import annotations

import dataclasses
import difflib
import json
import os
from collections.abc import Iterator, Sequence
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq
from wirestory.transforms.candidates import (
    Match,
    containment_score,
    is_containment_match,
    is_jaccard_edge,
    jaccard_score,
    overlap,
)
from wirestory.transforms.canonical import line_texts, own_additions
from wirestory.transforms.records import ExtractedArticle
from wirestory.transforms.signatures import MinHashParams, lead_keys, normalise, shingle_sequence
from wirestory.transforms.stories import member_of

ARTICLE_COLUMNS = [
    "doc_id",
    "url",
    "title",
    "sitename",
    "published",
    "text",
    "word_count",
    "story_id",
    "is_canonical",
    "similarity",
    "matched_doc_id",
    "match_jaccard",
    "match_containment",
]


def read_table(dataset: str, table: str, columns: Sequence[str] | None = None) -> pa.Table:
    """DATASET/<table> as Arrow: a Delta Lake table when it has a _delta_log, else Parquet.

    Columns the table does not have (an older dataset) come back as nulls.
    """
    path = os.path.join(dataset, table)
    if os.path.isdir(os.path.join(path, "_delta_log")):
        from deltalake import DeltaTable

        data = DeltaTable(os.path.abspath(path)).to_pyarrow_table()
    else:
        data = pq.read_table(path)
    if columns is None:
        return data
    present = [c for c in columns if c in data.column_names]
    data = data.select(present)
    for name in columns:
        if name not in present:
            data = data.append_column(name, pa.nulls(len(data), pa.string()))
    return data.select(list(columns))


def dataset_params(dataset: str) -> MinHashParams:
    """The similarity settings the dataset was built with (manifest.json), else the defaults."""
    path = os.path.join(dataset, "manifest.json")
    try:
        with open(path, encoding="utf-8") as handle:
            saved = json.load(handle)["parameters"]["minhash"]
    except (OSError, KeyError, ValueError):
        return MinHashParams()
    fields = {f.name for f in dataclasses.fields(MinHashParams)}
    return MinHashParams(**{k: v for k, v in saved.items() if k in fields})


@dataclasses.dataclass(frozen=True)
class Shingled:
    """A text's shingle keys and lead, as the grouping computes them."""

    keys: np.ndarray
    lead: np.ndarray

    @classmethod
    def of(cls, text: str, params: MinHashParams) -> Shingled:
        sequence = shingle_sequence(normalise(text), params.shingle_size)
        return cls(np.unique(sequence), lead_keys(sequence, params.lead_shingles))


def verified_match(
    doc: tuple[str, Shingled], other: tuple[str, Shingled], params: MinHashParams
) -> Match | None:
    """The grouping's verification of two stored texts (None when they do not match)."""
    a, b = doc[1], other[1]
    if min(len(a.keys), len(b.keys)) < params.min_shingles:
        return None
    shared = overlap(a.keys, b.keys)
    jaccard = jaccard_score(shared, len(a.keys), len(b.keys))
    containment = containment_score(shared, len(a.keys), len(b.keys))
    (small_id, small), (large_id, large) = sorted(
        (doc, other), key=lambda d: (len(d[1].keys), [-ord(c) for c in d[0]])
    )
    lead = overlap(large.lead, small.keys) / len(large.lead) if len(large.lead) else 1.0
    edge = is_jaccard_edge(jaccard, params)
    if not (edge or is_containment_match(containment, lead, params)):
        return None
    return Match(small_id, large_id, jaccard, containment, edge, len(small.keys), len(large.keys))


def word_diff(old: str, new: str, context: int = 6) -> Iterator[tuple[str, str]]:
    """(op, words) runs of a word-level diff; long equal runs are cut to `context` words at
    each end. op is '=', '-' (only in old) or '+' (only in new)."""
    a, b = old.split(), new.split()
    matcher = difflib.SequenceMatcher(None, a, b, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            words = a[i1:i2]
            if len(words) > 2 * context + 1:
                cut = len(words) - 2 * context
                yield "=", " ".join(words[:context])
                yield "...", f"{cut} equal words"
                yield "=", " ".join(words[-context:])
            else:
                yield "=", " ".join(words)
            continue
        if i2 > i1:
            yield "-", " ".join(a[i1:i2])
        if j2 > j1:
            yield "+", " ".join(b[j1:j2])


def _fmt(value: Any, digits: int = 3) -> str:
    return (
        "-" if value is None else f"{value:.{digits}f}" if isinstance(value, float) else str(value)
    )


def explain(dataset: str, doc_id: str) -> str:
    """The explanation of one article, as printed by `wirestory explain`."""
    articles = read_table(dataset, "articles", ARTICLE_COLUMNS)
    found = articles.filter(pc.equal(articles["doc_id"], doc_id)).to_pylist()
    if not found:
        raise KeyError(f"no article with doc_id {doc_id!r} in {dataset}")
    row = found[0]
    story = articles.filter(pc.equal(articles["story_id"], row["story_id"])).to_pylist()
    story.sort(key=lambda r: (not r["is_canonical"], r["doc_id"]))
    canonical = story[0]
    params = dataset_params(dataset)
    lines = [
        f"article   {row['doc_id']}  {row['sitename'] or '-'}  {row['title'] or '(no title)'}",
        f"story     {row['story_id']}  {len(story)} article(s); canonical copy "
        f"{canonical['doc_id']} ({canonical['sitename'] or '-'}): {canonical['title'] or ''}",
    ]
    if row["is_canonical"]:
        lines.append("joined    - (the story's canonical copy: its first document)")
    elif row["matched_doc_id"]:
        lines.append(
            f"joined    through {row['matched_doc_id']}: Jaccard {_fmt(row['match_jaccard'])}, "
            f"containment {_fmt(row['match_containment'])}"
        )
    mine = (row["doc_id"], Shingled.of(row["text"], params))
    matches = []
    for other in story:
        if other["doc_id"] == row["doc_id"]:
            continue
        match = verified_match(mine, (other["doc_id"], Shingled.of(other["text"], params)), params)
        if match is not None:
            matches.append((other, match))
    matches.sort(key=lambda item: (-item[1].jaccard, item[0]["doc_id"]))
    lines.append(
        f"matches   {len(matches)} verified in the story (threshold {params.threshold}, "
        f"containment {params.containment}):"
    )
    for other, match in matches:
        kind = "jaccard" if match.is_jaccard_edge else "contained"
        lines.append(
            f"  {other['doc_id']}  {kind:9s}  J {match.jaccard:.3f}  C {match.containment:.3f}"
            f"  {other['sitename'] or '-'}"
        )
    lines += _own_lines(row, story, params)
    if not row["is_canonical"]:
        lines.append("diff      against the canonical copy ([-only there-] {+only here+}):")
        lines.append("  " + render_diff(word_diff(canonical["text"], row["text"])))
    return "\n".join(lines)


def _own_lines(
    row: dict[str, Any], story: list[dict[str, Any]], params: MinHashParams
) -> list[str]:
    """The lines of this copy that name its own outlet and that the other copies lack: they
    count against it in the canonical choice (transforms/canonical.py, own additions)."""
    members = [member_of(_article(other), params) for other in story]
    own = own_additions(members, [np.unique(m.keys()) for m in members])
    mine = own[[m.doc_id for m in members].index(row["doc_id"])]
    if not mine:
        return []
    texts = line_texts(row["text"])
    found = [
        f"own lines {len(mine)} line(s) name this copy's outlet and no other copy holds them; "
        "they count against it in the canonical choice:"
    ]
    return found + [f"  {texts[h][:120]}" for h in sorted(mine, key=list(texts).index)]


def _article(row: dict[str, Any]) -> ExtractedArticle:
    """A stored article row as the canonical choice reads it (its stored text)."""
    return ExtractedArticle(
        row["doc_id"], "", row["url"], row["title"], None, row["published"], row["sitename"],
        None, row["text"], row["word_count"],
    )  # fmt: skip


def render_diff(runs: Iterator[tuple[str, str]]) -> str:
    """A diff as one text: [-removed-] {+added+} (...)."""
    parts = []
    for op, words in runs:
        if op == "=":
            parts.append(words)
        elif op == "...":
            parts.append(f"(... {words} ...)")
        elif op == "-":
            parts.append(f"[-{words}-]")
        else:
            parts.append(f"{{+{words}+}}")
    return " ".join(p for p in parts if p)
