"""One outlet's copy of a story: the edits it makes, and the page or text file it publishes."""

from __future__ import annotations

import html
import math
import random
import re
from dataclasses import dataclass
from datetime import date, timedelta

from wirestory.pipeline.demo import Outlet

from benchmarks.synd_kinds import edit_chars
from benchmarks.synd_stories import AGENCY, Deriver, Story
from benchmarks.synd_templates import SPAN_BODY

MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)
# Copy-desk synonyms, applied in both directions; keys are lower-case whole words.
_PAIRS = """said=stated about=around officials=authorities began=started expected=anticipated
nearly=almost largest=biggest company=firm residents=locals showed=indicated buy=purchase
need=require main=principal quickly=rapidly told=informed people=individuals help=assist
big=large many=numerous also=additionally show=reveal new=fresh"""
SYNONYMS = dict(pair.split("=") for pair in _PAIRS.split())
SYNONYMS |= {b: a for a, b in list(SYNONYMS.items())}
# British <-> American endings, applied only to words of 6+ letters to spare short words.
_SPELLING = (
    ("isation", "ization"),
    ("ization", "isation"),
    ("ise", "ize"),
    ("ize", "ise"),
    ("our", "or"),
    ("tre", "ter"),
    ("elled", "eled"),
    ("ogue", "og"),
)
PROMOS = (
    "Sign up for our morning briefing",
    "Follow us on Facebook and X",
    "Get breaking news alerts on our app",
    "Subscribe for unlimited access",
)
_NUMBER = re.compile(r"\b\d{1,3}(?:,\d{3})+\b|\b\d+(?:\.\d+)? ?(?:percent|per cent|%)")
_WORDS = re.compile(r"[^\W\d_]+")
KINDS = (
    "original",
    "abridged <60%",
    "partial 60-99%",
    "word edits",
    "word edits >=4%",
    "style edits",
    "new headline",
    "dateline added",
    "dateline dropped",
    "byline line",
    "credit dropped",
    "promo lines",
    "own paragraph",
    "plain text",
    "gzip",
    "<br> body",
    "shared passage",
    "brief",
    "brief host",
    "near-empty",
    "CJK",
    "CJK edits",
)


@dataclass(frozen=True)
class Copy:
    """Everything that varies per published copy, independent of its file format."""

    story: Story
    outlet: Outlet
    headline: str
    byline: str  # the template's byline slot (page chrome, not body text)
    paragraphs: tuple[str, ...]  # body paragraphs, promo lines included
    most_read: tuple[str, ...]
    day: date
    time: str
    fmt: str  # "html" or "txt"
    gz: bool
    kinds: tuple[str, ...]  # what was done to this copy (see KINDS)


def _case_like(word: str, new: str) -> str:
    if word.isupper() and len(word) > 1:
        return new.upper()
    return new[:1].upper() + new[1:] if word[:1].isupper() else new


def _word_edit(word: str, rng: random.Random) -> str:
    """One copy-desk change to a word: synonym, spelling variant, typo, or drop ('')."""
    low = word.lower()
    options: list[tuple[str, int]] = [("", 1)]
    if low in SYNONYMS:
        options.append((_case_like(word, SYNONYMS[low]), 4))
    if len(low) >= 6:
        for old, new in _SPELLING:
            if low.endswith(old):
                options.append((_case_like(word, low[: -len(old)] + new), 4))
                break
    if len(word) >= 5:
        i = rng.randrange(1, len(word) - 2)
        options.append((word[:i] + word[i + 1] + word[i] + word[i + 2 :], 1))
    choices, weights = zip(*options, strict=True)
    return rng.choices(choices, weights)[0]


def _number_edit(text: str, rng: random.Random) -> str:
    if "," in text and text.replace(",", "").isdigit():
        return text.replace(",", rng.choice(("", " ", ".")))
    value = re.match(r"[\d.]+", text)
    return (value.group() if value else text) + rng.choice(("%", " percent", " per cent"))


