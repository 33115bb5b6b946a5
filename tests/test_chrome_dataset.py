"""Page chrome in a dataset: learned while ingesting, committed as the `chrome` table, removed
from articles before grouping, and learned further by later ingests."""

from __future__ import annotations

import json
import random
from pathlib import Path
from typing import Any

import polars as pl
import pytest
from deltalake import DeltaTable
from wirestory.pipeline import cli
from wirestory.transforms.chrome import line_hash

COOKIE = (
    "We use cookies and similar technologies to personalise content and ads, to provide social "
    "media features and to analyse our traffic. We also share information about your use of our "
    "site with our advertising, analytics and social media partners, who may combine it with "
    "other information that you have provided to them or that they have collected from your "
    "use of their services."
)
MENU = "Home Local Region Politics Business Sport Opinion Weather Obituaries Puzzles Subscribe"
_VOCABULARY = (
    "harbour council ferry storm budget school river bridge market festival court police "
    "hospital museum library railway airport tunnel election mayor farmers orchard weather "
    "flood repair contract tender vote protest strike union league stadium concert theatre "
    "garden forest lake island port cargo fishing quota licence permit planning housing"
)
_WORDS = _VOCABULARY.split()


def _body(seed: int, words: int = 45) -> str:
    rng = random.Random(seed)
    return " ".join(rng.choice(_WORDS) for _ in range(words)) + "."


def _record(site: str, n: int, lines: list[str]) -> str:
    return json.dumps({"url": f"https://{site}/story-{n}", "text": "\n".join(lines)})


def _ledger(numbers: range) -> list[str]:
    return [_record("ledger.example", n, [COOKIE, MENU, _body(n)]) for n in numbers]


def _write(folder: Path, records: list[str]) -> Path:
    folder.mkdir(parents=True)
    (folder / "feed.jsonl").write_text("\n".join(records) + "\n", encoding="utf-8")
    return folder


def _ingest(folder: Path, dataset: Path, *flags: str) -> None:
    assert cli.main(["ingest", str(folder), "--dataset", str(dataset), "--quiet", *flags]) == 0


def _table(dataset: Path, name: str) -> pl.DataFrame:
    return pl.from_arrow(DeltaTable(str(dataset / name)).to_pyarrow_table())


def _texts(dataset: Path, site: str) -> list[str]:
    articles = _table(dataset, "articles").sort("doc_id")
    return [t for u, t in zip(articles["url"], articles["text"], strict=True) if site in u]


@pytest.fixture(scope="module")
def runs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    root = tmp_path_factory.mktemp("chrome")
    # 8 short pages of one site, each mostly banner and menu; a site of 3 pages with the banner.
    small = [_record("small.example", n, [COOKIE, _body(100 + n)]) for n in range(3)]
    # Two pages of the site that are nothing but its chrome (an empty gallery, say).
    empty = [_record("ledger.example", n, [COOKIE, MENU]) for n in (8, 9)]
    records = [*_ledger(range(8)), *empty, *small]
    forward = _write(root / "forward", records)
    backward = _write(root / "backward", records[::-1])
    out: dict[str, Any] = {"root": root}
    for name, folder, flags in (
        ("on", forward, ()),
        ("reversed", backward, ()),
        ("off", forward, ("--chrome-min-pages", "0")),
    ):
        out[name] = root / f"ds-{name}"
        _ingest(folder, out[name], *flags)
    return out


def test_repeated_banner_and_menu_are_removed_before_grouping(runs: dict[str, Any]) -> None:
    texts = _texts(runs["on"], "ledger.example")
    chrome_only = f"{COOKIE}\n{MENU}"
    # The chrome-only pages are stored as extracted; grouping saw nothing of them.
    assert sorted(texts) == sorted([*(_body(n) for n in range(8)), chrome_only, chrome_only])
    articles = _table(runs["on"], "articles")
    ledger = articles.filter(pl.col("url").str.contains("ledger.example"))
    assert ledger["story_id"].n_unique() == 10


