"""Grouping quality against the syndication ground truth: pairwise P/R/F1, ARI, canonical picks.

Every metric takes plain mappings (item -> label), so the same code scores a pipeline run and the
offline parameter grid. Pair counts come from the contingency table, never from enumerating the
predicted pairs, so a badly merged run of 100,000 documents costs no more than a good one.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from itertools import combinations
from pathlib import Path
from typing import Any


def _pairs(n: int) -> int:
    return n * (n - 1) // 2


@dataclass
class PairScores:
    """Pairwise precision/recall/F1 and the adjusted Rand index of one grouping."""

    precision: float
    recall: float
    f1: float
    ari: float
    true_pairs: int
    predicted_pairs: int
    shared_pairs: int


def pair_scores(truth: Mapping[str, str], predicted: Mapping[str, str]) -> PairScores:
    """Scores predicted labels against true labels over the items of truth.

    An item missing from predicted counts as a group of its own (it was lost, so it joined
    nothing). With no predicted pairs precision is 1; with no true pairs recall is 1.
    """
    cells: Counter[tuple[str, str]] = Counter()
    for item, label in truth.items():
        cells[label, predicted.get(item, f"\0missing:{item}")] += 1
    rows: Counter[str] = Counter()
    cols: Counter[str] = Counter()
    for (t, p), n in cells.items():
        rows[t] += n
        cols[p] += n
    shared = sum(_pairs(n) for n in cells.values())
    true_pairs = sum(_pairs(n) for n in rows.values())
    pred_pairs = sum(_pairs(n) for n in cols.values())
    precision = shared / pred_pairs if pred_pairs else 1.0
    recall = shared / true_pairs if true_pairs else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return PairScores(
        precision,
        recall,
        f1,
        adjusted_rand(shared, true_pairs, pred_pairs, len(truth)),
        true_pairs,
        pred_pairs,
        shared,
    )


def adjusted_rand(shared: int, true_pairs: int, pred_pairs: int, items: int) -> float:
    """Hubert-Arabie ARI from pair counts; 1.0 when both partitions are trivial and equal.

    ARI = (shared - E) / (mean(true, pred) - E) with E = true * pred / C(items, 2): 1 for identical
    partitions, about 0 for a random one, negative when worse than chance.
    """
    total = _pairs(items)
    if total == 0:
        return 1.0
    expected = true_pairs * pred_pairs / total
    denominator = (true_pairs + pred_pairs) / 2 - expected
    # Zero only when both partitions are all singletons or both one group: then they agree.
    return 1.0 if denominator == 0 else (shared - expected) / denominator


def recall_by_kind(
    truth: Mapping[str, str], kinds: Mapping[str, Iterable[str]], predicted: Mapping[str, str]
) -> dict[str, tuple[int, int]]:
    """Per copy kind: (true pairs involving a copy of that kind, how many of them were joined)."""
    members: dict[str, list[str]] = defaultdict(list)
    for item, label in truth.items():
        members[label].append(item)
    totals: Counter[str] = Counter()
    found: Counter[str] = Counter()
    for group in members.values():
        for a, b in combinations(sorted(group), 2):
            joined = a in predicted and predicted.get(a) == predicted.get(b)
            for kind in set(kinds.get(a, ())) | set(kinds.get(b, ())):
                totals[kind] += 1
                found[kind] += joined
    return {kind: (totals[kind], found[kind]) for kind in sorted(totals)}


def precision_by_kind(
    truth: Mapping[str, str], kinds: Mapping[str, Iterable[str]], predicted: Mapping[str, str]
) -> dict[str, tuple[int, int]]:
    """Per kind: (predicted pairs involving an item of that kind, how many of them are true).

    From per-group counts, never enumerating pairs: pairs touching kind k in a group of n with
    n_k such items are C(n, 2) - C(n - n_k, 2), and the true ones the same within each story.
    """
    groups: dict[str, list[str]] = defaultdict(list)
    for item in truth:
        if item in predicted:
            groups[predicted[item]].append(item)
    totals: Counter[str] = Counter()
    found: Counter[str] = Counter()
    for members in groups.values():
        if len(members) < 2:
            continue
        for kind in {k for item in members for k in kinds.get(item, ())}:
            marked = sum(kind in kinds.get(item, ()) for item in members)
            totals[kind] += _pairs(len(members)) - _pairs(len(members) - marked)
            stories: dict[str, list[str]] = defaultdict(list)
            for item in members:
                stories[truth[item]].append(item)
            for items in stories.values():
                inside = sum(kind in kinds.get(item, ()) for item in items)
                found[kind] += _pairs(len(items)) - _pairs(len(items) - inside)
    return {kind: (totals[kind], found[kind]) for kind in sorted(totals)}


@dataclass
class CanonicalScores:
    """How often the untouched original is its group's canonical copy, and what beat it."""

    stories: int  # multi-copy stories whose original is in the output
    correct: int
    beaten_by: Counter[str] = field(default_factory=Counter)  # kinds of the copies picked instead
    identical: int = 0  # picked copies whose tokens equal the original's (same text for a reader)

    @property
    def accuracy(self) -> float:
        """Share of those stories whose original is canonical (1.0 when there are none)."""
        return self.correct / self.stories if self.stories else 1.0

    @property
    def accuracy_identical(self) -> float:
        """Share whose canonical copy is the original or token-identical to it."""
        return (self.correct + self.identical) / self.stories if self.stories else 1.0


