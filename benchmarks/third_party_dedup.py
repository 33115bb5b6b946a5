"""MinHash dedup with a third-party tool (datatrove or text-dedup) on a JSON Lines file of texts.

Run with the interpreter of a throwaway venv that has the tool, never the project's venv:

    /tmp/tp-datatrove/bin/python benchmarks/third_party_dedup.py datatrove IN.jsonl OUT.json

IN.jsonl has one {"id", "text"} object per line. OUT.json gets the tool's version, the wall
seconds of its dedup (reading the input included, interpreter start-up not) and a cluster label
per id, so run_bench scores it like our own grouping. Neither tool verifies candidate pairs: a
shared LSH band is a duplicate. Both run single-process here, like the other dedup rows.
"""

from __future__ import annotations

import json
import os
import pickle
import re
import sys
import tempfile
import time
from importlib import metadata
from pathlib import Path
from typing import Any


def run_datatrove(src: Path, work: Path, ngram: int, bands: int, rows: int) -> dict[str, str]:
    """datatrove's four MinHash stages on LocalPipelineExecutor; labels from cluster ids."""
    from datatrove.executor import LocalPipelineExecutor
    from datatrove.pipeline.dedup.minhash import (
        MinhashConfig,
        MinhashDedupBuckets,
        MinhashDedupCluster,
        MinhashDedupFilter,
        MinhashDedupSignature,
    )
    from datatrove.pipeline.readers import JsonlReader
    from datatrove.pipeline.writers import JsonlWriter
    from datatrove.utils.word_tokenizers import WordTokenizer

    class WordsTokenizer(WordTokenizer):
        """\\w+ words, as wirestory shingles them; datatrove's English default needs spaCy."""

        def word_tokenize(self, text: str) -> list[str]:
            return re.findall(r"\w+", text)

        def sent_tokenize(self, text: str) -> list[str]:
            return text.splitlines()

        def span_tokenize(self, text: str) -> list[tuple[int, int]]:
            return [m.span() for m in re.finditer(r"\w+", text)]

    config = MinhashConfig(n_grams=ngram, num_buckets=bands, hashes_per_bucket=rows)
    data = str(src.parent)
    glob = src.name

    def reader() -> Any:
        return JsonlReader(data, glob_pattern=glob, id_key="id", text_key="text")

    stages = [
        ([reader(), MinhashDedupSignature(str(work / "sigs"), config, WordsTokenizer())], 1),
        ([MinhashDedupBuckets(str(work / "sigs"), str(work / "buckets"), config=config)], bands),
        (
            [
                MinhashDedupCluster(
                    str(work / "buckets"), str(work / "clusters"), config, save_cluster_id=True
                )
            ],
            1,
        ),
        (
            [
                reader(),
                MinhashDedupFilter(
                    str(work / "clusters"),
                    load_cluster_ids=True,
                    exclusion_writer=JsonlWriter(str(work / "removed"), compression=None),
                ),
                JsonlWriter(str(work / "kept"), compression=None),
            ],
            1,
        ),
    ]
    for n, (pipeline, tasks) in enumerate(stages):
        logs = str(work / f"logs{n}")
        LocalPipelineExecutor(pipeline=pipeline, tasks=tasks, workers=1, logging_dir=logs).run()
    labels: dict[str, str] = {}
    for path in sorted((work / "kept").glob("*.jsonl")) + sorted(
        (work / "removed").glob("*.jsonl")
    ):
        for line in path.read_text(encoding="utf-8").splitlines():
            doc = json.loads(line)
            cluster = doc.get("metadata", {}).get("minhash_cluster_id", -1)
            labels[doc["id"]] = f"c{cluster}" if cluster != -1 else f"s{doc['id']}"
    return labels


def run_text_dedup(src: Path, work: Path, ngram: int, bands: int, rows: int) -> dict[str, str]:
    """text-dedup's MinHash command in-process; labels from its dumped union-find."""
    from text_dedup import minhash

    ids = [json.loads(line)["id"] for line in src.read_text(encoding="utf-8").splitlines()]
    args = [
        "--path",
        "json",
        "--data_files",
        str(src),
        "--split",
        "train",
        "--column",
        "text",
        "--idx_column",
        "id",
        "--cache_dir",
        str(work / "cache"),
        "--output",
        str(work / "out"),
        "--ngram",
        str(ngram),
        "--num_perm",
        str(bands * rows),
        "--b",
        str(bands),
        "--r",
        str(rows),
        "--num_proc",
        "1",
        "--debug",
    ]
    minhash.main.main(args, standalone_mode=False)
    with open(work / "out" / "uf.pkl", "rb") as f:
        union_find = pickle.load(f)
    return {doc_id: f"c{union_find.find(doc_id)}" for doc_id in ids}


def main(argv: list[str]) -> int:
    """TOOL IN.jsonl OUT.json [NGRAM BANDS ROWS]."""
    tool, src, out = argv[0], Path(argv[1]).resolve(), Path(argv[2])
    ngram, bands, rows = (int(v) for v in (argv[3:6] if len(argv) >= 6 else (5, 25, 5)))
    os.environ.setdefault("HF_DATASETS_OFFLINE", "1")  # local files only, never the hub
    runner = {"datatrove": run_datatrove, "text-dedup": run_text_dedup}[tool]
    with tempfile.TemporaryDirectory(prefix=f"bench-{tool}-") as tmp:
        start = time.perf_counter()
        labels = runner(src, Path(tmp), ngram, bands, rows)
        seconds = time.perf_counter() - start
    report = {"tool": tool, "version": metadata.version(tool), "seconds": seconds}
    report.update(ngram=ngram, bands=bands, rows=rows, labels=labels)
    out.write_text(json.dumps(report) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
