"""The corpus's hard kinds: different stories that share text, near-empty pages, CJK copies.

- **Shared passages.** Stories of one event share a background paragraph or a quote: in some
  blocks of derived stories, 2-5 consecutive stories each carry the same re-lexicalised
  passage at a seeded position. They stay different stories (`shared passage`).
- **Briefs.** A short story of 2-3 paragraphs, one of which a longer, different story repeats
  (`brief` for the short one's copies, `brief host` for the longer one's).
- **Near-empty pages.** Singletons whose text is punctuation, a caption or a label of a few
  words, often the same text on several pages, as text files or bare pages (`near-empty`).
  They must never merge. The same in an outlet's template (`near-empty page`) is reported
  apart: there the extractor returns the template's chrome (a consent banner, navigation), the
  same text on every such page of that outlet, which no text comparison can tell from a copy.
- **CJK stories.** Japanese paragraphs re-lexicalised character by character (kanji to kanji,
  kana to kana, per story), copied with character edits (`CJK`, `CJK edits`).

Every kind is decided per derived-story number from the seed, so growing the corpus keeps the
earlier stories.
"""

from __future__ import annotations

import html
import random
import re
import unicodedata
from dataclasses import replace
from datetime import date, timedelta
from typing import Any

from benchmarks.synd_stories import Deriver, Story, opening_words, rng_for, script_of

BLOCK = 10  # derived stories per block: a block may hold one shared passage and one brief
SHARED_BLOCK_SHARE = 0.6  # blocks whose first 2-5 stories share a passage
BRIEF_BLOCK_SHARE = 0.6  # blocks whose last story is a brief repeated by the one before it
CJK_EVERY = 23  # every 23rd derived story is Japanese
NEAR_EMPTY_SHARE = 0.01  # of all documents
NEAR_EMPTY_TEXTS = (
    "• • •",
    "* * *",
    "—",
    "...",
    "…",
    "###",
    "| | |",
    "Photo",
    "Video",
    "Advertisement",
    "Loading…",
    "Live updates",
    "Photo: AP",
    "Watch: video 2:14",
    "Updated 14:05",
    "Gallery (12 photos)",
    "Click here",
)
_KANJI = re.compile(r"[\u4e00-\u9fff]")
_HIRAGANA = re.compile(r"[\u3041-\u3096]")
_KATAKANA = re.compile(r"[\u30a1-\u30fa]")


def is_japanese(paragraphs: tuple[str, ...]) -> bool:
    """Hiragana or Han the dominant script."""
    return script_of(" ".join(paragraphs)) in ("HIRAGANA", "CJK", "KATAKANA")


