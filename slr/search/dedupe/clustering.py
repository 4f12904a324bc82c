"""Clusters of matched records: connected components, split where a constraint would break."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import replace

from slr.search.dedupe.matching import MatchKeys
from slr.search.dedupe.models import PairResult


class _UnionFind:
    def __init__(self, items: Iterable[int]):
        self.parent = {i: i for i in items}

    def find(self, x: int) -> int:
        parent = self.parent
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x


def _edge_quality(p: PairResult | None) -> tuple[float, float, float, float]:
    """How good a match is: decisions first, then closest year, rule, title and authors."""
    if p is None:
        return (9.0, 0.0, 0.0, 0.0)
    year = -float(p.year_diff) if p.year_diff is not None else -0.5
    return (_RULE_STRENGTH.get(p.rule, 1.0), year, round(p.title_sim, 3), p.author_sim or 0.0)


_RULE_STRENGTH = {"decision": 4.0, "same-doi": 3.0, "same-arxiv-id": 2.5, "same-url+title": 2.0}


def cluster_records(
    n: int,
    keys: list[MatchKeys],
    edges: list[tuple[int, int, PairResult | None]],
    cannot_link: dict[tuple[int, int], str],
) -> tuple[list[list[int]], list[PairResult]]:
    """Connected components of the match graph, split where they would break a constraint.

    ``edges`` are (i, j, pair) with pair None for a decision 'duplicate' (a must-link, which
    may join different DOIs: a person decided it). ``cannot_link`` maps (i, j) with i < j to
    the reason the two records must stay apart.
    """
    import networkx as nx

    graph = nx.Graph()
    graph.add_nodes_from(range(n))
    for i, j, p in edges:
        graph.add_edge(i, j, pair=p)
    comp_of: dict[int, int] = {}
    components = [sorted(c) for c in nx.connected_components(graph)]
    for c, members in enumerate(components):
        for i in members:
            comp_of[i] = c
    conflicted = {comp_of[i] for (i, j) in cannot_link if comp_of[i] == comp_of[j]}
    cannot_adj: dict[int, set[int]] = defaultdict(set)
    for i, j in cannot_link:
        cannot_adj[i].add(j)
        cannot_adj[j].add(i)
    clusters: list[list[int]] = []
    skipped: list[PairResult] = []
    for c, members in enumerate(components):
        if len(members) == 1:
            clusters.append(members)
            continue
        dois = {keys[i].doi for i in members if keys[i].doi}
        if len(dois) <= 1 and c not in conflicted:
            clusters.append(members)
            continue
        # constrained merge: strongest edges first; skip an edge that would join different
        # DOIs or two records that must stay apart
        sets = _UnionFind(members)
        doi_of = {i: ({keys[i].doi} if keys[i].doi else set()) for i in members}
        member_of = {i: {i} for i in members}
        sub = graph.subgraph(members)
        # Edges are added best first (see _edge_quality), so a preprint joins the conference
        # paper of its year rather than the later journal extension. A record whose best
        # matches are tied between records that must stay apart (a cut title matching both
        # 'X, Part 1' and 'X, Part 2') is ambiguous: those matches go to review.
        dropped: dict[tuple[int, int], str] = {}
        for u in members:
            nbrs = list(sub.neighbors(u))
            if len(nbrs) < 2:
                continue
            quality = {x: _edge_quality(sub.edges[u, x].get("pair")) for x in nbrs}
            top = max(quality.values())
            tops = [x for x in nbrs if quality[x] == top]
            clash = [(x, y) for x in tops for y in tops if x < y and y in cannot_adj.get(x, ())]
            if clash:
                x0, y0 = clash[0]
                why = "matches records that are different works: " + cannot_link[(x0, y0)]
                for x in tops:
                    dropped[(min(u, x), max(u, x))] = why
        sub_edges = []
        for u, v, data in sub.edges(data=True):
            p = data.get("pair")
            reason = dropped.get((min(u, v), max(u, v)))
            if p is not None and reason:
                skipped.append(replace(p, label="maybe", note=reason))
                continue
            sub_edges.append((_edge_quality(p), min(u, v), max(u, v), p))
        sub_edges.sort(key=lambda e: (tuple(-x for x in e[0]), e[1], e[2]))
        for _strength, u, v, p in sub_edges:
            ru, rv = sets.find(u), sets.find(v)
            if ru == rv:
                continue
            du, dv = doi_of[ru], doi_of[rv]
            conflict = ""
            if p is not None and du and dv and not (du <= dv or dv <= du):
                conflict = f"would join records with different DOIs ({', '.join(sorted(du | dv))})"
            else:
                small, big = sorted((member_of[ru], member_of[rv]), key=len)
                for x in small:
                    hit = cannot_adj.get(x, set()) & big
                    if hit:
                        y = min(hit)
                        conflict = "would join " + cannot_link[(min(x, y), max(x, y))]
                        break
            if conflict:
                if p is not None:
                    skipped.append(replace(p, label="maybe", note=conflict))
                continue
            sets.parent[rv] = ru
            doi_of[ru] |= doi_of[rv]
            member_of[ru] |= member_of.pop(rv)
        groups: dict[int, list[int]] = defaultdict(list)
        for i in members:
            groups[sets.find(i)].append(i)
        clusters.extend(sorted(g) for g in groups.values())
    clusters.sort(key=lambda c: c[0])
    return clusters, skipped
