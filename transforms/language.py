"""Language of an article: what the page declares, else py3langid on its text.

py3langid's model ships inside its wheel (data/model.npz.xz): nothing is downloaded at run
time. The identifier loads once per extractor process, on first use (about 2 s).
"""

from __future__ import annotations

import re
from typing import Any

_TAG = re.compile(r"^([A-Za-z]{2,3})(?:[-_][A-Za-z0-9]{1,8})*$")
# Language subtags that name no language.
_UNDETERMINED = frozenset({"und", "mul", "zxx", "mis", "xx"})
_SAMPLE_CHARS = 3000
_IDENTIFIER: dict[str, Any] = {}


def declared_language(tag: str | None) -> str | None:
    """Primary subtag of a BCP 47 tag ("en-GB" -> "en"); None for absent or invalid tags."""
    match = _TAG.match((tag or "").strip())
    if not match:
        return None
    primary = match.group(1).lower()
    return None if primary in _UNDETERMINED else primary


def detect_language(text: str) -> str | None:
    """ISO 639-1 code py3langid finds in the text's first few thousand characters."""
    sample = text[:_SAMPLE_CHARS]
    if not re.search(r"[^\W\d_]{2}", sample):
        return None
    if not _IDENTIFIER:
        import py3langid  # loads its packaged model once per process, on first classify

        _IDENTIFIER["classify"] = py3langid.classify
    language, _ = _IDENTIFIER["classify"](sample)
    return str(language)


def article_language(declared: str | None, text: str) -> str | None:
    """The declared language when the page states a valid one, else the detected one."""
    return declared_language(declared) or detect_language(text)
