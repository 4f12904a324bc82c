"""Replay prioritised screening of a fully labelled set, as ``asreview simulate`` does.

Each seed draws the prior knowledge as ASReview 3 draws it (``check_random_state(seed).choice``
among the relevant rows, then a fresh generator of the same seed among the irrelevant rows), and
the active-learning loop screens records in the model's order, retraining after each batch (the
model's query size), until every relevant record is found (ASReview's default stop); the rest of
the order is the last model's ranking, so the written ranking covers every record. A random
order from the same priors is the baseline.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from slr.errors import SlrError
from slr.search.progress import ProgressCallback, report
from slr.search.screen.metrics import OrderMetrics
from slr.search.screen.model import ScreeningModel, cold_start_scores, screening_model

if TYPE_CHECKING:
    import numpy as np
    import pandas as pd

    from slr.search.screen.labelled import LabelledSet


def asreview_priors(
    y: np.ndarray, seed: int, n_included: int = 1, n_excluded: int = 1
) -> list[int]:
    """Prior rows drawn as ASReview 3's simulate draws them (``--prior-seed seed``)."""
    import numpy as np
    from sklearn.utils import check_random_state

    included = np.flatnonzero(y == 1)
    excluded = np.flatnonzero(y == 0)
    out: list[int] = []
    if n_included:
        out += [int(i) for i in check_random_state(seed).choice(included, n_included, False)]
    if n_excluded:
        out += [int(i) for i in check_random_state(seed).choice(excluded, n_excluded, False)]
    return out


def screening_order(
    X: Any,
    y: np.ndarray,
    model: ScreeningModel,
    prior: Sequence[int],
    *,
    seed: int = 0,
    stop_when_all_found: bool = True,
    progress: ProgressCallback | None = None,
    task: str = "simulate",
) -> np.ndarray:
    """Row positions in the order a reviewer using ``model`` screens them."""
    import numpy as np

    n = len(y)
    order = list(prior)
    screened = np.zeros(n, dtype=bool)
    screened[order] = True
    total_relevant = int(y.sum())
    found = int(y[order].sum())
    while not screened.all():
        report(progress, task, len(order), n)
        pool = np.flatnonzero(~screened)
        idx = np.asarray(order)
        seen = y[idx]
        if seen.min() != seen.max():
            scores = model.scores(X[idx], seen, X[pool], seed)
        elif seen.max() == 1 and model.cold_start == "similarity":
            scores = cold_start_scores(X[idx], X[pool])
        else:
            scores = np.zeros(len(pool))
        ranked = pool[np.argsort(-scores, kind="stable")]
        if stop_when_all_found and found == total_relevant:
            order.extend(int(i) for i in ranked)
            break
        pick = ranked[: model.batch(len(order), n)]
        if model.retrain_on_include and y[pick].any():
            pick = pick[: int(np.argmax(y[pick])) + 1]  # the reviewer's include ends the batch
        order.extend(int(i) for i in pick)
        screened[pick] = True
        found += int(y[pick].sum())
    report(progress, task, n, n)
    return np.asarray(order)


@dataclass
class SeedRun:
    seed: int
    prior: list[int]
    order: np.ndarray  # row positions, in screening order
    random_order: np.ndarray  # the same priors, then the rest in random order
    metrics: OrderMetrics
    random_metrics: OrderMetrics
    seconds: float


