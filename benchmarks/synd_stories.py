"""Base stories of the syndication corpus: real article bodies, then derived stories at scale.

The 181 ground-truth bodies of the article-extraction benchmark are used verbatim first. Larger
corpora need more distinct stories than that, so further stories are *derived*: 3-12 paragraphs
drawn from two or three English articles, then re-lexicalised with a vocabulary map of their own.
Every word of two or more letters (except ~150 English function words) and every number is
replaced through a map drawn for that story alone, so a derived story keeps the shape of news
prose (sentence lengths, punctuation, quotes, function words) but shares no content-word sequence
with its donor articles or with any other derived story. Two stories can then only share shingles
made of function words only ("that it was in the") or a chance collision of replacements: the
background overlap real articles have too. Without the map a derived story would repeat donor
paragraphs verbatim, and an abridged copy of a base article could belong to either story: the
ground truth would be ambiguous. `tests/test_syndication.py` checks the separation on shingles.
"""

from __future__ import annotations

import json
import random
import re
import unicodedata
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any

PROJECT = Path(__file__).resolve().parents[1]
DEFAULT_GROUND_TRUTH = (
    PROJECT.parent / "shared" / "data" / "article-extraction-benchmark" / "ground-truth.json"
)
_CITIES = """LONDON|NEW YORK|WASHINGTON|PARIS|BERLIN|TOKYO|SEOUL|SYDNEY|NAIROBI|LAGOS|
MUMBAI|SAO PAULO|TORONTO|CHICAGO|MADRID|ROME|BRUSSELS|GENEVA|SINGAPORE|MEXICO CITY|DUBLIN|OSLO|
CAIRO|LIMA"""
CITIES = tuple(_CITIES.replace("\n", "").split("|"))
SECTIONS = ("News", "Business", "Politics", "Technology", "Sport", "Culture", "Science", "World")
_REPORTERS = """Anna Kovacs|Ben Okoro|Carla Mendes|David Lindqvist|Elif Demir|Farah Qureshi|
Gus Whitfield|Hana Sato|Ivo Marinov|Julia Brandt"""
REPORTERS = tuple(_REPORTERS.replace("\n", "").split("|"))
EDITORS = ("Kim Osei", "Leo Hart", "Mara Quist", "Nils Aberg")
AGENCY = "Transcontinental Press"
_WORD = re.compile(r"\w+")
_LONG = re.compile(r"[^\W\d_]{2,}|\d+")  # the tokens a derived story re-lexicalises
# English function words stay as they are, so derived prose keeps its grammar; a shingle made
# only of these is background that every news text shares.
_FUNCTION_TEXT = """
a an the and or but nor so yet if then than that this these those there here of to in on at by for
from with into onto over under about after before during since until upon without within across
around between among against through is are was were be been being am do does did done have has
had will would shall should can could may might must not no it its he him his she her they them
their we us our you your i me my who whom whose which what when where why how all any both each
every few more most other some such only own same too very just also as up out off down again once
"""
FUNCTION_WORDS = frozenset(_FUNCTION_TEXT.split())
_ENGLISH_TEXT = "the of and to a in is that for it on was with as by at from"
_ENGLISH = frozenset(_ENGLISH_TEXT.split())
_SLUG_SPLIT = re.compile(r"[-_+]+")


@dataclass(frozen=True)
class Story:
    """One original story; every copy in the corpus is rendered from one of these."""

    key: str
    origin: str  # "article" (a benchmark body), "derived" or "template" (short singleton)
    headline: str
    alt_headline: str
    paragraphs: tuple[str, ...]
    city: str
    dateline: bool  # whether the original opens with a "CITY (AGENCY) -" dateline
    credit: str  # closing credit line of the original, "" for none
    reporter: str
    section: str
    day: date
    kinds: tuple[str, ...] = ()  # the corpus's hard kinds this story carries (synd_kinds)


def rng_for(seed: int, *parts: object) -> random.Random:
    """A stream keyed by its parts: stable across runs and PYTHONHASHSEED (SHA-512 seeding)."""
    return random.Random(":".join(map(str, (seed, *parts))))


