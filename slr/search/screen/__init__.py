"""Screening: criteria as data, an append-only decision log, agreement, prioritised screening.

* :mod:`~slr.search.screen.criteria` (``criteria.yaml``): inclusion and exclusion criteria;
* :mod:`~slr.search.screen.log` (``screening_log.csv``): one row per decision, final decisions;
* :mod:`~slr.search.screen.agreement`: Cohen's kappa, Krippendorff's alpha, Gwet's AC1 with the
  reviewers' overlap;
* :mod:`~slr.search.screen.duplicates`: decisions carried across a cluster of duplicates;
* :mod:`~slr.search.screen.model`, :mod:`~slr.search.screen.features`,
  :mod:`~slr.search.screen.ranking`: prioritised screening (``slr screen next``);
* :mod:`~slr.search.screen.labelled`, :mod:`~slr.search.screen.simulate`,
  :mod:`~slr.search.screen.metrics`: replaying a labelled set (``slr screen simulate``);
* :mod:`~slr.search.screen.stopping`: when it is safe to stop, with a stated guarantee.

scikit-learn, pandas and the encoder load inside the functions that need them.
"""

from __future__ import annotations

from slr.search.screen.agreement import ScreeningAgreement, cohen_kappa, screening_agreement
from slr.search.screen.criteria import (
    DECISIONS,
    STAGES,
    Criteria,
    Criterion,
    Decision,
    Stage,
    parse_decision,
    parse_role,
    parse_stage,
)
from slr.search.screen.labelled import LabelledSet, load_labelled_set
from slr.search.screen.log import LOG_COLUMNS, FinalDecision, LogEntry, ScreeningLog, conflicts
from slr.search.screen.metrics import OrderMetrics, wss
from slr.search.screen.model import DEFAULT_MODEL, MODELS, ScreeningModel, screening_model
from slr.search.screen.ranking import rank_for_screening
from slr.search.screen.simulate import SimulationResult, asreview_priors, simulate_screening

__all__ = [
    "DECISIONS",
    "DEFAULT_MODEL",
    "LOG_COLUMNS",
    "MODELS",
    "STAGES",
    "Criteria",
    "Criterion",
    "Decision",
    "FinalDecision",
    "LabelledSet",
    "LogEntry",
    "OrderMetrics",
    "ScreeningAgreement",
    "ScreeningLog",
    "ScreeningModel",
    "SimulationResult",
    "Stage",
    "asreview_priors",
    "cohen_kappa",
    "conflicts",
    "load_labelled_set",
    "parse_decision",
    "parse_role",
    "parse_stage",
    "rank_for_screening",
    "screening_agreement",
    "screening_model",
    "simulate_screening",
    "wss",
]
