"""Extractor time per page, this tree's transforms/extractors.py against a git revision's.

Both versions of `extract_document` run alternately on the same page in one process (the order
flips every page), so a machine shared with other jobs slows both alike. CPU and wall seconds.

    python -m benchmarks.time_extraction --before main --every 5
"""

from __future__ import annotations

import argparse
import gzip
import importlib.util
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from types import ModuleType

from wirestory.transforms import extractors

from benchmarks.eval_wcxb import DEFAULT_DATA, PROJECT

WARM_UP = "<html><body><p>warm up text</p></body></html>"


def load_revision(rev: str, folder: Path) -> ModuleType:
    """transforms/extractors.py as of `rev`, imported as its own module."""
    source = subprocess.run(
        ["git", "show", f"{rev}:transforms/extractors.py"],
        cwd=PROJECT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    path = folder / "extractors_before.py"
    path.write_text(source, encoding="utf-8")
    spec = importlib.util.spec_from_file_location("extractors_before", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["extractors_before"] = module  # dataclasses look their module up
    spec.loader.exec_module(module)
    return module


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--before", default="main", help="Git revision to compare with.")
    parser.add_argument("--every", type=int, default=5, help="Time every Nth WCXB dev page.")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as folder:
        versions = {"before": load_revision(args.before, Path(folder)), "after": extractors}
        for module in versions.values():
            module.extract_document("html", WARM_UP, module.ExtractionSettings())
        totals = {name: [0.0, 0.0] for name in versions}
        paths = sorted((DEFAULT_DATA / "html").glob("*.html.gz"))[:: args.every]
        for index, path in enumerate(paths):
            html = gzip.decompress(path.read_bytes()).decode("utf-8", errors="replace")
            names = list(versions) if index % 2 else list(reversed(versions))
            for name in names:
                module = versions[name]
                wall, cpu = time.perf_counter(), time.process_time()
                module.extract_document("html", html, module.ExtractionSettings())
                totals[name][0] += time.perf_counter() - wall
                totals[name][1] += time.process_time() - cpu
    for name, (wall, cpu) in totals.items():
        n = max(len(paths), 1)
        print(f"{name:<7} {len(paths)} pages  CPU {cpu / n:.3f} s/page  wall {wall / n:.3f} s/page")
    return 0


if __name__ == "__main__":
    sys.exit(main())
