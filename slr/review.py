"""``Review``: the review as pandas DataFrames and a networkx graph (a thin facade over the stages).

>>> from slr import Review
>>> review = Review.load()
>>> review.papers                        # one row per paper
>>> review.methods                       # one row per paper x SE task x PEFT method (v3 coding)
>>> review.query(family="reparameterized", task_type="non-generative")
>>> review.crosstab("family", "architecture")
>>> review.taxonomy.variants_of("LoRA")  # LoRA and every variant below it
>>> review.graph()                       # papers, methods, tasks, models, datasets
>>> review.search, review.verdicts       # the other stages' data, loaded once when first asked

Counting unit: a v3 coding row is one paper x SE task. ``methods`` lists each method a row names
once; a combination ('L-Adapter + T-Adapter') is one method use of its own, with its components.
"""

from __future__ import annotations

from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd

from slr.corpus.load import Corpus, load_corpus
from slr.corpus.terms import parse_gpu_label
from slr.errors import ConfigError
from slr.paths import project_root
from slr.taxonomy import Taxonomy, load_taxonomy

if TYPE_CHECKING:
    from slr.agreement import Agreement
    from slr.corpus.schema import Decisions
    from slr.search.project import SearchRun


class Review:
    """The loaded, validated review: taxonomy + corpus, viewed as tables."""

    def __init__(self, taxonomy: Taxonomy, corpus: Corpus, root: Path | None = None):
        self.taxonomy = taxonomy
        self.corpus = corpus
        self.root = root if root is not None else corpus.folder.parent
        """The folder holding the review's data (``taxonomy/``, ``corpus/``, ``reproductions/``)."""

    @classmethod
    def load(cls, root: Path | str | None = None) -> Review:
        """Load and validate ``taxonomy/`` and ``corpus/``: of the folder ``root`` (which must
        hold both), or without it of the review this package carries (``$SLR_ROOT``, else the
        repository around the current folder)."""
        if root is None:
            base = project_root()
        else:
            base = Path(root).expanduser()
            missing = [d for d in ("taxonomy", "corpus") if not (base / d).is_dir()]
            if missing:
                where = (
                    "does not exist" if not base.exists() else f"has no {' and no '.join(missing)}/"
                )
                raise ConfigError(
                    f"Review.load({str(root)!r}): no review there ({base} {where}); a review "
                    "folder holds taxonomy/ and corpus/. Review.load() without a path loads the "
                    "review this package carries"
                )
        tax = load_taxonomy(base / "taxonomy")
        return cls(tax, load_corpus(base / "corpus", tax), base)

    # -- tables -----------------------------------------------------------------------------------
    @cached_property
    def papers(self) -> pd.DataFrame:
        """One row per paper (included ones and those only the earlier pass coded)."""
        rows = []
        coded = {c.paper_id for c in self.corpus.codings}
        for p in self.corpus.papers:
            v = self.taxonomy.venue(p.venue)
            rows.append(
                {
                    "paper_id": p.paper_id,
                    "title": p.title,
                    "venue": p.venue,
                    "venue_type": v.type,
                    "year": p.year,
                    "included": p.included,
                    "coded": p.paper_id in coded,
                    "doi": p.doi or None,
                    "url": p.url or None,
                }
            )
        frame = pd.DataFrame(rows)
        frame["year"] = frame["year"].astype("Int64")
        return frame

    @cached_property
    def codings(self) -> pd.DataFrame:
        """One row per v3 coding (paper x SE task); list columns hold methods, models, datasets."""
        paper = self.papers.set_index("paper_id")
        rows = []
        for c in self.corpus.codings:
            t = self.taxonomy.task(c.task)
            rows.append(
                {
                    "coding_id": c.coding_id,
                    "paper_id": c.paper_id,
                    "task": c.task,
                    "task_abbreviation": t.abbreviation,
                    "task_type": t.type,
                    "methods": list(c.methods),
                    "models": list(c.models),
                    "architectures": list(c.architectures),
                    "datasets": list(c.datasets),
                    "year": paper.at[c.paper_id, "year"],
                    "venue": paper.at[c.paper_id, "venue"],
                    "source": c.source,
                }
            )
        return pd.DataFrame(rows)

    @cached_property
    def methods(self) -> pd.DataFrame:
        """One row per paper x SE task x PEFT method use (the exploded v3 coding)."""
        rows = []
        for c in self.codings.itertuples(index=False):
            for use in c.methods:
                comps = [x.strip() for x in use.split(" + ")]
                fams = {self.taxonomy.method(x).family for x in comps}
                family = fams.pop() if len(fams) == 1 else "hybrid"
                rows.append(
                    {
                        "paper_id": c.paper_id,
                        "coding_id": c.coding_id,
                        "task": c.task,
                        "task_abbreviation": c.task_abbreviation,
                        "task_type": c.task_type,
                        "method": use,
                        "components": comps,
                        "combination": len(comps) > 1,
                        "family": family,
                        "root_method": self.taxonomy.root_method(comps[0])
                        if len(comps) == 1
                        else use,
                        "architectures": c.architectures,
                        "models": c.models,
                        "datasets": c.datasets,
                        "year": c.year,
                        "venue": c.venue,
                    }
                )
        frame = pd.DataFrame(rows)
        frame["year"] = frame["year"].astype("Int64")
        return frame

    def exploded(self, dims: set[str] | list[str]) -> pd.DataFrame:
        """``methods`` with one row per architecture and/or model when those are asked for."""
        m = self.methods
        if "architecture" in dims:
            m = m.explode("architectures").rename(columns={"architectures": "architecture"})
        if "model" in dims:
            m = m.explode("models").rename(columns={"models": "model"})
        return m.reset_index(drop=True)

    @cached_property
    def models(self) -> pd.DataFrame:
        """One row per coding x base model, with the model's family, architecture and size."""
        rows = []
        for c in self.codings.itertuples(index=False):
            for name in c.models:
                m = self.taxonomy.model(name)
                rows.append(
                    {
                        "paper_id": c.paper_id,
                        "coding_id": c.coding_id,
                        "task": c.task,
                        "model": m.name,
                        "model_family": m.family,
                        "architecture": m.architecture,
                        "params": m.params,
                        "hub_id": m.hub_id,
                        "year": c.year,
                    }
                )
        return pd.DataFrame(rows)

    @cached_property
    def datasets(self) -> pd.DataFrame:
        rows = [
            {"paper_id": c.paper_id, "coding_id": c.coding_id, "task": c.task, "dataset": d}
            for c in self.codings.itertuples(index=False)
            for d in c.datasets
        ]
        return pd.DataFrame(rows, columns=["paper_id", "coding_id", "task", "dataset"])

    @cached_property
    def early(self) -> pd.DataFrame:
        """The earlier coding pass, one row per its row, normalised list columns included."""
        rows = []
        for e in self.corpus.early:
            t = self.taxonomy.task(e.task)
            d = e.model_dump()
            d["task_type"] = t.type
            rows.append(d)
        frame = pd.DataFrame(rows)
        frame["year"] = frame["year"].astype("Int64")
        return frame

    @cached_property
    def gpus(self) -> pd.DataFrame:
        """One row per earlier-pass coding x GPU mention: gpu, count, memory_gb, alternative."""
        rows = []
        for e in self.corpus.early:
            for label in e.gpus:
                parsed = parse_gpu_label(label)
                assert parsed is not None  # validated on load
                gpu, count, mem, alt = parsed
                rows.append(
                    {
                        "coding_id": e.coding_id,
                        "paper_id": e.paper_id,
                        "task": e.task,
                        "gpu": gpu,
                        "gpu_count": count,
                        "memory_gb": mem,
                        "alternative": alt,
                    }
                )
        return pd.DataFrame(
            rows,
            columns=[
                "coding_id",
                "paper_id",
                "task",
                "gpu",
                "gpu_count",
                "memory_gb",
                "alternative",
            ],
        )

    @cached_property
    def findings(self) -> pd.DataFrame:
        return pd.DataFrame([f.model_dump() for f in self.corpus.findings])

    # -- queries ----------------------------------------------------------------------------------
    def query(
        self, *, include_variants: bool = True, explode: tuple[str, ...] = (), **filters: Any
    ) -> pd.DataFrame:
        """Method uses matching every filter (see :func:`slr.query.query`).

        Filters: paper, family, method, task, task_type, architecture, model, year, venue.
        ``method="LoRA"`` matches LoRA's variants too unless ``include_variants=False``.
        """
        from slr.query import query

        return query(self, include_variants=include_variants, explode=explode, **filters)

    def crosstab(self, rows: str, columns: str, **filters: Any) -> pd.DataFrame:
        """Counts of method uses by two dimensions (e.g. ``crosstab("family", "architecture")``)."""
        from slr.query import crosstab

        return crosstab(self, rows, columns, **filters)

    # -- the other stages' data, each loaded once, on first use ---------------------------------
    @cached_property
    def search(self) -> SearchRun:
        """The review's bundled search (``corpus/search``) run through the pipeline: records,
        duplicate clusters, screening decisions (PRISMA counts: ``compute_prisma(review.search)``)."""
        from slr.search.project import run_search

        return run_search(self.corpus.folder / "search")

    @cached_property
    def claims(self) -> pd.DataFrame:
        """The papers' quantitative claims (``corpus/claims.yaml``), one row per claim."""
        from slr.reproduce.claims import claims_frame

        frame: pd.DataFrame = claims_frame(self.root)
        return frame

    @cached_property
    def verdicts(self) -> pd.DataFrame:
        """Verdicts on the efficiency claims (``reproductions/results/verdicts.json``)."""
        from slr.reproduce.verdicts import verdicts_frame

        frame: pd.DataFrame = verdicts_frame(self.root)
        return frame

    @cached_property
    def effectiveness(self) -> pd.DataFrame:
        """The small-scale effectiveness checks (``reproductions/results/effectiveness/``)."""
        from slr.reproduce.train import effectiveness_frame

        frame: pd.DataFrame = effectiveness_frame(self.root)
        return frame

    @cached_property
    def decisions(self) -> Decisions | None:
        """The reviewers' recorded decisions (``corpus/decisions.yaml``), None without the file."""
        from slr.corpus.decisions import load_decisions

        path = self.corpus.folder / "decisions.yaml"
        return load_decisions(path)[0] if path.exists() else None

    @cached_property
    def agreement(self) -> Agreement:
        """Agreement between the earlier and the canonical coding pass."""
        from slr.agreement import coding_agreement

        return coding_agreement(self)

    # -- graph --------------------------------------------------------------------------------------
    def graph(self) -> Any:
        """networkx Graph: paper, method, task, model and dataset nodes; edges from the codings."""
        import networkx as nx

        g = nx.Graph()
        for p in self.papers.itertuples(index=False):
            if p.included:
                g.add_node(
                    ("paper", p.paper_id),
                    kind="paper",
                    label=p.paper_id,
                    title=p.title,
                    year=None if pd.isna(p.year) else int(p.year),
                    venue=p.venue,
                )
        for m in self.methods.itertuples(index=False):
            for comp in m.components:
                g.add_node(
                    ("method", comp),
                    kind="method",
                    label=comp,
                    family=self.taxonomy.method(comp).family,
                )
                _bump(g, ("paper", m.paper_id), ("method", comp))
                _bump(g, ("method", comp), ("task", m.task))
        for c in self.codings.itertuples(index=False):
            g.add_node(("task", c.task), kind="task", label=c.task, task_type=c.task_type)
            _bump(g, ("paper", c.paper_id), ("task", c.task))
            for model in c.models:
                g.add_node(("model", model), kind="model", label=model)
                _bump(g, ("paper", c.paper_id), ("model", model))
            for d in c.datasets:
                g.add_node(("dataset", d), kind="dataset", label=d)
                _bump(g, ("paper", c.paper_id), ("dataset", d))
        return g

    # -- text ---------------------------------------------------------------------------------------
    def summary(self) -> str:
        inc = self.papers[self.papers["included"]]
        open_findings = (self.findings["status"] == "open").sum() if len(self.findings) else 0
        return (
            f"{len(inc)} included papers ({int(inc['coded'].sum())} coded), {len(self.codings)} codings "
            f"(paper x SE task), {len(self.methods)} method uses, {self.methods['method'].nunique()} "
            f"distinct methods, {self.codings['task'].nunique()} SE tasks; earlier pass: "
            f"{len(self.early)} rows; findings: {len(self.findings)} ({open_findings} open)"
        )


def _bump(g: Any, a: tuple[str, str], b: tuple[str, str]) -> None:
    if g.has_edge(a, b):
        g.edges[a, b]["weight"] += 1
    else:
        g.add_edge(a, b, weight=1)
