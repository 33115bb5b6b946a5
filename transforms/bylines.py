"""Bylines: author names from markup values and from the visible page, reduced to names.

Beam-free, generic rules only (schema.org microdata, rel=author, byline classes and the
"By ..." / "Written by" labels pages print). Names are joined by ", ".
"""

from __future__ import annotations

import html
import re
import unicodedata
from typing import Any

_BY = re.compile(
    r"^(?:(?:written|posted|published|reviewed|edited|story|words|text|report(?:ed)?|recipe|"
    r"article|photos?|compiled|curated|authored|view all posts|all posts|more posts|articles|"
    r"posts|guide|review|feature|interview|analysis|opinion|column|essay)\s+)*"
    r"by\s*[:\-]?\s+|"
    r"^(?:author|authors|written by|byline|read more about|more about|about)\s*[:\-]?\s+",
    re.I,
)
# "BySummer Swann": a "By" glued to the name.
_GLUED_BY = re.compile(r"^(?i:(?:written|posted|authored)\s+)?[Bb]y(?=[A-Z][a-z])")
_ROLE_WORDS = re.compile(
    r"\b(?:reporter|correspondent|editor|writer|columnist|contributor|journalist|staff|"
    r"producer|analyst|author|(?:co-?)?founder|ceo|director|manager|intern|photographer|"
    r"senior|associate|contributing|managing|chief|freelance|guest|team|expert|educator|"
    r"specialist|consultant|officer|president|professor|admin|administrator|coordinator|"
    r"strategist|reviewer|lead|head|winemaker)s?\b",
    re.I,
)
# A later segment naming a role ("Ada Lovelace, Privacy and Security Expert"); a group byline
# ("and ACO Rankings Team") is a name.
_ROLE_SEGMENT = re.compile(
    r"\b(?:reporter|correspondent|editor|writer|columnist|contributor|journalist|producer|"
    r"analyst|(?:co-?)?founder|ceo|director|manager|expert|specialist|consultant|officer|"
    r"president|professor|reviewer|strategist)s?\b",
    re.I,
)
_SEGMENTS = re.compile(r"\s*(?:,|;|\||•|·)\s*")
# Words after a name that are no part of it: "Ada Lovelace Sponsored", "David at Example",
# "Jiobal says:".
_TRAILING_WORDS = re.compile(r"\s+(?:sponsored|at|says|said|wrote)\b.*$", re.I)
# A byline that names a group ("The Investopedia Team", "Great Day Editorial Team") is whole.
_GROUP_NOUN = re.compile(r"^(?:team|staff|editors|desk|newsroom)$", re.I)
_MONTHS = (
    "january|february|march|april|may|june|july|august|september|october|november|december|"
    "jan|feb|mar|apr|jun|jul|aug|sept?|oct|nov|dec"
)
# A date or "Updated" printed after the name ("Luke Kim December", "Ada Lovelace Updated ...").
_TRAILING_DATE = re.compile(
    rf"\s+(?:(?:on|updated|published|posted|last updated?)\b.*|(?:{_MONTHS})\.?(?:\s+\d.*)?)$",
    re.I,
)
# Digits (dates, times, reading times), form labels and interface words are no part of a name.
_NOT_A_NAME = re.compile(
    r"\d|\*|^(?:sign in|sign up|log ?in|register|home|menu|search|share|comments?|reply|"
    rf"subscribe|follow|contact|more|read more|view more posts|admin|editor|anonymous|guest|"
    rf"the author|undefined|null|none|unknown|name|category|webmaster|(?:{_MONTHS})\.?)$|"
    r"^(?:updated|published|posted|last updated|skip to)\b|^/|©|\bby$",
    re.I,
)
_PARTICLES = frozenset({"de", "da", "del", "der", "van", "von", "al", "bin", "la", "le", "di"})
_NAME_SPLIT = re.compile(r"\s*(?:,|;|\band\b|&|\||•|·)\s*", re.I)
_HANDLE_OR_URL = re.compile(r"^@|https?://|www\.|\.(?:com|org|net)\b|@\w+\.", re.I)


def _name(part: str) -> str | None:
    """One byline segment reduced to a name, or None when it names no one."""
    part = _BY.sub("", _GLUED_BY.sub("", part.strip(" -–—:|."))).strip(" -–—:|.")
    part = re.split(r"\s+[-–—]\s+|\s*[(\[]", part)[0].strip(" -–—:|.()[]")
    part = _TRAILING_WORDS.sub("", _TRAILING_DATE.sub("", part))
    if (
        not part
        or _HANDLE_OR_URL.search(part)
        or _NOT_A_NAME.search(part)
        or not re.search(r"[^\W\d_]", part)
    ):
        return None
    words = part.split()
    if len(words) > 1 and _GROUP_NOUN.match(words[-1]) and len(words) <= 6:
        return part
    # The same word twice in a row ("Yucy Yucy": an avatar's label and the name).
    words = [w for i, w in enumerate(words) if i == 0 or w.lower() != words[i - 1].lower()]
    # A publisher in capitals after a name ("Brian Truitt USA TODAY"); one capitalised word
    # may be a postnominal ("Sarah Knowles MW").
    caps = len(words) - next(
        (i + 1 for i in range(len(words) - 1, -1, -1) if not words[i].isupper()), 0
    )
    if caps >= 2 and len(words) - caps >= 2:
        words = words[:-caps]
    # An avatar's initials before the name ("CM Craig McCarthy").
    if len(words) > 2 and words[0].isupper() and 1 < len(words[0]) < len(words):
        initials = "".join(w[0] for w in words[1 : 1 + len(words[0])]).upper()
        words = words[1:] if initials == words[0] else words
    # A role after the name ("Harry Rabinowitz Tech Reporter"): keep two name words.
    if any(_ROLE_WORDS.search(w) for w in words[2:]):
        words = words[:2]
        if _NOT_A_NAME.search(" ".join(words)):
            return None
    if len(words) > 5 or all(_ROLE_WORDS.search(w) for w in words):
        return None
    return " ".join(words)