def canonical_scores(
    originals: Iterable[str],
    predicted: Mapping[str, str],
    canonical: Mapping[str, bool],
    kinds: Mapping[str, Iterable[str]],
    tokens: Mapping[str, Any] | None = None,
) -> CanonicalScores:
    """For each original present in the output: is it the canonical copy of its group?

    `tokens` (item -> normalised tokens, optional): a picked copy with the original's tokens
    counts in `identical` (reported beside the strict accuracy)."""
    picked = {predicted[item]: item for item, is_canon in canonical.items() if is_canon}
    scores = CanonicalScores(0, 0)
    for item in originals:
        if item not in predicted:
            continue
        scores.stories += 1
        if canonical.get(item):
            scores.correct += 1
            continue
        winner = picked.get(predicted[item])
        if winner and tokens is not None and tokens.get(winner) == tokens.get(item):
            scores.identical += 1
            continue
        scores.beaten_by.update(kinds.get(winner, ("?",)) if winner else ("?",))
    return scores


def merge_split_counts(truth: Mapping[str, str], predicted: Mapping[str, str]) -> dict[str, int]:
    """Predicted groups mixing stories, true stories spread over groups, items not in output."""
    stories_per_group: dict[str, set[str]] = defaultdict(set)
    groups_per_story: dict[str, set[str]] = defaultdict(set)
    for item, story in truth.items():
        if item in predicted:
            stories_per_group[predicted[item]].add(story)
            groups_per_story[story].add(predicted[item])
    return {
        "merged_groups": sum(len(s) > 1 for s in stories_per_group.values()),
        "split_stories": sum(len(g) > 1 for g in groups_per_story.values()),
        "missing": sum(item not in predicted for item in truth),
    }


def template_merges(
    truth_files: Mapping[str, Mapping[str, Any]], predicted: Mapping[str, str]
) -> int:
    """Template singletons that share a predicted group with any other document."""
    sizes = Counter(predicted.values())
    return sum(
        1
        for item, info in truth_files.items()
        if "template singleton" in info["kinds"]
        and item in predicted
        and sizes[predicted[item]] > 1
    )


def relative_path(uri: str, root: str) -> str:
    """source_uri relative to the corpus root (POSIX separators)."""
    path = str(Path(uri).resolve())
    return path[len(root) :].lstrip("/") if path.startswith(root) else uri