def script_of(text: str) -> str:
    """Dominant Unicode script of the letters in text (LATIN, CYRILLIC, HANGUL, ...)."""
    counts = Counter(
        unicodedata.name(ch, "UNKNOWN").split()[0] for ch in text[:5000] if ch.isalpha()
    )
    return counts.most_common(1)[0][0] if counts else "UNKNOWN"


def is_english(paragraphs: tuple[str, ...]) -> bool:
    """Latin script and at least a quarter of the tokens common English words."""
    text = " ".join(paragraphs)
    tokens = _WORD.findall(text.lower())
    common = sum(token in _ENGLISH for token in tokens)
    return script_of(text) == "LATIN" and common >= 0.25 * max(1, len(tokens))


def paragraphs_of(body: str) -> tuple[str, ...]:
    """Non-empty paragraphs (one per line) that hold at least one word character."""
    lines = (" ".join(line.split()) for line in body.splitlines())
    return tuple(line for line in lines if _WORD.search(line))


def headline_from(url: str, paragraphs: tuple[str, ...]) -> str:
    """A headline from the URL slug when it reads as words, else the opening words."""
    path = url.split("?", 1)[0].rstrip("/")
    slug = re.sub(r"\.[a-z]{2,5}$", "", path.rsplit("/", 1)[-1])
    words = [w for w in _SLUG_SPLIT.split(slug) if w.isalpha()]
    if len(words) >= 3:
        return " ".join(words).capitalize()
    return opening_words(paragraphs[0], 9)


def opening_words(text: str, count: int) -> str:
    """The first `count` words of text, trailing punctuation removed, first letter upper."""
    words = text.split()[:count]
    phrase = " ".join(words).rstrip(".,;:!?\"'”’")
    return phrase[:1].upper() + phrase[1:]


def _story_extras(rng: random.Random) -> dict[str, Any]:
    """Dateline city, original dateline and credit, reporter, section and day of a story."""
    reporter = rng.choice(REPORTERS)
    credit = f"(Reporting by {reporter}; editing by {rng.choice(EDITORS)})"
    return {
        "city": rng.choice(CITIES),
        "dateline": rng.random() < 0.5,
        "credit": credit if rng.random() < 0.3 else "",
        "reporter": reporter,
        "section": rng.choice(SECTIONS),
        "day": date(2024, 1, 1) + timedelta(days=rng.randrange(366)),
    }


def load_articles(path: Path = DEFAULT_GROUND_TRUTH) -> dict[str, tuple[str, tuple[str, ...]]]:
    """Benchmark bodies by page id: (url, paragraphs); bodies without words are left out."""
    data = json.loads(path.read_text(encoding="utf-8"))
    articles = {}
    for page_id in sorted(data):
        paras = paragraphs_of(data[page_id].get("articleBody") or "")
        if paras:
            articles[page_id] = (data[page_id].get("url") or "", paras)
    return articles


