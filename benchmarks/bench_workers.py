"""Times `wirestory run --workers N` on a scaled-up demo corpus: python -m benchmarks.bench_workers.

Each setting runs as its own `wirestory run` process, alternating settings so load from other
work on the machine is spread evenly; the median wall time per setting is reported.
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

from wirestory.pipeline.demo import generate_demo_corpus


def make_corpus(root: Path, seeds: list[int], copies_scale: int) -> None:
    """Writes one demo corpus per seed under root/s<seed>."""
    for seed in seeds:
        generate_demo_corpus(root / f"s{seed}", seed=seed, copies_scale=copies_scale)


def time_run(corpus: Path, out: Path, workers: int, extra: list[str]) -> tuple[float, float]:
    """Runs the CLI once; returns (wall seconds of the process, pipeline seconds from manifest)."""
    shutil.rmtree(out, ignore_errors=True)
    command = [
        sys.executable,
        "-m",
        "wirestory.pipeline.cli",
        "run",
        str(corpus),
        "--output",
        str(out),
    ]
    command += ["--workers", str(workers), "--quiet", *extra]
    started = time.monotonic()
    subprocess.run(command, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    wall = time.monotonic() - started
    manifest = json.loads((out / "manifest.json").read_text())
    return wall, manifest["seconds"]


def main(argv: list[str] | None = None) -> None:
    """Parses flags, builds the corpus, times each worker count and prints a small table."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--dir", default=".bench/workers", help="Scratch directory.")
    parser.add_argument("--seeds", type=int, nargs="+", default=[7, 8, 9, 10])
    parser.add_argument("--copies-scale", type=int, default=4)
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--corpus", help="Time this existing directory instead of a demo corpus.")
    args, extra = parser.parse_known_args(argv)
    root = Path(args.dir)
    shutil.rmtree(root, ignore_errors=True)
    corpus = Path(args.corpus) if args.corpus else root / "corpus"
    if not args.corpus:
        make_corpus(corpus, sorted(set(args.seeds)), args.copies_scale)
    files = sum(1 for path in corpus.rglob("*") if path.is_file())
    print(f"corpus: {files} files under {corpus}")
    results: dict[int, list[tuple[float, float]]] = {w: [] for w in args.workers}
    for repeat in range(args.repeats):
        for workers in args.workers:
            wall, seconds = time_run(corpus, root / f"out{workers}", workers, extra)
            results[workers].append((wall, seconds))
            print(
                f"  repeat {repeat + 1} workers={workers}: wall {wall:.1f} s, run {seconds:.1f} s"
            )
    for workers, runs in results.items():
        wall = statistics.median(r[0] for r in runs)
        run = statistics.median(r[1] for r in runs)
        print(f"workers={workers}: median wall {wall:.1f} s, median pipeline {run:.1f} s")


if __name__ == "__main__":
    main()
