"""Clean scraped plain-text news articles into body text plus title, date and author."""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass

from dateutil import parser as date_parser
from wirestory.transforms.scripts import NO_SPACE_CHAR


@dataclass(frozen=True)
class CleanedText:
    """Result of cleaning one plain-text article."""

    title: str | None
    published: datetime.date | None
    author: str | None
    text: str  # kept paragraphs joined with "\n\n"
    dropped_lines: tuple[str, ...]  # lines removed as boilerplate (for diagnostics/eval)
    url: str | None = None  # from a "Source: https://..." line


# Pattern rules only judge short lines: a long line is reporting even if it starts like a promo.
_MAX_BOILERPLATE_WORDS = 20
# Publication datelines sit under the headline; further down "Published ..." is prose.
_DATELINE_WINDOW = 8
_TITLE_MAX_CHARS = 120
# A menu line: at least this many items of at most this many words each (see _is_menu).
_MENU_MIN_ITEMS = 3
_MENU_ITEM_WORDS = 4
_MENU_SEPARATOR = re.compile(r"\s+[|•·]\s+")


def _rx(pattern: str) -> re.Pattern[str]:
    """Compile a case-insensitive, whole-line pattern."""
    return re.compile(rf"^(?:{pattern})$", re.IGNORECASE)


# (category, pattern) pairs, checked in order; the first match names the category.
_BOILERPLATE_RULES: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("newsletter", _rx(r"(sign[ -]?up|subscribe)(\s+(now|today|here))?(\s*:.*|\s+(for|to)\b.*)?")),
    ("newsletter", _rx(r".*\bdelivered to your inbox\b.*")),
    ("newsletter", _rx(r"(get|receive) (our|the)\b.*\bnewsletters?\b.*")),
    ("newsletter", _rx(r".*\bsign up (for|to) (our|the)\b.*\b(newsletters?|briefing|digest)\b.*")),
    ("share", _rx(r"follow (topic|us|@\w+)\b.*|click to (share|print|email)\b.*")),
    ("share", _rx(r"follow .{1,60} on (twitter|x|facebook|instagram|linkedin|tiktok|youtube)\b.*")),
    ("share", _rx(r"share( this( article| story| post)?)?( on \w+)?:?|share via \w+")),
    ("ad", _rx(r"advertisement|advertising|sponsored( content| post)?|paid (content|post)|ad")),
    ("ad", _rx(r".*\b\d+% (first )?deposit bonus\b.*|.*\bbonus up to\b.*")),
    ("ad", _rx(r"(story|article) continues (below|after) (this )?advertisement")),
    ("ad", _rx(r".*\b(welcome|deposit|casino) bonus\b.*|.*\bfree spins\b.*")),
    ("nav", _rx(r"post navigation|(previous|next) (article|post|story)|skip to (main )?content")),
    ("nav", _rx(r"back to top|home|news|marketplace|menu|search|most (read|popular|viewed)")),
    ("nav", _rx(r"trending( now| stories)?|top stories|latest news|you may also like")),
    ("nav", _rx(r"more (stories |articles |news )?(from|on|in) [^.!?]*|read (more|also|next)\b.*")),
    ("nav", _rx(r"see also\b.*")),
    ("nav", _rx(r"related( stories| articles| coverage)?\s*:.*|related( stories| articles)?")),
    ("copyright", _rx(r"(copyright\b|\(c\)|©).*|.*\b(all )?rights reserved\b.*")),
    ("photo", _rx(r"(photo|photograph|image|picture)s?\s*:.*|.*\bvia getty images\b.*")),
    ("photo", _rx(r"\(?(photo|image|picture)s?\s+(by|courtesy|credit)\b.*")),
)

# Explicit "PHOTO: X" / "(Photo by X)" credits; the line just before one is its caption.
_PHOTO_CREDIT = re.compile(r"^\(?(photo|image|picture)s?(\s*:|\s+(by|courtesy)\b)", re.IGNORECASE)
_ATTRIBUTION = re.compile(r"\b(said|says|told|according to)\b|[\"“”]", re.IGNORECASE)
_SEPARATOR = re.compile(r"^[\W_]+$")
_AGENCY = re.compile(
    r"/|\b(AFP|AP|REUTERS|GETTY|EPA|POOL|XINHUA|KCNA|YONHAP|BLOOMBERG|FILE|PHOTO|STR|TASS|DPA|ANSA"
    r"|ANADOLU|SHUTTERSTOCK|ISTOCK|PA|UPI|IMAGES?)\b"
)
# Trailing lines with numbers, links or handles are content (contacts, sources), not labels.
_NOT_A_LABEL = re.compile(r"\d|https?:|www\.|@|\.\w{2,4}\b")
_SENTENCE_PUNCT = (".", "!", "?", "…", "。", "！", "？", "．")
_CLOSING_QUOTES = "\"'”’)]」』）】"

