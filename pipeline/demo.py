"""Seeded generator of the fictional syndication corpus shipped as the wirestory demo.

A fictional agency's wire stories are republished, lightly edited, by five fictional outlets with
their own page templates and file conventions; a few outlet-only stories are added as singletons.
"""

from __future__ import annotations

import gzip
import html
import math
import random
import re
from dataclasses import dataclass
from datetime import date, timedelta
from importlib.resources import files
from pathlib import Path
from string import Template

AGENCY = "Meridian Press Agency"
MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August",
          "September", "October", "November", "December")  # fmt: skip
REPORTERS = ("Hanna Liesl", "Owen Marsh", "Priya Castell", "Jorit Vale", "Camille Osei")
EDITORS = ("Ruth Penhale", "Marek Dunn", "Sofia Ardent")
BRIEFING = "Sign up for our morning briefing"

# House-style substitutions copy editors make; keys are lower-case whole words.
SYNONYMS = {
    "said": "stated", "about": "around", "officials": "authorities", "began": "started",
    "percent": "per cent", "expected": "anticipated", "nearly": "almost", "largest": "biggest",
    "company": "firm", "residents": "locals", "showed": "indicated", "buy": "purchase",
    "need": "require", "needed": "required", "main": "principal", "roughly": "about",
    "rapidly": "quickly", "quickly": "swiftly", "immediately": "at once", "told": "informed",
}  # fmt: skip
_EDITABLE = re.compile(r"\b(?:" + "|".join(SYNONYMS) + r")\b|\b\d{1,3}(?:,\d{3})+\b", re.I)


@dataclass(frozen=True)
class DemoCorpus:
    """Ground truth of a generated corpus."""

    files: dict[str, str]  # relative file path -> story key it came from (ground truth)
    stories: dict[str, str]  # story key -> original headline


@dataclass(frozen=True)
class Story:
    """One original story: the agency's wire copy, or an outlet's own singleton."""

    key: str
    section: str
    city: str
    day: date
    headline: str
    alt_headline: str
    paragraphs: tuple[str, ...]


@dataclass(frozen=True)
class Outlet:
    """A fictional publisher: naming scheme, body markup and page template."""

    slug: str
    name: str
    domain: str
    path: str  # str.format pattern for the file path without extension
    dmy: bool  # "14 March 2024" rather than "March 14, 2024"
    br_body: bool  # paragraphs separated by <br><br> instead of <p> elements
    template: Template


@dataclass(frozen=True)
class Page:
    """Everything that varies per published copy, independent of file format."""

    story: Story
    headline: str
    byline: str
    paragraphs: tuple[str, ...]
    promo_at: int  # index in paragraphs before which the promo line goes; -1 for none
    promo: str
    day: date
    time: str
    most_read: tuple[str, ...]


def generate_demo_corpus(out_dir: str | Path, seed: int = 7, copies_scale: int = 1) -> DemoCorpus:
    """Writes the demo article files under out_dir and returns the ground truth."""
    if copies_scale < 1:
        raise ValueError(f"copies_scale must be >= 1, got {copies_scale}")
    root = Path(out_dir)
    outlets = {o.slug: o for o in OUTLETS}
    files: dict[str, str] = {}
    for story in STORIES:
        rng = _rng(seed, story.key)
        chosen = rng.sample(sorted(outlets), rng.randint(2, len(outlets)))
        for n in range(len(chosen) * copies_scale):
            outlet = outlets[chosen[n % len(chosen)]]
            suffix = f"-{n // len(chosen) + 1}" if n >= len(chosen) else ""
            crng = _rng(seed, story.key, n)
            page = _wire_copy(story, crng)
            stem = _stem(outlet, page) + suffix
            ext = (".txt" if crng.random() < 0.2 else ".html") + (".gz" * (crng.random() < 0.2))
            files[_write(root, outlet, page, stem + ext)] = story.key
    for story in SINGLETONS:
        slug, rel = SINGLETON_PATHS[story.key]
        rng = _rng(seed, story.key)
        page = Page(story, story.headline, f"By {rng.choice(REPORTERS)}", story.paragraphs,
                    -1, "", story.day, _time(rng), _most_read(rng, story, ""))  # fmt: skip
        files[_write(root, outlets[slug], page, rel)] = story.key
    stories = {s.key: s.headline for s in (*STORIES, *SINGLETONS)}
    return DemoCorpus(files=dict(sorted(files.items())), stories=stories)


