"""The page's own headline and date lines, dropped from the edges of an extracted text.

Article templates print the headline and a "date | byline" line beside the body, and extractors
often keep them: above the first paragraph, or below the last when the template puts them
there. Such a line is the page's metadata, not the article's text (both benchmarks' ground
truth leaves them out), and it differs from copy to copy of one story (each outlet's headline,
date and byline), so the copies disagree on it and the canonical choice (transforms/canonical.py)
reads it as an outlet's addition. Dropped when they run from either end of the text (at most
EDGE_LINES lines at each end):

- a line whose words are the page's title (its extracted title, case and punctuation aside);
- a line that is a date, with at most META_WORDS other words (a byline, an agency, "Updated")
  and no sentence ending: "March 16, 2024", "February 25, 2024 | Transcontinental Press";
- a byline line, "By A. Reporter, Agency", of at most META_WORDS words after its "By".

The text is kept whole when dropping them would leave fewer than MIN_KEPT_WORDS words.
"""

from __future__ import annotations

import re

from wirestory.transforms.dates import DATE_RE

EDGE_LINES = 3  # lines from either end of the text that may be page metadata
META_WORDS = 6  # other words a date or byline line may carry
MIN_KEPT_WORDS = 20

_WORD = re.compile(r"\w+")
_TIME = re.compile(
    r"\b\d{1,2}[:.]\d\d(?:\s*[ap]\.?m\.?)?\b|\b[ap]\.?m\.?\b|\b(?:GMT|UTC|[ECMP][SD]T)\b", re.I
)
_BYLINE = re.compile(r"^(?:by|written by|words by|posted by)\s+\S", re.I)
_SENTENCE_END = re.compile(r"[.!?…]['\"”’)]*$")


def _words(text: str) -> list[str]:
    return _WORD.findall(text.lower())


def is_metadata_line(line: str, title_words: list[str]) -> bool:
    """Whether the line is the page's headline, a date line or a byline (see the module doc)."""
    words = _words(line)
    if not words:
        return False
    if title_words and words == title_words:
        return True
    if _SENTENCE_END.search(line.strip()):
        return False
    if DATE_RE.search(line):
        rest = _TIME.sub(" ", DATE_RE.sub(" ", line))
        return len(_words(rest)) <= META_WORDS
    if _BYLINE.match(line.strip()):
        return len(words) - 1 <= META_WORDS
    return False


def strip_edge_metadata(text: str, title: str | None) -> str:
    """The text without the page-metadata lines at its edges (see the module doc)."""
    lines = text.split("\n")
    if len(lines) < 2:
        return text
    title_words = _words(title or "")
    start, end = 0, len(lines)
    while start < min(EDGE_LINES, end) and is_metadata_line(lines[start], title_words):
        start += 1
    while end > max(start, len(lines) - EDGE_LINES) and is_metadata_line(
        lines[end - 1], title_words
    ):
        end -= 1
    if (start, end) == (0, len(lines)):
        return text
    kept = lines[start:end]
    if len(_words(" ".join(kept))) < MIN_KEPT_WORDS:
        return text
    return "\n".join(kept)
