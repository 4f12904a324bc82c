"""Clusters of matched records: connected components, split where a constraint would break.

Matched pairs are edges; a cannot-link (a pair with evidence of different works, or decided
'not duplicate') must not end up in one cluster. Components without a cannot-link inside are
clusters as they are (the common case, handled with arrays); a component holding one is
rebuilt edge by edge, strongest first, skipping any edge that would join two records that must
stay apart. A record whose best matches are tied between records that must stay apart (a cut
title matching both 'X, Part 1' and 'X, Part 2') is ambiguous: those matches go to review.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable

import numpy as np


def components(n: int, i: np.ndarray, j: np.ndarray) -> np.ndarray:
    """Component label (the smallest member's index) of each of n nodes, for edges (i, j)."""
    parent = list(range(n))

    def find(x: int) -> int:
        root = x
        while parent[root] != root:
            root = parent[root]
        while parent[x] != root:
            parent[x], x = root, parent[x]
        return root

    for a, b in zip(i.tolist(), j.tolist(), strict=True):
        ra, rb = find(a), find(b)
        if ra != rb:
            if ra < rb:
                parent[rb] = ra
            else:
                parent[ra] = rb
    return np.array([find(x) for x in range(n)], dtype=np.int64)


def cluster_records(
    n: int,
    edge_i: np.ndarray,
    edge_j: np.ndarray,
    strength: np.ndarray,
    cannot_i: np.ndarray,
    cannot_j: np.ndarray,
    progress: Callable[[int, int], None] | None = None,
) -> tuple[np.ndarray, list[tuple[int, int, int, int]]]:
    """Cluster label per record, and the edges left out: (edge index, x, y, reason kind)
    where (x, y) is the cannot-link the edge would have broken (reason kind 0) or that makes
    the edge ambiguous (1).

    ``strength`` orders the edges (higher is a better match: decisions, shared identifiers,
    then similarity); edges and cannot-links are index pairs into the n records.
    """
    comp = components(n, edge_i, edge_j)
    inside = comp[cannot_i] == comp[cannot_j]
    conflicted = np.unique(comp[cannot_i[inside]])
    if progress is not None:
        progress(0, max(len(conflicted), 1))
    if len(conflicted) == 0:
        return comp, []
    cannot: dict[int, set[int]] = defaultdict(set)
    for x, y in zip(cannot_i[inside].tolist(), cannot_j[inside].tolist(), strict=True):
        cannot[x].add(y)
        cannot[y].add(x)
    in_conflict = np.isin(comp[edge_i], conflicted)
    by_comp: dict[int, list[int]] = defaultdict(list)
    for e in np.flatnonzero(in_conflict).tolist():
        by_comp[int(comp[edge_i[e]])].append(e)
    members: dict[int, list[int]] = defaultdict(list)
    for x in np.flatnonzero(np.isin(comp, conflicted)).tolist():
        members[int(comp[x])].append(x)
    labels = comp.copy()
    skipped: list[tuple[int, int, int, int]] = []
    for done, c in enumerate(conflicted.tolist()):
        if progress is not None and done % 100 == 0:
            progress(done, len(conflicted))
        _split(members[c], by_comp[c], edge_i, edge_j, strength, cannot, labels, skipped)
    if progress is not None:
        progress(len(conflicted), len(conflicted))
    return labels, skipped


def _split(
    nodes: list[int],
    edges: list[int],
    edge_i: np.ndarray,
    edge_j: np.ndarray,
    strength: np.ndarray,
    cannot: dict[int, set[int]],
    labels: np.ndarray,
    skipped: list[tuple[int, int, int, int]],
) -> None:
    """Rebuild one component edge by edge, strongest first, keeping cannot-links apart."""
    ambiguous = _ambiguous_edges(edges, edge_i, edge_j, strength, cannot)
    parent = {x: x for x in nodes}
    group = {x: {x} for x in nodes}

    def find(x: int) -> int:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    order = sorted(edges, key=lambda e: (-float(strength[e]), int(edge_i[e]), int(edge_j[e])))
    for e in order:
        if e in ambiguous:
            x, y = ambiguous[e]
            skipped.append((e, x, y, 1))
            continue
        ra, rb = find(int(edge_i[e])), find(int(edge_j[e]))
        if ra == rb:
            continue
        small, big = sorted((group[ra], group[rb]), key=len)
        hit = next(((x, y) for x in small for y in cannot.get(x, ()) if y in big), None)
        if hit is not None:
            skipped.append((e, hit[0], hit[1], 0))
            continue
        if len(group[ra]) < len(group[rb]):
            ra, rb = rb, ra
        parent[rb] = ra
        group[ra] |= group.pop(rb)
    for grp in group.values():
        label = min(grp)
        for x in grp:
            labels[x] = label


def _ambiguous_edges(
    edges: list[int],
    edge_i: np.ndarray,
    edge_j: np.ndarray,
    strength: np.ndarray,
    cannot: dict[int, set[int]],
) -> dict[int, tuple[int, int]]:
    """Edges of a record whose strongest links (tied) reach two records that cannot be one
    work: which of them it belongs with is undecided, so none of those edges is followed."""
    neighbours: dict[int, list[tuple[float, int, int]]] = defaultdict(list)
    for e in edges:
        a, b, s = int(edge_i[e]), int(edge_j[e]), float(strength[e])
        neighbours[a].append((s, b, e))
        neighbours[b].append((s, a, e))
    ambiguous: dict[int, tuple[int, int]] = {}
    for nbrs in neighbours.values():
        if len(nbrs) < 2:
            continue
        top = max(s for s, _, _ in nbrs)
        tops = [(x, e) for s, x, e in nbrs if s == top]
        for k, (x, _) in enumerate(tops):
            clash = next((y for y, _ in tops[k + 1 :] if y in cannot.get(x, ())), None)
            if clash is not None:
                for _, e in tops:
                    ambiguous[e] = (x, clash)
                break
    return ambiguous