def _rng(seed: int, *parts: object) -> random.Random:
    # String seeds are hashed with SHA-512, so streams are stable across runs and PYTHONHASHSEED,
    # and one story's draws do not shift when another story is added.
    return random.Random(":".join(map(str, (seed, *parts))))


def _time(rng: random.Random) -> str:
    return f"{rng.randint(5, 21):02d}:{rng.choice((0, 15, 30, 45)):02d}"


def _most_read(rng: random.Random, story: Story, related: str) -> tuple[str, ...]:
    # Other stories only, never the one linked in the body, so sidebar text is identifiable.
    pool = [s.headline for s in STORIES if s.key != story.key and s.headline != related]
    return tuple(rng.sample(pool, 5))


def _wire_copy(story: Story, rng: random.Random) -> Page:
    """One outlet's lightly edited republication of a wire story."""
    paras = list(story.paragraphs)
    keep = len(paras) - rng.randint(0, min(2, len(paras) - math.ceil(0.75 * len(paras))))
    paras = _reword(paras[:keep], rng, rng.uniform(0.02, 0.05))
    dash = rng.choice((" - ", " – ", " — "))
    if rng.random() < 0.5:  # typographic quotes, as a CMS "smart quotes" option would produce
        paras = [re.sub(r'"([^"]*)"', r"“\1”", p) for p in paras]
    paras = [p.replace(" - ", dash) for p in paras]
    if rng.random() < 0.6:
        paras[0] = f"{story.city} (Meridian){dash}{paras[0]}"
    reporter = REPORTERS[STORIES.index(story) % len(REPORTERS)]
    byline = rng.choice((f"By {reporter}, {AGENCY}", f"By {reporter}", AGENCY,
                         "Staff and agencies", f"{reporter} | Meridian", ""))  # fmt: skip
    if rng.random() < 0.35:
        paras.append(f"(Reporting by {reporter}; editing by {rng.choice(EDITORS)})")
    related = rng.choice([s.headline for s in STORIES if s.key != story.key])
    promo = f"RELATED: {related}" if rng.random() < 0.6 else BRIEFING
    headline = story.alt_headline if rng.random() < 0.45 else story.headline
    day = story.day + timedelta(days=rng.choice((0, 0, 1)))
    return Page(story, headline, byline, tuple(paras), rng.randint(2, keep - 1), promo, day,
                _time(rng), _most_read(rng, story, related))  # fmt: skip


def _reword(paras: list[str], rng: random.Random, rate: float) -> list[str]:
    """Apply house-style word and number changes to about `rate` of the words."""
    spots = [(i, m) for i, p in enumerate(paras) for m in _EDITABLE.finditer(p)]
    want = round(rate * sum(len(p.split()) for p in paras))
    chosen = sorted(
        rng.sample(spots, min(want, len(spots))), key=lambda s: (s[0], s[1].start()), reverse=True
    )
    for i, m in chosen:  # right to left, so earlier match offsets stay valid
        word = m.group()
        new = word.replace(",", "") if word[0].isdigit() else SYNONYMS[word.lower()]
        new = new[0].upper() + new[1:] if word[0].isupper() else new
        paras[i] = paras[i][: m.start()] + new + paras[i][m.end() :]
    return paras


def _human(outlet: Outlet, day: date) -> str:
    month = MONTHS[day.month - 1]
    return f"{day.day} {month} {day.year}" if outlet.dmy else f"{month} {day.day}, {day.year}"


def _stem(outlet: Outlet, page: Page) -> str:
    key = page.story.key
    return outlet.path.format(d=page.day, key=key, words=key.replace("-", " "))


def _render_html(outlet: Outlet, page: Page) -> str:
    esc = html.escape
    paras = [esc(p, quote=False) for p in page.paragraphs]
    promo = esc(page.promo, quote=False)
    if outlet.br_body:
        promo = f"<b>{promo}</b>"
    else:
        paras = [f"<p>{p}</p>" for p in paras]
        promo = f'<p class="promo"><strong>{promo}</strong></p>'
    if page.promo_at >= 0:
        paras.insert(page.promo_at, promo)
    story = page.story
    url = f"https://{outlet.domain}/{story.section.lower()}/{page.day:%Y/%m/%d}/{story.key}"
    sidebar = (
        f'<li><a href="/r/{i}">{esc(h, quote=False)}</a></li>' for i, h in enumerate(page.most_read)
    )
    return outlet.template.substitute(
        title=esc(page.headline), headline=esc(page.headline, quote=False), url=url,
        author=esc(page.byline.removeprefix("By ") or outlet.name), byline=esc(page.byline),
        published=f"{page.day:%Y-%m-%d}T{page.time}:00Z", date=_human(outlet, page.day),
        section=story.section, most_read="\n".join(sidebar), year=page.day.year,
        body=("<br><br>\n" if outlet.br_body else "\n").join(paras),
    )  # fmt: skip


