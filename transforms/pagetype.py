"""Page type: is a page an article, or a listing, product, service, forum or documentation page?

Generic signals only: schema.org @type in JSON-LD, og:type, the URL's shape, the share of text
in links, code elements, and whether the page carries a headline, a byline and a date. An
article is kept unless the evidence for another type is clear: losing an article is worse than
keeping a listing.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from wirestory.transforms.metadata import ARTICLE_TYPES, PageMetadata

ARTICLE = "article"
# A page whose every word sits in nav/header/footer/aside yields its menu: not an article.
_MIN_NON_CHROME_WORDS = 25
# schema.org types that name what a page is. Types that also describe a publisher or a section of
# an article (Organization, LocalBusiness, FAQPage, Question, ItemList) are no evidence.
_LD_TYPE_GROUPS: dict[str, frozenset[str]] = {
    "product": frozenset({"product", "productgroup", "offer", "aggregateoffer"}),
    "forum": frozenset({"discussionforumposting", "qapage"}),
    "listing": frozenset({"collectionpage", "searchresultspage", "offercatalog", "profilepage"}),
    "service": frozenset({"service", "contactpage", "aboutpage", "softwareapplication", "event"}),
}
_URL_TYPES: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("product", re.compile(r"/(products?|shop|store)/[^/]+", re.I)),
    # The section itself (/tag/ferries/, /page/2), not a story filed below one.
    ("listing", re.compile(r"/(categor(y|ies)|tags?|archives?|author|page)(/[^/]+)?/?$", re.I)),
    ("forum", re.compile(r"/(forums?|threads?|questions|discussions?|t)/", re.I)),
    ("documentation", re.compile(r"/(docs?|documentation|reference|api|manual)(/|$)", re.I)),
)
_DOCS_HOST = re.compile(r"^docs?\.", re.I)
# With no article markup and no stated date, a page of several paragraphs with at most this
# many of 30+ words, or with this share of its words in links and link text in its extracted
# text, is a landing page or a listing.
_MAX_LONG_PARAGRAPHS = 1
_MAX_LINK_SHARE = 0.5
_LISTING_LINK_SHARE = 0.4
_CHROME = ("nav", "header", "footer", "aside", "menu")
_CONTAINERS = " or ".join(f"self::{tag}" for tag in (*_CHROME, "article", "main"))
# Elements whose class names a price ("price", "product-price", "PriceTag").
_PRICE_XPATH = '//*[contains(translate(@class, "PRICE", "price"), "price")]'
# More priced elements than this, on a page without article markup (JSON-LD, og:type), is a
# shop: a product, a collection or a priced service (an article may quote one price or three).
_MAX_PRICES = 3
_HEADLESS_LONG_PARAGRAPHS = 2
_OUTER_CHROME = "|".join(f".//{tag}[not(ancestor::*[{_CONTAINERS}])]" for tag in _CHROME)


@dataclass(frozen=True)
class PageSignals:
    """Layout measures of a page's body (computed once from its tree)."""

    body_words: int
    link_words: int
    paragraphs: int
    long_paragraphs: int
    chrome_only: bool
    article_elements: int = 0
    price_elements: int = 0
    # Words, and words in links, outside the outermost nav/header/footer/aside/menu elements.
    content_words: int = 0
    content_link_words: int = 0
    # <code> elements (documentation and reference pages show code; most articles do not).
    code_elements: int = 0


def _words(text: str | None) -> int:
    return len(text.split()) if text else 0


def page_signals(tree: Any) -> PageSignals:
    """Word counts of the body, of its links and of its paragraphs."""
    body = tree.find(".//body")
    root = body if body is not None else tree
    for element in root.iter("script", "style", "noscript", "template", "svg"):
        element.text = None
    total = _words(root.text_content())
    links = sum(_words(a.text_content()) for a in root.iter("a"))
    paragraphs = [_words(p.text_content()) for p in root.iter("p")]
    # Outermost chrome elements only (a <header> inside an <article> is the article's).
    outer_chrome = root.xpath(_OUTER_CHROME)
    chrome = sum(_words(e.text_content()) for e in outer_chrome)
    chrome_links = sum(_words(a.text_content()) for e in outer_chrome for a in e.iter("a"))
    return PageSignals(
        body_words=total,
        link_words=links,
        paragraphs=len(paragraphs),
        long_paragraphs=sum(1 for n in paragraphs if n >= 30),
        chrome_only=total > 0 and chrome >= total,
        article_elements=sum(1 for _ in root.iter("article")),
        price_elements=len(root.xpath(_PRICE_XPATH)),
        content_words=max(total - chrome, 0),
        content_link_words=max(links - chrome_links, 0),
        code_elements=sum(1 for _ in root.iter("code")),
    )


def page_type(meta: PageMetadata, signals: PageSignals, text_words: int) -> str:
    """ARTICLE, or the non-article type the evidence points to."""
    if text_words == 0 or (signals.chrome_only and text_words < _MIN_NON_CHROME_WORDS):
        return "navigation"
    # No date (stated or printed), no byline, and code: documentation, whatever its markup
    # says (documentation sites mark their pages up as TechArticle or Article too).
    if meta.published is None and meta.author is None and signals.code_elements > 0:
        return "documentation"
    ld = meta.ld_types
    if ld & ARTICLE_TYPES or meta.og_type == ARTICLE:
        return ARTICLE
    for kind, types in _LD_TYPE_GROUPS.items():
        if ld & types:
            return kind
    if meta.og_type == "product" or (meta.og_type or "").startswith("product."):
        return "product"
    # Many priced elements on a page without article markup: a shop, or a priced service.
    if signals.price_elements > _MAX_PRICES:
        return "product"
    # Undated, over half its words outside the menus in links and no <article> element: a listing.
    if (
        meta.stated_date is None
        and meta.author is None
        and signals.article_elements == 0
        and signals.content_link_words > _MAX_LINK_SHARE * signals.content_words
    ):
        return "listing"
    # No headline, no date, no article markup or <article> element, several paragraphs and few of
    # them prose: an app, form or landing page (a one-block page is not judged by paragraphs).
    if (
        meta.stated_date is None
        and meta.h1_count == 0
        and signals.article_elements != 1
        and signals.paragraphs >= 2
        and signals.long_paragraphs <= _HEADLESS_LONG_PARAGRAPHS
    ):
        return "landing page"
    parts = urlsplit(meta.url) if meta.url and "//" in meta.url else None
    if parts is not None:
        for kind, pattern in _URL_TYPES:
            if pattern.search(parts.path):
                return kind
        if _DOCS_HOST.search(parts.hostname or ""):
            return "documentation"
    link_share = signals.link_words / max(signals.body_words, 1)
    # Several paragraphs, none of them prose (a one-block page is not judged by its paragraphs).
    few_long = signals.paragraphs >= 2 and signals.long_paragraphs <= _MAX_LONG_PARAGRAPHS
    # The extracted text is longer than all the page's words outside links: it holds link text.
    link_text = text_words > signals.body_words - signals.link_words
    # One <article> element is the page's own story (a listing repeats them as cards).
    if (
        meta.stated_date is None
        and signals.article_elements != 1
        and (few_long or (link_share > _MAX_LINK_SHARE and link_text))
    ):
        return "listing" if link_share > _LISTING_LINK_SHARE else "landing page"
    return ARTICLE
