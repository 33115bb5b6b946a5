"""Hostile inputs: every file or record lands in articles or rejects exactly once, fast enough."""

from __future__ import annotations

import json
from pathlib import Path

import pyarrow.parquet as pq
import pytest
from wirestory.pipeline import cli

from tests.hostile_fixtures import build_hostile_corpus


@pytest.fixture(scope="module")
def hostile_run(tmp_path_factory: pytest.TempPathFactory):
    root = tmp_path_factory.mktemp("hostile")
    expect = build_hostile_corpus(root / "in")
    out = root / "out"
    # A short extraction limit keeps the test quick; the 120,000 <p> page needs ~50 s.
    argv = ["run", str(root / "in"), "--output", str(out), "--quiet", "--max-extract-seconds=8"]
    assert cli.main(argv) == 0
    articles = pq.read_table(out / "articles").to_pylist()
    rejects = pq.read_table(out / "rejects").to_pylist()
    return root / "in", expect, articles, rejects, json.loads((out / "manifest.json").read_text())


def _name(uri: str, root: Path) -> str:
    return uri[len(str(root)) + 1 :]


def test_every_file_and_record_is_accounted_for_once(hostile_run) -> None:
    root, expect, articles, rejects, _ = hostile_run
    names = [_name(r["source_uri"], root) for r in articles + rejects]
    assert len(names) == len(set(names))
    singles = {n for n in names if "#" not in n}
    assert singles == {n for n, outcome in expect.items() if outcome != "container"}
    warc = sorted(n for n in names if n.startswith("crawl.warc.gz#"))
    jsonl = sorted(n for n in names if n.startswith("feed.jsonl#"))
    assert len(warc) == 4  # 4 HTML responses, one of them damaged; other records skipped
    assert jsonl == [f"feed.jsonl#{i}" for i in range(1, 6)]


def test_outcomes_are_the_expected_ones(hostile_run) -> None:
    root, expect, articles, rejects, _ = hostile_run
    reason = {_name(r["source_uri"], root): r["reason"] for r in rejects}
    text = {_name(a["source_uri"], root): a["text"] for a in articles}
    for name, outcome in expect.items():
        if outcome in ("container", "any"):
            continue
        if outcome.startswith("article:"):
            assert outcome[len("article:") :] in text.get(name, ""), name
        else:
            assert reason.get(name) in outcome.split("|"), (name, reason.get(name))
    assert reason["many paragraphs.html"] == "timeout"
    assert "/etc/passwd" not in "".join(text.values()) and "root:" not in text.get("xxe.html", "")
    assert "lollol" not in text.get("laughs.html", "")
    damaged = [n for n, r in reason.items() if n.startswith("crawl.warc.gz#")]
    assert len(damaged) == 1 and reason[damaged[0]] == "malformed_record"
    assert reason["feed.jsonl#3"] == "malformed_record"
    assert "Новости реки" in "".join(t for n, t in text.items() if n.startswith("crawl.warc.gz#"))


def test_manifest_counts_skipped_records_and_reasons(hostile_run) -> None:
    _, _, articles, rejects, manifest = hostile_run
    assert manifest["counts"]["articles"] == len(articles)
    assert manifest["counts"]["rejects"] == len(rejects)
    assert manifest["skipped_records"] == {
        "warc_non_200": 1,
        "warc_non_html": 1,
        "warc_request": 1,
        "warc_warcinfo": 1,
    }
    assert sum(manifest["rejects_by_reason"].values()) == len(rejects)
