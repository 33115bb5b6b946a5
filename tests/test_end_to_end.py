"""End to end: the real command on the demo corpus, seeds and hostile files; Parquet read back."""

from __future__ import annotations

import gzip
import json
import subprocess
import sys
from pathlib import Path

import apache_beam as beam
import duckdb
import pyarrow.parquet as pq
import pytest
from deltalake import DeltaTable
from wirestory.pipeline import cli
from wirestory.pipeline.demo import generate_demo_corpus
from wirestory.pipeline.demo_check import pair_scores, read_assignments
from wirestory.schemas import table_schemas
from wirestory.schemas.models import TABLES

from tests.conftest import PROJECT

SEED_TITLES = {
    "Russia seals partnership with North Korea amid troop dispatch",
    "North Korea ratifies mutual defence treaty with Russia",
    "Russian parliament ratifies defence treaty with North Korea",
    "South Korea condemns Russia’s move to seal defence pact with North Korea",
}


@pytest.fixture(scope="module")
def demo_run(tmp_path_factory: pytest.TempPathFactory, request: pytest.FixtureRequest):
    """One run over the demo corpus, the seeds and a folder of bad files."""
    root = tmp_path_factory.mktemp("e2e")
    corpus = generate_demo_corpus(root / "articles", seed=11)
    bad = root / "bad"
    bad.mkdir()
    (bad / "empty.html").write_bytes(b"")
    (bad / "nav only.txt").write_text("Advertisement\nShare this article\n_____\n")
    (bad / "truncated.html.gz").write_bytes(gzip.compress(b"<p>" + b"x" * 5000)[:40])
    (bad / "notes.pdf").write_bytes(b"%PDF-1.4")
    (bad / "script.html").write_text("<html><body><script>var a=1;</script></body></html>")
    seeds = PROJECT.parent / "shared" / "seeds"
    out = root / "out"
    argv = ["run", str(root / "articles"), str(seeds), str(bad), "--output", str(out), "--quiet"]
    assert cli.main(argv) == 0
    return corpus, root, out, seeds


def _table(out: Path, name: str):
    return pq.read_table(out / name)


def test_every_input_is_in_exactly_one_table(demo_run) -> None:
    _, root, out, seeds = demo_run
    articles = set(_table(out, "articles").column("source_uri").to_pylist())
    rejects = _table(out, "rejects").to_pylist()
    rejected = {row["source_uri"] for row in rejects}
    inputs = {str(p) for d in (root / "articles", seeds, root / "bad") for p in d.rglob("*")}
    inputs = {p for p in inputs if Path(p).is_file()}
    assert not articles & rejected
    assert articles | rejected == inputs
    reasons = {Path(row["source_uri"]).name: row["reason"] for row in rejects}
    assert reasons == {
        "empty.html": "empty",
        "nav only.txt": "empty",
        "truncated.html.gz": "decompress_error",
        "notes.pdf": "unsupported_format",
        "script.html": "not_article",
    }


def test_demo_copies_join_their_story_and_stories_never_merge(demo_run) -> None:
    corpus, root, out, _ = demo_run
    predicted = read_assignments(out, root / "articles")
    demo = {f: s for f, s in predicted.items() if f in corpus.files}
    assert set(demo) == set(corpus.files)
    scores = pair_scores(corpus.files, demo)
    assert scores["precision"] == 1.0 and scores["recall"] == 1.0


def test_seeds_are_five_articles_with_titles(demo_run) -> None:
    _, _, out, seeds = demo_run
    rows = duckdb.sql(
        f"SELECT title, story_id, text FROM '{out}/articles/*.parquet' "
        f"WHERE source_uri LIKE '{seeds}/%'"
    ).fetchall()
    assert len(rows) == 5 and len({r[1] for r in rows}) == 5
    titles = {r[0] for r in rows}
    assert titles > SEED_TITLES and all(titles)
    texts = "\n".join(r[2] for r in rows)
    for boilerplate in (
        "Sign up now",
        "Follow topic",
        "PHOTO: REUTERS",
        "Deposit Bonus",
        "Post navigation",
        "More from International",
        "All reproduction",
    ):
        assert boilerplate not in texts


