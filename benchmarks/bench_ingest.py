"""Incremental ingest benchmark: seconds and peak memory per 10,000-document batch as the
dataset's history grows, and one large JSON Lines corpus ingested in batches.

    python -m benchmarks.bench_ingest --history 0 100000 300000 1000000 --corpus-docs 1000000

The history is synthetic (random MinHash signatures in the index tables, as many rows as real
articles would add); the batches are real texts from the syndication generator, as JSON Lines.
Results replace the "Incremental ingest" section of BENCHMARKS.md.
"""

from __future__ import annotations

import argparse
import datetime
import json
import math
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np

from benchmarks.bench_speed import TreeMemorySampler
from benchmarks.synd_corpus import MAX_DOCS, iter_copies
from benchmarks.synd_stories import DEFAULT_GROUND_TRUTH

PROJECT = Path(__file__).resolve().parents[1]
START, END = "<!-- ingest:start -->", "<!-- ingest:end -->"
LINES_PER_FILE = 10_000


def write_jsonl_corpus(root: Path, docs: int, seed: int = 100) -> list[Path]:
    """`docs` syndication texts as JSON Lines files of 10,000 lines (a new generator seed
    for every 100,000 documents, the generator's largest corpus)."""
    root.mkdir(parents=True, exist_ok=True)
    done = root / "complete.json"
    if done.exists() and json.loads(done.read_text()) == {"docs": docs, "seed": seed}:
        return sorted(root.glob("part-*.jsonl"))  # written by an earlier run
    files: list[Path] = []
    handle = None
    written = 0
    for shard in range(math.ceil(docs / MAX_DOCS)):
        size = min(MAX_DOCS, docs - written)
        for copy, n in iter_copies(seed + shard, size, DEFAULT_GROUND_TRUTH, None):
            if written % LINES_PER_FILE == 0:
                if handle:
                    handle.close()
                files.append(root / f"part-{len(files):05d}.jsonl")
                handle = files[-1].open("w", encoding="utf-8")
            record = {
                "url": f"https://{copy.outlet.slug}.example/{seed + shard}/{copy.story.key}/{n}",
                "title": copy.headline,
                "published": copy.day.isoformat(),
                "text": "\n".join(copy.paragraphs),
            }
            assert handle is not None
            handle.write(json.dumps(record, ensure_ascii=False) + "\n")
            written += 1
    if handle:
        handle.close()
    done.write_text(json.dumps({"docs": docs, "seed": seed}))
    return files


def add_synthetic_history(dataset: Path, docs: int, start: int, chunk: int = 100_000) -> None:
    """Adds `docs` indexed articles with random signatures to the index tables."""
    import pyarrow as pa
    from deltalake import write_deltalake
    from wirestory.pipeline.dataset import Dataset
    from wirestory.schemas import table_schemas
    from wirestory.transforms.history import band_bucket, doc_bucket
    from wirestory.transforms.signatures import band_keys

    config = Dataset.open(str(dataset)).config
    params = config.params()
    rng = np.random.default_rng(start)
    day = datetime.date(2024, 10, 1)
    for first in range(start, start + docs, chunk):
        count = min(chunk, start + docs - first)
        values = rng.integers(0, 2**32, size=(count, params.num_perm), dtype=np.uint32)
        # 400 distinct shingles an article, as the index stores them for exact verification.
        keys = np.sort(rng.integers(0, 2**32, size=(count, 400), dtype=np.uint32), axis=1)
        documents: dict[str, list[Any]] = {k: [] for k in table_schemas()["documents"].names}
        bands: dict[str, list[Any]] = {k: [] for k in table_schemas()["bands"].names}
        for i in range(count):
            doc_id = f"{first + i:016x}"
            story = f"st_{doc_id}"
            row = {"bucket": doc_bucket(doc_id, config.buckets), "doc_id": doc_id}
            row |= {"kind": "article", "story_id": story, "doc_date": day, "num_shingles": 400}
            row |= {"hashvalues": values[i].astype("<u4").tobytes(), "batch": 0}
            row |= {"shingle_keys": keys[i].astype("<u4").tobytes()}
            row |= {"lead_keys": np.sort(keys[i][:20]).astype("<u4").tobytes()}
            for k, v in row.items():
                documents[k].append(v)
            for key in band_keys(values[i], params):
                for k, v in (
                    ("bucket", band_bucket(key, config.buckets)),
                    ("band_key", key),
                    ("doc_id", doc_id),
                    ("story_id", story),
                    ("doc_date", day),
                ):
                    bands[k].append(v)
        for name, columns in (("documents", documents), ("bands", bands)):
            data = pa.table(columns, schema=table_schemas()[name])
            write_deltalake(str(dataset / name), data, mode="append", partition_by=["bucket"])