_DATELINE = re.compile(
    r"^(?:(?:first|last)\s+)?(?:published|updated|posted|modified)(?:\s+on)?\s*[:\-–—]?\s*(?P<rest>.+)$",
    re.IGNORECASE,
)
_YEAR = re.compile(r"\b(?:19|20)\d{2}\b")
# A bare year would parse as "that year, today's month and day": insist on a month or d/m/y form.
_MONTH_OR_NUMERIC_DATE = re.compile(
    r"\b(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\b|\b\d{1,4}[-/.]\d{1,2}[-/.]\d{1,4}\b",
    re.IGNORECASE,
)

# The page a scrape came from, on a line of its own among the first or last _SOURCE_EDGE lines:
# "Source: https://...", "Originally published at https://...". It is the article's url, not its
# text. In the body such a line is a citation, and stays.
_SOURCE_URL = re.compile(
    r"^(?:source|url|originally published(?: at| on| by)?|read the original(?: article)?"
    r"(?: at| on)?)\s*:?\s*(?P<url>https?://\S+)$",
    re.IGNORECASE,
)
_SOURCE_EDGE = 3
_BYLINE = re.compile(r"^by\s*[:\s]\s*(?P<names>.+?)[\s.]*$", re.IGNORECASE)
_NAME_CONNECTORS = frozenset({"and", "&", "de", "van", "von", "der", "da", "del", "bin", "al"})

# Sentence end: punctuation (plus closing quotes) followed by space and a capital or digit.
_SENTENCE_END = re.compile(r"[.!?]+[\"'”’)\]]*(?=\s+[\"“‘'(\[]?[A-Z0-9])")
_ABBREVIATIONS = frozenset(
    {"mr", "mrs", "ms", "dr", "st", "gen", "sen", "rep", "gov", "lt", "col", "sgt", "capt"}
    | {"prof", "jr", "sr", "inc", "corp", "co", "no", "vs", "u.s", "u.k", "u.n", "e.u"}
    | {"jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec"}
)


def _strip(line: str) -> str:
    """Strip whitespace, including NBSP, zero-width spaces and byte-order marks."""
    return line.strip().strip("\u200b\ufeff").strip()


def _word_count(line: str) -> int:
    """Count whitespace-separated words; in scripts written without spaces (Japanese, Chinese,
    Thai), about two characters make a word, so a paragraph there is not a one-word label."""
    return len(line.split()) + (len(NO_SPACE_CHAR.findall(line)) + 1) // 2


def _ends_sentence(line: str) -> bool:
    """Say whether the line ends with sentence punctuation, ignoring closing quotes."""
    return line.rstrip(_CLOSING_QUOTES).endswith(_SENTENCE_PUNCT)


def _parse_date(text: str, *, fuzzy: bool) -> datetime.date | None:
    """Parse text that is essentially just a calendar date with a year, else None."""
    if not _YEAR.search(text) or not _MONTH_OR_NUMERIC_DATE.search(text):
        return None
    try:
        if not fuzzy:
            return date_parser.parse(text, ignoretz=True).date()
        parsed, skipped = date_parser.parse(text, fuzzy_with_tokens=True, ignoretz=True)
    except (ValueError, OverflowError):
        return None
    # Fuzzy parsing finds a "date" in any sentence with a number; allow only filler like "on".
    if sum(_word_count(token) for token in skipped if re.search(r"\w", token)) > 2:
        return None
    return parsed.date()


def _dateline_date(line: str) -> datetime.date | None:
    """Date from a "Published/Updated/Posted ..." metadata line."""
    match = _DATELINE.match(line)
    if not match or _word_count(line) > 12:
        return None
    # "Published X | Updated Y": the first stamp is the publication date.
    return _parse_date(match.group("rest").split("|")[0].strip(), fuzzy=True)


def _standalone_date(line: str) -> datetime.date | None:
    """Date from a line that is nothing but a date, e.g. "October 24, 2024"."""
    if _word_count(line) > 8:
        return None
    return _parse_date(line.rstrip(".").strip(), fuzzy=False)


def _byline_author(line: str) -> str | None:
    """Author from a short "By Jane Doe[, Agency]" line."""
    match = _BYLINE.match(line)
    if not match or _word_count(line) > 12:
        return None
    names = match.group("names")
    for token in names.replace(",", " ").split():
        # Every word must look like part of a name: "By Thursday, the troops ..." is prose.
        if token.lower() not in _NAME_CONNECTORS and not token[0].isupper():
            return None
    return " ".join(names.split())


def _is_menu(line: str) -> bool:
    """A site's menu or share bar: 3+ short items between | • or · ("Home | News | Sport",
    "Share this article: Facebook | X | Email"). Items with digits are a table's cells."""
    items = _MENU_SEPARATOR.split(line)
    return (
        len(items) >= _MENU_MIN_ITEMS
        and not any(ch.isdigit() for ch in line)
        and all(0 < _word_count(item) <= _MENU_ITEM_WORDS for item in items)
        and not any(_ends_sentence(item) for item in items)
    )