def test_every_article_says_why_it_is_in_its_story(demo_run) -> None:
    _, _, out, _ = demo_run
    con = duckdb.connect()
    con.sql(f"CREATE VIEW a AS SELECT * FROM '{out}/articles/*.parquet'")
    # Null exactly for canonical copies; otherwise a verified match inside the same story.
    bad = con.sql(
        """SELECT a.doc_id FROM a LEFT JOIN a AS m ON m.doc_id = a.matched_doc_id
           WHERE (a.is_canonical AND (a.matched_doc_id IS NOT NULL OR a.match_jaccard IS NOT NULL))
              OR (NOT a.is_canonical AND (m.story_id IS DISTINCT FROM a.story_id
                  OR NOT a.match_jaccard BETWEEN 0 AND 1
                  OR NOT a.match_containment BETWEEN 0 AND 1))"""
    ).fetchall()
    assert bad == []
    joined = "SELECT count(*) FROM a WHERE matched_doc_id IS NOT NULL"
    assert con.sql(joined).fetchall()[0][0] > 0


def test_a_listed_file_that_vanishes_before_the_read_is_a_reject(
    tmp_path: Path, monkeypatch
) -> None:
    """The launcher lists the inputs; a file deleted before the pipeline reads it is a reject
    (it had been matched again, found missing and silently dropped)."""
    import wirestory.pipeline.ingest as ingest_module

    vanished = tmp_path / "vanished.html"
    listed = ingest_module.list_inputs

    def listing(patterns, allow_empty=False):
        return [*listed(patterns, allow_empty), ingest_module.InputFile(str(vanished), 900)]

    monkeypatch.setattr(ingest_module, "list_inputs", listing)
    out = tmp_path / "out"
    seeds = PROJECT.parent / "shared" / "seeds"
    assert cli.main(["run", str(seeds), "--output", str(out), "--quiet"]) == 0
    rejects = {row["source_uri"]: row for row in _table(out, "rejects").to_pylist()}
    assert rejects[str(vanished)]["reason"] == "unreadable"
    counts = json.loads((out / "manifest.json").read_text())["counts"]
    assert (counts["inputs"], counts["articles"], counts["rejects"]) == (6, 5, 1)


def test_stories_and_articles_agree(demo_run) -> None:
    _, _, out, _ = demo_run
    con = duckdb.connect()
    con.sql(f"CREATE VIEW a AS SELECT * FROM '{out}/articles/*.parquet'")
    con.sql(f"CREATE VIEW s AS SELECT * FROM '{out}/stories/*.parquet'")
    # one canonical per story and matching sizes; in a pair the longer copy is canonical
    bad = con.sql(
        """SELECT s.story_id FROM s JOIN a ON a.story_id = s.story_id
           GROUP BY s.story_id, s.size, s.canonical_doc_id
           HAVING count(*) != s.size OR sum(a.is_canonical::INT) != 1
              OR (s.size = 2 AND max(a.word_count) != max(CASE WHEN a.doc_id = s.canonical_doc_id
                                                              THEN a.word_count END))"""
    ).fetchall()
    assert bad == []
    orphans = "SELECT count(*) FROM a WHERE story_id NOT IN (SELECT story_id FROM s)"
    assert con.sql(orphans).fetchall() == [(0,)]
    similarity = con.sql("SELECT min(similarity), max(similarity) FROM a").fetchall()[0]
    assert 0.0 < similarity[0] <= similarity[1] == 1.0


def test_parquet_schemas_come_from_the_models_and_manifest_counts_match(demo_run) -> None:
    _, _, out, _ = demo_run
    manifest = json.loads((out / "manifest.json").read_text())
    for name, schema in table_schemas().items():
        # Every table, the index too, is a Delta table with exactly the model's schema.
        table = DeltaTable(str(out / name)).to_pyarrow_table()
        assert table.schema.equals(schema), name
        if name in TABLES:
            assert manifest["counts"][name] == table.num_rows
    assert (
        manifest["counts"]["inputs"]
        == manifest["counts"]["articles"] + manifest["counts"]["rejects"]
    )
    assert sum(manifest["rejects_by_reason"].values()) == manifest["counts"]["rejects"]
    assert not (out / "_incomplete").exists()


