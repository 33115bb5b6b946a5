"""Page metadata from structured markup: JSON-LD, meta tags, <time>, <h1> and the URL.

Beam-free; runs in the extractor processes next to trafilatura. Every signal is generic
(schema.org, Open Graph, Dublin Core, HTML semantics): there are no per-site rules. Values the
page does not state stay None, and the caller falls back to trafilatura's own guesses.
"""

from __future__ import annotations

import datetime
import json
import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from lxml import html as lxml_html
from wirestory.transforms.bylines import byline, clean_author
from wirestory.transforms.dates import first_date, printed_dates, vote_date

_ARTICLE_TYPE_NAMES = (
    "article newsarticle blogposting report techarticle scholarlyarticle analysisnewsarticle "
    "opinionnewsarticle reportagenewsarticle reviewnewsarticle backgroundnewsarticle "
    "liveblogposting posting medicalwebpage advertisercontentarticle satiricalarticle"
)
ARTICLE_TYPES = frozenset(_ARTICLE_TYPE_NAMES.split())
_DATE_META = (
    "article:published_time",
    "og:published_time",
    "og:article:published_time",
    "datepublished",
    "article.published",
    "published_time",
    "publish-date",
    "publish_date",
    "publishdate",
    "pubdate",
    "parsely-pub-date",
    "sailthru.date",
    "dc.date.issued",
    "dcterms.issued",
    "dc.date",
    "dcterms.date",
    "citation_publication_date",
    "citation_date",
    "date",
)
_AUTHOR_META = (
    "author",
    "article:author",
    "parsely-author",
    "sailthru.author",
    "dc.creator",
    "dcterms.creator",
    "citation_author",
    "citation_authors",
    "byl",
    "twitter:creator",
)
_ISO_DATE = re.compile(r"((?:19|20)\d\d)-?(0[1-9]|1[0-2])-?(0[1-9]|[12]\d|3[01])(?!\d)")
_URL_DATE = re.compile(
    r"/((?:19|20)\d\d)[/_-](0?[1-9]|1[0-2])[/_-](0?[1-9]|[12]\d|3[01])(?:/|[_-]|$)"
    r"|/((?:19|20)\d\d)(0[1-9]|1[0-2])(0[1-9]|[12]\d|3[01])/"
)
# Scholarly citation_author tags name one author each, family name first.
_LAST_FIRST = re.compile(r"^\s*([^,\d]+?),\s*([^,\d]+?)\s*$")
_SEPARATORS = re.compile(r"\s+[|\-–—:·•»/]+\s+|\s*[|·•»]\s*")


@dataclass
class PageMetadata:
    """What the page states about itself; every field may be None."""

    title: str | None = None
    author: str | None = None
    published: datetime.date | None = None
    # The date the markup or URL states (published is the vote of every date signal).
    stated_date: datetime.date | None = None
    # Each date signal's date (dates.DATE_WEIGHTS names them); the extractor adds its guess.
    date_signals: dict[str, datetime.date | None] = field(default_factory=dict)
    url: str | None = None
    sitename: str | None = None
    language: str | None = None
    og_type: str | None = None
    ld_types: set[str] = field(default_factory=set)
    h1_count: int = 0
    time_count: int = 0


def normalise_text(value: str | None) -> str:
    """Lowercased \\w+ tokens joined by spaces (NFKC first): the comparison form of names."""
    if not value:
        return ""
    return " ".join(re.findall(r"\w+", unicodedata.normalize("NFKC", value).lower()))


def _clean(value: Any) -> str | None:
    if not isinstance(value, str):
        return None
    text = " ".join(unicodedata.normalize("NFKC", value).split())
    return text or None


def parse_iso_date(value: Any) -> datetime.date | None:
    """The calendar date written at the start of an ISO-like stamp, as written (no tz shift)."""
    if not isinstance(value, str):
        return None
    match = _ISO_DATE.search(value.strip()[:40])
    if not match:
        return None
    try:
        return datetime.date(*(int(g) for g in match.groups()))
    except ValueError:
        return None


def parse_stamp(value: Any) -> datetime.date | None:
    """An ISO-like stamp's date, else a written one ("Jan 17, 2025", "19/12/2025 09:21")."""
    if date := parse_iso_date(value):
        return date
    return first_date(value[:60]) if isinstance(value, str) else None


def url_date(url: str | None) -> datetime.date | None:
    """A /2024/03/14/, /2024-03-14- or /20240314/ date in a URL path."""
    if not url:
        return None
    match = _URL_DATE.search(urlsplit(url).path)
    if not match:
        return None
    parts = [g for g in match.groups() if g is not None]
    try:
        return datetime.date(*(int(p) for p in parts))
    except ValueError:
        return None