def edit_words(paras: list[str], rng: random.Random, rate: float) -> list[str]:
    """Changes about `rate` of the words: synonyms, spelling, typos, drops and number styles."""
    spots: list[tuple[int, int, int, bool]] = []  # (paragraph, start, end, is_number)
    for i, para in enumerate(paras):
        numbers = [(m.start(), m.end()) for m in _NUMBER.finditer(para)]
        spots += [(i, s, e, True) for s, e in numbers]
        for m in _WORDS.finditer(para):
            if not any(s <= m.start() < e for s, e in numbers):
                spots.append((i, m.start(), m.end(), False))
    want = min(len(spots), round(rate * sum(len(p.split()) for p in paras)))
    out = list(paras)
    for i, start, end, is_number in sorted(rng.sample(spots, want), reverse=True):
        para = out[i]  # right to left, so earlier offsets in the paragraph stay valid
        old = para[start:end]
        new = _number_edit(old, rng) if is_number else _word_edit(old, rng)
        if not new and para[end : end + 1] == " ":
            end += 1
        out[i] = para[:start] + new + para[end:]
    return [p for p in out if p.strip()]


def restyle(paras: list[str], rng: random.Random) -> list[str]:
    """Quote and dash styles of another CMS: tokens stay the same, bytes do not."""
    dash = rng.choice((" – ", " — ", " - "))
    curly = rng.random() < 0.5
    out = []
    for para in paras:
        para = re.sub(r" [-–—] ", dash, para)
        if curly:
            para = re.sub(r'"([^"]*)"', r"“\1”", para).replace("'", "’")
        else:
            para = para.replace("“", '"').replace("”", '"').replace("’", "'")
        out.append(para)
    return out


def human_date(day: date, dmy: bool) -> str:
    """'14 March 2024' or 'March 14, 2024'."""
    month = MONTHS[day.month - 1]
    return f"{day.day} {month} {day.year}" if dmy else f"{month} {day.day}, {day.year}"


def make_copy(
    story: Story,
    outlet: Outlet,
    rng: random.Random,
    other_headlines: list[str],
    deriver: Deriver,
    original: bool,
) -> Copy:
    """An outlet's copy of a story; `original` keeps the full text untouched, as HTML."""
    kinds: list[str] = []
    paras = list(story.paragraphs)
    dateline = story.dateline
    complete = True
    if not original:
        frac = 1.0 if rng.random() < 0.4 else rng.uniform(0.4, 1.0)
        keep = max(1, math.ceil(frac * len(paras)))
        if keep < len(paras):
            kinds.append("abridged <60%" if keep / len(paras) < 0.6 else "partial 60-99%")
        paras, complete = paras[:keep], keep == len(paras)
        if rng.random() < 0.6:
            rate = rng.uniform(0.005, 0.08)
            if "CJK" in story.kinds:
                kanji = "".join(sorted(set(re.findall(r"[\u4e00-\u9fff]", "".join(paras)))))
                paras = edit_chars(paras, rng, rate, kanji or "日")
                kinds.append("CJK edits")
            else:
                paras = edit_words(paras, rng, rate)
                kinds += ["word edits"] + (["word edits >=4%"] if rate >= 0.04 else [])
        if rng.random() < 0.5:
            paras = restyle(paras, rng)
            kinds.append("style edits")
        if rng.random() < 0.3:
            dateline = not dateline
            kinds.append("dateline added" if dateline else "dateline dropped")
    if dateline:  # the original's form, or a shorter one an outlet's copy desk prefers
        form = f"{story.city} ({AGENCY})" if original or rng.random() < 0.5 else story.city
        paras[0] = f"{form} - {paras[0]}"
    credit = story.credit
    if not original and credit and complete and rng.random() < 0.4:
        credit = ""
        kinds.append("credit dropped")
    if credit and complete:  # a credit line closes only copies that kept the last paragraph
        paras.append(credit)
    headline = story.headline
    if not original:
        if rng.random() < 0.3:
            paras.insert(0, f"By {story.reporter}, {AGENCY}")
            kinds.append("byline line")
        if rng.random() < 0.5:
            for _ in range(rng.randint(1, 2)):
                line = rng.choice((*PROMOS, "RELATED", "RELATED", "READ MORE"))
                if line in ("RELATED", "READ MORE"):
                    line = f"{line}: {rng.choice(other_headlines)}"
                paras.insert(rng.randint(1, len(paras)), line)
            kinds.append("promo lines")
        if rng.random() < 0.2:
            own = deriver.own_paragraph(rng, outlet.name, story.city)
            paras.insert(rng.choice((len(paras), min(2, len(paras)))), own)
            kinds.append("own paragraph")
        if rng.random() < 0.3:
            headline = story.alt_headline
            kinds.append("new headline")
    # Originals (about a quarter of all files) are HTML, so other copies lean to text and gzip
    # for about a fifth of each overall.
    fmt = "html" if original or rng.random() >= 0.27 else "txt"
    gz = not original and rng.random() < 0.27
    kinds += ["original"] if original else []
    kinds += list(story.kinds)
    kinds += ["plain text"] if fmt == "txt" else []
    kinds += ["gzip"] if gz else []
    kinds += ["<br> body"] if fmt == "html" and outlet.br_body else []
    byline = rng.choice((f"By {story.reporter}", AGENCY, "Staff and agencies", ""))
    return Copy(
        story=story,
        outlet=outlet,
        headline=headline,
        byline=byline,
        paragraphs=tuple(paras),
        most_read=tuple(rng.sample(other_headlines, 5)),
        day=story.day + timedelta(days=rng.choice((0, 0, 1))),
        time=f"{rng.randint(5, 22):02d}:{rng.choice((0, 15, 30, 45)):02d}",
        fmt=fmt,
        gz=gz,
        kinds=tuple(kinds),
    )


