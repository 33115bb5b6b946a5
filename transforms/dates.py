"""Dates a page prints for readers, and the vote that picks a page's date from all its signals.

Beam-free. The signals: the markup's published date (JSON-LD, meta tags, <time datetime>), the
URL, dates printed in the visible text (labelled "Updated: December 31, 2024", in a <time>
element, the first after the headline, the first anywhere) and trafilatura's (htmldate's) guess.
Each signal votes for its date with a weight; the date with the most weight wins, and a date
with too little (htmldate's guess alone, a lone "Updated" label) is no date: an unconfirmed
guess is worse than None. Only unambiguous forms are read: month names, ISO, 2025/4/29, and
numeric dates whose day is over 12 ("19/12/2025", "10/31/2024"); "09/11/2025" is read only
when the page's locale says which comes first (en-US month first, most others day first), and
"09/11/25" never.
"""

from __future__ import annotations

import datetime
import re
from typing import Any

_MONTH_NAMES = (
    # English (with abbreviations), then German, French, Spanish, Italian, Portuguese and Dutch
    # full names and their unambiguous abbreviations.
    (
        "january",
        "jan",
        "januar",
        "jänner",
        "janvier",
        "janv",
        "enero",
        "gennaio",
        "janeiro",
        "januari",
    ),
    (
        "february",
        "feb",
        "februar",
        "février",
        "févr",
        "febrero",
        "febbraio",
        "fevereiro",
        "februari",
    ),
    ("march", "mar", "märz", "mär", "mars", "marzo", "março", "maart", "mrt"),
    ("april", "apr", "avril", "avr", "abril", "aprile"),
    ("may", "mai", "mayo", "maggio", "maio", "mei"),
    ("june", "jun", "juni", "juin", "junio", "giugno", "junho"),
    ("july", "jul", "juli", "juillet", "juil", "julio", "luglio", "julho"),
    ("august", "aug", "août", "agosto", "augustus"),
    ("september", "sep", "sept", "septembre", "septiembre", "setiembre", "settembre", "setembro"),
    ("october", "oct", "oktober", "okt", "octobre", "octubre", "ottobre", "outubro"),
    ("november", "nov", "novembre", "noviembre", "novembro"),
    ("december", "dec", "dezember", "dez", "décembre", "déc", "diciembre", "dicembre", "dezembro"),
)
_MONTHS = {name: number for number, names in enumerate(_MONTH_NAMES, start=1) for name in names}
# A month name is a whole word ("mar" is not the start of "marzo", "mai" not of "main").
_MONTH = "(?:" + "|".join(sorted(_MONTHS, key=len, reverse=True)) + r")(?![^\W\d_])"
_DAY, _YEAR = r"(\d{1,2})(?:st|nd|rd|th)?", r"((?:19|20)\d\d)"
_DATE = (
    rf"(?:({_MONTH})\.?\s+{_DAY},?\s+{_YEAR}"  # December 31, 2024
    rf"|{_DAY}\.?\s+(?:de\s+)?({_MONTH})\.?,?\s+(?:de\s+)?{_YEAR}"  # 31 December 2024, 31. März
    r"|((?:19|20)\d\d)-(\d\d)-(\d\d)"  # 2024-12-31
    r"|(?<![\d./-])(\d{1,2})([./-])(\d{1,2})\11((?:19|20)\d\d)"  # 31.12.2024, 12/31/2024
    r"|((?:19|20)\d\d)/(\d{1,2})/(\d{1,2}))"  # 2024/12/31
)
# "Published"/"Updated" in German, French, Spanish, Italian, Portuguese and Dutch.
_LABELS = (
    "veröffentlicht|aktualisiert|publié|mis à jour|publicado|actualizado|atualizado|"
    "pubblicato|aggiornato|gepubliceerd|bijgewerkt"
)
_DATE_RE = re.compile(rf"{_DATE}(?!\d)", re.I)
DATE_RE = _DATE_RE  # a printed date anywhere in a line (transforms/edges.py)
_LABELLED = re.compile(
    rf"\b(?:last\s+)?(?:updated|published|posted|modified|reviewed|{_LABELS})"
    rf"(?:\s+(?:on|am|le|el|em|il|op))?\s*:?\s*{_DATE}(?!\d)",
    re.I,
)
_VISIBLE_TEXT = (
    "//body//text()[not(ancestor::script or ancestor::style or ancestor::noscript"
    " or ancestor::nav or ancestor::footer or ancestor::template)]"
)


