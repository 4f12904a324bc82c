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

import re
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd

from slr.corpus import frames
from slr.corpus.load import Corpus, load_corpus
from slr.errors import ConfigError
from slr.paths import project_root
from slr.taxonomy import Taxonomy, load_taxonomy

QUERY_COLUMNS = {
    "paper": "paper_id",
    "family": "family",
    "method": "method",
    "task": "task",
    "task_type": "task_type",
    "architecture": "architecture",
    "model": "model",
    "year": "year",
    "venue": "venue",
}

if TYPE_CHECKING:
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
        return frames.papers_frame(self.taxonomy, self.corpus)

    @cached_property
    def codings(self) -> pd.DataFrame:
        """One row per v3 coding (paper x SE task); list columns hold methods, models, datasets."""
        return frames.codings_frame(self.taxonomy, self.corpus, self.papers)

    @cached_property
    def methods(self) -> pd.DataFrame:
        """One row per paper x SE task x PEFT method use (the exploded v3 coding)."""
        return frames.methods_frame(self.taxonomy, self.codings)

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
        return frames.models_frame(self.taxonomy, self.codings)

    @cached_property
    def datasets(self) -> pd.DataFrame:
        return frames.datasets_frame(self.codings)

    @cached_property
    def early(self) -> pd.DataFrame:
        """The earlier coding pass, one row per its row, normalised list columns included."""
        return frames.early_frame(self.taxonomy, self.corpus)

    @cached_property
    def gpus(self) -> pd.DataFrame:
        """One row per earlier-pass coding x GPU mention: gpu, count, memory_gb, alternative."""
        return frames.gpus_frame(self.corpus)

    @cached_property
    def findings(self) -> pd.DataFrame:
        return frames.findings_frame(self.corpus)

    # -- queries ----------------------------------------------------------------------------------
    def query(
        self, *, include_variants: bool = True, explode: tuple[str, ...] = (), **filters: Any
    ) -> pd.DataFrame:
        """Method uses matching every filter (values may be a single value or a list).

        Filters: paper, family, method, task, task_type, architecture, model, year, venue.
        Names are matched as the taxonomy knows them (synonyms, and task abbreviations such as
        ``"CSum"``); numbers may be given as strings (``year="2023"``). ``method="LoRA"`` matches
        LoRA's variants too (QLoRA, AdaLoRA...) unless ``include_variants=False``, and matches
        combinations that contain it. A value that no method use has is refused with the values
        there are (an empty result means only that the filters exclude each other).
        Rows are method uses; filtering (or ``explode``-ing) by architecture or model gives one
        row per method use x architecture or model.
        """
        unknown = set(filters) - set(QUERY_COLUMNS)
        if unknown:
            raise ConfigError(
                f"unknown filter(s) {sorted(unknown)}; use: {', '.join(QUERY_COLUMNS)}"
            )
        frame = self.exploded(set(filters) | set(explode))
        mask = pd.Series(True, index=frame.index)
        for key, value in filters.items():
            values = list(value) if isinstance(value, list | tuple | set) else [value]
            if key == "method":
                wanted: set[str] = set()
                for v in values:
                    name = self.taxonomy.method(str(v)).name
                    wanted |= set(self.taxonomy.variants_of(name)) if include_variants else {name}
                used = {c for comps in frame["components"] for c in comps}
                if not wanted & used:
                    raise ConfigError(
                        f"no method use of {', '.join(map(repr, values))} in the corpus; "
                        f"methods used: {', '.join(sorted(used))}"
                    )
                mask &= frame["components"].map(lambda comps, w=wanted: bool(w & set(comps)))
                continue
            col = QUERY_COLUMNS[key]
            canon = [self._canonical(key, v) for v in values]
            present = set(frame[col].dropna())
            absent = [v for v, c in zip(values, canon, strict=True) if c not in present]
            if absent:
                known = ", ".join(str(x) for x in sorted(present, key=_natural))
                raise ConfigError(
                    f"no method use has {key} {', '.join(map(repr, absent))}; {key} values in "
                    f"the corpus: {known}"
                )
            mask &= frame[col].isin(canon)
        return frame[mask].reset_index(drop=True)

    def _canonical(self, key: str, value: Any) -> Any:
        text = str(value).strip()
        if key == "task":
            by_abbreviation = self.taxonomy.task_by_abbreviation(text)
            return by_abbreviation.name if by_abbreviation else self.taxonomy.task(text).name
        kinds = {"model": "model", "venue": "venue", "architecture": "architecture"}
        if key in kinds:
            return getattr(self.taxonomy, kinds[key])(text).name
        if key == "family":
            self.taxonomy.methods_in_family(text)
            return text.casefold()
        if key == "task_type" and text not in ("generative", "non-generative", "mixed"):
            raise ConfigError(
                f"unknown task type '{value}'; use generative, non-generative or mixed"
            )
        if key == "year":
            try:
                return int(text)
            except ValueError:
                raise ConfigError(f"year {value!r} is not a number; write e.g. year=2023") from None
        if key == "paper":
            return text.upper()
        return text

    def crosstab(self, rows: str, columns: str, **filters: Any) -> pd.DataFrame:
        """Counts of method uses by two dimensions (e.g. ``crosstab("family", "architecture")``)."""
        frame = self.query(explode=(rows, columns), **filters)
        for dim in (rows, columns):
            if dim not in frame.columns:
                raise ConfigError(
                    f"cannot cross-tabulate by '{dim}'; use one of: {', '.join(QUERY_COLUMNS.values())}"
                )
        return pd.crosstab(frame[rows], frame[columns])

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
        from slr.reproduce.results import verdicts_frame

        frame: pd.DataFrame = verdicts_frame(self.root)
        return frame

    @cached_property
    def effectiveness(self) -> pd.DataFrame:
        """The small-scale effectiveness checks (``reproductions/results/effectiveness/``)."""
        from slr.reproduce.results import effectiveness_frame

        frame: pd.DataFrame = effectiveness_frame(self.root)
        return frame

    @cached_property
    def decisions(self) -> Decisions | None:
        """The reviewers' recorded decisions (``corpus/decisions.yaml``), None without the file."""
        from slr.corpus.decisions import load_decisions

        path = self.corpus.folder / "decisions.yaml"
        return load_decisions(path)[0] if path.exists() else None

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


def _natural(value: Any) -> tuple[Any, ...]:
    """Sort key: 'P3' before 'P29', numbers as numbers."""
    return tuple(int(p) if p.isdigit() else p for p in re.split(r"(\d+)", str(value)))


def _bump(g: Any, a: tuple[str, str], b: tuple[str, str]) -> None:
    if g.has_edge(a, b):
        g.edges[a, b]["weight"] += 1
    else:
        g.add_edge(a, b, weight=1)
