"""Resolving spellings to canonical terms, with suggestions for unknown ones."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from rapidfuzz import fuzz, process

_SEP = re.compile(r"[\s\-_./]+")


def term_key(text: str) -> str:
    """Matching key: case-folded, without spaces, hyphens, underscores, dots and slashes."""
    return _SEP.sub("", text.casefold())


@dataclass
class Vocabulary:
    """Canonical names of one kind of term (methods, tasks, ...) and all their spellings."""

    kind: str
    _by_key: dict[str, str] = field(default_factory=dict)
    _spellings: dict[str, str] = field(default_factory=dict)  # spelling -> canonical
    canonical: list[str] = field(default_factory=list)

    def add(self, name: str, synonyms: Iterable[str] = ()) -> list[str]:
        """Register a canonical name with its synonyms; return clashes (spellings already taken)."""
        clashes = []
        if name not in self.canonical:
            self.canonical.append(name)
        for spelling in (name, *synonyms):
            key = term_key(spelling)
            owner = self._by_key.get(key)
            if owner is not None and owner != name:
                clashes.append(f"'{spelling}' is a spelling of both '{owner}' and '{name}'")
                continue
            self._by_key[key] = name
            self._spellings[spelling] = name
        return clashes

    def resolve(self, text: str) -> str | None:
        return self._by_key.get(term_key(text))

    def __contains__(self, text: object) -> bool:
        return isinstance(text, str) and self.resolve(text) is not None

    def suggest(self, text: str, limit: int = 3) -> list[str]:
        """Closest canonical names (by any of their spellings)."""
        if not self._spellings:
            return []
        hits = process.extract(
            text, list(self._spellings), scorer=fuzz.WRatio, processor=str.casefold, limit=limit * 3
        )
        out: list[str] = []
        for spelling, score, _ in hits:
            canon = self._spellings[spelling]
            if score >= 50 and canon not in out:
                out.append(canon)
        return out[:limit]

    def unknown_message(self, text: str) -> tuple[str, str]:
        """(message, fix) for an unknown term."""
        sugg = self.suggest(text)
        msg = f"unknown {self.kind} '{text}'"
        if sugg:
            fix = "did you mean " + " or ".join(f"'{s}'" for s in sugg) + "?"
        else:
            fix = f"add it to the taxonomy ({self.kind}) or use one of its known names"
        return msg, fix
