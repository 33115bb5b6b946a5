"""Compares a run's story groups with the demo corpus ground truth."""

from __future__ import annotations

from collections import defaultdict
from itertools import combinations
from pathlib import Path
from typing import Protocol

import pyarrow.parquet as pq


class Truth(Protocol):
    files: dict[str, str]


def pair_scores(truth: dict[str, str], predicted: dict[str, str]) -> dict[str, float]:
    """Pairwise precision, recall and F1 of predicted groups against true groups (same keys)."""

    def pairs(labels: dict[str, str]) -> set[tuple[str, str]]:
        groups: dict[str, list[str]] = defaultdict(list)
        for item, label in labels.items():
            groups[label].append(item)
        return {pair for members in groups.values() for pair in combinations(sorted(members), 2)}

    true_pairs, found = pairs(truth), pairs(predicted)
    hits = len(true_pairs & found)
    precision = hits / len(found) if found else 1.0
    recall = hits / len(true_pairs) if true_pairs else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"precision": precision, "recall": recall, "f1": f1, "true_pairs": len(true_pairs)}


def read_assignments(out_dir: Path, corpus_dir: Path) -> dict[str, str]:
    """Maps each article's path relative to corpus_dir to its story_id."""
    table = pq.read_table(out_dir / "articles", columns=["source_uri", "story_id"])
    root = str(corpus_dir.resolve())
    return {
        str(Path(uri).resolve())[len(root) :].lstrip("/"): story
        for uri, story in zip(
            table.column("source_uri").to_pylist(),
            table.column("story_id").to_pylist(),
            strict=True,
        )
    }


def check_against_truth(corpus: Truth, corpus_dir: Path, out_dir: Path) -> str:
    """A one-paragraph verdict: how the groups compare with the generator's ground truth."""
    predicted = read_assignments(out_dir, corpus_dir)
    missing = sorted(set(corpus.files) - set(predicted))
    common = {f: corpus.files[f] for f in corpus.files if f in predicted}
    scores = pair_scores(common, {f: predicted[f] for f in common})
    verdict = "all copies grouped, no stories merged" if scores["f1"] == 1.0 else "differs"
    lines = [
        f"demo ground truth: {len(set(corpus.files.values()))} stories in "
        f"{len(corpus.files)} files; {verdict}",
        f"  pairwise precision {scores['precision']:.3f}  recall {scores['recall']:.3f}"
        f"  F1 {scores['f1']:.3f} over {scores['true_pairs']} true pairs",
    ]
    if missing:
        lines.append(f"  not in articles (see rejects): {', '.join(missing)}")
    return "\n".join(lines)
