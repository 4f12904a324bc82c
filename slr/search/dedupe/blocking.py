"""Candidate pairs: records sharing a blocking key (near-linear in the number of records)."""

from __future__ import annotations

from collections import defaultdict

from slr.search.dedupe.matching import MatchKeys
from slr.search.dedupe.models import DedupeConfig


def candidate_pairs(keys: list[MatchKeys], cfg: DedupeConfig) -> set[tuple[int, int]]:
    blocks: dict[tuple[str, str], list[int]] = defaultdict(list)
    n_words = cfg.prefix_words
    for i, k in enumerate(keys):
        if k.doi:
            blocks[("doi", k.doi)].append(i)
        if k.arxiv:
            blocks[("arxiv", k.arxiv)].append(i)
        if k.url:
            blocks[("url", k.url)].append(i)
        words = k.title.split()
        if not words:
            continue
        blocks[("prefix", " ".join(words[:n_words]))].append(i)
        if not k.truncated and len(words) > n_words:
            blocks[("suffix", " ".join(words[-n_words:]))].append(i)
        if k.authors and k.year is not None:
            blocks[("author-year", f"{k.authors[0]}|{k.year}")].append(i)
        if len(words) >= 2:
            # the two longest words survive most typos and truncation of the end
            longest = sorted(set(words[:8]), key=lambda w: (-len(w), w))[:2]
            blocks[("long-words", " ".join(sorted(longest)))].append(i)
    pairs: set[tuple[int, int]] = set()
    for (kind, _), members in blocks.items():
        if len(members) < 2:
            continue
        if kind in ("doi", "arxiv") or len(members) <= cfg.max_block:
            if kind in ("doi", "arxiv") and len(members) > cfg.max_block:
                first = members[0]
                pairs.update((min(first, j), max(first, j)) for j in members[1:])
                continue
            for x in range(len(members)):
                mx = members[x]
                for y in range(x + 1, len(members)):
                    my = members[y]
                    pairs.add((mx, my) if mx < my else (my, mx))
        else:
            ordered = sorted(members, key=lambda i: keys[i].title)
            # in an author-year block, titles differing in the middle (a typo in a short
            # title that spoils both its prefix and suffix keys) sort next to each other
            w = cfg.author_window if kind == "author-year" else cfg.window
            for x in range(len(ordered)):
                for y in range(x + 1, min(x + w + 1, len(ordered))):
                    a, b = ordered[x], ordered[y]
                    pairs.add((a, b) if a < b else (b, a))
    return pairs