def read_run(out_dir: Path, corpus_dir: Path) -> dict[str, dict[str, Any]]:
    """The articles table of a run keyed by path relative to the corpus directory."""
    import pyarrow.parquet as pq  # imported late: the metric functions need only the stdlib

    columns = [
        "doc_id",
        "source_uri",
        "url",
        "sitename",
        "story_id",
        "is_canonical",
        "text",
        "word_count",
        "published",
    ]
    rows = pq.read_table(out_dir / "articles", columns=columns).to_pylist()
    root = str(corpus_dir.resolve())
    return {relative_path(row["source_uri"], root): row for row in rows}


def article_of(row: Mapping[str, Any]) -> Any:
    """An articles-table row (read_run's columns) as the ExtractedArticle chrome removal takes."""
    from wirestory.transforms.records import ExtractedArticle

    return ExtractedArticle(
        row["doc_id"], row["source_uri"], row["url"], None, None, row["published"],
        row["sitename"], None, row["text"], row["word_count"],
    )  # fmt: skip


def grouped_texts(out_dir: Path, rows: Mapping[str, dict[str, Any]]) -> dict[str, tuple[str, int]]:
    """Per row, the text and word count the run's grouping read: the stored text without the
    run's chrome lines (its `chrome` table, under the rule its manifest states). A page more
    than 80% chrome, or much made of lines its site repeats, is stored as it was (README, "Page
    chrome") but grouped without them, so an offline regrouping of stored texts must strip them
    again; other pages are stored stripped."""
    import json

    from deltalake import DeltaTable
    from wirestory.transforms.chrome import (
        ChromeCount,
        ChromeRule,
        clean_page,
        site_lines,
        site_of,
    )

    pages: dict[tuple[str, str], int] = defaultdict(int)  # summed over the run's batches
    table = DeltaTable(str(out_dir / "chrome"))
    for c in table.to_pyarrow_table(columns=["site", "line_hash", "pages"]).to_pylist():
        pages[(c["site"], c["line_hash"])] += c["pages"]
    by_site: dict[str, list[ChromeCount]] = defaultdict(list)
    for (site, digest), n in pages.items():
        by_site[site].append(ChromeCount(site, digest, n))
    manifest = out_dir / "manifest.json"
    stated = json.loads(manifest.read_text())["parameters"] if manifest.is_file() else {}
    if "chrome" in stated and stated["chrome"] is None:  # the run kept chrome
        return {path: (r["text"], r["word_count"]) for path, r in rows.items()}
    rule = ChromeRule(**stated["chrome"]) if stated.get("chrome") else ChromeRule()
    lines = {site: site_lines(counts, rule) for site, counts in by_site.items()}
    out = {}
    for path, r in rows.items():
        article = article_of(r)
        found = lines.get(site_of(article))
        grouped = clean_page(article, found, rule) if found else article
        out[path] = (grouped.text, grouped.word_count)
    return out


def score_run(
    truth: Mapping[str, Any],
    labels: Mapping[str, str],
    canonical: Mapping[str, bool],
    tokens: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """Every quality number of one grouping (labels, canonical flags, tokens keyed by file)."""
    files = truth["files"]
    story_of = {f: info["story"] for f, info in files.items()}
    kinds = {f: info["kinds"] for f, info in files.items()}
    originals = [f for f, info in files.items() if "original" in info["kinds"]]
    return {
        "pairs": pair_scores(story_of, labels),
        "by_kind": recall_by_kind(story_of, kinds, labels),
        "precision_by_kind": precision_by_kind(story_of, kinds, labels),
        "canonical": canonical_scores(originals, labels, canonical, kinds, tokens),
        "counts": merge_split_counts(story_of, labels),
        "template_merges": template_merges(files, labels),
        "template_singletons": sum("template singleton" in k for k in kinds.values()),
        "kind_docs": dict(Counter(k for ks in kinds.values() for k in ks)),
    }