@dataclass
class SimulationResult:
    """Simulated prioritised screening of one labelled set, one run per seed."""

    name: str
    n_records: int
    n_relevant: int
    model: ScreeningModel
    runs: list[SeedRun] = field(default_factory=list)
    record_ids: list[str] = field(default_factory=list)
    labels: np.ndarray | None = None

    @property
    def seeds(self) -> list[int]:
        return [r.seed for r in self.runs]

    @property
    def wss95(self) -> list[float]:
        return [r.metrics.wss95 for r in self.runs]

    @property
    def wss95_random(self) -> list[float]:
        return [r.random_metrics.wss95 for r in self.runs]

    @property
    def wss95_mean(self) -> float:
        return float(sum(self.wss95) / len(self.runs))

    @property
    def wss95_random_mean(self) -> float:
        return float(sum(self.wss95_random) / len(self.runs))

    @property
    def records_to_95(self) -> list[int]:
        return [r.metrics.records_to_95 for r in self.runs]

    def recall_curves(self, *, random: bool = False) -> list[np.ndarray]:
        """Recall after each record screened, per seed (of the random orders if ``random``)."""
        import numpy as np

        assert self.labels is not None
        orders = [r.random_order if random else r.order for r in self.runs]
        return [np.cumsum(self.labels[o]) / self.n_relevant for o in orders]

    def summary(self) -> pd.DataFrame:
        """One row per seed: every figure of the run, then the random order's WSS@95."""
        import pandas as pd

        rows = []
        for r in self.runs:
            m = r.metrics
            rows.append(
                {
                    "seed": r.seed,
                    "wss95": round(m.wss95, 4),
                    "wss100": round(m.wss100, 4),
                    "recall_at_10pct": round(m.recall_10, 4),
                    "recall_at_25pct": round(m.recall_25, 4),
                    "records_to_95pct": m.records_to_95,
                    "records_to_100pct": m.records_to_100,
                    "atd": round(m.atd, 4),
                    "wss95_random": round(r.random_metrics.wss95, 4),
                    "seconds": round(r.seconds, 2),
                }
            )
        return pd.DataFrame(rows)

    def ranking(self, run: SeedRun) -> pd.DataFrame:
        """The screening order of one seed: rank, record_id, label, prior."""
        import pandas as pd

        assert self.labels is not None
        prior = set(run.prior)
        return pd.DataFrame(
            {
                "rank": range(1, len(run.order) + 1),
                "record_id": [self.record_ids[i] for i in run.order],
                "label_included": self.labels[run.order],
                "prior": [int(i in prior) for i in run.order],
            }
        )

    def write_rankings(self, folder: Path) -> list[Path]:
        """``<folder>/<name>_seed<k>.csv`` per seed (written whole, atomically)."""
        from slr.atomic import atomic_write_text

        folder.mkdir(parents=True, exist_ok=True)
        paths = []
        for run in self.runs:
            path = folder / f"{self.name}_seed{run.seed}.csv"
            atomic_write_text(path, self.ranking(run).to_csv(index=False))
            paths.append(path)
        return paths


def simulate_screening(
    data: LabelledSet,
    *,
    model: str | ScreeningModel | None = None,
    seeds: Sequence[int] = (1, 2, 3, 4, 5),
    n_prior_included: int = 1,
    n_prior_excluded: int = 1,
    features: Any = None,
    progress: ProgressCallback | None = None,
) -> SimulationResult:
    """Simulate screening of a labelled set with ``model`` (the default when None), per seed."""
    import numpy as np

    from slr.search.screen.features import build_features

    chosen = screening_model(model)
    y = data.labels
    if int(y.sum()) < n_prior_included or int((1 - y).sum()) < n_prior_excluded:
        raise SlrError(
            f"{data.name}: the prior knowledge draws {n_prior_included} relevant and "
            f"{n_prior_excluded} irrelevant records; the set has {int(y.sum())} and "
            f"{int((1 - y).sum())}"
        )
    X = features if features is not None else build_features(data.records, chosen.features)
    result = SimulationResult(
        data.name, len(y), int(y.sum()), chosen, record_ids=data.record_ids, labels=y
    )
    for seed in seeds:
        t0 = time.perf_counter()
        prior = asreview_priors(y, seed, n_prior_included, n_prior_excluded)
        order = screening_order(
            X, y, chosen, prior, seed=seed, progress=progress, task=f"simulate (seed {seed})"
        )
        seconds = time.perf_counter() - t0
        rest = np.setdiff1d(np.arange(len(y)), prior)
        shuffled = np.random.default_rng(seed).permutation(rest)
        random_order = np.concatenate([np.asarray(prior, dtype=int), shuffled])
        result.runs.append(
            SeedRun(
                seed,
                prior,
                order,
                random_order,
                OrderMetrics.of(y[order], len(prior)),
                OrderMetrics.of(y[random_order], len(prior)),
                seconds,
            )
        )
    return result
