"""explain and report on a small dataset (Parquet and Delta Lake); the report in real Chromium."""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from wirestory.pipeline.cli import main
from wirestory.pipeline.explain import explain, read_table, word_diff
from wirestory.pipeline.report import build_report
from wirestory.schemas.arrow import table_schemas

STORY = " ".join(f"alpha{i} beta{i} gamma{i}" for i in range(40))
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")


def _article(doc_id: str, story: str, text: str, canonical: bool, through: str | None) -> dict:
    return {
        "doc_id": doc_id,
        "source_uri": f"/in/{doc_id}.html",
        "url": None,
        "title": f"Title of {story} <b>",
        "author": None,
        "published": None,
        "sitename": f"site-{doc_id}",
        "language": "en",
        "fetched": None,
        "text": text,
        "word_count": len(text.split()),
        "story_id": story,
        "is_canonical": canonical,
        "similarity": 1.0 if canonical else 0.8,
        "matched_doc_id": through,
        "match_jaccard": None if canonical else 0.8,
        "match_containment": None if canonical else 1.0,
    }


def _rows() -> dict[str, list[dict]]:
    own = "Download the Site A2 app for alerts, offers and the daily puzzle every morning"
    edited = STORY.replace("beta7", "BETA") + " promo line here\n" + own
    articles = [
        _article("a1", "st_a1", STORY, True, None),
        _article("a2", "st_a1", edited, False, "a1"),
        _article("a3", "st_a1", " ".join(STORY.split()[:60]), False, "a1"),
        _article("b1", "st_b1", "A different story entirely " * 12, True, None),
    ]
    stories = [
        {
            "story_id": "st_a1",
            "canonical_doc_id": "a1",
            "title": "Title of st_a1 <b>",
            "url": None,
            "text": STORY,
            "size": 3,
            "doc_ids": ["a1", "a2", "a3"],
            "urls": [],
            "sites": [],
            "first_published": None,
            "last_published": None,
        }
    ]
    rejects = [{"source_uri": "/in/x.html", "stage": "extract", "reason": "empty", "detail": "no"}]
    return {"articles": articles, "stories": stories, "rejects": rejects}


@pytest.fixture(params=["parquet", "delta"])
def dataset(request: pytest.FixtureRequest, tmp_path: Path) -> Path:
    schemas = table_schemas()
    for name, rows in _rows().items():
        table = pa.Table.from_pylist(rows, schema=schemas[name])
        if request.param == "delta":
            deltalake = pytest.importorskip("deltalake")
            deltalake.write_deltalake(str(tmp_path / name), table)
        else:
            (tmp_path / name).mkdir()
            pq.write_table(table, tmp_path / name / "part-0.parquet")
    return tmp_path


def test_read_table_reads_delta_and_parquet_alike(dataset: Path) -> None:
    table = read_table(str(dataset), "articles", ["doc_id", "story_id", "no_such_column"])
    assert sorted(table["doc_id"].to_pylist()) == ["a1", "a2", "a3", "b1"]
    assert table["no_such_column"].null_count == 4


def test_explain_prints_story_matches_and_diff(dataset: Path) -> None:
    text = explain(str(dataset), "a2")
    assert "story     st_a1  3 article(s); canonical copy a1" in text
    assert "joined    through a1: Jaccard 0.800, containment 1.000" in text
    assert "  a1  jaccard" in text  # a verified match recomputed from the texts
    assert "[-beta7-] {+BETA+}" in text and "{+promo line here Download the Site A2" in text
    assert "own lines 1 line(s) name this copy's outlet" in text
    assert "  Download the Site A2 app for alerts" in text
    assert "own lines" not in explain(str(dataset), "a3")  # it names no outlet
    assert "canonical copy: its first document" in explain(str(dataset), "a1")
    with pytest.raises(KeyError):
        explain(str(dataset), "nope")


def test_cli_explain_and_report(dataset: Path, tmp_path: Path, capsys) -> None:
    assert main(["explain", str(dataset), "a3"]) == 0
    assert "st_a1" in capsys.readouterr().out
    assert main(["explain", str(dataset), "missing"]) == 2
    out = tmp_path / "r.html"
    assert main(["report", str(dataset), "--output", str(out)]) == 0
    assert "Title of st_a1 &lt;b&gt;" in out.read_text(encoding="utf-8")


def test_word_diff_marks_changes_and_cuts_long_equal_runs() -> None:
    runs = list(
        word_diff("a b c d e f g h i j k l m n o p", "a b c d e f g X h i j k l m n o p", 2)
    )
    assert ("+", "X") in runs and any(op == "..." for op, _ in runs)


def test_report_is_self_contained(dataset: Path) -> None:
    page = build_report(str(dataset))
    for section in ("Summary", "Story sizes", "Largest stories", "Rejects by reason", "Sites"):
        assert f"<h2>{section}</h2>" in page
    assert "<svg" in page and "<del>beta7</del>" in page and "<ins>BETA</ins>" in page
    assert "src=" not in page and "href=" not in page and "@import" not in page


def _chromium(url: str, *extra: str) -> tuple[str, str]:
    with tempfile.TemporaryDirectory() as profile:
        done = subprocess.run(
            [
                CHROMIUM or "chromium",
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--no-first-run",
                f"--user-data-dir={profile}",
                "--enable-logging=stderr",
                "--v=0",
                *extra,
                url,
            ],
            capture_output=True,
            text=True,
            timeout=120,
        )
    return done.stdout, done.stderr


def _console(stderr: str) -> list[str]:
    return [line for line in stderr.splitlines() if ":CONSOLE" in line]


def test_report_loads_in_headless_chromium_without_console_errors(
    dataset: Path, tmp_path: Path
) -> None:
    if CHROMIUM is None:
        if os.environ.get("CI"):
            pytest.fail("CI must install Debian's chromium (.ci/run does)")
        pytest.skip("Debian's chromium is not installed (apt-get install chromium)")
    page = tmp_path / "report.html"
    page.write_text(build_report(str(dataset)), encoding="utf-8")
    dom, log = _chromium(page.as_uri(), "--dump-dom")
    assert 'data-ready="yes"' in dom  # the page's script ran to the end
    assert "Title of st_a1 &lt;b&gt;" in dom and "Largest stories" in dom
    assert _console(log) == []
    # The check itself catches errors: a page that throws is reported.
    bad = tmp_path / "bad.html"
    bad.write_text("<html><body><script>throw new Error('boom')</script></body></html>")
    _, log = _chromium(bad.as_uri(), "--dump-dom")
    assert any("Uncaught Error: boom" in line for line in _console(log))
