"""Dates a page prints for readers: "Updated: December 31, 2024", "Published on 3 March 2025".

Beam-free. Used when the markup (JSON-LD, meta tags, <time>) states no date: a labelled date in
the visible text beats a guess from anywhere on the page. Only unambiguous forms are read (month
names or ISO); "09/11/25" could be either day first or month first and is left alone.
"""

from __future__ import annotations

import datetime
import re
from typing import Any

_MONTHS = {
    name: number
    for number, names in enumerate(
        (
            ("january", "jan"),
            ("february", "feb"),
            ("march", "mar"),
            ("april", "apr"),
            ("may",),
            ("june", "jun"),
            ("july", "jul"),
            ("august", "aug"),
            ("september", "sep", "sept"),
            ("october", "oct"),
            ("november", "nov"),
            ("december", "dec"),
        ),
        start=1,
    )
    for name in names
}
_MONTH = "|".join(sorted(_MONTHS, key=len, reverse=True))
_DAY, _YEAR = r"(\d{1,2})(?:st|nd|rd|th)?", r"((?:19|20)\d\d)"
_DATE = (
    rf"(?:({_MONTH})\.?\s+{_DAY},?\s+{_YEAR}"  # December 31, 2024
    rf"|{_DAY}\s+({_MONTH})\.?,?\s+{_YEAR}"  # 31 December 2024
    r"|((?:19|20)\d\d)-(\d\d)-(\d\d))"  # 2024-12-31
)
_LABELLED = re.compile(
    rf"\b(?:last\s+)?(?:updated|published|posted|modified|reviewed)(?:\s+on)?\s*:?\s*{_DATE}(?!\d)",
    re.I,
)
_VISIBLE_TEXT = (
    "//body//text()[not(ancestor::script or ancestor::style or ancestor::noscript"
    " or ancestor::nav or ancestor::footer or ancestor::template)]"
)


def _date(groups: tuple[str | None, ...]) -> datetime.date | None:
    month1, day1, year1, day2, month2, year2, iso_y, iso_m, iso_d = groups
    try:
        if month1:
            return datetime.date(int(year1 or 0), _MONTHS[month1.lower()], int(day1 or 0))
        if month2:
            return datetime.date(int(year2 or 0), _MONTHS[month2.lower()], int(day2 or 0))
        return datetime.date(int(iso_y or 0), int(iso_m or 0), int(iso_d or 0))
    except ValueError:
        return None


def labelled_date(text: str) -> datetime.date | None:
    """The first date after an "Updated", "Published", "Posted" or "Reviewed" label in a text."""
    for match in _LABELLED.finditer(text):
        if date := _date(match.groups()):
            return date
    return None


def printed_date(tree: Any, limit: int = 200_000) -> datetime.date | None:
    """The first labelled date in the page's visible text (menus and footers left out)."""
    text = " ".join(" ".join(tree.xpath(_VISIBLE_TEXT)).split())
    return labelled_date(text[:limit])
