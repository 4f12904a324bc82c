"""Measures of one screening order of a labelled set, as ASReview and its insights define them.

``labels_in_order`` holds the labels (1 relevant, 0 not) in the order the records were screened,
prior records first; every measure counts the prior records as screened, as the issue's figures do.

* WSS@r (work saved over sampling, Cohen et al. 2006): ``(N - n_r) / N - (1 - r)``, ``n_r`` the
  records screened to find ``ceil(r * relevant)`` of the relevant ones;
* recall after screening a share of the records;
* average time to discovery (ATD, Ferdinands et al. 2023): the mean over relevant records of the
  number of records screened to find each, as a share of all records (the prior relevant records
  count 0 and are left out of the mean).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import numpy as np


def records_to_recall(labels_in_order: np.ndarray, level: float) -> int:
    """Records screened (priors included) until ``level`` of the relevant records are found."""
    import numpy as np

    total = int(labels_in_order.sum())
    need = max(1, math.ceil(level * total - 1e-9))
    found = np.cumsum(labels_in_order)
    return int(np.argmax(found >= need)) + 1


def wss(labels_in_order: np.ndarray, level: float = 0.95) -> float:
    n = len(labels_in_order)
    return (n - records_to_recall(labels_in_order, level)) / n - (1 - level)


def recall_after(labels_in_order: np.ndarray, share: float) -> float:
    """Share of the relevant records found after screening ``share`` of all records."""
    k = math.floor(share * len(labels_in_order) + 1e-9)
    return float(labels_in_order[:k].sum() / labels_in_order.sum())


def average_time_to_discovery(labels_in_order: np.ndarray, n_prior: int) -> float:
    import numpy as np

    positions = np.flatnonzero(labels_in_order[n_prior:] == 1) + 1  # records screened after priors
    return float(positions.mean() / len(labels_in_order)) if len(positions) else 0.0


@dataclass(frozen=True)
class OrderMetrics:
    """The figures of one simulated screening order."""

    wss95: float
    wss100: float
    recall_10: float
    recall_25: float
    records_to_95: int
    records_to_100: int
    atd: float

    @classmethod
    def of(cls, labels_in_order: np.ndarray, n_prior: int) -> OrderMetrics:
        return cls(
            wss95=wss(labels_in_order, 0.95),
            wss100=wss(labels_in_order, 1.0),
            recall_10=recall_after(labels_in_order, 0.10),
            recall_25=recall_after(labels_in_order, 0.25),
            records_to_95=records_to_recall(labels_in_order, 0.95),
            records_to_100=records_to_recall(labels_in_order, 1.0),
            atd=average_time_to_discovery(labels_in_order, n_prior),
        )