def _walk_ld(node: Any, depth: int = 0) -> Iterator[dict[str, Any]]:
    """Every JSON-LD object, through lists and @graph, to a bounded depth."""
    if depth > 6:
        return
    if isinstance(node, list):
        for item in node[:200]:
            yield from _walk_ld(item, depth + 1)
    elif isinstance(node, dict):
        yield node
        for key in ("@graph", "mainEntity", "mainEntityOfPage", "itemListElement"):
            if key in node:
                yield from _walk_ld(node[key], depth + 1)


def _types(node: dict[str, Any]) -> set[str]:
    raw = node.get("@type")
    values = raw if isinstance(raw, list) else [raw]
    return {v.rsplit("/", 1)[-1].lower() for v in values if isinstance(v, str)}


def _names(value: Any) -> list[str]:
    """Person names from a JSON-LD author value (string, object or list)."""
    if isinstance(value, list):
        return [n for item in value[:20] for n in _names(item)]
    if isinstance(value, dict):
        name = value.get("name")
        if isinstance(name, list):
            return _names(name)
        return [name] if isinstance(name, str) else []
    return [value] if isinstance(value, str) else []


def _pick_title(
    h1s: list[str], stated: list[str], sitename: str | None, host: str | None
) -> str | None:
    """The visible headline (<h1>) when it is the page's story, else a stated title.

    An <h1> that one of the stated titles (JSON-LD headline, og:title, <title>) contains wins,
    the longest if several do; a lone <h1> wins too. A site-name <h1> (a logo) never does.
    """
    site = _site_keys(sitename, host)
    keys = [normalise_text(c) for c in stated]
    heads = [h for h in h1s if len(h) <= 300 and normalise_text(h).replace(" ", "") not in site]
    inside = [h for h in heads if normalise_text(h) and any(normalise_text(h) in k for k in keys)]
    if inside:
        return max(inside, key=len)
    if len(heads) == 1:
        return heads[0]
    return next((t for t in (strip_site_name(c, sitename, host) for c in stated) if t), None) or (
        heads[0] if heads else None
    )


def _site_keys(sitename: str | None, host: str | None) -> set[str]:
    """The site's name without spaces and its host's first label ("harbourgazette")."""
    keys = {normalise_text(sitename).replace(" ", "")} if sitename else set()
    if host:
        keys.add(host.lower().removeprefix("www.").split(".")[0])
    keys.discard("")
    return keys


def strip_site_name(title: str | None, sitename: str | None, host: str | None) -> str | None:
    """Drops a site-name segment at either end of a title ("Story | Site", "Site - Story")."""
    title = _clean(title)
    if not title:
        return None
    parts = _SEPARATORS.split(title)
    if len(parts) < 2:
        return title
    site_keys = _site_keys(sitename, host)

    def is_site(segment: str) -> bool:
        key = normalise_text(segment).replace(" ", "")
        return bool(key) and any(key in s or s in key for s in site_keys if len(s) > 2)

    while len(parts) > 1 and is_site(parts[-1]):
        parts.pop()
    while len(parts) > 1 and is_site(parts[0]):
        parts.pop(0)
    if len(parts) == len(_SEPARATORS.split(title)):
        return title
    # Keep the title's own separators between the remaining segments.
    start = title.find(parts[0])
    end = title.rfind(parts[-1]) + len(parts[-1])
    return title[start:end].strip() if start >= 0 and end > start else " ".join(parts)


def _meta(tree: Any) -> dict[str, str]:
    found: dict[str, str] = {}
    for element in tree.iter("meta"):
        key = element.get("property") or element.get("name") or element.get("itemprop")
        content = element.get("content")
        if key and content and key.lower() not in found:
            found[key.strip().lower()] = content.strip()
    return found


def _meta_values(tree: Any) -> dict[str, list[str]]:
    """Every value of each meta tag, in page order (a tag may repeat: one per author)."""
    found: dict[str, list[str]] = {}
    for element in tree.iter("meta"):
        key = element.get("property") or element.get("name") or element.get("itemprop")
        content = (element.get("content") or "").strip()
        if key and content and content not in found.setdefault(key.strip().lower(), []):
            found[key.strip().lower()].append(content)
    return found


