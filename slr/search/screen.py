"""Screening: criteria as data, an append-only decision log, agreement, prioritised screening.

* :class:`Criteria` (``criteria.yaml``): inclusion and exclusion criteria with codes.
* :class:`ScreeningLog` (``screening_log.csv``): one row per decision, ``stage, record_id,
  decision, reasons, reviewer, role, timestamp, note``. Rows are only ever appended; a corrected
  decision is a new row (a reviewer's latest row wins). A decision about any record of a work
  (a cluster of duplicates) is a decision about the work.
* Final decision of a work at a stage: the latest decision of an adjudicator (``role`` =
  ``adjudicator``) if any; else the reviewers' latest decisions when they agree; else a conflict.
* :func:`cohen_kappa` and :func:`conflicts` compare two reviewers at one stage.
* :func:`rank_for_screening` orders unscreened works by predicted relevance learnt from the
  decisions so far (TF-IDF + logistic regression or naive Bayes, scikit-learn), as ASReview does;
  :func:`simulate_screening` replays a fully labelled set to measure recall and WSS@95.
"""

from __future__ import annotations

import csv
import difflib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from slr.errors import ConfigError, SlrError, ValidationReport, display_path
from slr.search.progress import ProgressCallback, report

if TYPE_CHECKING:
    import numpy as np
    import pandas as pd

    from slr.search.dedupe import Work

STAGES = ("title_abstract", "full_text")
Stage = Literal["title_abstract", "full_text"]
DECISIONS = ("include", "exclude", "maybe", "not_retrieved")
Decision = Literal["include", "exclude", "maybe", "not_retrieved"]
LOG_COLUMNS = ["stage", "record_id", "decision", "reasons", "reviewer", "role", "timestamp", "note"]
_STAGE_ALIASES = {
    "ti-ab": "title_abstract",
    "tiab": "title_abstract",
    "title-abstract": "title_abstract",
    "title_abstract": "title_abstract",
    "screening": "title_abstract",
    "ft": "full_text",
    "full-text": "full_text",
    "fulltext": "full_text",
    "full_text": "full_text",
    "eligibility": "full_text",
}


def _all_stages() -> list[Stage]:
    return ["title_abstract", "full_text"]


def parse_stage(value: str) -> Stage:
    stage = _STAGE_ALIASES.get(value.strip().lower())
    if stage is None:
        raise ConfigError(
            f"unknown screening stage {value!r}; use title_abstract (ti-ab) or full_text (ft)"
        )
    return stage  # type: ignore[return-value]


def parse_decision(value: str) -> Decision:
    decision = value.strip().lower().replace("-", "_").replace(" ", "_")
    if decision not in DECISIONS:
        raise ConfigError(f"unknown decision {value!r}; use one of {', '.join(DECISIONS)}")
    return decision  # type: ignore[return-value]


def parse_role(value: str) -> Literal["reviewer", "adjudicator"]:
    role = value.strip().lower()
    if role not in ("reviewer", "adjudicator"):
        raise ConfigError(f"unknown role {value!r}; use reviewer or adjudicator")
    return role  # type: ignore[return-value]


# -------------------------------------------------------------------------------------- criteria