def _render_txt(outlet: Outlet, page: Page) -> str:
    """Plain text as a careless scraper would save it, boilerplate lines included."""
    head = [
        page.headline,
        f"Published {_human(outlet, page.day)}",
        page.byline,
        "Share this article",
    ]
    body = list(page.paragraphs)
    if page.promo_at >= 0:
        body.insert(page.promo_at, page.promo)
    body.insert(2, "Advertisement")
    tail = ["Follow us on Twitter", f"More from {page.story.section}", "_____"]
    return (
        "\n".join(filter(None, head)) + "\n\n" + "\n\n".join(body) + "\n\n" + "\n".join(tail) + "\n"
    )


def _write(root: Path, outlet: Outlet, page: Page, rel: str) -> str:
    """Render `page` in the format given by the extension of `rel`, write it, return its path."""
    path = f"{outlet.slug}/{rel}"
    plain = rel.removesuffix(".gz")
    text = _render_txt(outlet, page) if plain.endswith(".txt") else _render_html(outlet, page)
    data = text.encode("utf-8")
    if rel.endswith(".gz"):
        data = gzip.compress(data, compresslevel=9, mtime=0)  # mtime=0 keeps bytes reproducible
    target = root / path
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(data)
    return path


def _data(name: str) -> str:
    """A file of the demo's content (demo_data/: page templates and story texts)."""
    return (files("wirestory.pipeline") / "demo_data" / name).read_text(encoding="utf-8")


def _parse_stories(block: str) -> tuple[Story, ...]:
    """Parse demo_data's story markup: '@ key | section | CITY | date', headline(s), blank,
    paragraphs (text before the first '@' is a comment)."""
    stories = []
    for chunk in re.split(r"^@ ", block, flags=re.MULTILINE)[1:]:
        head, body = chunk.split("\n\n", 1)
        meta, headline, *alt = head.splitlines()
        key, section, city, day = (f.strip() for f in meta.split("|"))
        paras = tuple(" ".join(p.split()) for p in body.strip().split("\n\n"))
        stories.append(Story(key, section, city, date.fromisoformat(day), headline,
                             alt[0] if alt else headline, paras))  # fmt: skip
    return tuple(stories)


# --- Outlet page templates: demo_data/*.html (string.Template; $$ is a literal dollar) ---

OUTLETS = (
    Outlet("harbour-gazette", "The Harbour Gazette", "harbourgazette.example",
           "{d:%Y-%m-%d}-{key}", True, False, Template(_data("harbour.html"))),
    Outlet("northfield-daily", "Northfield Daily", "northfielddaily.example",
           "news/{key}-{d:%Y%m%d}", True, False, Template(_data("northfield.html"))),
    Outlet("capital-wire", "Capital Wire Online", "capitalwire.example",
           "{d:%Y-%m-%d}_{key}", False, True, Template(_data("capital.html"))),
    Outlet("evening-courier", "The Evening Courier", "eveningcourier.example",
           "{d:%Y-%m-%d} {words}", False, False, Template(_data("courier.html"))),
    Outlet("valley-times", "Valley Times", "valleytimes.example",
           "{d:%Y/%m}/{key}", True, False, Template(_data("valley.html"))),
)  # fmt: skip

# Singletons have fixed homes so every format and awkward file name exists for any seed.
SINGLETON_PATHS = {
    "cafe-report": ("valley-times", "2024/05/café-report.html"),
    "orchard-volunteers": ("harbour-gazette", "2024-11-23-orchard-volunteers.html.gz"),
    "school-robotics": ("capital-wire", "2024-06-14_school-robotics.txt"),
    "weather-outlook": ("evening-courier", "2024-03-16 weekend weather.html"),
    "road-closures": ("northfield-daily", "news/road-closures-20240909.txt.gz"),
}

STORIES: tuple[Story, ...] = _parse_stories(_data("wire_stories.txt"))
SINGLETONS: tuple[Story, ...] = _parse_stories(_data("local_stories.txt"))