def test_existing_output_is_refused_and_overwrite_replaces_it(demo_run, tmp_path: Path) -> None:
    _, _, out, seeds = demo_run
    assert cli.main(["run", str(seeds), "--output", str(out), "--quiet"]) == 2
    foreign = tmp_path / "home"
    foreign.mkdir()
    (foreign / "thesis.txt").write_text("precious")
    assert cli.main(["run", str(seeds), "--output", str(foreign), "--overwrite", "--quiet"]) == 2
    assert (foreign / "thesis.txt").read_text() == "precious"


def _failing_batches(monkeypatch) -> None:
    import wirestory.pipeline.ingest as ingest_module

    original = ingest_module.build_batch_pipeline

    def failing(pipeline, files, options, ctx):
        original(pipeline, files, options, ctx)
        _ = pipeline | "Boom" >> beam.Create([1]) | beam.Map(_explode)

    monkeypatch.setattr(ingest_module, "build_batch_pipeline", failing)


def test_failed_run_leaves_nothing_that_looks_complete(tmp_path: Path, monkeypatch, capsys) -> None:
    _failing_batches(monkeypatch)
    out = tmp_path / "out"
    seeds = PROJECT.parent / "shared" / "seeds"
    assert cli.main(["run", str(seeds), "--output", str(out), "--quiet"]) == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert err[-1].startswith("wirestory: pipeline failed:")
    assert not out.exists()
    assert list(tmp_path.iterdir()) == []


def test_failed_overwrite_keeps_the_previous_output(tmp_path: Path, monkeypatch) -> None:
    seeds = PROJECT.parent / "shared" / "seeds"
    out = tmp_path / "out"
    assert cli.main(["run", str(seeds), "--output", str(out), "--quiet"]) == 0
    before = sorted(p.relative_to(out) for p in out.rglob("*"))
    _failing_batches(monkeypatch)
    assert cli.main(["run", str(seeds), "--output", str(out), "--overwrite", "--quiet"]) == 1
    assert sorted(p.relative_to(out) for p in out.rglob("*")) == before
    assert json.loads((out / "manifest.json").read_text())["counts"]["articles"] == 5
    assert [p.name for p in tmp_path.iterdir()] == ["out"]


def test_overwrite_never_deletes_nested_foreign_files(tmp_path: Path) -> None:
    seeds = PROJECT.parent / "shared" / "seeds"
    out = tmp_path / "out"
    assert cli.main(["run", str(seeds), "--output", str(out), "--quiet"]) == 0
    notes = out / "articles" / "my-notes" / "keep.txt"
    notes.parent.mkdir()
    notes.write_text("mine")
    assert cli.main(["run", str(seeds), "--output", str(out), "--overwrite", "--quiet"]) == 2
    assert notes.read_text() == "mine"


def _explode(_: int) -> int:
    raise RuntimeError("deliberate failure")


def test_beam_style_entry_point(tmp_path: Path) -> None:
    seeds = PROJECT.parent / "shared" / "seeds"
    out = tmp_path / "out"
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "wirestory.pipeline.run",
            f"--input={seeds}",
            f"--output={out}",
            "--threshold=0.6",
            "--shingle_size=4",
        ],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    # The same summary as `wirestory run`, not a raw dict.
    assert result.stdout.startswith("wirestory: done in ") and "{" not in result.stdout
    assert "  articles                   5" in result.stdout
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["counts"]["articles"] == 5
    assert manifest["parameters"]["minhash"]["threshold"] == 0.6
    assert manifest["parameters"]["minhash"]["shingle_size"] == 4
    chrome = {"min_pages": 5, "min_share": 0.3, "max_page_share": 0.8, "repeated_share": 0.35}
    assert manifest["parameters"]["chrome"] == chrome  # the rule grouping ran with
