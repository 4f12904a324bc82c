"""Candidate pairs: records sharing a blocking key (near-linear in the number of records).

Keys, each catching a kind of duplicate the others miss:

* identifiers: DOI (and its family without a version suffix), Cochrane review number, arXiv id,
  landing-page URL;
* title words: the first four, the last four, the two longest of the first eight (typos and
  cut titles spoil one of them, rarely all three);
* first author + year (a title changed between versions);
* year + volume + first page (a translated title: nothing of the title is shared);
* the beginning of the abstract (a title rewritten, a record with the title in another field).

A block larger than ``max_block`` is searched with a sorted-neighbourhood window (records
sorted by title, each compared with the next ``window``), so the number of pairs grows linearly.
"""

from __future__ import annotations

from array import array
from collections import defaultdict
from collections.abc import Callable

import numpy as np

from slr.search.dedupe.keys import MatchKeys
from slr.search.dedupe.models import DedupeConfig

_STOP = frozenset({"a", "an", "the", "of", "on", "in", "and", "for", "to"})


def _block_keys(k: MatchKeys, n_words: int) -> list[tuple[str, str]]:
    out: list[tuple[str, str]] = [
        (kind, value)
        for kind, value in (
            ("doi", k.doi_family),
            ("cochrane", k.cochrane),
            ("arxiv", k.arxiv),
            ("url", k.url),
        )
        if value
    ]
    out += _title_keys(k, n_words)
    if k.authors and k.year is not None:
        out.append(("author-year", f"{k.authors[0]}|{k.year}"))
    if k.page_first and (k.volume or k.issue) and k.year is not None:
        out.append(("locator", f"{k.year}|{k.volume}|{k.page_first}"))
    if len(k.abstract) >= 60:
        out.append(("abstract", k.abstract[:80]))
    return out


def _title_keys(k: MatchKeys, n_words: int) -> list[tuple[str, str]]:
    words = [w for w in k.tokens if w not in _STOP] or k.tokens
    if not words:
        return []
    out = [("prefix", " ".join(words[:n_words]))]
    if not k.truncated and len(words) > n_words:
        out.append(("suffix", " ".join(words[-n_words:])))
    if len(words) >= 2:
        longest = sorted(set(words[:8]), key=lambda w: (-len(w), w))[:2]
        out.append(("long-words", " ".join(sorted(longest))))
    return out


def candidate_pairs(
    keys: list[MatchKeys],
    cfg: DedupeConfig,
    progress: Callable[[int, int], None] | None = None,
) -> np.ndarray:
    """Pairs (i, j) with i < j as an (m, 2) int64 array, sorted, without repeats."""
    n = len(keys)
    blocks = _blocks(keys, cfg, progress)
    codes = array("q")
    total = len(blocks)
    step = max(1, total // 50)
    for done, ((kind, _), members) in enumerate(blocks.items(), start=1):
        if progress is not None and done % step == 0:
            progress(n + n * done // max(total, 1), 2 * n)
        if len(members) >= 2:
            _block_pairs(codes, members, kind, keys, cfg)
    if progress is not None:
        progress(2 * n, 2 * n)
    if not codes:
        return np.empty((0, 2), dtype=np.int64)
    unique = np.unique(np.frombuffer(codes, dtype=np.int64))
    return np.stack([unique // n, unique % n], axis=1)


def _blocks(
    keys: list[MatchKeys], cfg: DedupeConfig, progress: Callable[[int, int], None] | None
) -> dict[tuple[str, str], list[int]]:
    """Block key -> the records (in increasing order) that share it."""
    n = len(keys)
    blocks: dict[tuple[str, str], list[int]] = defaultdict(list)
    step = max(1, n // 50)
    for i, k in enumerate(keys):
        if progress is not None and i % step == 0:
            progress(i, 2 * n)
        if not k.comparable:
            continue
        for key in _block_keys(k, cfg.prefix_words):
            blocks[key].append(i)
    return blocks


def _block_pairs(
    codes: array[int], members: list[int], kind: str, keys: list[MatchKeys], cfg: DedupeConfig
) -> None:
    """Every pair of a small block; neighbours in title order within a window in a large one
    (pairs coded as ``a * n + b`` with ``a < b``)."""
    n, m = len(keys), len(members)
    if m <= cfg.max_block:
        for x in range(m):
            a = members[x]
            for y in range(x + 1, m):
                codes.append(a * n + members[y])  # members are in increasing order
        return
    ordered = sorted(members, key=lambda i: keys[i].title)
    w = cfg.author_window if kind == "author-year" else cfg.window
    for x in range(m):
        a = ordered[x]
        for y in range(x + 1, min(x + w + 1, m)):
            b = ordered[y]
            codes.append(a * n + b if a < b else b * n + a)