def render_html(copy: Copy) -> str:
    """The copy as a page of its outlet's template."""
    outlet, esc = copy.outlet, html.escape
    paras = [esc(p, quote=False) for p in copy.paragraphs]
    if outlet.slug in SPAN_BODY:
        paras = [f"<div><span>{p}</span></div>" for p in paras]
    elif not outlet.br_body:
        paras = [f"<p>{p}</p>" for p in paras]
    slug = re.sub(r"\W+", "-", copy.story.headline.lower()).strip("-")[:60]
    url = f"https://{outlet.domain}/{copy.story.section.lower()}/{copy.day:%Y/%m/%d}/{slug}"
    sidebar = (
        f'<li><a href="/r/{i}">{esc(h, quote=False)}</a></li>' for i, h in enumerate(copy.most_read)
    )
    return outlet.template.substitute(
        title=esc(copy.headline),
        headline=esc(copy.headline, quote=False),
        url=url,
        author=esc(copy.byline.removeprefix("By ") or outlet.name),
        byline=esc(copy.byline),
        published=f"{copy.day:%Y-%m-%d}T{copy.time}:00Z",
        date=human_date(copy.day, outlet.dmy),
        section=copy.story.section,
        most_read="\n".join(sidebar),
        year=copy.day.year,
        body=("<br><br>\n" if outlet.br_body else "\n").join(paras),
    )


def render_text(copy: Copy, rng: random.Random) -> str:
    """Plain text as a careless scraper saves it, navigation and share lines included."""
    head = [copy.headline, f"Published {human_date(copy.day, copy.outlet.dmy)}", copy.byline]
    head += ["Share this article"] if rng.random() < 0.7 else []
    body = list(copy.paragraphs)
    if len(body) > 2 and rng.random() < 0.6:
        body.insert(2, "Advertisement")
    tail = rng.sample(["Follow us on Twitter", f"More from {copy.story.section}", "_____"], 2)
    blank = "\n\n" if rng.random() < 0.7 else "\n"
    return "\n".join(filter(None, head)) + "\n\n" + blank.join(body) + "\n\n" + "\n".join(tail)