def _date(groups: tuple[str | None, ...], day_first: bool | None = None) -> datetime.date | None:
    month1, day1, year1, day2, month2, year2, iso_y, iso_m, iso_d = groups[:9]
    first, _, second, year3, year4, month4, day4 = groups[9:]
    try:
        if month1:
            return datetime.date(int(year1 or 0), _MONTHS[month1.lower()], int(day1 or 0))
        if month2:
            return datetime.date(int(year2 or 0), _MONTHS[month2.lower()], int(day2 or 0))
        if year4:
            return datetime.date(int(year4), int(month4 or 0), int(day4 or 0))
        if first and second and year3:
            a, b = int(first), int(second)
            if a <= 12 and b <= 12 and a != b:
                if day_first is None:
                    return None  # 09/11/2024: which is the day depends on the locale
                a, b = (b, a) if day_first else (a, b)
            elif a > 12:
                a, b = b, a
            return datetime.date(int(year3), a, b)
        return datetime.date(int(iso_y or 0), int(iso_m or 0), int(iso_d or 0))
    except ValueError:
        return None


def day_first(locale: str | None) -> bool | None:
    """Whether the locale writes 09/11/2024 day first: None when it does not say (bare "en")."""
    if not locale:
        return None
    parts = locale.replace("_", "-").lower().split("-")
    if parts[0] == "en":
        return None if len(parts) == 1 else parts[1] not in _MONTH_FIRST_REGIONS
    return True


# Regions that write the month first (English in the US and its territories, and the Philippines).
_MONTH_FIRST_REGIONS = frozenset({"us", "ph", "pr", "gu", "as", "vi", "um", "mp"})


def labelled_date(text: str, day_first: bool | None = None) -> datetime.date | None:
    """The first date after an "Updated", "Published", "Posted" or "Reviewed" label in a text."""
    for match in _LABELLED.finditer(text):
        if date := _date(match.groups(), day_first):
            return date
    return None


def _ambiguous(groups: tuple[str | None, ...], day_first: bool | None) -> bool:
    """09/11/2024 on a page whose locale does not say which comes first."""
    first, _, second = groups[9:12]
    if not (first and second) or day_first is not None:
        return False
    return int(first) <= 12 and int(second) <= 12 and int(first) != int(second)


def first_date(
    text: str, day_first: bool | None = None, numeric: bool = True
) -> datetime.date | None:
    """The first valid date written in a text; None when the first is ambiguous (09/11/2024).

    With numeric=False, only dates with a month name or in ISO form count.
    """
    for match in _DATE_RE.finditer(text):
        groups = match.groups()
        if not numeric and (groups[9] or groups[13]):
            continue
        if _ambiguous(groups, day_first):
            return None
        if date := _date(groups, day_first):
            return date
    return None


# How much each signal's date counts (log-odds that it is the page's date, measured on the even
# half of WCXB dev articles). A date needs MIN_DATE_WEIGHT: the guess (1.14) or a lone
# "Updated" label (0.59) alone is not enough; the markup's published date or the URL is.
DATE_WEIGHTS: dict[str, float] = {
    "url": 3.0,
    "meta": 2.53,
    "after_headline": 1.67,
    "json_ld": 1.52,
    "time_text": 1.48,
    "visible": 1.37,
    "time": 1.34,
    "guess": 1.14,
    "printed": 0.59,
}
MIN_DATE_WEIGHT = 1.2
# How far after the headline's text a printed date still belongs to it (characters).
_AFTER_HEADLINE = 3000


def printed_dates(
    tree: Any, headline: str | None, locale: str | None = None
) -> dict[str, datetime.date | None]:
    """Dates in the visible text: labelled, in a <time> element, after the headline, first."""
    order = day_first(locale)
    text = " ".join(" ".join(tree.xpath(_VISIBLE_TEXT)).split())[:200_000]
    start = text.find(headline) if headline else -1
    # The first <time> element that prints a date (an ambiguous one means no date, not the next).
    stamps = (" ".join(e.itertext()) for e in list(tree.iter("time"))[:20])
    time_text = next((first_date(t, order) for t in stamps if _DATE_RE.search(t)), None)
    return {
        "printed": labelled_date(text, order),
        "time_text": time_text,
        "after_headline": (
            first_date(text[start : start + _AFTER_HEADLINE], order) if start >= 0 else None
        ),
        # The first date anywhere: numeric forms there are too often a table's or a comment's.
        "visible": first_date(text, order, numeric=False),
    }


def vote_date(signals: dict[str, datetime.date | None]) -> datetime.date | None:
    """The date the signals' weights agree on most (the later on a tie), if it weighs enough."""
    weights: dict[datetime.date, float] = {}
    for name, date in signals.items():
        if date is not None:
            weights[date] = weights.get(date, 0.0) + DATE_WEIGHTS.get(name, 0.0)
    if not weights:
        return None
    weight, date = max((w, d) for d, w in weights.items())
    return date if weight >= MIN_DATE_WEIGHT else None