class Criterion(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    code: str = Field(pattern=r"^[A-Za-z][A-Za-z0-9_.\-]*$")
    kind: Literal["inclusion", "exclusion"]
    label: str = Field(description="short text shown in the PRISMA diagram")
    description: str = ""
    stages: list[Stage] = Field(default_factory=lambda: _all_stages())


class Criteria(BaseModel):
    """Inclusion and exclusion criteria of a review (``criteria.yaml``)."""

    model_config = ConfigDict(extra="forbid")

    criteria: list[Criterion]
    note: str = ""

    @field_validator("criteria")
    @classmethod
    def _unique_codes(cls, value: list[Criterion]) -> list[Criterion]:
        codes = [c.code for c in value]
        dup = sorted({c for c in codes if codes.count(c) > 1})
        if dup:
            raise ValueError(f"criterion code(s) {dup} used more than once")
        return value

    @property
    def by_code(self) -> dict[str, Criterion]:
        return {c.code: c for c in self.criteria}

    def label(self, code: str) -> str:
        c = self.by_code.get(code)
        return c.label if c else code

    @classmethod
    def load(cls, path: str | Path) -> Criteria:
        path = Path(path)
        try:
            data = yaml.safe_load(path.read_text(encoding="utf-8"))
        except (OSError, yaml.YAMLError) as err:
            raise ConfigError(f"{display_path(path)}: cannot read criteria ({err})") from err
        try:
            return cls.model_validate(data or {})
        except ValidationError as err:
            report = ValidationReport()
            for e in err.errors():
                loc = ".".join(str(x) for x in e["loc"])
                report.add(
                    path,
                    f"{loc}: {e['msg']}",
                    value=e.get("input"),
                    fix="see slr/search/screen.py Criterion for the fields",
                )
            report.raise_if_any("screening criteria")
            raise  # pragma: no cover


# ----------------------------------------------------------------------------------------- log


@dataclass(frozen=True)
class LogEntry:
    stage: Stage
    record_id: str
    decision: Decision
    reasons: tuple[str, ...] = ()
    reviewer: str = ""
    role: Literal["reviewer", "adjudicator"] = "reviewer"
    timestamp: str = ""
    note: str = ""
    line: int = 0

    def row(self) -> list[str]:
        return [
            self.stage,
            self.record_id,
            self.decision,
            ";".join(self.reasons),
            self.reviewer,
            self.role,
            self.timestamp,
            self.note,
        ]


@dataclass(frozen=True)
class FinalDecision:
    work_id: str
    stage: Stage
    decision: Decision | Literal["conflict"]
    reasons: tuple[str, ...]
    reviewers: tuple[str, ...]


def _validate_entry(e: LogEntry, criteria: Criteria | None) -> list[str]:
    problems = []
    if not e.reviewer:
        problems.append("no reviewer; every decision names who made it")
    if e.decision == "exclude" and not e.reasons:
        problems.append("an exclusion needs at least one reason code")
    if e.decision == "not_retrieved" and e.stage != "full_text":
        problems.append("'not_retrieved' is a full_text decision")
    if criteria is not None:
        known = criteria.by_code
        for code in e.reasons:
            c = known.get(code)
            if c is None:
                close = difflib.get_close_matches(code, list(known), n=1)
                hint = f"; did you mean '{close[0]}'?" if close else ""
                problems.append(f"unknown reason code {code!r}{hint}")
                continue
            if e.stage not in c.stages:
                problems.append(f"criterion {code} does not apply at stage {e.stage}")
            if e.decision == "exclude" and c.kind != "exclusion":
                problems.append(f"exclusion with inclusion criterion {code}")
            if e.decision == "include" and c.kind != "inclusion":
                problems.append(f"inclusion with exclusion criterion {code}")
    return problems


class ScreeningLog:
    """An append-only log of screening decisions stored as CSV."""

    def __init__(self, path: str | Path, entries: list[LogEntry], criteria: Criteria | None):
        self.path = Path(path)
        self.entries = entries
        self.criteria = criteria

    # -- reading ----------------------------------------------------------------------------

    @classmethod
    def load(
        cls,
        path: str | Path,
        *,
        criteria: Criteria | None = None,
        known_ids: Iterable[str] | None = None,
        create: bool = False,
    ) -> ScreeningLog:
        """Read and validate the log; every problem of the file is reported at once."""
        path = Path(path)
        if not path.exists():
            if create:
                return cls(path, [], criteria)
            raise ConfigError(
                f"{display_path(path)}: no screening log; create one with "
                "`slr screen decide ...` or pass --create"
            )
        from slr.search.encoding import read_text

        text = read_text(path).text if path.stat().st_size else ""
        report = ValidationReport()
        reader = csv.reader(text.splitlines())
        header = next(reader, None)
        if header is None:
            return cls(path, [], criteria)
        header = [h.strip() for h in header]
        missing = [
            c for c in ("stage", "record_id", "decision", "reasons", "reviewer") if c not in header
        ]
        unknown = [c for c in header if c not in LOG_COLUMNS]
        if missing or unknown:
            report.add(
                path,
                f"header {header}: missing {missing}, unknown {unknown}",
                line=1,
                fix=f"columns are {', '.join(LOG_COLUMNS)}",
            )
            report.raise_if_any("screening log")
        known = set(known_ids) if known_ids is not None else None
        entries: list[LogEntry] = []
        for lineno, cells in enumerate(reader, start=2):
            if not any(c.strip() for c in cells):
                continue
            if len(cells) != len(header):
                report.add(
                    path,
                    f"{len(cells)} fields, header has {len(header)}",
                    line=lineno,
                    fix="quote fields that contain commas",
                )
                continue
            row = {h: c.strip() for h, c in zip(header, cells, strict=True)}
            try:
                stage = parse_stage(row["stage"])
            except ConfigError as err:
                report.add(path, str(err), line=lineno, column="stage")
                continue
            decision = row["decision"].lower().replace("-", "_").replace(" ", "_")
            if decision not in DECISIONS:
                report.add(
                    path,
                    f"unknown decision {row['decision']!r}",
                    line=lineno,
                    column="decision",
                    fix=f"use one of {', '.join(DECISIONS)}",
                )
                continue
            role = (row.get("role") or "reviewer").lower()
            if role not in ("reviewer", "adjudicator"):
                report.add(
                    path,
                    f"unknown role {role!r}",
                    line=lineno,
                    column="role",
                    fix="use reviewer or adjudicator",
                )
                continue
            entry = LogEntry(
                stage=stage,
                record_id=row["record_id"],
                decision=decision,  # type: ignore[arg-type]
                reasons=tuple(r.strip() for r in row["reasons"].split(";") if r.strip()),
                reviewer=row["reviewer"],
                role=role,  # type: ignore[arg-type]
                timestamp=row.get("timestamp", ""),
                note=row.get("note", ""),
                line=lineno,
            )
            for msg in _validate_entry(entry, criteria):
                report.add(path, msg, line=lineno)
            if known is not None and entry.record_id not in known:
                close = difflib.get_close_matches(entry.record_id, list(known), n=1)
                report.add(
                    path,
                    f"unknown record id {entry.record_id!r}",
                    line=lineno,
                    column="record_id",
                    fix=f"did you mean '{close[0]}'?" if close else "check the records",
                )
            entries.append(entry)
        report.raise_if_any("screening log")
        return cls(path, entries, criteria)

    # -- writing (append only) ----------------------------------------------------------------

    def append(
        self, entries: LogEntry | Sequence[LogEntry], *, known_ids: Iterable[str] | None = None
    ) -> None:
        """Validate and append decisions to the file (never rewrites earlier rows)."""
        batch = [entries] if isinstance(entries, LogEntry) else list(entries)
        report = ValidationReport()
        known = set(known_ids) if known_ids is not None else None
        stamped = []
        for e in batch:
            for msg in _validate_entry(e, self.criteria):
                report.add(self.path, f"decision on {e.record_id}: {msg}")
            if known is not None and e.record_id not in known:
                report.add(
                    self.path,
                    f"unknown record id {e.record_id!r}",
                    fix="use a record_id from the records or clusters file",
                )
            if not e.timestamp:
                e = LogEntry(
                    e.stage,
                    e.record_id,
                    e.decision,
                    e.reasons,
                    e.reviewer,
                    e.role,
                    datetime.now(UTC).isoformat(timespec="seconds"),
                    e.note,
                )
            stamped.append(e)
        report.raise_if_any("new screening decisions")
        new_file = not self.path.exists() or self.path.stat().st_size == 0
        if not new_file:
            with self.path.open("rb") as fh:
                fh.seek(-1, 2)
                needs_newline = fh.read(1) not in (b"\n", b"\r")
        with self.path.open("a", encoding="utf-8", newline="") as fh:
            if not new_file and needs_newline:
                fh.write("\n")
            w = csv.writer(fh, lineterminator="\n")
            if new_file:
                w.writerow(LOG_COLUMNS)
            start = len(self.entries) + 2
            for k, e in enumerate(stamped):
                w.writerow(e.row())
                self.entries.append(
                    LogEntry(
                        e.stage,
                        e.record_id,
                        e.decision,
                        e.reasons,
                        e.reviewer,
                        e.role,
                        e.timestamp,
                        e.note,
                        start + k,
                    )
                )

    # -- decisions per work -------------------------------------------------------------------

    def _by_work(self, stage: Stage, work_of: Mapping[str, str]) -> dict[str, list[LogEntry]]:
        out: dict[str, list[LogEntry]] = {}
        for e in self.entries:
            if e.stage != stage:
                continue
            wid = work_of.get(e.record_id)
            if wid is None:
                continue
            out.setdefault(wid, []).append(e)
        return out

    def final_decisions(self, stage: Stage, work_of: Mapping[str, str]) -> dict[str, FinalDecision]:
        """Final decision per work at one stage (see module docstring for the rule)."""
        out = {}
        for wid, entries in self._by_work(stage, work_of).items():
            adjud = [e for e in entries if e.role == "adjudicator"]
            if adjud:
                last = adjud[-1]
                out[wid] = FinalDecision(wid, stage, last.decision, last.reasons, (last.reviewer,))
                continue
            latest: dict[str, LogEntry] = {}
            for e in entries:
                latest[e.reviewer] = e
            decisions = {e.decision for e in latest.values()}
            reviewers = tuple(sorted(latest))
            if len(decisions) == 1:
                # primary reason: the first reason of the earliest of the agreeing decisions
                first = min(latest.values(), key=lambda e: e.line)
                out[wid] = FinalDecision(wid, stage, first.decision, first.reasons, reviewers)
            else:
                out[wid] = FinalDecision(wid, stage, "conflict", (), reviewers)
        return out

    def reviewers(self, stage: Stage) -> list[str]:
        return sorted({e.reviewer for e in self.entries if e.stage == stage})

    def pairwise(
        self, stage: Stage, a: str, b: str, work_of: Mapping[str, str]
    ) -> list[tuple[str, Decision, Decision]]:
        """(work, decision of a, decision of b) for works both reviewers decided."""
        out = []
        for wid, entries in sorted(self._by_work(stage, work_of).items()):
            da = [e for e in entries if e.reviewer == a]
            db = [e for e in entries if e.reviewer == b]
            if da and db:
                out.append((wid, da[-1].decision, db[-1].decision))
        return out


def cohen_kappa(
    log: ScreeningLog, stage: Stage, a: str, b: str, work_of: Mapping[str, str]
) -> tuple[float, int]:
    """Cohen's kappa of two reviewers' include/exclude decisions at one stage; (kappa, n)."""
    from sklearn.metrics import cohen_kappa_score

    pairs = log.pairwise(stage, a, b, work_of)
    if not pairs:
        raise SlrError(
            f"reviewers {a!r} and {b!r} have no decisions on the same works at stage "
            f"{stage}; known reviewers: {', '.join(log.reviewers(stage)) or 'none'}"
        )
    ya = [p[1] for p in pairs]
    yb = [p[2] for p in pairs]
    if len(set(ya) | set(yb)) == 1:
        return 1.0, len(pairs)  # perfect agreement on a single category
    return float(cohen_kappa_score(ya, yb)), len(pairs)


def conflicts(log: ScreeningLog, stage: Stage, work_of: Mapping[str, str]) -> list[FinalDecision]:
    return [d for d in log.final_decisions(stage, work_of).values() if d.decision == "conflict"]


# ----------------------------------------------------------------------- prioritised screening


def _text(title: str, abstract: str | None, keywords: Sequence[str] = ()) -> str:
    return " ".join(x for x in (title, abstract or "", " ".join(keywords)) if x)


class _BalancedNB:
    """Multinomial naive Bayes trained with class-balanced sample weights.

    Without balancing, the few relevant records (45 of 1,704 in Kitchenham 2010) are swamped
    and the ranking is no better than random; alpha 3.822 is ASReview's default.
    """

    def __init__(self, alpha: float = 3.822):
        from sklearn.naive_bayes import MultinomialNB

        self._nb = MultinomialNB(alpha=alpha)

    def fit(self, X, y):
        from sklearn.utils.class_weight import compute_sample_weight

        self._nb.fit(X, y, sample_weight=compute_sample_weight("balanced", y))
        return self

    def predict_proba(self, X):
        return self._nb.predict_proba(X)


MODELS = ("logistic", "nb")


def _model(kind: str, seed: int):
    if kind == "logistic":
        from sklearn.linear_model import LogisticRegression

        return LogisticRegression(
            C=1.0, class_weight="balanced", solver="liblinear", random_state=seed
        )
    if kind == "nb":
        return _BalancedNB()
    raise ConfigError(f"unknown model {kind!r}; use one of {', '.join(MODELS)}")


def _features(texts: Sequence[str]):
    """TF-IDF of words and word pairs (pairs seen in two records at least, on larger sets)."""
    from sklearn.feature_extraction.text import TfidfVectorizer

    vec = TfidfVectorizer(
        stop_words="english",
        ngram_range=(1, 2),
        min_df=2 if len(texts) >= 500 else 1,
        sublinear_tf=True,
        max_features=20000,
    )
    return vec.fit_transform(texts)


def rank_for_screening(
    works: Sequence[Work],
    log: ScreeningLog,
    work_of: Mapping[str, str],
    *,
    stage: Stage = "title_abstract",
    model: str = "logistic",
    seed: int = 0,
) -> pd.DataFrame:
    """Undecided works ranked by predicted relevance (most likely includes first).

    Learns from the final decisions made so far at ``stage`` (include vs exclude). Without at
    least one include and one exclude there is nothing to learn from, and works keep their order
    (``score`` is then empty and ``ranked_by`` says so).
    """
    import numpy as np
    import pandas as pd

    finals = log.final_decisions(stage, work_of)
    labels = {w: d.decision for w, d in finals.items() if d.decision in ("include", "exclude")}
    texts = [_text(w.title, w.abstract, w.keywords) for w in works]
    undecided = [i for i, w in enumerate(works) if w.work_id not in finals]
    frame = pd.DataFrame(
        {
            "work_id": [works[i].work_id for i in undecided],
            "title": [works[i].title for i in undecided],
        }
    )
    y_idx = [i for i, w in enumerate(works) if w.work_id in labels]
    y = np.array([labels[works[i].work_id] == "include" for i in y_idx])
    if len(undecided) == 0:
        frame["score"] = []
        frame["ranked_by"] = []
        return frame
    if y.size == 0 or y.all() or not y.any():
        frame["score"] = np.nan
        frame["ranked_by"] = "input order (needs at least one include and one exclude)"
        return frame
    X = _features(texts)
    clf = _model(model, seed)
    clf.fit(X[y_idx], y)
    scores = clf.predict_proba(X[undecided])[:, 1]
    frame["score"] = scores
    frame["ranked_by"] = f"tfidf+{model} on {len(y_idx)} decisions ({int(y.sum())} includes)"
    return frame.sort_values("score", ascending=False, kind="stable").reset_index(drop=True)


@dataclass
class SimulationResult:
    """Recall curves of simulated prioritised screening against random order."""

    n_records: int
    n_relevant: int
    model: str
    seeds: list[int]
    recall_curves: list[np.ndarray]  # recall after screening k records, k = 1..N
    random_curves: list[np.ndarray]
    wss95: list[float]
    wss95_random: list[float]
    records_to_95: list[int] = field(default_factory=list)

    @property
    def wss95_mean(self) -> float:
        return float(sum(self.wss95) / len(self.wss95))

    @property
    def wss95_random_mean(self) -> float:
        return float(sum(self.wss95_random) / len(self.wss95_random))

    def summary(self) -> pd.DataFrame:
        import pandas as pd

        return pd.DataFrame(
            {
                "seed": self.seeds,
                "wss95": self.wss95,
                "wss95_random": self.wss95_random,
                "records_screened_for_95_recall": self.records_to_95,
            }
        )

    def plot(self):
        import matplotlib

        matplotlib.use("Agg", force=False)
        import matplotlib.pyplot as plt
        import numpy as np

        fig, ax = plt.subplots(figsize=(6, 4.2))
        x = np.arange(1, self.n_records + 1) / self.n_records
        for k, curve in enumerate(self.recall_curves):
            ax.plot(
                x,
                curve,
                color="tab:blue",
                alpha=0.6,
                lw=1,
                label=f"TF-IDF + {self.model}" if k == 0 else None,
            )
        for k, curve in enumerate(self.random_curves):
            ax.plot(
                x,
                curve,
                color="tab:gray",
                alpha=0.5,
                lw=1,
                ls="--",
                label="random order" if k == 0 else None,
            )
        ax.axhline(0.95, color="tab:red", lw=0.8, ls=":")
        ax.set_xlabel("proportion of records screened")
        ax.set_ylabel("recall (relevant records found)")
        ax.set_title(
            f"WSS@95 = {self.wss95_mean:.3f} (random {self.wss95_random_mean:.3f}); "
            f"{self.n_relevant}/{self.n_records} relevant",
            fontsize=9,
        )
        ax.legend(loc="lower right", fontsize=8)
        ax.set_xlim(0, 1)
        ax.set_ylim(0, 1.02)
        fig.tight_layout()
        return fig


def wss_at(curve: np.ndarray, level: float = 0.95) -> tuple[float, int]:
    """Work saved over sampling at a recall level: (N - n)/N - (1 - level), n records screened."""
    import numpy as np

    n_total = len(curve)
    n = int(np.argmax(curve >= level - 1e-12)) + 1
    return (n_total - n) / n_total - (1 - level), n


def _recall_curve(order: np.ndarray, y: np.ndarray) -> np.ndarray:
    import numpy as np

    found = np.cumsum(y[order])
    return found / max(1, int(y.sum()))


def simulate_screening(
    texts: Sequence[str],
    labels: Sequence[int] | np.ndarray,
    *,
    model: str = "logistic",
    seeds: Sequence[int] = (0, 1, 2, 3, 4),
    n_prior_included: int = 1,
    n_prior_excluded: int = 1,
    batch_size: int = 10,
    progress: ProgressCallback | None = None,
) -> SimulationResult:
    """Replay screening of a labelled set with active learning, against random order.

    Each seed draws the prior knowledge (``n_prior_included`` relevant and ``n_prior_excluded``
    irrelevant records, counted as screened first), then repeatedly trains the model on every
    record screened so far and screens the ``batch_size`` highest-ranked unscreened records,
    until all records are screened. The random baseline screens the same prior records and then
    the rest in random order. Recall curves count the prior records.
    """
    import numpy as np

    y = np.asarray(labels, dtype=int)
    n = len(y)
    if n != len(texts):
        raise ValueError("texts and labels differ in length")
    if y.sum() < n_prior_included + 1 or (n - y.sum()) < n_prior_excluded:
        raise SlrError(
            "the labelled set needs more relevant and irrelevant records than the "
            "prior knowledge draws"
        )
    X = _features(list(texts))
    curves, random_curves, wss, wss_r, n95 = [], [], [], [], []
    for seed in seeds:
        rng = np.random.default_rng(seed)
        pos = np.flatnonzero(y == 1)
        neg = np.flatnonzero(y == 0)
        prior = list(rng.choice(pos, n_prior_included, replace=False)) + list(
            rng.choice(neg, n_prior_excluded, replace=False)
        )
        screened = list(prior)
        mask = np.zeros(n, dtype=bool)
        mask[screened] = True
        task = f"simulate (seed {seed})"
        while not mask.all():
            report(progress, task, int(mask.sum()), n)
            idx = np.flatnonzero(mask)
            clf = _model(model, seed)
            labels_seen = y[idx]
            if labels_seen.min() == labels_seen.max():
                rest = np.flatnonzero(~mask)
                pick = rng.choice(rest, min(batch_size, len(rest)), replace=False)
            else:
                clf.fit(X[idx], labels_seen)
                rest = np.flatnonzero(~mask)
                scores = clf.predict_proba(X[rest])[:, 1]
                top = np.argsort(-scores, kind="stable")[:batch_size]
                pick = rest[top]
            screened.extend(int(i) for i in pick)
            mask[pick] = True
        report(progress, task, n, n)
        order = np.array(screened)
        curve = _recall_curve(order, y)
        curves.append(curve)
        w, k = wss_at(curve)
        wss.append(w)
        n95.append(k)
        rest = np.setdiff1d(np.arange(n), np.array(prior))
        rorder = np.concatenate([np.array(prior), rng.permutation(rest)])
        rcurve = _recall_curve(rorder, y)
        random_curves.append(rcurve)
        wss_r.append(wss_at(rcurve)[0])
    return SimulationResult(
        n, int(y.sum()), model, list(seeds), curves, random_curves, wss, wss_r, n95
    )


def load_labelled_csv(path: str | Path) -> tuple[list[str], np.ndarray]:
    """Texts and labels of a labelled screening set (ASReview layout: title, abstract,
    label_included)."""
    import numpy as np
    import pandas as pd

    path = Path(path)
    try:
        frame = pd.read_csv(path)
    except Exception as err:
        raise SlrError(f"{display_path(path)}: cannot read labelled set ({err})") from err
    missing = [c for c in ("title", "label_included") if c not in frame.columns]
    if missing:
        raise SlrError(
            f"{display_path(path)}: missing column(s) {missing}; a labelled set has "
            "title, abstract and label_included (0/1)"
        )
    bad = frame.index[~frame["label_included"].isin([0, 1])].tolist()
    if bad:
        raise SlrError(f"{display_path(path)}:{bad[0] + 2}: label_included must be 0 or 1")
    abstracts = frame["abstract"] if "abstract" in frame.columns else [""] * len(frame)
    texts = [
        _text(str(t) if isinstance(t, str) else "", a if isinstance(a, str) else "")
        for t, a in zip(frame["title"], abstracts, strict=True)
    ]
    return texts, np.asarray(frame["label_included"], dtype=int)
