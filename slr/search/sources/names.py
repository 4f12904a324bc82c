"""How database exports run author names together, undone before the name normaliser sees them.

Each function returns the names as a list (one string per author, as the export writes it); the
format then says the style of each name (``author_style``) and the normaliser does the rest.
"""

from __future__ import annotations

import ast
import re

# A lower-case letter followed by a capital inside a word: where Springer's CSV glues two names
# ('Andy SmithTom Weber'). Not after a name prefix that is itself capitalised ('McDonald').
_GLUED_RE = re.compile(r"(?<=[a-zß-ÿ])(?=[A-ZÀ-Þ])")
_PREFIXES = frozenset({"mc", "mac", "de", "di", "da", "du", "la", "le", "van", "von", "o'", "d'"})


def split_comma_names(value: str | None) -> list[str] | None:
    """'Lim SM, Shiau CWC, Lau Y.' (PubMed, Embase, old IEEE CSV): one name between commas."""
    if value is None or not value.strip():
        return None
    names = [n.strip() for n in value.split(",") if n.strip()]
    if names and names[-1].endswith(".") and not any("." in n for n in names[:-1]):
        names[-1] = names[-1][:-1]  # PubMed ends the list with a full stop: 'Lau Y.'
    return names


def split_glued_names(value: str | None) -> list[str] | None:
    """'Andy SmithTom Weber' (Springer's CSV writes no separator) -> ['Andy Smith', 'Tom Weber']."""
    if value is None or not value.strip():
        return None
    names: list[str] = []
    start = 0
    for m in _GLUED_RE.finditer(value):
        word_start = value.rfind(" ", 0, m.start()) + 1
        word = value[word_start : m.start()].casefold()
        if word in _PREFIXES or " " not in value[start : m.start()].strip():
            continue  # 'McDonald', or a name without a given name before the cut
        names.append(value[start : m.start()].strip())
        start = m.start()
    names.append(value[start:].strip())
    return [n for n in names if n]


def python_list(value: str | None) -> list[str] | None:
    """A list written as Python's repr ("['Marx, Karl', 'Lindgren, Astrid']", as pandas and
    ASReview write list columns to CSV) as a list; None when the value is not one."""
    if value is None:
        return None
    text = value.strip()
    if not (text.startswith("[") and text.endswith("]")):
        return None
    try:
        items = ast.literal_eval(text)
    except (ValueError, SyntaxError):
        return None
    if not isinstance(items, list) or not all(isinstance(i, str) for i in items):
        return None
    return [i for i in items if i.strip()]
