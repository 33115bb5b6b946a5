"""Scripts written without spaces between words (Beam-free, shared by the shingler and the
plain-text cleaner).

Han, Hiragana, Katakana, Thai, Lao, Khmer, Myanmar: a whitespace split takes a whole clause of
them as one word, so code that counts or cuts words treats each of their characters apart.
"""

from __future__ import annotations

import re

# Character ranges, for use inside a regex character class.
NO_SPACE_SCRIPTS = (
    "\u0e00-\u0eff\u1000-\u109f\u1780-\u17ff\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff"
    "\uf900-\ufaff\U00020000-\U0003134f"
)
NO_SPACE_CHAR = re.compile(f"[{NO_SPACE_SCRIPTS}]")
