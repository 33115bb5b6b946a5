"""Seeded syndication corpus: copies of real and derived stories across outlet templates.

    python -m benchmarks.synd_corpus OUT_DIR --docs 2000 [--seed 13] [--truth PATH]

Writes the article files under OUT_DIR and the ground truth as JSON beside it (never inside: the
pipeline would read it as an input). The same seed and arguments give byte-identical files and
truth. See benchmarks/SYNDICATION.md for the design.
"""

from __future__ import annotations

import argparse
import gzip
import hashlib
import json
import re
import shutil
import sys
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

from benchmarks.synd_copies import Copy, make_copy, render_html, render_text
from benchmarks.synd_kinds import (
    NEAR_EMPTY_SHARE,
    KindMaker,
    bare_page,
    is_japanese,
    near_empty_story,
)
from benchmarks.synd_stories import (
    DEFAULT_GROUND_TRUTH,
    Deriver,
    Story,
    article_stories,
    load_articles,
    rng_for,
)
from benchmarks.synd_templates import OUTLETS

MAX_DOCS = 100_000
SINGLETON_SHARE = 1 / 3  # stories with one copy
TEMPLATE_SHARE = 0.04  # of all documents: short template-heavy singletons
TEMPLATE_OUTLETS = ("metro-portal", "harbour-gazette", "lakeside-ledger")  # the heaviest chrome


def generator_fingerprint(ground_truth: Path = DEFAULT_GROUND_TRUTH) -> str:
    """Hash of the generator code, demo templates and base texts; a kept corpus must match it."""
    digest = hashlib.blake2b(digest_size=8)
    here = Path(__file__).resolve().parent
    sources = [*sorted(here.glob("synd_*.py")), here.parent / "pipeline" / "demo.py", ground_truth]
    for path in sources:
        digest.update(path.read_bytes())
    return digest.hexdigest()


def truth_path_for(corpus_dir: Path) -> Path:
    """Default ground-truth file: beside the corpus directory, never inside it."""
    return corpus_dir.parent / f"{corpus_dir.name}.truth.json"


def plan_stories(
    seed: int, docs: int, ground_truth: Path, max_articles: int | None, easy: bool = False
) -> tuple[list[tuple[Story, int]], list[Story], Deriver]:
    """(story, copies) pairs filling docs minus the singletons, and the singletons (template
    pages, then near-empty pages). `easy`: without the hard kinds of synd_kinds."""
    articles = load_articles(ground_truth)
    base = article_stories(seed, articles)[:max_articles]
    deriver = Deriver(seed, articles)
    japanese = [p for _, paras in articles.values() if is_japanese(paras) for p in paras]
    maker = KindMaker(seed, deriver, japanese)
    derive = deriver.story if easy else maker.story
    templates = max(1, round(TEMPLATE_SHARE * docs)) if docs > 1 else 0
    empties = 0 if easy or docs < 100 else round(NEAR_EMPTY_SHARE * docs)
    budget = docs - templates - empties
    plan: list[tuple[Story, int]] = []
    while budget > 0:
        i = len(plan)
        story = base[i] if i < len(base) else derive(i - len(base))
        rng = rng_for(seed, story.key, "copies")
        copies = 1 if rng.random() < SINGLETON_SHARE else rng.randint(2, 6)
        copies = min(copies, budget)
        plan.append((story, copies))
        budget -= copies
    singletons = [deriver.template_story(j) for j in range(templates)]
    singletons += [near_empty_story(seed, j) for j in range(empties)]
    return plan, singletons, deriver


def _others(seed: int, key: str, headlines: list[str], own: str, count: int) -> list[str]:
    """`count` distinct headlines of other stories, for sidebars and RELATED lines."""
    rng = rng_for(seed, key, "others")
    picked: dict[str, None] = {}
    while len(picked) < count and len(picked) < len(headlines) - 1:
        headline = rng.choice(headlines)
        if headline != own:
            picked[headline] = None
    return list(picked) or [own]


def _file_name(copy: Copy, number: int) -> str:
    slug = re.sub(r"[^a-z0-9]+", "-", copy.headline.lower()).strip("-")[:48] or "story"
    ext = (".txt" if copy.fmt == "txt" else ".html") + (".gz" if copy.gz else "")
    return f"{copy.outlet.slug}/{copy.day:%Y/%m}/{slug}-{number:06d}{ext}"


def iter_copies(
    seed: int, docs: int, ground_truth: Path, max_articles: int | None, easy: bool = False
) -> Iterator[tuple[Copy, int]]:
    """Every copy of the corpus in file order, with its copy number within the story."""
    plan, templates, deriver = plan_stories(seed, docs, ground_truth, max_articles, easy)
    headlines = sorted({s.headline for s, _ in plan})
    by_slug = {o.slug: o for o in OUTLETS}
    for story, copies in plan:
        rng = rng_for(seed, story.key, "outlets")
        outlets = rng.sample(OUTLETS, min(copies, len(OUTLETS)))
        others = _others(seed, story.key, headlines, story.headline, 8)
        for n in range(copies):
            crng = rng_for(seed, story.key, n)
            outlet = outlets[n % len(outlets)]
            yield make_copy(story, outlet, crng, others, deriver, copies > 1 and n == 0), n
    for story in templates:
        rng = rng_for(seed, story.key, "outlets")
        outlet = by_slug[rng.choice(TEMPLATE_OUTLETS)]
        others = _others(seed, story.key, headlines, story.headline, 8)
        copy = make_copy(story, outlet, rng, others, deriver, original=True)
        if story.origin == "near-empty":  # a text file, a bare page or an outlet's page
            form = rng.choice(("txt", "txt", "bare", "page"))
            kinds = ("near-empty page",) if form == "page" else (*story.kinds, form)
            yield replace(copy, fmt="txt" if form == "txt" else "html", kinds=kinds), 0
        else:
            yield replace(copy, kinds=("template singleton",)), 0