def _boilerplate_category(line: str, *, first: bool) -> str | None:
    """Category of a boilerplate line, or None if the line may be content."""
    line = " ".join(line.split())  # patterns use plain spaces; scraped text has NBSPs
    words = _word_count(line)
    if _SEPARATOR.match(line):
        return "separator"
    if _is_menu(line):
        return "nav"
    if words <= _MAX_BOILERPLATE_WORDS:
        for category, pattern in _BOILERPLATE_RULES:
            if pattern.match(line):
                return category
    if "©" in line and words <= 40:
        return "photo"
    # Upper-case lines naming an agency, like "STR/KCNA VIA KNS/AFP", are credits; other
    # capitals ("NISSAN SENTRA") are subheads, and the first line may be a headline.
    if not first and words <= 8 and not any(c.islower() for c in line) and _AGENCY.search(line):
        return "photo"
    return None


def _is_caption(lines: list[str], index: int) -> bool:
    """A short line directly above an explicit photo credit is that photo's caption."""
    return (
        0 < index < len(lines) - 1
        and _word_count(lines[index]) < 25
        and bool(_PHOTO_CREDIT.match(lines[index + 1]))
        # Captions describe a picture; a line quoting or attributing someone is reporting.
        and not _ATTRIBUTION.search(lines[index])
    )


def _looks_like_headline(line: str) -> bool:
    """Short line that does not read like a prose sentence."""
    words = _word_count(line)
    if words > 25 or len(line) > 200 or line.endswith((":", ";", ",")):
        return False
    # Short headlines may end with "." or "?"; longer punctuated lines are paragraphs.
    return not _ends_sentence(line) or words <= 12


def _first_sentence(paragraph: str) -> str:
    """First sentence of a paragraph, not fooled by "U.S." or "Mr." abbreviations."""
    for match in _SENTENCE_END.finditer(paragraph):
        word = re.search(r"[\w.]+$", paragraph[: match.start()])
        if word and (len(word.group()) == 1 or word.group().lower() in _ABBREVIATIONS):
            continue
        return paragraph[: match.end()]
    return paragraph


def _truncate(text: str, limit: int = _TITLE_MAX_CHARS) -> str:
    """Cut text at a word boundary to about limit characters, marking the cut with "…"."""
    if len(text) <= limit:
        return text
    head = text[: limit + 1]
    cut = head.rsplit(" ", 1)[0] if " " in head else text[:limit]
    return cut.rstrip(" ,;:–—-") + "…"


def _is_trailing_label(line: str) -> bool:
    """Short label without sentence punctuation, e.g. "Marketplace" or "World"."""
    return _word_count(line) <= 3 and not _ends_sentence(line) and not _NOT_A_LABEL.search(line)


def clean_plain_text(raw: str) -> CleanedText:
    """Split a scraped plain-text article into title, date, author and boilerplate-free text."""
    lines = [stripped for stripped in map(_strip, raw.splitlines()) if stripped]
    published: datetime.date | None = None
    author: str | None = None
    url: str | None = None
    body: list[int] = []
    dropped: list[int] = []

    for index, line in enumerate(lines):
        at_edge = index < _SOURCE_EDGE or index >= len(lines) - _SOURCE_EDGE
        if at_edge and (source := _SOURCE_URL.match(line)):
            url = url or source.group("url")
            dropped.append(index)
            continue
        date = _dateline_date(line)
        if date and index >= _DATELINE_WINDOW:
            # A stamp far below the headline (e.g. a footer "Updated ...") may not be the
            # publication date, but it is still not reporting.
            dropped.append(index)
            continue
        date = date or _standalone_date(line)
        if date:
            published = published or date
            continue
        name = _byline_author(line)
        if name:
            author = author or name
            continue
        if _boilerplate_category(line, first=index == 0) or _is_caption(lines, index):
            dropped.append(index)
        else:
            body.append(index)

    title: str | None = None
    # A lone line is the whole text: it stays in the body (and becomes the title below).
    if len(body) > 1 and _looks_like_headline(lines[body[0]]):
        title = lines[body.pop(0)]

    # Section labels and site chrome pile up after the last paragraph.
    while body and _is_trailing_label(lines[body[-1]]):
        dropped.append(body.pop())

    if title is None and body:
        # No headline line: the lead sentence stands in, and its paragraph stays in the body.
        title = _truncate(_first_sentence(lines[body[0]]))

    return CleanedText(
        title=title,
        published=published,
        author=author,
        text="\n\n".join(lines[index] for index in body),
        dropped_lines=tuple(lines[index] for index in sorted(dropped)),
        url=url,
    )
