"""One registry helper for every kind of named entry (figures, source formats, metrics, datasets,
report sections, bug kinds...).

A :class:`Registry` holds the entries of one kind by name, in registration order. It finds its
entries lazily: the first lookup or listing imports the modules that register them (every module
of a package, or a list of module names), so importing a registry costs nothing and adding an
entry is one module (or one decorated function) with no list to edit elsewhere.

    >>> FIGURES = Registry("figure", discover="slr.figures")
    >>> FIGURES.add("venues", spec)          # at import time of the defining module
    >>> FIGURES.get("venus")                 # ConfigError: unknown figure 'venus'; did you mean 'venues'? ...
    >>> FIGURES.listing()                    # [("venues", "Included papers per venue"), ...]

A lookup tries the exact name, then the name under the registry's ``key`` (e.g. case folded),
then its aliases, then its ``fallback`` (entries made on demand, such as ``pass@k`` for any k);
an unknown name is a :class:`~slr.errors.ConfigError` with the closest names and the known ones.
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Callable, Iterator, Sequence
from typing import Any, Generic, TypeVar, cast

from slr.errors import ConfigError

T = TypeVar("T")
_RAISE: Any = object()


def close_matches(name: str, choices: Sequence[str], *, limit: int = 3) -> list[str]:
    """The choices closest to ``name``, best first: rapidfuzz's WRatio of at least 60, and
    within 10 points of the best (so a near-exact match is not drowned by loose ones)."""
    from rapidfuzz import process

    found = process.extract(name, list(choices), limit=limit)
    best = max((score for _, score, _ in found), default=0.0)
    return [m for m, score, _ in found if score >= max(60.0, best - 10.0)]


def did_you_mean(name: str, choices: Sequence[str], *, limit: int = 3) -> str:
    """``"did you mean 'x' or 'y'? "`` for the closest choices, or ``""``."""
    close = close_matches(name, choices, limit=limit)
    return f"did you mean {' or '.join(repr(c) for c in close)}? " if close else ""


def _identity(name: str) -> str:
    return name


def _self(entry: object) -> object:
    return entry


class Registry(Generic[T]):
    """Named entries of one kind, registered by the modules that define them, found lazily.

    ``kind`` names the entries in messages ("figure", "source format"). ``discover`` is a package
    whose modules are imported (in name order, ``skip`` left out) on first use, or a sequence of
    module names imported in that order. ``key`` normalises names for a second lookup (e.g.
    ``str.casefold``). ``describe`` gives an entry's one-line description for :meth:`listing`.
    ``fallback`` builds an entry for a name no entry has (or returns None). Registering a name
    twice is an error unless both entries have the same ``identity`` (default: the entry itself;
    e.g. the class of a format instance, so that re-importing its module is harmless). ``hint``
    ends the message for an unknown name.
    """

    def __init__(
        self,
        kind: str,
        *,
        discover: str | Sequence[str] | None = None,
        skip: Sequence[str] = (),
        key: Callable[[str], str] = _identity,
        describe: Callable[[T], str] | None = None,
        fallback: Callable[[str], T | None] | None = None,
        identity: Callable[[T], object] | None = None,
        hint: str = "",
    ) -> None:
        self.kind = kind
        self._discover = discover
        self._skip = frozenset(skip)
        self._key = key
        self._describe = describe
        self._fallbacks = [fallback] if fallback is not None else []
        self._identity = identity or _self
        self._hint = hint
        self._entries: dict[str, T] = {}
        self._aliases: dict[str, str] = {}
        self._discovered = discover is None
        self._discovering = False

    # -- registering ----------------------------------------------------------------------------
    def add(self, name: str, entry: T) -> T:
        """Register ``entry`` under ``name``; a second, different entry of that name is an error."""
        if not name:
            raise ConfigError(f"a {self.kind} needs a name")
        known = self._entries.get(name)
        if known is not None and self._identity(known) != self._identity(entry):
            raise ConfigError(f"{self.kind} {name!r} is registered twice")
        self._entries[name] = entry
        return entry

    def add_fallback(self, fallback: Callable[[str], T | None]) -> None:
        """Let ``fallback`` make an entry for a name no entry has (``pass@k`` for any k)."""
        self._fallbacks.append(fallback)

    def alias(self, alias: str, name: str) -> None:
        """Let ``alias`` (under ``key``) find the entry ``name``."""
        self._aliases[self._key(alias)] = name

    def __setitem__(self, name: str, entry: T) -> None:
        """Replace an entry (tests put a broken entry in place with ``monkeypatch.setitem``)."""
        self._entries[name] = entry

    def __delitem__(self, name: str) -> None:
        del self._entries[name]

    # -- discovering ----------------------------------------------------------------------------
    def modules(self) -> list[str]:
        """The modules that register this registry's entries, in import order."""
        if self._discover is None:
            return []
        if isinstance(self._discover, str):
            package = importlib.import_module(self._discover)
            return [
                f"{self._discover}.{m.name}"
                for m in sorted(pkgutil.iter_modules(package.__path__), key=lambda m: m.name)
                if m.name not in self._skip
            ]
        return list(self._discover)

    def _load(self) -> None:
        if self._discovered or self._discovering:
            return
        self._discovering = True  # a module that looks an entry up while it registers its own
        try:
            for module in self.modules():
                importlib.import_module(module)
        finally:
            self._discovering = False
        self._discovered = True

    # -- looking up -----------------------------------------------------------------------------
    def find(self, name: str) -> T | None:
        """The entry called ``name`` (exact, then under ``key``, then an alias, then the
        fallback), or None."""
        self._load()
        if name in self._entries:
            return self._entries[name]
        wanted = self._key(name)
        for known, entry in self._entries.items():
            if self._key(known) == wanted:
                return entry
        if wanted in self._aliases:
            return self._entries.get(self._aliases[wanted])
        for fallback in self._fallbacks:
            made = fallback(name)
            if made is not None:
                return made
        return None

    def get(self, name: str, default: Any = _RAISE) -> T:
        """The entry called ``name``; an unknown name is a ConfigError with the closest names
        (or ``default``, when one is given, as ``dict.get`` returns it)."""
        entry = self.find(name)
        if entry is None:
            if default is not _RAISE:
                return cast(T, default)
            raise ConfigError(self.unknown_message(name))
        return entry

    def unknown_message(self, name: str) -> str:
        names = self.names()
        hint = f" {self._hint}" if self._hint else ""
        return (
            f"unknown {self.kind} {name!r}; {did_you_mean(name, names)}known {self.kind}s: "
            f"{', '.join(sorted(names))}{hint}"
        )

    def __getitem__(self, name: str) -> T:
        return self.get(name)

    def __contains__(self, name: object) -> bool:
        return isinstance(name, str) and self.find(name) is not None

    # -- listing --------------------------------------------------------------------------------
    def names(self) -> list[str]:
        """Every registered name, in registration order."""
        self._load()
        return list(self._entries)

    def items(self) -> list[tuple[str, T]]:
        self._load()
        return list(self._entries.items())

    def values(self) -> list[T]:
        self._load()
        return list(self._entries.values())

    def listing(self) -> list[tuple[str, str]]:
        """(name, one-line description) of every entry, in registration order."""
        describe = self._describe or (lambda entry: "")
        return [(name, describe(entry)) for name, entry in self.items()]

    def __iter__(self) -> Iterator[str]:
        return iter(self.names())

    def __len__(self) -> int:
        return len(self.names())

    def __repr__(self) -> str:
        return f"Registry({self.kind!r}, {len(self._entries)} entries)"
