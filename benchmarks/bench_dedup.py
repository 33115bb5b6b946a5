"""Dedup-only and signature timings on pre-extracted texts (the articles of a pipeline run).

Contenders, all single-process on the same texts and shingles:
- wirestory's GroupStories transform on Beam's FnApiRunner (ExtractedArticle records read from
  a JSON Lines file; Parquet and extraction left out),
- the same steps offline in plain Python (benchmarks.dedup_offline),
- a plain datasketch MinHashLSH script: MinHash per document, query then insert, the same
  Jaccard-or-containment check on each candidate, union-find,
- datatrove and text-dedup from throwaway venvs (benchmarks/third_party_dedup.py), if given.
"""

from __future__ import annotations

import dataclasses
import datetime
import json
import subprocess
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
from wirestory.transforms.records import ExtractedArticle
from wirestory.transforms.signatures import MinHasher, MinHashParams, shingles

from benchmarks.dedup_offline import Doc, UnionFind, group

HERE = Path(__file__).resolve().parent


def articles_from(rows: Sequence[dict[str, Any]]) -> list[ExtractedArticle]:
    """ExtractedArticle records from rows of the articles table."""
    fields = ExtractedArticle.__dataclass_fields__
    return [ExtractedArticle(**{k: row.get(k) for k in fields}) for row in rows]


def _article_json(article: ExtractedArticle) -> str:
    fields = dataclasses.asdict(article)
    for name in ("published", "fetched"):
        fields[name] = fields[name].isoformat() if fields[name] is not None else None
    return json.dumps(fields, ensure_ascii=False)


def _article_of(line: str) -> ExtractedArticle:
    fields = json.loads(line)
    if fields["published"] is not None:
        fields["published"] = datetime.date.fromisoformat(fields["published"])
    if fields["fetched"] is not None:
        fields["fetched"] = datetime.datetime.fromisoformat(fields["fetched"])
    return ExtractedArticle(**fields)


def dedup_beam(articles: list[ExtractedArticle], params: MinHashParams):
    """(seconds, doc_id -> story label) of GroupStories on FnApiRunner; labels read back.

    The articles enter from a JSON Lines file written before the clock starts, read and parsed
    inside the timing. Not beam.Create: it pickles and bz2-compresses every text into the
    pipeline graph and reshuffles them, about 10 s of the 10,000-document time that no run
    from files pays.
    """
    import apache_beam as beam
    from apache_beam.options.pipeline_options import PipelineOptions
    from apache_beam.runners.portability.fn_api_runner import FnApiRunner
    from wirestory.pipeline.assembly import GroupStories
    from wirestory.transforms.components import rounds_for

    rounds = rounds_for(len(articles))  # as `wirestory run` sizes them from its inputs
    with tempfile.TemporaryDirectory(prefix="bench-beam-") as tmp:
        source = Path(tmp) / "articles.jsonl"
        with source.open("w", encoding="utf-8") as f:
            f.writelines(_article_json(article) + "\n" for article in articles)
        start = time.perf_counter()
        with beam.Pipeline(runner=FnApiRunner(), options=PipelineOptions([])) as p:
            grouped = (
                p
                | "Read" >> beam.io.ReadFromText(str(source))
                | "Articles" >> beam.Map(_article_of)
                | GroupStories(params, rounds)
            )
            _ = (
                grouped["articles"]
                | "Label" >> beam.Map(lambda row: f"{row['doc_id']}\t{row['story_id']}")
                | "Write" >> beam.io.WriteToText(f"{tmp}/labels")
            )
        seconds = time.perf_counter() - start
        labels = {}
        for path in Path(tmp).glob("labels*"):
            for line in path.read_text(encoding="utf-8").splitlines():
                doc_id, story = line.split("\t")
                labels[doc_id] = story.removeprefix("st_")
    return seconds, labels


def dedup_offline(docs: list[Doc], params: MinHashParams) -> tuple[float, dict[str, str]]:
    """(seconds, labels) of wirestory's steps in plain Python."""
    start = time.perf_counter()
    labels, _ = group(docs, params)
    return time.perf_counter() - start, labels


def dedup_datasketch(docs: list[Doc], params: MinHashParams) -> tuple[float, dict[str, str]]:
    """(seconds, labels) of a plain datasketch MinHashLSH script with the same pair rule."""
    from datasketch import MinHash, MinHashLSH

    start = time.perf_counter()
    model = MinHash(num_perm=params.num_perm, seed=params.seed)
    shared = {"permutations": model.permutations, "scheme": model.scheme}
    lsh = MinHashLSH(threshold=params.threshold, num_perm=params.num_perm)
    sketches: list[Any] = []
    sizes: list[int] = []
    sets = UnionFind(len(docs))
    for i, doc in enumerate(docs):
        grams = shingles(doc.text, params.shingle_size)
        sketch = MinHash(num_perm=params.num_perm, seed=params.seed, **shared)
        sketch.update_batch(grams)
        for j in lsh.query(sketch):
            jaccard = sketch.jaccard(sketches[j])
            small, large = sorted((len(grams), sizes[j]))
            # The previous rule (estimated containment, components over every match): the
            # baseline a plain datasketch script gives.
            overlap = jaccard * (small + large) / (1 + jaccard)
            if jaccard >= params.threshold or (small and overlap / small >= params.containment):
                sets.union(i, j)
        lsh.insert(i, sketch)
        sketches.append(sketch)
        sizes.append(len(grams))
    labels = {doc.doc_id: docs[sets.find(i)].doc_id for i, doc in enumerate(docs)}
    return time.perf_counter() - start, labels