class KindMaker:
    """Derived stories with the hard kinds layered on (see the module doc)."""

    def __init__(self, seed: int, deriver: Deriver, japanese: list[str]) -> None:
        self._seed = seed
        self._deriver = deriver
        self._japanese = [p for p in japanese if len(p) >= 20]
        text = "".join(self._japanese)
        self._kanji = sorted(set(_KANJI.findall(text))) or ["日"]

    def story(self, number: int) -> Story:
        """Derived story `number`, with its block's shared passage or brief where it has one."""
        if self._japanese and number % CJK_EVERY == CJK_EVERY - 1:
            return self.cjk_story(number)
        story = self._deriver.story(number)
        block, slot = divmod(number, BLOCK)
        rng = rng_for(self._seed, "block", block)
        shared = rng.random() < SHARED_BLOCK_SHARE
        sharing = rng.randint(2, 5)
        briefs = rng.random() < BRIEF_BLOCK_SHARE
        if shared and slot < sharing:
            story = self._with_passage(story, self._passage(block), "shared passage")
        if briefs and slot == BLOCK - 1:
            return self._brief(number, block)
        if briefs and slot == BLOCK - 2:
            shared_para = self._brief_paragraphs(block)[0]
            story = self._with_passage(story, shared_para, "brief host")
        return story

    def _passage(self, block: int) -> str:
        """The block's shared background paragraph or quote."""
        rng = rng_for(self._seed, "passage", block)
        source = rng.choice(self._deriver.sentences)
        text = self._deriver.relexicalise(source, {}, rng)
        if rng.random() < 0.5:  # a quote
            speaker = self._deriver.relexicalise("Minister Tom Wells", {}, rng)
            return f'"{text.rstrip(".")}," said {speaker}.'
        extra = self._deriver.relexicalise(rng.choice(self._deriver.sentences), {}, rng)
        return f"{text} {extra}"

    def _brief_paragraphs(self, block: int) -> list[str]:
        rng = rng_for(self._seed, "brief", block)
        mapping: dict[str, str] = {}
        count = rng.randint(2, 3)
        return [
            self._deriver.relexicalise(rng.choice(self._deriver.sentences), mapping, rng)
            + " "
            + self._deriver.relexicalise(rng.choice(self._deriver.sentences), mapping, rng)
            for _ in range(count)
        ]

    def _brief(self, number: int, block: int) -> Story:
        base = self._deriver.story(number)
        paras = tuple(self._brief_paragraphs(block))
        rng = rng_for(self._seed, "brief-order", block)
        if rng.random() < 0.5:  # the shared paragraph first or last
            paras = (*paras[1:], paras[0])
        return replace(
            base,
            headline=opening_words(paras[-1], 7),
            alt_headline=opening_words(paras[0], 6),
            paragraphs=paras,
            kinds=("brief",),
        )

    def _with_passage(self, story: Story, passage: str, kind: str) -> Story:
        rng = rng_for(self._seed, story.key, "passage", kind)
        paras = list(story.paragraphs)
        paras.insert(rng.randint(1, len(paras)), passage)
        return replace(story, paragraphs=tuple(paras), kinds=(*story.kinds, kind))

    def cjk_story(self, number: int) -> Story:
        """A Japanese story: 3-8 donor paragraphs, characters remapped for this story alone."""
        base = self._deriver.story(number)
        rng = rng_for(self._seed, "cjk", number)
        picked = rng.sample(self._japanese, min(len(self._japanese), rng.randint(3, 8)))
        mapping: dict[str, str] = {}
        paras = tuple(self.relexicalise_cjk(p, mapping, rng) for p in picked)
        return replace(
            base,
            headline=paras[0][: rng.randint(12, 20)],
            alt_headline=paras[-1][: rng.randint(12, 20)],
            paragraphs=paras,
            dateline=False,
            kinds=("CJK",),
        )

    def relexicalise_cjk(self, text: str, mapping: dict[str, str], rng: random.Random) -> str:
        """Every kanji and kana through a per-story map; Latin words as the Deriver does."""

        def swap(match: re.Match[str]) -> str:
            ch = match.group()
            if ch not in mapping:
                if _KANJI.match(ch):
                    mapping[ch] = rng.choice(self._kanji)
                else:
                    base = 0x3041 if _HIRAGANA.match(ch) else 0x30A1
                    mapping[ch] = chr(base + rng.randrange(0x56))
            return mapping[ch]

        def latin(match: re.Match[str]) -> str:
            word = match.group()
            if word.isdigit():
                return "".join(rng.choice("0123456789") for _ in word)
            return mapping.setdefault(word, rng.choice(self._deriver.vocabulary))

        text = re.sub(r"[\u4e00-\u9fff\u3041-\u3096\u30a1-\u30fa]", swap, text)
        return re.sub(r"[A-Za-z]{2,}|[0-9]+", latin, text)


def edit_chars(paras: list[str], rng: random.Random, rate: float, kanji: str) -> list[str]:
    """Changes about `rate` of the CJK characters: replaced, dropped or swapped with the next."""
    out = []
    for para in paras:
        chars = list(para)
        spots = [i for i, ch in enumerate(chars) if unicodedata.category(ch) == "Lo"]
        for i in sorted(rng.sample(spots, min(len(spots), round(rate * len(spots)))), reverse=True):
            action = rng.random()
            if action < 0.5:
                chars[i] = rng.choice(kanji)
            elif action < 0.8:
                del chars[i]
            elif i + 1 < len(chars):
                chars[i], chars[i + 1] = chars[i + 1], chars[i]
        out.append("".join(chars))
    return [p for p in out if p.strip()]


def bare_page(copy: Any) -> str:
    """A page with no outlet chrome: the title and the body's one line."""
    body = "".join(f"<p>{html.escape(p, quote=False)}</p>" for p in copy.paragraphs)
    title = html.escape(copy.headline)
    return f"<!DOCTYPE html><html><head><title>{title}</title></head><body>{body}</body></html>"


def near_empty_story(seed: int, number: int) -> Story:
    """A near-empty page: punctuation only, or a caption or label of a few words."""
    rng = rng_for(seed, "near-empty", number)
    text = rng.choice(NEAR_EMPTY_TEXTS)
    return Story(
        key=f"e-{number:06d}",
        origin="near-empty",
        headline=rng.choice(("Live", "Gallery", "Update", "Breaking", "Watch")),
        alt_headline="Update",
        paragraphs=(text,),
        city="LONDON",
        dateline=False,
        credit="",
        reporter="",
        section="News",
        day=date(2024, 1, 1) + timedelta(days=rng.randrange(366)),
        kinds=("near-empty",),
    )