def test_without_removal_the_chrome_makes_short_pages_one_story(runs: dict[str, Any]) -> None:
    texts = _texts(runs["off"], "ledger.example")
    assert len(texts) == 10 and all(t.startswith(COOKIE) for t in texts)
    ledger = _table(runs["off"], "articles").filter(pl.col("url").str.contains("ledger.example"))
    assert ledger["story_id"].n_unique() < 8


def test_a_small_site_keeps_its_lines(runs: dict[str, Any]) -> None:
    texts = _texts(runs["on"], "small.example")
    assert len(texts) == 3 and all(t.startswith(COOKIE) for t in texts)


def test_the_chrome_table_is_committed_with_the_batch(runs: dict[str, Any]) -> None:
    chrome = _table(runs["on"], "chrome")
    counts = {
        (r["site"], r["line_hash"]): r["pages"]
        for r in chrome.select("site", "line_hash", "pages").to_dicts()
    }
    assert counts[("ledger.example", "")] == 10
    assert counts[("ledger.example", line_hash(COOKIE))] == 10
    assert counts[("small.example", line_hash(COOKIE))] == 3
    assert set(chrome["batch"]) == {1}
    table = DeltaTable(str(runs["on"] / "chrome"))
    assert table.transaction_version("wirestory:chrome") == 1
    assert table.metadata().partition_columns == ["bucket"]


def test_input_order_changes_nothing(runs: dict[str, Any]) -> None:
    def snapshot(dataset: Path) -> tuple[list[dict], list[dict]]:
        articles = _table(dataset, "articles").select("doc_id", "text", "story_id")
        chrome = _table(dataset, "chrome").select("bucket", "site", "line_hash", "pages")
        return (
            articles.sort("doc_id").to_dicts(),
            chrome.sort("site", "line_hash").to_dicts(),
        )

    assert snapshot(runs["reversed"]) == snapshot(runs["on"])


def test_a_later_ingest_learns_from_the_stored_counts(tmp_path: Path) -> None:
    dataset = tmp_path / "ds"
    # 4 pages: below the 5-page floor, nothing is removed yet; their counts are stored.
    _ingest(_write(tmp_path / "first", _ledger(range(4))), dataset)
    assert all(t.startswith(COOKIE) for t in _texts(dataset, "ledger.example"))
    # 3 more: 3 alone would not be enough, 4 stored + 3 are.
    _ingest(_write(tmp_path / "second", _ledger(range(4, 7))), dataset)
    articles = _table(dataset, "articles")
    later = {f"https://ledger.example/story-{n}" for n in range(4, 7)}
    for url, text in zip(articles["url"], articles["text"], strict=True):
        # The first batch's stored text is not rewritten; the second batch's is clean.
        assert (COOKIE in text) == (url not in later)
    chrome = _table(dataset, "chrome").filter(pl.col("line_hash") == line_hash(COOKIE))
    assert sorted(zip(chrome["batch"], chrome["pages"], strict=True)) == [(1, 4), (2, 3)]
    assert DeltaTable(str(dataset / "chrome")).transaction_version("wirestory:chrome") == 2


def test_a_dataset_from_before_the_chrome_table_gets_it(tmp_path: Path) -> None:
    import shutil

    from wirestory.pipeline.dataset import Dataset, DatasetConfig
    from wirestory.transforms.signatures import MinHashParams

    root = tmp_path / "old"
    Dataset.create(str(root), DatasetConfig.from_params(MinHashParams()))
    shutil.rmtree(root / "chrome")
    dataset = Dataset.open(str(root))
    assert not DeltaTable.is_deltatable(str(root / "chrome"))
    dataset.add_missing_tables()
    assert DeltaTable(str(root / "chrome")).metadata().partition_columns == ["bucket"]
    assert dataset.bucket_files("chrome") == {}
