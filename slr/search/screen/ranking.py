"""Undecided works ranked by predicted relevance, learnt from the decisions so far (``slr screen next``)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

from slr.search.screen.criteria import Stage
from slr.search.screen.features import RecordText, build_features
from slr.search.screen.log import ScreeningLog
from slr.search.screen.model import ScreeningModel, cold_start_scores, screening_model

if TYPE_CHECKING:
    import pandas as pd

    from slr.search.dedupe import Work


def rank_for_screening(
    works: Sequence[Work],
    log: ScreeningLog,
    work_of: Mapping[str, str],
    *,
    stage: Stage = "title_abstract",
    model: str | ScreeningModel | None = None,
    seed: int = 0,
) -> pd.DataFrame:
    """Undecided works ranked by predicted relevance (most likely includes first).

    Learns from the final decisions at ``stage`` (include vs exclude) with ``model`` (the default
    configuration when None). With includes but no exclude yet (the cold start), works are ranked
    by similarity to the included ones; with no include, they keep their input order (``score``
    empty). ``ranked_by`` says which.
    """
    import numpy as np
    import pandas as pd

    chosen = screening_model(model)
    finals = log.final_decisions(stage, work_of)
    labels = {w: d.decision for w, d in finals.items() if d.decision in ("include", "exclude")}
    undecided = [i for i, w in enumerate(works) if w.work_id not in finals]
    frame = pd.DataFrame(
        {
            "work_id": [works[i].work_id for i in undecided],
            "title": [works[i].title for i in undecided],
        }
    )
    if not undecided:
        frame["score"] = []
        frame["ranked_by"] = []
        return frame
    y_idx = [i for i, w in enumerate(works) if w.work_id in labels]
    y = np.array([labels[works[i].work_id] == "include" for i in y_idx], dtype=int)
    if y.sum() == 0 or (y.all() and chosen.cold_start == "input-order"):
        frame["score"] = np.nan
        frame["ranked_by"] = "input order (needs an include and an exclude to learn from)"
        return frame
    records = [RecordText(w.title, w.abstract or "", " ".join(w.keywords)) for w in works]
    X = build_features(records, chosen.features)
    if y.all():
        scores = cold_start_scores(X[y_idx], X[undecided])
        how = f"similarity to the {len(y_idx)} include(s) (no exclude yet)"
    else:
        scores = chosen.scores(X[y_idx], y, X[undecided], seed)
        how = f"{chosen.name} on {len(y_idx)} decisions ({int(y.sum())} includes)"
    frame["score"] = scores
    frame["ranked_by"] = how
    return frame.sort_values("score", ascending=False, kind="stable").reset_index(drop=True)