def _json_ld(tree: Any) -> list[dict[str, Any]]:
    nodes: list[dict[str, Any]] = []
    for script in tree.iter("script"):
        if "ld+json" not in (script.get("type") or "").lower() or not script.text:
            continue
        try:
            data = json.loads(script.text.strip().rstrip(";"), strict=False)
        except (ValueError, RecursionError):
            continue
        nodes.extend(_walk_ld(data))
    return nodes


def _text(element: Any) -> str:
    return " ".join(element.text_content().split())


def parse_tree(html: str) -> Any | None:
    """The lxml tree of a page, or None when lxml cannot parse it."""
    try:
        return lxml_html.document_fromstring(html)
    except (ValueError, TypeError, lxml_html.etree.ParserError):
        return None


def _time_date(tree: Any) -> tuple[datetime.date | None, int]:
    """The publication date of <time> / itemprop elements, and how many <time> there are."""
    times = list(tree.iter("time"))
    for element in tree.xpath('//*[@itemprop="datePublished"]')[:5]:
        value = element.get("datetime") or element.get("content") or _text(element)
        if date := parse_iso_date(value):
            return date, len(times)
    for element in times[:20]:
        marks = " ".join(filter(None, (element.get("class"), element.get("itemprop"))))
        if "modif" in marks.lower() or "updat" in marks.lower():
            continue
        if date := parse_iso_date(element.get("datetime")):
            return date, len(times)
    return None, len(times)


def page_metadata(tree: Any, url: str | None = None) -> PageMetadata:
    """Title, author, date, URL, site name and type signals stated by the page's markup."""
    meta = _meta(tree)
    nodes = _json_ld(tree)
    ld_types = {t for node in nodes for t in _types(node)}
    articles = [node for node in nodes if _types(node) & ARTICLE_TYPES]
    canonical = next(iter(tree.xpath('//link[@rel="canonical"]/@href')), None)
    page_url = url or _clean(meta.get("og:url")) or _clean(canonical)
    host = urlsplit(page_url).hostname if page_url and "//" in page_url else None
    sitename = _clean(meta.get("og:site_name")) or next(
        (
            _clean(node.get("name"))
            for node in nodes
            if _types(node) & {"website", "organization", "newsmediaorganization"}
        ),
        None,
    )
    h1s = [t for t in (_text(h) for h in tree.iter("h1")) if t]

    headline = next((_clean(n.get("headline")) for n in articles if n.get("headline")), None)
    html_title = _clean(_text(tree.find(".//title")) if tree.find(".//title") is not None else None)
    candidates = [headline, _clean(meta.get("og:title")), _clean(meta.get("twitter:title"))]
    candidates.append(html_title)
    title = _pick_title(h1s, [c for c in candidates if c], sitename, host)

    author = None
    # The article's author, else any node's (a WebPage or an untyped graph node).
    for node in [*articles, *(n for n in nodes if "author" in n and n not in articles)]:
        names = [n for n in (_names(node.get("author")) or _names(node.get("creator"))) if n]
        if names:
            author = clean_author(", ".join(names))
            break
    if author is None:
        every = _meta_values(tree)
        for key in _AUTHOR_META:
            values = every.get(key, [])
            if key.startswith("citation_author"):  # "Roy, Aniruddha": one author each
                values = [
                    f"{m.group(2)} {m.group(1)}" if (m := _LAST_FIRST.match(v)) else v
                    for v in values
                ]
            # One tag per author (scholarly pages): all of them, in order.
            if author := clean_author(", ".join(values)):
                break
    author = author or byline(tree)
    if author and normalise_text(author).replace(" ", "") in _site_keys(sitename, host):
        author = byline(tree)  # the publisher's name, not a byline

    lang = tree.get("lang") or tree.get("xml:lang") or meta.get("og:locale") or meta.get("language")
    time_date, time_count = _time_date(tree)
    signals = {
        "json_ld": next(
            (d for n in articles for d in [parse_stamp(n.get("datePublished"))] if d), None
        ),
        "meta": next((d for key in _DATE_META for d in [parse_stamp(meta.get(key))] if d), None),
        "time": time_date,
        "url": url_date(page_url),
        **printed_dates(tree, h1s[0] if h1s else None, lang),
    }
    stated = signals["json_ld"] or signals["meta"] or signals["time"] or signals["url"]
    return PageMetadata(
        title=title,
        author=author,
        published=vote_date(signals),
        stated_date=stated,
        date_signals=signals,
        url=page_url,
        sitename=sitename,
        language=lang.strip().replace("_", "-").split("-")[0].lower() or None if lang else None,
        og_type=(meta.get("og:type") or "").lower() or None,
        ld_types=ld_types,
        h1_count=len(h1s),
        time_count=time_count,
    )
