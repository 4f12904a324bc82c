"""The corpus as pandas DataFrames: the tables :class:`slr.review.Review` shows (built from the
validated corpus and the taxonomy; the review caches each)."""

from __future__ import annotations

import pandas as pd

from slr.corpus.load import Corpus
from slr.corpus.terms import parse_gpu_label
from slr.taxonomy import Taxonomy


def papers_frame(taxonomy: Taxonomy, corpus: Corpus) -> pd.DataFrame:
    """One row per paper (included ones and those only the earlier pass coded)."""
    rows = []
    coded = {c.paper_id for c in corpus.codings}
    for p in corpus.papers:
        v = taxonomy.venue(p.venue)
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


def codings_frame(taxonomy: Taxonomy, corpus: Corpus, papers: pd.DataFrame) -> pd.DataFrame:
    """One row per v3 coding (paper x SE task); list columns hold methods, models, datasets."""
    paper = papers.set_index("paper_id")
    rows = []
    for c in corpus.codings:
        t = taxonomy.task(c.task)
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


def methods_frame(taxonomy: Taxonomy, codings: pd.DataFrame) -> pd.DataFrame:
    """One row per paper x SE task x PEFT method use (the exploded v3 coding)."""
    rows = []
    for c in codings.itertuples(index=False):
        for use in c.methods:
            comps = [x.strip() for x in use.split(" + ")]
            fams = {taxonomy.method(x).family for x in comps}
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
                    "root_method": taxonomy.root_method(comps[0]) if len(comps) == 1 else use,
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


def models_frame(taxonomy: Taxonomy, codings: pd.DataFrame) -> pd.DataFrame:
    """One row per coding x base model, with the model's family, architecture and size."""
    rows = []
    for c in codings.itertuples(index=False):
        for name in c.models:
            m = taxonomy.model(name)
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


def datasets_frame(codings: pd.DataFrame) -> pd.DataFrame:
    rows = [
        {"paper_id": c.paper_id, "coding_id": c.coding_id, "task": c.task, "dataset": d}
        for c in codings.itertuples(index=False)
        for d in c.datasets
    ]
    return pd.DataFrame(rows, columns=["paper_id", "coding_id", "task", "dataset"])


def early_frame(taxonomy: Taxonomy, corpus: Corpus) -> pd.DataFrame:
    """The earlier coding pass, one row per its row, normalised list columns included."""
    rows = []
    for e in corpus.early:
        t = taxonomy.task(e.task)
        d = e.model_dump()
        d["task_type"] = t.type
        rows.append(d)
    frame = pd.DataFrame(rows)
    frame["year"] = frame["year"].astype("Int64")
    return frame


def gpus_frame(corpus: Corpus) -> pd.DataFrame:
    """One row per earlier-pass coding x GPU mention: gpu, count, memory_gb, alternative."""
    rows = []
    for e in corpus.early:
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


def findings_frame(corpus: Corpus) -> pd.DataFrame:
    return pd.DataFrame([f.model_dump() for f in corpus.findings])