def ingest(files: list[Path], dataset: Path, batch_size: int) -> dict[str, Any]:
    """One `wirestory ingest` as a subprocess, its wall time and peak memory."""
    command = [sys.executable, "-m", "wirestory.pipeline.cli", "ingest", *map(str, files)]
    command += ["--dataset", str(dataset), "--batch-size", str(batch_size), "--quiet"]
    started = time.perf_counter()
    proc = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    sampler = TreeMemorySampler(proc.pid)
    sampler.start()
    stdout, stderr = proc.communicate()
    sampler.stop()
    if proc.returncode != 0:
        raise RuntimeError(f"ingest exit {proc.returncode}\n{stdout}{stderr[-3000:]}")
    return {
        "seconds": round(time.perf_counter() - started, 1),
        "peak_rss_mib": round(sampler.peak_rss / 2**20),
        "peak_pss_mib": round(sampler.peak_pss / 2**20),
        "summary": stdout,
    }


def history_rows(work: Path, sizes: list[int]) -> list[dict[str, Any]]:
    """One real 10,000-document batch ingested at each history size."""
    from wirestory.pipeline.dataset import Dataset, DatasetConfig
    from wirestory.transforms.signatures import MinHashParams

    dataset = work / "history-dataset"
    shutil.rmtree(dataset, ignore_errors=True)
    Dataset.create(str(dataset), DatasetConfig.from_params(MinHashParams()))
    batches = write_jsonl_corpus(work / "history-batches", LINES_PER_FILE * len(sizes), seed=500)
    rows, indexed = [], 0
    for number, size in enumerate(sizes):
        if size > indexed:
            add_synthetic_history(dataset, size - indexed, start=indexed)
            indexed = size
        result = ingest([batches[number]], dataset, LINES_PER_FILE)
        rows.append({"history": indexed, **{k: result[k] for k in result if k != "summary"}})
        print(f"history {indexed}: {rows[-1]}", flush=True)
        indexed += LINES_PER_FILE
    return rows


def render(history: list[dict[str, Any]], corpus: dict[str, Any] | None) -> str:
    lines = [
        START,
        "## Incremental ingest",
        "",
        "Regenerate: `" + " ".join(["python -m benchmarks.bench_ingest", *sys.argv[1:]]) + "`",
        "",
        "One real batch of 10,000 syndication texts (JSON Lines) ingested into a dataset whose",
        "index already holds `history` articles (synthetic signatures, real index tables). The",
        "process tree's peak memory includes the launcher, Beam and the extractor processes.",
        "",
        "| history (indexed articles) | seconds | peak RSS MiB | peak PSS MiB |",
        "|---|---|---|---|",
    ]
    for row in history:
        lines.append(
            f"| {row['history']:,} | {row['seconds']} | {row['peak_rss_mib']:,} "
            f"| {row['peak_pss_mib']:,} |"
        )
    if corpus:
        lines += [
            "",
            f"A {corpus['docs']:,}-document JSON Lines corpus ({corpus['files']} files) ingested "
            f"with `--batch-size {corpus['batch_size']}`: {corpus['seconds']:,} s wall "
            f"({corpus['docs'] / corpus['seconds']:.0f} docs/s), peak RSS "
            f"{corpus['peak_rss_mib']:,} MiB, peak PSS {corpus['peak_pss_mib']:,} MiB.",
        ]
    return "\n".join([*lines, END])


def write_section(path: Path, section: str) -> None:
    text = path.read_text(encoding="utf-8") if path.exists() else ""
    pattern = re.compile(re.escape(START) + ".*?" + re.escape(END), re.S)
    text = pattern.sub(section, text) if pattern.search(text) else text.rstrip() + "\n\n" + section
    path.write_text(text.rstrip() + "\n", encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument(
        "--history",
        type=int,
        nargs="*",
        default=[0, 100_000, 300_000, 1_000_000],
        help="History sizes; none given: keep the rows measured last (in the work dir).",
    )
    p.add_argument("--corpus-docs", type=int, default=0, help="Also ingest a corpus this large.")
    p.add_argument("--batch-size", type=int, default=LINES_PER_FILE)
    p.add_argument("--work-dir", type=Path, default=PROJECT / ".bench" / "ingest")
    p.add_argument("--output", type=Path, default=PROJECT / "BENCHMARKS.md")
    args = p.parse_args(argv)
    args.work_dir.mkdir(parents=True, exist_ok=True)
    saved = args.work_dir / "history.json"
    if args.history:
        history = history_rows(args.work_dir, sorted(args.history))
        saved.write_text(json.dumps(history, indent=1))
    else:
        history = json.loads(saved.read_text())
    corpus = None
    if args.corpus_docs:
        files = write_jsonl_corpus(args.work_dir / "corpus", args.corpus_docs)
        dataset = args.work_dir / "corpus-dataset"
        shutil.rmtree(dataset, ignore_errors=True)
        result = ingest(files, dataset, args.batch_size)
        corpus = {"docs": args.corpus_docs, "files": len(files), "batch_size": args.batch_size}
        corpus |= {k: result[k] for k in ("seconds", "peak_rss_mib", "peak_pss_mib")}
        print(result["summary"], flush=True)
    write_section(args.output, render(history, corpus))
    return 0


if __name__ == "__main__":
    sys.exit(main())