def generate_corpus(
    out_dir: str | Path,
    docs: int,
    seed: int = 13,
    truth_path: str | Path | None = None,
    max_articles: int | None = None,
    ground_truth: Path = DEFAULT_GROUND_TRUTH,
    easy: bool = False,
) -> dict[str, Any]:
    """Writes `docs` files under out_dir and the truth JSON beside it; returns the truth."""
    if not 1 <= docs <= MAX_DOCS:
        raise ValueError(f"docs must be in 1..{MAX_DOCS}, got {docs}")
    root = Path(out_dir)
    truth_file = Path(truth_path) if truth_path else truth_path_for(root)
    if truth_file.resolve().is_relative_to(root.resolve()):
        raise ValueError("the truth file must not be inside the corpus directory")
    files: dict[str, dict[str, Any]] = {}
    stories: dict[str, dict[str, Any]] = {}
    copies = iter_copies(seed, docs, ground_truth, max_articles, easy)
    for number, (copy, n) in enumerate(copies):
        rel = _file_name(copy, number)
        crng = rng_for(seed, copy.story.key, n, "render")
        if "bare" in copy.kinds:
            text = bare_page(copy)
        else:
            text = render_text(copy, crng) if copy.fmt == "txt" else render_html(copy)
        data = text.encode("utf-8")
        if copy.gz:
            data = gzip.compress(data, compresslevel=6, mtime=0)  # mtime=0: reproducible bytes
        target = root / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
        files[rel] = {"story": copy.story.key, "copy": n, "kinds": list(copy.kinds)}
        entry = stories.setdefault(
            copy.story.key,
            {"origin": copy.story.origin, "headline": copy.story.headline, "copies": 0},
        )
        entry["copies"] += 1
    truth = {
        "generator": "benchmarks.synd_corpus",
        "seed": seed,
        "docs": docs,
        "max_articles": max_articles,
        "easy": easy,
        "fingerprint": generator_fingerprint(ground_truth),
        "files": dict(sorted(files.items())),
        "stories": stories,
    }
    truth_file.parent.mkdir(parents=True, exist_ok=True)
    truth_file.write_text(json.dumps(truth, indent=1, ensure_ascii=False) + "\n", "utf-8")
    return truth


def load_truth(path: Path) -> dict[str, Any]:
    """A truth file written by generate_corpus."""
    return json.loads(path.read_text(encoding="utf-8"))


def ensure_corpus(
    out_dir: Path,
    docs: int,
    seed: int,
    max_articles: int | None = None,
    force: bool = False,
    easy: bool = False,
) -> tuple[dict[str, Any], bool]:
    """(truth, whether it was generated now): a corpus with the same arguments is reused."""
    truth_file = truth_path_for(out_dir)
    if truth_file.is_file() and not force:
        truth = load_truth(truth_file)
        wanted = (seed, docs, max_articles, easy, generator_fingerprint())
        keys = ("seed", "docs", "max_articles", "easy", "fingerprint")
        same = tuple(truth.get(k) for k in keys) == wanted
        if same and sum(1 for p in out_dir.rglob("*") if p.is_file()) == docs:
            return truth, False
    if out_dir.exists():
        if not truth_file.is_file():
            raise ValueError(f"{out_dir} exists and is not a generated corpus: not replacing it")
        shutil.rmtree(out_dir)
    return generate_corpus(out_dir, docs, seed, truth_file, max_articles, easy=easy), True


def main(argv: list[str] | None = None) -> int:
    """Command line: generate (or reuse) a corpus and print its size."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out_dir", type=Path)
    parser.add_argument("--docs", type=int, default=2000)
    parser.add_argument("--seed", type=int, default=13)
    parser.add_argument("--truth", type=Path, default=None, help="Truth file (beside OUT_DIR).")
    parser.add_argument("--max-articles", type=int, default=None, help="Use fewer real bodies.")
    parser.add_argument("--force", action="store_true", help="Regenerate even if up to date.")
    parser.add_argument(
        "--easy", action="store_true", help="Without shared passages, briefs, near-empty, CJK."
    )
    args = parser.parse_args(argv)
    try:
        if args.truth:
            truth = generate_corpus(
                args.out_dir, args.docs, args.seed, args.truth, args.max_articles, easy=args.easy
            )
        else:
            truth, _ = ensure_corpus(
                args.out_dir, args.docs, args.seed, args.max_articles, args.force, args.easy
            )
    except ValueError as err:
        print(f"synd_corpus: {err}", file=sys.stderr)
        return 2
    multi = sum(1 for s in truth["stories"].values() if s["copies"] > 1)
    print(
        f"{len(truth['files'])} files, {len(truth['stories'])} stories ({multi} with copies) "
        f"in {args.out_dir}; truth {args.truth or truth_path_for(args.out_dir)}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
