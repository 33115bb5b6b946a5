"""Exactly once, checkable: a corpus of pages, WARC, ARC and JSON Lines with empty and damaged
containers balances in manifest.json, and a run whose extraction always fails is not a success."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import pyarrow.parquet as pq
from wirestory.pipeline import cli

from tests.conftest import SHARED
from tests.crawl_fixtures import article_html, write_arc, write_jsonl, write_odd_warc, write_warc


def _mixed_corpus(root: Path) -> int:
    """Writes the corpus; returns its number of input units (files and container records)."""
    root.mkdir()
    (root / "page.html").write_text(article_html("A page about the flood barrier"))
    (root / "empty.html").write_bytes(b"")
    write_warc(root / "crawl.warc.gz", gzipped=True)  # 4 documents + 4 skipped
    write_warc(root / "damaged.warc.gz", gzipped=True, corrupt_index=1)  # 3 + 1 reject + 4
    plain = root / "plain.warc"
    write_warc(plain, gzipped=False)
    (root / "whole.warc.gz").write_bytes(gzip.compress(plain.read_bytes()))  # 4 + 4
    plain.unlink()
    write_arc(root / "old.arc.gz", ["Arc story one", "Arc story two"])  # 2 + 1 skipped
    write_odd_warc(root / "odd.warc")  # 1 + 2 skipped
    write_jsonl(root / "feed.jsonl.gz", broken_line=3)  # 5 records
    (root / "deep.jsonl").write_bytes(b"[" * 100_000 + b"\n")  # 1 reject
    (root / "empty.warc").write_bytes(b"")  # 1 reject each
    (root / "empty.jsonl.gz").write_bytes(b"")
    (root / "blank.jsonl").write_bytes(b"\n \n\n")
    return 2 + 8 + 8 + 8 + 3 + 3 + 5 + 1 + 3


def test_a_mixed_corpus_balances_in_the_manifest(tmp_path: Path) -> None:
    expected = _mixed_corpus(tmp_path / "in")
    # A gzip stream cut short: the lines before the damage, then one decompress_error reject.
    cut = tmp_path / "in" / "cut.jsonl.gz"
    whole = gzip.compress(b"".join(b'{"text": "line %d"}\n' % i for i in range(2000)))
    cut.write_bytes(whole[: len(whole) // 2])
    out = tmp_path / "out"
    assert cli.main(["run", str(tmp_path / "in"), "--output", str(out), "--quiet"]) == 0
    manifest = json.loads((out / "manifest.json").read_text())
    docs = manifest["documents"]
    rows = [
        *pq.read_table(out / "articles", columns=["source_uri"]).to_pylist(),
        *pq.read_table(out / "rejects", columns=["source_uri", "reason"]).to_pylist(),
    ]
    from_cut = [row for row in rows if row["source_uri"].startswith(str(cut))]
    assert [row["reason"] for row in from_cut if row["source_uri"] == str(cut)] == [
        "decompress_error"
    ]
    assert docs["inputs"] == expected + len(from_cut)
    assert docs["inputs"] == docs["articles"] + docs["rejects"] + docs["skipped"]
    assert docs["balanced"] is True
    assert manifest["counts"]["inputs"] == 13  # the files matched, as before
    assert "warc_None" not in manifest["skipped_records"]


def test_a_run_whose_extraction_fails_for_every_document_exits_1(tmp_path: Path, capsys) -> None:
    out = tmp_path / "out"
    # 30 MB of address space: the extractor child cannot even import trafilatura.
    argv = ["run", str(SHARED / "seeds"), "--output", str(out), "--quiet"]
    assert cli.main([*argv, "--max-extract-memory", str(30 * 1024**2)]) == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "extraction failed for every document" in err[0]
    assert "; first: " in err[0]  # the first failure's detail
    assert not (out / "manifest.json").exists()
