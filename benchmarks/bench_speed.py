"""End-to-end timing: `wirestory run` with its peak memory, and the extraction-only limit.

The limit is the pipeline's own extraction function alone over the same files on a
multiprocessing.Pool of all cores: transforms.extractors.extract_document with the default
ExtractionSettings, what the pipeline's extractor processes run (trafilatura, its second pass,
the other extractors' vote, metadata, page type; the plain-text cleaner for .txt): no Beam, no
isolation process, no dedup, no Parquet. Both timings include process start-up and imports.
"""

from __future__ import annotations

import gzip
import json
import os
import subprocess
import threading
import time
from dataclasses import dataclass
from multiprocessing import Pool
from pathlib import Path
from typing import Any

from benchmarks.eval_extraction import wirestory_command

PROJECT = Path(__file__).resolve().parents[1]
_PAGE = os.sysconf("SC_PAGE_SIZE")


def _children() -> dict[int, list[int]]:
    """Parent pid -> child pids, from /proc/*/stat (the command name may hold spaces)."""
    tree: dict[int, list[int]] = {}
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            with open(f"/proc/{entry.name}/stat", encoding="ascii", errors="replace") as f:
                ppid = int(f.read().rsplit(")", 1)[1].split()[1])
        except (OSError, IndexError, ValueError):
            continue  # the process ended while we looked
        tree.setdefault(ppid, []).append(int(entry.name))
    return tree


def process_tree(root: int) -> list[int]:
    """root and all its descendants."""
    tree, found, queue = _children(), [], [root]
    while queue:
        pid = queue.pop()
        found.append(pid)
        queue.extend(tree.get(pid, ()))
    return found


def _memory(pid: int) -> tuple[int, int]:
    """(RSS, PSS) in bytes of one process; (0, 0) when it is gone."""
    rss = pss = 0
    try:
        with open(f"/proc/{pid}/statm", encoding="ascii") as f:
            rss = int(f.read().split()[1]) * _PAGE
        with open(f"/proc/{pid}/smaps_rollup", encoding="ascii") as f:
            for line in f:
                if line.startswith("Pss:"):
                    pss = int(line.split()[1]) * 1024
                    break
    except (OSError, ValueError, IndexError):
        pass
    return rss, pss


class TreeMemorySampler(threading.Thread):
    """Samples the summed RSS and PSS of a process tree until stopped; keeps the peaks.

    RSS counts shared pages once per process (an upper bound); PSS splits them between the
    sharers, so the PSS sum is the tree's real footprint.
    """

    def __init__(self, root: int, interval: float = 0.2) -> None:
        super().__init__(daemon=True)
        self.root, self.interval = root, interval
        self.peak_rss = self.peak_pss = self.peak_processes = 0
        self._halt = threading.Event()

    def run(self) -> None:
        while not self._halt.is_set():
            pids = process_tree(self.root)
            totals = [_memory(pid) for pid in pids]
            self.peak_rss = max(self.peak_rss, sum(r for r, _ in totals))
            self.peak_pss = max(self.peak_pss, sum(p for _, p in totals))
            self.peak_processes = max(self.peak_processes, len(pids))
            self._halt.wait(self.interval)

    def stop(self) -> None:
        """Stops sampling and waits for the thread."""
        self._halt.set()
        self.join()


@dataclass
class RunStats:
    """One timed `wirestory run`."""

    command: list[str]
    seconds: float
    peak_rss: int
    peak_pss: int
    peak_processes: int
    manifest: dict[str, Any]


def run_wirestory(corpus: Path, output: Path, workers: int | None, extra: list[str]) -> RunStats:
    """Runs the CLI as a subprocess, sampling its process tree; raises on a non-zero exit."""
    command = [*wirestory_command(corpus, output), *extra]
    if workers:
        command += ["--workers", str(workers)]
    start = time.perf_counter()
    proc = subprocess.Popen(
        command, cwd=PROJECT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    sampler = TreeMemorySampler(proc.pid)
    sampler.start()
    stdout, stderr = proc.communicate()
    seconds = time.perf_counter() - start
    sampler.stop()
    if proc.returncode != 0:
        raise RuntimeError(f"wirestory exit {proc.returncode}\n{stdout}{stderr[-3000:]}")
    manifest = json.loads((output / "manifest.json").read_text(encoding="utf-8"))
    return RunStats(
        command, seconds, sampler.peak_rss, sampler.peak_pss, sampler.peak_processes, manifest
    )


def extract_file(path: str) -> int:
    """Extracts one corpus file as the pipeline's extractor processes do (the same function and
    default settings: trafilatura, its second pass, the other extractors' vote, metadata, page
    type, the plain-text cleaner for .txt); returns the text length (0: nothing)."""
    from wirestory.transforms.extractors import ExtractionSettings, extract_document

    data = Path(path).read_bytes()
    if path.endswith(".gz"):
        data = gzip.decompress(data)
    content = data.decode("utf-8", errors="replace")
    kind = "text" if path.removesuffix(".gz").endswith(".txt") else "html"
    return len(extract_document(kind, content, ExtractionSettings())["text"])


def corpus_files(corpus: Path) -> list[str]:
    """Every file under the corpus directory, sorted."""
    return sorted(str(p) for p in corpus.rglob("*") if p.is_file())


def extraction_limit(corpus: Path, processes: int) -> tuple[int, float, int]:
    """(files, wall seconds, files with text) of the extraction alone on a pool of processes."""
    files = corpus_files(corpus)
    start = time.perf_counter()
    with Pool(processes) as pool:
        lengths = list(pool.imap_unordered(extract_file, files, chunksize=16))
    return len(files), time.perf_counter() - start, sum(n > 0 for n in lengths)