def write_jsonl(docs: Sequence[Doc], path: Path) -> None:
    """{"id", "text"} per line: the third-party tools' input."""
    with path.open("w", encoding="utf-8") as f:
        for doc in docs:
            f.write(json.dumps({"id": doc.doc_id, "text": doc.text}, ensure_ascii=False) + "\n")


def dedup_third_party(python: str, tool: str, jsonl: Path, params: MinHashParams) -> dict[str, Any]:
    """Runs third_party_dedup.py with another venv's interpreter; its report, or an error."""
    with tempfile.TemporaryDirectory(prefix="bench-tp-") as tmp:
        out = Path(tmp) / "report.json"
        command = [
            python,
            str(HERE / "third_party_dedup.py"),
            tool,
            str(jsonl),
            str(out),
            str(params.shingle_size),
            str(params.bands),
            str(params.rows),
        ]
        try:
            proc = subprocess.run(command, capture_output=True, text=True, timeout=7200)
        except (OSError, subprocess.TimeoutExpired) as err:
            return {"tool": tool, "error": str(err)[:300]}
        if proc.returncode != 0 or not out.is_file():
            lines = [line for line in proc.stderr.splitlines() if line.strip()]
            return {"tool": tool, "error": (lines or ["no output"])[-1][:300]}
        return json.loads(out.read_text(encoding="utf-8"))


def signature_timings(
    texts: Sequence[str], params: MinHashParams, repeats: int = 3, batch: int = 128
) -> dict[str, Any]:
    """Microseconds per document: MinHasher batched vs datasketch; asserts identical values."""
    from datasketch import MinHash

    sets = [shingles(text, params.shingle_size) for text in texts]
    hasher = MinHasher(params.num_perm, params.seed)
    model = MinHash(num_perm=params.num_perm, seed=params.seed)
    reuse = {"permutations": model.permutations, "scheme": model.scheme}

    from wirestory.transforms.minhash_kernel import batch_signatures, warm_up
    from wirestory.transforms.signatures import normalise

    # The kernel's input, like the shingle lists above, is prepared outside the timing.
    token_texts = [" ".join(normalise(text)) for text in texts]
    mults, adds = (np.asarray(p, dtype=np.uint32) for p in model.permutations)
    warm_up()

    def kernel() -> np.ndarray:
        return np.vstack(
            [
                batch_signatures(token_texts[i : i + batch], params.shingle_size, mults, adds)[0]
                for i in range(0, len(token_texts), batch)
            ]
        )

    def ours() -> np.ndarray:
        return np.vstack(
            [hasher.signatures(sets[i : i + batch]) for i in range(0, len(sets), batch)]
        )

    def datasketch(shared: bool) -> np.ndarray:
        rows = []
        for grams in sets:
            extra = reuse if shared else {}
            sketch = MinHash(num_perm=params.num_perm, seed=params.seed, **extra)
            sketch.update_batch(grams)
            rows.append(sketch.hashvalues)
        return np.vstack(rows).astype(np.uint32)

    contenders = {
        "wirestory minhash_kernel.batch_signatures, the pipeline's path (batches of 128)": kernel,
        "wirestory MinHasher.signatures, numpy reference (batches of 128)": ours,
        "datasketch MinHash.update_batch (new MinHash per doc)": lambda: datasketch(False),
        "datasketch MinHash.update_batch (shared permutations)": lambda: datasketch(True),
    }
    results: dict[str, float] = {}
    values: dict[str, np.ndarray] = {}
    for name, fn in contenders.items():
        best = float("inf")
        for _ in range(repeats):
            start = time.perf_counter()
            values[name] = fn()
            best = min(best, time.perf_counter() - start)
        results[name] = best / len(sets) * 1e6
    reference = next(iter(values.values()))
    identical = all(np.array_equal(reference, v) for v in values.values())
    assert identical, "MinHasher signatures differ from datasketch"
    mean_shingles = sum(len(s) for s in sets) / max(1, len(sets))
    return {
        "us_per_doc": results,
        "identical": identical,
        "docs": len(sets),
        "mean_shingles": mean_shingles,
        "repeats": repeats,
    }