def clean_author(value: str | None) -> str | None:
    """A byline reduced to names: no "By", roles, dates, handles or links; joined by ", "."""
    if not value:
        return None
    text = " ".join(unicodedata.normalize("NFKC", html.unescape(value)).split())
    text = re.sub(r"[\w.+-]+@[\w-]+\.[\w.]+", " ", text)
    names: list[str] = []
    segments = _SEGMENTS.split(_BY.sub("", text.strip(" -–—:|")))
    # After the first, segments naming a role are dropped whole ("Privacy and Security Expert").
    text = ", ".join([segments[0], *(s for s in segments[1:] if not _ROLE_SEGMENT.search(s))])
    for part in _NAME_SPLIT.split(text):
        name = _name(part)
        if name is None:
            continue
        # After the first name, only capitalised words name people ("Ada Lovelace, Extension
        # educators" holds one name).
        if names and not all(w[:1].isupper() or w.lower() in _PARTICLES for w in name.split()):
            continue
        if name.lower() not in (n.lower() for n in names):
            names.append(name)
    return ", ".join(names[:10]) or None


def _text(element: Any) -> str:
    """The element's text with its child elements' texts kept apart ("Ada</p><p>Updated")."""
    return " ".join(" ".join(element.itertext()).split())


# An author box (name and a short bio) is at most this long; longer is a page container.
_MAX_AUTHOR_BOX = 600
# A comment's author is not the article's.
_NOT_COMMENT = (
    '[not(ancestor-or-self::*[contains(translate(@class, "COMENT", "coment"), "comment")])]'
)
_BYLINE_XPATH = tuple(
    xpath + _NOT_COMMENT
    for xpath in (
        '//*[@itemprop="author"]//*[@itemprop="name"]',
        '//*[@itemprop="author"]',
        '//a[@rel="author"]',
        '//*[contains(@class, "author-name") or contains(@class, "author__name")'
        ' or contains(@class, "byline__name") or contains(@class, "authorName")]',
        '//*[contains(@class, "byline") or contains(@class, "author")]',
    )
)
# A printed label before the name: "By", "Written by", "Author:".
_LABEL = re.compile(
    r"^(?:(?:written|posted|authored|words|story|article)\s+)?by\s*:?$|^author:?$", re.I
)
# A printed byline: "By Ada Lovelace", "Written by Ada Lovelace" (not "Powered by ...").
_PRINTED = re.compile(
    r"^(?:(?:written|posted|authored|words|story|article)\s+)?by\s*:?\s+([A-Z][^\n]{1,60})$",
    re.I,
)
# Text nodes that may hold a byline or its label, outside menus, footers, forms and scripts.
_BY_TEXT = (
    "//body//text()[contains(translate(., 'BYAUTHOR', 'byauthor'), 'by')"
    " or contains(translate(., 'BYAUTHOR', 'byauthor'), 'author')]"
    "[not(ancestor::script or ancestor::style or ancestor::noscript or ancestor::template"
    " or ancestor::nav or ancestor::footer or ancestor::form or ancestor::select)]"
)


def printed_byline(tree: Any, limit: int = 200) -> str | None:
    """The first "By Ada Lovelace" line, or a "Written by" label and the name after it."""
    for node in tree.xpath(_BY_TEXT)[:limit]:
        element = node.getparent()
        if element is None:
            continue
        if node.is_tail:  # "<b>x</b> By Ada": the text belongs to the <b>'s parent
            element = element.getparent()
        if element is None or not isinstance(element.tag, str):
            continue
        if len(element) > 8:  # a byline is a short line, not a section with many children
            continue
        text = _text(element)
        if not text or len(text) > 80:
            continue
        # "<p>By <a>A. J. Neal</a> View in digital edition</p>": the linked name after "By".
        label = (element.text or "").strip()
        first = element[0] if len(element) and isinstance(element[0].tag, str) else None
        linked = _text(first) if first is not None and label and _LABEL.match(label) else ""
        if 2 < len(linked) <= 80 and (name := clean_author(linked)):
            return name
        if (match := _PRINTED.match(text)) and match.group(1)[0].isupper():
            if name := clean_author(match.group(1)):
                return name
        elif _LABEL.match(text):
            following = element.getnext()
            while following is not None and not isinstance(following.tag, str):
                following = following.getnext()  # comments and processing instructions
            after = (element.tail or "").strip()
            if not after and following is not None:
                after = _text(following)
            if 2 < len(after) <= 80 and (name := clean_author(after)):
                return name
    return None


def byline(tree: Any) -> str | None:
    """A visible byline: microdata, rel=author, byline/author classes, then a printed "By"."""
    for xpath in _BYLINE_XPATH:
        for element in tree.xpath(xpath)[:10]:
            text = _text(element)
            if 2 < len(text) <= 80 and (name := clean_author(text)):
                return name
            # An author box with a bio: its first line is the name ("Lauren Vetter" + bio).
            if not 80 < len(text) <= _MAX_AUTHOR_BOX:
                continue
            # Its first line that is not a heading about authors ("Author Spotlight").
            lines = (t.strip() for t in element.itertext() if t.strip())
            line = next((t for t in lines if not re.search(r"\bauthors?\b", t, re.I)), "")
            if 2 < len(line) <= 40 and (name := clean_author(line)):
                return name
    return printed_byline(tree)
