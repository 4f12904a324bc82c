"""Text cleaning shared by the normalisers: Unicode, whitespace, diacritics, LaTeX, ellipses."""

from __future__ import annotations

import re
import unicodedata

ELLIPSIS_RE = re.compile(r"\s*(?:…|\.\.\.)\s*$")
LEADING_ELLIPSIS_RE = re.compile(r"^\s*(?:…|\.\.\.)\s*,?\s*")
WS_RE = re.compile(r"\s+")
_ZERO_WIDTH = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff\u00ad"), None)
# Letters NFKD does not decompose into ASCII.
_TRANSLIT = str.maketrans(
    {
        "ß": "ss",
        "ø": "o",
        "Ø": "O",
        "æ": "ae",
        "Æ": "AE",
        "œ": "oe",
        "Œ": "OE",
        "ł": "l",
        "Ł": "L",
        "đ": "d",
        "Đ": "D",
        "ð": "d",
        "þ": "th",
        "ı": "i",
        "‐": "-",
        "‑": "-",
        "–": "-",
        "—": "-",
        "’": "'",
        "‘": "'",
        "“": '"',
        "”": '"',
    }
)


def clean_text(value: object) -> str | None:
    """NFC, no zero-width characters, single spaces, stripped; None if nothing is left."""
    if value is None:
        return None
    text = str(value)
    if not text:
        return None
    text = unicodedata.normalize("NFC", text).translate(_ZERO_WIDTH)
    text = WS_RE.sub(" ", text).strip()
    if not text or text.lower() in {"nan", "none", "null", "n/a", "na"}:
        return None
    return text


def ascii_fold(text: str) -> str:
    """Drop diacritics and transliterate: 'Bissyandé' -> 'Bissyande', 'Krüger' -> 'Kruger'."""
    if text.isascii():
        return text
    text = text.translate(_TRANSLIT)
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c))


_LATEX_CMD_RE = re.compile(r"\\[a-zA-Z]+\s*|\\.")


def strip_latex(text: str) -> str:
    """Remove braces and leftover LaTeX commands (accents are decoded by the BibTeX parser)."""
    if "\\" in text:
        text = _LATEX_CMD_RE.sub("", text)
    return text.replace("{", "").replace("}", "")
