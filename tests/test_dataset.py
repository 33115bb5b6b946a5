"""Datasets: incremental ingestion, stable story ids, exactly once, crash safety (real kills)."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import polars as pl
import pytest
from deltalake import DeltaTable
from wirestory.pipeline import cli
from wirestory.pipeline.demo import generate_demo_corpus

from benchmarks.dedup_metrics import pair_scores, relative_path
from benchmarks.synd_corpus import generate_corpus

CORPUS = {"docs": 180, "seed": 21, "max_articles": 40}


def table(dataset: Path, name: str) -> pl.DataFrame:
    return pl.from_arrow(DeltaTable(str(dataset / name)).to_pyarrow_table())


def ingest(*args: str) -> int:
    return cli.main(["ingest", *args, "--quiet"])


def labels_by_file(dataset: Path, corpus_dirs: list[Path]) -> dict[str, str]:
    """story_id per corpus file, the file named relative to whichever batch folder holds it."""
    out = {}
    for row in table(dataset, "articles").select("source_uri", "story_id").to_dicts():
        for root in corpus_dirs:
            rel = relative_path(row["source_uri"], str(root.resolve()))
            if rel != row["source_uri"]:
                out[rel] = row["story_id"]
    return out


@pytest.fixture(scope="module")
def batches(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """A syndication corpus split round-robin into 3 batch folders (copies spread across them),
    its one-shot run, and its ingestion one batch at a time."""
    root = tmp_path_factory.mktemp("incremental")
    corpus = root / "corpus"
    truth = generate_corpus(corpus, **CORPUS)
    parts = [root / f"batch{i}" for i in (1, 2, 3)]
    for number, rel in enumerate(sorted(truth["files"])):
        target = parts[number % 3] / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(corpus / rel, target)
    one_shot = root / "oneshot"
    assert cli.main(["run", str(corpus), "--output", str(one_shot), "--quiet"]) == 0
    dataset = root / "dataset"
    story_ids: list[dict[str, str]] = []
    for part in parts:
        assert ingest(str(part), "--dataset", str(dataset)) == 0
        articles = table(dataset, "articles")
        story_ids.append(dict(zip(articles["doc_id"], articles["story_id"], strict=True)))
    return {
        "root": root,
        "truth": truth,
        "parts": parts,
        "one_shot": one_shot,
        "dataset": dataset,
        "story_ids": story_ids,
    }


def test_batches_group_as_well_as_one_shot(batches: dict[str, Any]) -> None:
    story_of = {f: info["story"] for f, info in batches["truth"]["files"].items()}
    incremental = pair_scores(story_of, labels_by_file(batches["dataset"], batches["parts"]))
    corpus = batches["root"] / "corpus"
    one_shot = pair_scores(story_of, labels_by_file(batches["one_shot"], [corpus]))
    assert incremental.precision >= 0.995, incremental
    assert incremental.f1 >= one_shot.f1 - 0.01, (incremental, one_shot)
    articles = table(batches["dataset"], "articles")
    assert articles.height == len(story_of) and articles["doc_id"].n_unique() == len(story_of)


def test_story_ids_never_change_once_committed(batches: dict[str, Any]) -> None:
    first, *later = batches["story_ids"]
    for snapshot in later:
        assert {d: snapshot[d] for d in first} == first
    # Later batches joined existing stories instead of opening new ones for every copy.
    stories = table(batches["dataset"], "stories")
    assert stories["size"].sum() == len(batches["story_ids"][-1])
    assert (stories["size"] > 1).sum() > 0


def test_every_story_row_agrees_with_its_articles(batches: dict[str, Any]) -> None:
    articles = table(batches["dataset"], "articles")
    stories = table(batches["dataset"], "stories")
    members = articles.group_by("story_id").agg(pl.col("doc_id").sort())
    joined = stories.join(members, on="story_id", suffix="_a")
    assert joined.height == stories.height
    for row in joined.iter_rows(named=True):
        assert sorted(row["doc_ids"]) == row["doc_id"] and row["size"] == len(row["doc_id"])
    canonical = articles.filter(pl.col("is_canonical"))
    assert canonical.height == stories.height
    assert set(canonical["doc_id"]) == set(stories["canonical_doc_id"])


def test_reingesting_and_moved_copies_add_nothing(batches: dict[str, Any]) -> None:
    dataset = batches["dataset"]
    before = {name: table(dataset, name).height for name in ("articles", "stories", "rejects")}
    versions = {name: DeltaTable(str(dataset / name)).version() for name in before}
    assert ingest(str(batches["parts"][1]), "--dataset", str(dataset)) == 0
    moved = batches["root"] / "renamed-folder"
    shutil.copytree(batches["parts"][0], moved)
    assert ingest(str(moved), "--dataset", str(dataset)) == 0
    after = {name: table(dataset, name).height for name in before}
    assert after == before
    assert {name: DeltaTable(str(dataset / name)).version() for name in before} == versions


def test_identical_text_under_two_urls_is_two_articles_of_one_story(tmp_path: Path) -> None:
    text = " ".join(f"word{i} shared sentence number {i}." for i in range(80))
    lines = [
        json.dumps({"url": "https://a.example/x", "text": text}),
        json.dumps({"url": "https://b.example/y", "text": text}),
        json.dumps({"url": "https://a.example/x", "text": text}),  # the same document again
    ]
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "feed.jsonl").write_text("\n".join(lines) + "\n")
    dataset = tmp_path / "ds"
    assert ingest(str(tmp_path / "in"), "--dataset", str(dataset)) == 0
    articles = table(dataset, "articles")
    assert articles.height == 2 and articles["story_id"].n_unique() == 1


# --- crash safety: real SIGKILLs, then a rerun of the same command -------------------------


def _command(corpus: Path, dataset: Path) -> list[str]:
    entry = "import sys; from wirestory.pipeline.cli import main; sys.exit(main(sys.argv[1:]))"
    return [sys.executable, "-c", entry, "ingest", str(corpus), "--dataset", str(dataset)]


def _snapshot(dataset: Path) -> dict[str, Any]:
    articles = table(dataset, "articles").select("doc_id", "story_id", "is_canonical", "text")
    stories = table(dataset, "stories").select("story_id", "canonical_doc_id", "size", "doc_ids")
    rejects = table(dataset, "rejects").select("doc_id", "reason")
    return {
        "articles": sorted(articles.rows()),
        "stories": sorted(stories.rows()),
        "rejects": sorted(rejects.rows()),
    }


@pytest.fixture(scope="module")
def kill_corpus(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    root = tmp_path_factory.mktemp("kills")
    generate_demo_corpus(root / "corpus", seed=7)
    (root / "corpus" / "broken.pdf").write_bytes(b"%PDF")
    reference = root / "reference"
    subprocess.run(_command(root / "corpus", reference), check=True, capture_output=True)
    return {"root": root, "reference": _snapshot(reference)}


def _kill_when(command: list[str], ready: Any, timeout: float = 120) -> None:
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + timeout
    while not ready():
        assert process.poll() is None, "the ingest ended before the kill point"
        assert time.monotonic() < deadline, "the kill point never came"
        time.sleep(0.001)
    os.kill(process.pid, signal.SIGKILL)
    process.wait()


def test_sigkill_during_extraction_then_rerun(kill_corpus: dict[str, Any]) -> None:
    root = kill_corpus["root"]
    dataset = root / "killed-extracting"
    staging = dataset / "_wirestory" / "staging"
    _kill_when(_command(root / "corpus", dataset), lambda: staging.is_dir())
    # Killed before any commit: the dataset is readable and empty.
    assert table(dataset, "articles").height == 0
    subprocess.run(_command(root / "corpus", dataset), check=True, capture_output=True)
    assert _snapshot(dataset) == kill_corpus["reference"]


def test_sigkill_during_commit_then_rerun(kill_corpus: dict[str, Any]) -> None:
    root = kill_corpus["root"]
    dataset = root / "killed-committing"
    first_commit = dataset / "articles" / "_delta_log" / ("0" * 19 + "1.json")
    _kill_when(_command(root / "corpus", dataset), first_commit.exists)
    # Killed between the articles commit and the documents commit (which ends a batch).
    assert (dataset / "_wirestory" / "pending.json").exists()
    assert DeltaTable(str(dataset / "documents")).version() == 0
    subprocess.run(_command(root / "corpus", dataset), check=True, capture_output=True)
    assert not (dataset / "_wirestory" / "pending.json").exists()
    assert _snapshot(dataset) == kill_corpus["reference"]


def test_a_second_concurrent_ingest_fails_with_one_line(kill_corpus: dict[str, Any]) -> None:
    root = kill_corpus["root"]
    dataset = root / "busy"
    first = subprocess.Popen(_command(root / "corpus", dataset), stderr=subprocess.DEVNULL)
    lock = dataset / "_wirestory" / "lock"
    deadline = time.monotonic() + 60
    while not lock.exists():
        assert time.monotonic() < deadline and first.poll() is None
        time.sleep(0.01)
    second = subprocess.run(_command(root / "corpus", dataset), capture_output=True, text=True)
    assert first.wait() == 0
    assert second.returncode == 75
    assert len(second.stderr.strip().splitlines()) == 1 and "another ingest" in second.stderr
    assert _snapshot(dataset) == kill_corpus["reference"]


def test_readers_see_the_tables(batches: dict[str, Any]) -> None:
    import duckdb

    dataset = batches["dataset"]
    stories = pl.read_delta(str(dataset / "stories"))
    articles = DeltaTable(str(dataset / "articles")).to_pyarrow_dataset()
    (largest,) = duckdb.sql(
        "SELECT story_id, count(*) AS n FROM articles GROUP BY story_id ORDER BY n DESC LIMIT 1"
    ).fetchall()
    assert stories.filter(pl.col("story_id") == largest[0])["size"].item() == largest[1]
    # Only what changed: the rows a later version added, by time travel.
    first = DeltaTable(str(dataset / "articles"), version=1).to_pyarrow_table().num_rows
    assert 0 < first < articles.count_rows()


def test_watch_ingests_new_files_and_stops_cleanly_on_sigterm(
    kill_corpus: dict[str, Any], tmp_path: Path
) -> None:
    inbox, dataset = tmp_path / "inbox", tmp_path / "ds"
    inbox.mkdir()
    entry = "import sys; from wirestory.pipeline.cli import main; sys.exit(main(sys.argv[1:]))"
    command = [sys.executable, "-c", entry, "watch", str(inbox), "--dataset", str(dataset)]
    watcher = subprocess.Popen(
        [*command, "--every", "0.5"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    files = sorted((kill_corpus["root"] / "corpus").rglob("*.html*"))[:6]
    for file in files:
        shutil.copy(file, inbox / file.name)
    deadline = time.monotonic() + 120
    while not (dataset / "documents" / "_delta_log" / ("0" * 19 + "1.json")).exists():
        assert watcher.poll() is None, watcher.communicate()
        assert time.monotonic() < deadline, "watch never committed"
        time.sleep(0.2)
    watcher.send_signal(signal.SIGTERM)
    _, err = watcher.communicate(timeout=60)
    assert watcher.returncode == 0, err
    assert "stopped by SIGTERM" in err
    assert table(dataset, "articles").height + table(dataset, "rejects").height == len(files)
    assert not (dataset / "_wirestory" / "pending.json").exists()


def test_a_joining_article_is_explained_by_its_own_indexed_match() -> None:
    from wirestory.transforms.history import HistoryMatch, best_match
    from wirestory.transforms.incremental import UPDATES, JoinExistingFn

    def row(doc_id: str, matched: str | None, canonical: bool) -> dict[str, Any]:
        return {
            "doc_id": doc_id,
            "story_id": "st_n1",
            "is_canonical": canonical,
            "similarity": 1.0 if canonical else 0.7,
            "matched_doc_id": matched,
            "match_jaccard": None if matched is None else 0.7,
            "match_containment": None if matched is None else 0.8,
            "published": None,
            "url": None,
            "sitename": None,
            "title": "t",
            "text": "x",
            "word_count": 1,
        }

    direct = HistoryMatch("st_old", "o9", 0.95, 0.97)  # n2 matched the indexed o9
    joined = {
        "rows": [row("n1", None, True), row("n2", "n1", False)],
        "story": [],
        "match": [("n2", direct)],
        "own": [("n2", direct)],
    }
    out = list(JoinExistingFn().process(("st_n1", joined)))
    rows = {r["doc_id"]: r for r in out if isinstance(r, dict)}
    assert rows["n2"]["similarity"] == 0.95  # to the indexed copy it matched
    assert rows["n2"]["matched_doc_id"] == "n1"  # it joined its batch group through n1
    assert rows["n1"]["matched_doc_id"] == "o9"  # the group's first article, through n2's match
    assert {r["story_id"] for r in rows.values()} == {"st_old"}
    assert not any(r["is_canonical"] for r in rows.values())
    assert [o.tag for o in out if not isinstance(o, dict)] == [UPDATES]
    # Identical copies tie: the pick must not depend on arrival order.
    a, b = HistoryMatch("st_a", "o2", 1.0, 1.0), HistoryMatch("st_a", "o1", 1.0, 1.0)
    assert best_match([a, b]) == best_match([b, a]) == b


def test_an_empty_incoming_folder_is_nothing_new_and_a_missing_file_an_error(
    tmp_path: Path, capsys
) -> None:
    (tmp_path / "incoming").mkdir()
    dataset = tmp_path / "ds"
    assert ingest(str(tmp_path / "incoming"), "--dataset", str(dataset)) == 0
    assert "nothing new" in capsys.readouterr().out
    assert ingest(str(tmp_path / "missing.html"), "--dataset", str(dataset)) == 2


def test_a_fresh_commit_never_skips_steps_another_writer_claimed(batches: dict[str, Any]) -> None:
    from wirestory.pipeline.commit import check_unclaimed
    from wirestory.pipeline.dataset import Dataset, DatasetBusy

    dataset = Dataset.open(str(batches["dataset"]))
    last = dataset.committed_batch()
    check_unclaimed(dataset, last + 1)  # the next number is free
    with pytest.raises(DatasetBusy, match=f"batch {last} was committed by another writer"):
        check_unclaimed(dataset, last)
