"""Tests for the seeded demo corpus generator (pipeline/demo.py)."""

from __future__ import annotations

import gzip
import html
import re
from collections import Counter
from pathlib import Path

import pytest
import trafilatura
from lxml import html as lxml_html
from wirestory.pipeline.demo import OUTLETS, SINGLETONS, STORIES, DemoCorpus, generate_demo_corpus

BY_KEY = {s.key: s for s in (*STORIES, *SINGLETONS)}


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, DemoCorpus]:
    root = tmp_path_factory.mktemp("demo")
    return root, generate_demo_corpus(root)


def _tree(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in root.rglob("*") if p.is_file()}


def _read(path: Path) -> str:
    data = path.read_bytes()
    return (gzip.decompress(data) if path.suffix == ".gz" else data).decode("utf-8")


def _shingles(text: str, n: int = 5) -> set[tuple[str, ...]]:
    # Tags are dropped so markup never joins words; punctuation styles (quotes, dashes) vanish.
    words = re.findall(r"\w+", html.unescape(re.sub(r"<[^>]+>", " ", text)).lower())
    return {tuple(words[i : i + n]) for i in range(len(words) - n + 1)}


def _containment(part: str, whole: set[tuple[str, ...]]) -> float:
    grams = _shingles(part)
    return len(grams & whole) / len(grams)


def test_same_seed_is_byte_identical_and_other_seed_differs(tmp_path: Path) -> None:
    a = generate_demo_corpus(tmp_path / "a", seed=7)
    b = generate_demo_corpus(tmp_path / "b", seed=7)
    c = generate_demo_corpus(tmp_path / "c", seed=8)
    assert _tree(tmp_path / "a") == _tree(tmp_path / "b")
    assert a == b
    assert _tree(tmp_path / "c") != _tree(tmp_path / "a")
    assert c.files != a.files  # different outlets and formats, not just different bytes


def test_truth_covers_exactly_the_written_files(corpus: tuple[Path, DemoCorpus]) -> None:
    root, demo = corpus
    assert set(demo.files) == set(_tree(root))
    assert 40 <= len(demo.files) <= 60
    assert set(demo.files.values()) == set(demo.stories) == set(BY_KEY)
    for rel in demo.files:
        assert _read(root / rel).strip()  # .gz files must decompress to text
    suffixes = {"".join(Path(rel).suffixes[-2:]) for rel in demo.files}
    assert {".html", ".txt", ".html.gz", ".txt.gz"} <= suffixes
    names = [Path(rel).name for rel in demo.files]
    assert any(" " in n for n in names)
    assert any(not n.isascii() for n in names)


def test_copy_counts(corpus: tuple[Path, DemoCorpus]) -> None:
    counts = Counter(corpus[1].files.values())
    assert all(counts[s.key] >= 2 for s in STORIES)
    assert all(counts[s.key] == 1 for s in SINGLETONS)
    assert sum(len(s.paragraphs) == 2 for s in SINGLETONS) >= 2  # the short template-heavy ones


def test_copies_share_paragraphs_and_stories_do_not(corpus: tuple[Path, DemoCorpus]) -> None:
    root, demo = corpus
    for rel, key in demo.files.items():
        grams = _shingles(_read(root / rel))
        own = BY_KEY[key].paragraphs
        # A paragraph counts as kept if half its 5-grams survive: 2-5% word edits each break 5.
        near = sum(_containment(p, grams) >= 0.5 for p in own)
        assert near >= 0.7 * len(own), rel
        for other in BY_KEY.values():
            if other.key != key:
                assert _containment(" ".join(other.paragraphs), grams) < 0.02, (rel, other.key)


def test_copies_scale_adds_copies(tmp_path: Path) -> None:
    base = Counter(generate_demo_corpus(tmp_path / "a").files.values())
    scaled = Counter(generate_demo_corpus(tmp_path / "b", copies_scale=2).files.values())
    assert all(scaled[s.key] == 2 * base[s.key] for s in STORIES)
    assert all(scaled[s.key] == 1 for s in SINGLETONS)
    with pytest.raises(ValueError):
        generate_demo_corpus(tmp_path / "c", copies_scale=0)


@pytest.mark.parametrize("outlet", [o.slug for o in OUTLETS])
def test_trafilatura_keeps_body_and_drops_boilerplate(
    corpus: tuple[Path, DemoCorpus], outlet: str
) -> None:
    root, demo = corpus
    pages = [r for r in demo.files if r.startswith(f"{outlet}/") and ".html" in r]
    assert pages
    for rel in pages[:3]:
        page = _read(root / rel)
        text = trafilatura.extract(page, fast=True, deduplicate=False, include_comments=False)
        assert text, rel
        extracted = _shingles(text)
        first = BY_KEY[demo.files[rel]].paragraphs[0]
        # Whatever survived the copy edits of the lede must survive extraction too.
        assert _shingles(first) & _shingles(page) <= extracted, rel
        assert _containment(first, extracted) >= 0.6, rel
        tree = lxml_html.fromstring(page)
        sidebar = tree.xpath('//*[contains(@class, "most-read")]//a/text()')
        assert len(sidebar) == 5
        assert not [h for h in sidebar if h in text], rel
        cookie = tree.xpath('//*[contains(@id, "cookie")]')[0].text_content()
        assert " ".join(cookie.split()[:6]) not in " ".join(text.split()), rel
