"""Fictional outlets for the independent syndication corpus (indep_corpus.py): page templates,
plain-text scrape layouts and the outlets' own paragraphs (editor's notes, local angles, promos).

Written from the issue's description only, without reading the project's other generator.
"""

from __future__ import annotations

import html
import random
from dataclasses import dataclass, field
from datetime import datetime

TOWNS = [
    "Ashford", "Bramley", "Carrow", "Dunmore", "Elston", "Fairhaven", "Glenrock", "Hollis",
    "Ironbridge", "Juniper Falls", "Kelso", "Larkfield", "Millbrook", "Norwood", "Oakridge",
]  # fmt: skip
PEOPLE = [
    "Dana Whitfield", "Marcus Oyelaran", "Priya Castellano", "Tomasz Lindqvist", "Aiko Brennan",
    "Felix Moravec", "Grace Adeyemi", "Hugo Sandoval", "Ines Kowalczyk", "Jonah Petrakis",
    "Leila Farouk", "Owen MacAllister", "Rosa Valdemar", "Sven Halloran", "Yara Montclair",
]  # fmt: skip
TOPIC_NOUNS = [
    "plan", "decision", "report", "change", "proposal", "announcement", "development",
    "findings", "move", "project",
]  # fmt: skip

ROLES = ["runs a hardware shop", "chairs the council", "teaches at the high school",
         "manages a clinic", "farms near the river"]  # fmt: skip
VERDICTS = ["could matter a great deal", "was the talk of the week", "had left residents divided",
            "came as no surprise"]  # fmt: skip


@dataclass(frozen=True)
class Outlet:
    """One fictional publisher and how its pages look."""

    name: str
    slug: str
    fmt: str  # "html" or "txt"
    container: str = "article"  # "article", or a div class such as "story-body"
    nav: tuple[str, ...] = ()
    cookie: bool = False
    ads: bool = False
    related: int = 0
    date_fmt: str = "%B %d, %Y"
    byline_fmt: str = "By {author}"
    promos: tuple[str, ...] = field(default_factory=tuple)


def _promos(name: str) -> tuple[str, ...]:
    return (
        f"Sign up for the {name} morning briefing to get the day's top stories in your inbox "
        "before breakfast, free of charge.",
        f"Support independent local journalism: become a {name} member today and get unlimited "
        "access to every story, our archive and the weekend edition.",
        f"Download the {name} app for breaking news alerts, live updates and the daily puzzle.",
    )


_NAVS = [
    ("Home", "News", "Politics", "Business", "Sport", "Culture", "Opinion"),
    ("Latest", "Local", "World", "Money", "Tech", "Weather"),
    ("Front page", "Region", "Nation", "Economy", "Science", "Arts", "Obituaries"),
    ("News", "Sports", "Entertainment", "Lifestyle", "Real Estate", "Jobs"),
]
# name, container, cookie banner, ads, related links, date format, byline format
_HTML_OUTLETS = [
    ("The Harbor Ledger", "article", True, False, 4, "%B %d, %Y", "By {author}"),
    ("Northfield Courier", "story-body", False, True, 3, "%d %B %Y", "{author}"),
    ("Valley Dispatch", "entry-content", True, False, 5, "%Y-%m-%d", "by {author}"),
    ("Metro Daily Post", "article", False, True, 0, "%b. %d, %Y", "By {author}"),
    ("Coastline Herald", "post-text", True, True, 3, "%d/%m/%Y", "Words: {author}"),
    ("Prairie Gazette", "article", False, False, 6, "%A, %B %d, %Y", "By {author}"),
    ("Summit Times", "content-main", True, False, 2, "%B %d, %Y", "{author} | Staff"),
    ("Riverbend Tribune", "article", True, True, 4, "%d.%m.%Y", "By {author}"),
    ("Lakeside Observer", "body-copy", False, False, 3, "%Y/%m/%d", "By {author}"),
    ("Capital Review", "article", False, True, 5, "%B %d, %Y", "Reported by {author}"),
    ("Eastport Chronicle", "story", True, False, 2, "%d %b %Y", "By {author}"),
    ("Highland Sentinel", "article", False, False, 4, "%B %d, %Y", "{author}"),
]  # fmt: skip
_TXT_OUTLETS = [
    ("Clipfeed", "clipfeed"),
    ("Newsgrab Archive", "newsgrab"),
    ("Wirewatch", "wirewatch"),
]


def _slug(name: str) -> str:
    return "".join(name.lower().replace("the ", "").split())


def outlets() -> list[Outlet]:
    """All outlets, HTML first; the order is fixed (the generator draws from it by index)."""
    out = [
        Outlet(name, _slug(name), "html", cont, _NAVS[i % len(_NAVS)], cookie, ads, rel, dfmt,
               bfmt, _promos(name))
        for i, (name, cont, cookie, ads, rel, dfmt, bfmt) in enumerate(_HTML_OUTLETS)
    ]  # fmt: skip
    out += [
        Outlet(name, slug, "txt", nav=_NAVS[i], date_fmt="%Y-%m-%d %H:%M", promos=_promos(name))
        for i, (name, slug) in enumerate(_TXT_OUTLETS)
    ]
    return out