def article_stories(seed: int, articles: dict[str, tuple[str, tuple[str, ...]]]) -> list[Story]:
    """The benchmark bodies as stories, verbatim, in a seeded order."""
    stories = []
    for page_id, (url, paras) in articles.items():
        rng = rng_for(seed, "article", page_id)
        alt_source = paras[len(paras) // 2] if len(paras) > 1 else paras[0][len(paras[0]) // 2 :]
        stories.append(
            Story(
                key=f"a-{page_id[:12]}",
                origin="article",
                headline=headline_from(url, paras),
                alt_headline=opening_words(alt_source, rng.randint(6, 10)),
                paragraphs=paras,
                **_story_extras(rng),
            )
        )
    rng_for(seed, "article-order").shuffle(stories)
    return stories


class Deriver:
    """Builds derived stories from donor paragraphs of English articles (see module doc)."""

    def __init__(self, seed: int, articles: dict[str, tuple[str, tuple[str, ...]]]) -> None:
        self._seed = seed
        latin = {k: v[1] for k, v in articles.items() if is_english(v[1])}
        # Donor paragraphs of at least 12 words: short lines are mostly captions or credits.
        self._donors = {
            k: tuple(p for p in paras if len(p.split()) >= 12) for k, paras in latin.items()
        }
        self._donors = {k: v for k, v in self._donors.items() if v}
        self._keys = sorted(self._donors)
        vocabulary = Counter(
            w.lower() for paras in latin.values() for p in paras for w in _LONG.findall(p)
        )
        self.vocabulary = sorted(
            w for w in vocabulary if len(w) >= 4 and w.isalpha() and w not in FUNCTION_WORDS
        )
        self.sentences = sorted(
            {s for paras in self._donors.values() for p in paras for s in _sentences(p)}
        )
        self._short = [s for s in self.sentences if len(s.split()) <= 30]

    def relexicalise(self, text: str, mapping: dict[str, str], rng: random.Random) -> str:
        """Replaces every long word and number through `mapping`, extended as words appear."""

        def swap(match: re.Match[str]) -> str:
            word = match.group()
            if word.isdigit():
                return "".join(rng.choice("0123456789") for _ in word).lstrip("0") or "0"
            low = word.lower()
            if low in FUNCTION_WORDS:
                return word
            if low not in mapping:
                mapping[low] = rng.choice(self.vocabulary)
            new = mapping[low]
            if word.isupper() and len(word) > 1:
                return new.upper()
            return new.capitalize() if word[0].isupper() else new

        return _LONG.sub(swap, text)

    def story(self, number: int) -> Story:
        """Derived story `number`: 3-12 paragraphs from 2-3 donors, re-lexicalised."""
        rng = rng_for(self._seed, "derived", number)
        donors = rng.sample(self._keys, min(len(self._keys), rng.randint(2, 3)))
        pool = [p for key in donors for p in self._donors[key]]
        picked = rng.sample(pool, min(len(pool), rng.randint(3, 12)))
        mapping: dict[str, str] = {}
        paras = tuple(self.relexicalise(p, mapping, rng) for p in picked)
        alt_source = paras[1] if len(paras) > 1 else paras[0]
        return Story(
            key=f"d-{number:06d}",
            origin="derived",
            headline=opening_words(paras[0], rng.randint(6, 10)),
            alt_headline=opening_words(alt_source, rng.randint(6, 10)),
            paragraphs=paras,
            **_story_extras(rng),
        )

    def template_story(self, number: int) -> Story:
        """A short singleton: two short re-lexicalised paragraphs, for a template-heavy page."""
        rng = rng_for(self._seed, "template", number)
        mapping: dict[str, str] = {}
        paras = []
        for _ in range(2):
            paras.append(self.relexicalise(rng.choice(self._short), mapping, rng))
        return Story(
            key=f"t-{number:06d}",
            origin="template",
            headline=opening_words(paras[0], rng.randint(5, 8)),
            alt_headline=opening_words(paras[1], rng.randint(5, 8)),
            paragraphs=tuple(paras),
            **_story_extras(rng),
        )

    def own_paragraph(self, rng: random.Random, outlet_name: str, city: str) -> str:
        """A paragraph an outlet adds to its copy: house phrasing plus a unique sentence."""
        lead = rng.choice(
            (
                f"{outlet_name} has contacted officials in {city.title()} for further comment.",
                f"Readers in {city.title()} told {outlet_name} they were following the story.",
                f"{outlet_name} will update this article as more details become available.",
                f"Additional reporting for {outlet_name} by {rng.choice(REPORTERS)}.",
            )
        )
        unique = self.relexicalise(_clip(rng.choice(self.sentences), 28), {}, rng)
        return f"{lead} {unique}"


def _sentences(paragraph: str) -> Iterator[str]:
    for sentence in re.split(r"(?<=[.!?])\s+", paragraph):
        if len(sentence.split()) >= 8 and sentence[-1:] in ".!?":
            yield sentence


def _clip(sentence: str, words: int) -> str:
    parts = sentence.split()
    return sentence if len(parts) <= words else " ".join(parts[:words]).rstrip(",;:") + "."