def own_paragraph(rng: random.Random, outlet: Outlet, title: str) -> str:
    """One paragraph of the outlet's own text: an editor's note, a local angle or a promo."""
    kind = rng.choice(["note", "local", "local", "promo"])
    town, person = rng.choice(TOWNS), rng.choice(PEOPLE)
    noun = rng.choice(TOPIC_NOUNS)
    if kind == "note":
        what = rng.choice(["a quote", "the headline", "a figure in the fourth paragraph", "a name"])
        return (
            f"Editor's note: This story has been updated to correct {what}. {outlet.name} "
            f"regrets the error. It was first published at {rng.randint(1, 12)}:"
            f"{rng.randint(0, 59):02d} {rng.choice(['a.m.', 'p.m.'])}."
        )
    if kind == "local":
        words = [w for w in title.split() if len(w) > 4]
        subject = rng.choice(words) if words else "the news"
        role = rng.choice(ROLES)
        verdict = rng.choice(VERDICTS)
        return (
            f"In {town}, {person}, who {role}"
            f" there, told {outlet.name} that the {noun} around {subject.strip('.,:;')} "
            f"{verdict}"
            f' locally. "We\'ll see what it means for us in {rng.randint(2, 11)} months," '
            f"{person.split()[0]} said."
        )
    return rng.choice(outlet.promos)


def _html_date(outlet: Outlet, when: datetime) -> str:
    return when.strftime(outlet.date_fmt)


def render_html(
    rng: random.Random,
    outlet: Outlet,
    title: str,
    paragraphs: list[str],
    author: str,
    when: datetime,
    url: str,
    related: list[str],
) -> str:
    """A full HTML page of the outlet around the article (chrome, byline, date, related links)."""
    esc = html.escape
    nav = "".join(
        f'<li><a href="/{n.lower().replace(" ", "-")}/">{esc(n)}</a></li>' for n in outlet.nav
    )
    cookie = (
        '<div class="cookie-banner"><p>We use cookies to improve your experience and to show you '
        'relevant advertising. <a href="/privacy">Learn more</a></p><button>Accept all</button>'
        "</div>"
        if outlet.cookie
        else ""
    )
    body: list[str] = []
    for i, p in enumerate(paragraphs):
        body.append(f"<p>{esc(p)}</p>")
        if outlet.ads and i == 2 and len(paragraphs) > 4:
            body.append('<div class="ad-slot"><span>Advertisement</span></div>')
    byline = esc(outlet.byline_fmt.format(author=author)) if author else ""
    meta = (
        f'<div class="meta"><span class="byline">{byline}</span> '
        f'<time datetime="{when.isoformat()}">{esc(_html_date(outlet, when))}</time></div>'
    )
    inner = f"<h1>{esc(title)}</h1>{meta}{''.join(body)}"
    if outlet.container == "article":
        main = f"<article>{inner}</article>"
    else:
        main = f'<div class="{outlet.container}">{inner}</div>'
    rel = ""
    if outlet.related and related:
        items = "".join(
            f'<li><a href="/story/{rng.randint(10000, 99999)}">{esc(t)}</a></li>'
            for t in related[: outlet.related]
        )
        rel = f'<aside class="related"><h2>Related stories</h2><ul>{items}</ul></aside>'
    footer = (
        f"<footer><p>&copy; {when.year} {esc(outlet.name)}. All rights reserved.</p>"
        '<ul><li><a href="/about">About us</a></li><li><a href="/contact">Contact</a></li>'
        '<li><a href="/terms">Terms of use</a></li></ul></footer>'
    )
    return (
        "<!DOCTYPE html>\n"
        f'<html lang="en"><head><meta charset="utf-8"><title>{esc(title)} | {esc(outlet.name)}'
        f'</title><link rel="canonical" href="{esc(url)}">'
        f'<meta property="og:site_name" content="{esc(outlet.name)}">'
        f'<meta property="article:published_time" content="{when.isoformat()}">'
        f'<meta name="author" content="{esc(author)}"></head>\n'
        f'<body><header><div class="logo">{esc(outlet.name)}</div><nav><ul>{nav}</ul></nav>'
        f"</header>{cookie}<main>{main}{rel}</main>{footer}</body></html>\n"
    )


def render_txt(
    outlet: Outlet, title: str, paragraphs: list[str], author: str, when: datetime, url: str
) -> str:
    """A plain-text scrape: some menu lines, title, byline, date, paragraphs, some footer lines."""
    lines = [" | ".join(outlet.nav), "", title, ""]
    if author:
        lines += [f"By {author}", when.strftime(outlet.date_fmt), ""]
    for p in paragraphs:
        lines += [p, ""]
    lines += ["Share this article: Facebook | X | Email", f"Source: {url}", f"(c) {outlet.name}"]
    return "\n".join(lines) + "\n"
