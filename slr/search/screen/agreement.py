"""Agreement of screening reviewers, valid when they saw overlapping but different works.

Prioritised screening gives each reviewer their own subset: the second reviewer screens some of
the works the first one did, plus others. Cohen's kappa needs works both decided and says nothing
of the rest; Krippendorff's alpha and Gwet's AC1 (:mod:`slr.interrater`) use every work decided by
at least two reviewers and say how many that is. Every figure comes with its overlap: how many
works each reviewer decided, how many by two or more, and the share of the decided works that is.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from slr.errors import SlrError
from slr.interrater import cohen_kappa as _cohen_kappa
from slr.interrater import gwet_ac1, krippendorff_alpha, percent_agreement
from slr.search.screen.criteria import DECISIONS, Stage
from slr.search.screen.log import ScreeningLog


def latest_decisions(
    log: ScreeningLog, stage: Stage, work_of: Mapping[str, str]
) -> dict[str, dict[str, str]]:
    """work -> reviewer -> that reviewer's latest decision (adjudicators left out)."""
    out: dict[str, dict[str, str]] = {}
    for e in log.entries:
        if e.stage != stage or e.role != "reviewer":
            continue
        wid = work_of.get(e.record_id)
        if wid is not None:
            out.setdefault(wid, {})[e.reviewer] = e.decision
    return out


def cohen_kappa(
    log: ScreeningLog, stage: Stage, a: str, b: str, work_of: Mapping[str, str]
) -> tuple[float | None, int]:
    """Cohen's kappa of two reviewers on the works both decided: (kappa or None, n works).

    None when undefined (every decision in one category): see :func:`slr.interrater.cohen_kappa`.
    """
    pairs = log.pairwise(stage, a, b, work_of)
    if not pairs:
        raise SlrError(
            f"reviewers {a!r} and {b!r} have no decisions on the same works at stage "
            f"{stage}; known reviewers: {', '.join(log.reviewers(stage)) or 'none'}"
        )
    return _cohen_kappa([p[1] for p in pairs], [p[2] for p in pairs]), len(pairs)


@dataclass(frozen=True)
class ScreeningAgreement:
    """Agreement of the reviewers of one stage, with the overlap it rests on."""

    stage: Stage
    reviewers: tuple[str, ...]
    decided_by: dict[str, int]  # reviewer -> works decided
    works_decided: int  # by anyone
    works_overlap: int  # by two reviewers or more
    percent_agreement: float | None
    krippendorff_alpha: float | None
    gwet_ac1: float | None

    @property
    def overlap_share(self) -> float:
        return self.works_overlap / self.works_decided if self.works_decided else 0.0

    def lines(self) -> list[str]:
        def fmt(x: float | None) -> str:
            return "undefined (one category only)" if x is None else f"{x:.3f}"

        who = ", ".join(f"{r} {n}" for r, n in self.decided_by.items())
        return [
            f"works decided at {self.stage}: {self.works_decided} ({who})",
            f"decided by two reviewers or more: {self.works_overlap} "
            f"({self.overlap_share:.1%} of the decided works); the statistics rest on these",
            f"percent agreement: {fmt(self.percent_agreement)}",
            f"Krippendorff's alpha (nominal): {fmt(self.krippendorff_alpha)}",
            f"Gwet's AC1: {fmt(self.gwet_ac1)}",
        ]


def screening_agreement(
    log: ScreeningLog,
    stage: Stage,
    work_of: Mapping[str, str],
    reviewers: list[str] | None = None,
) -> ScreeningAgreement:
    """Krippendorff's alpha and Gwet's AC1 of the reviewers' latest decisions at a stage."""
    decided = latest_decisions(log, stage, work_of)
    known = log.reviewers(stage)
    chosen = reviewers or known
    unknown = [r for r in chosen if r not in known]
    if unknown:
        raise SlrError(
            f"no decisions by {', '.join(map(repr, unknown))} at stage {stage}; "
            f"known reviewers: {', '.join(known) or 'none'}"
        )
    ratings = {
        wid: [d for r, d in by.items() if r in chosen]
        for wid, by in decided.items()
        if any(r in chosen for r in by)
    }
    decided_by = {r: sum(1 for by in decided.values() if r in by) for r in chosen}
    return ScreeningAgreement(
        stage=stage,
        reviewers=tuple(chosen),
        decided_by=decided_by,
        works_decided=len(ratings),
        works_overlap=sum(1 for v in ratings.values() if len(v) >= 2),
        percent_agreement=percent_agreement(ratings),
        krippendorff_alpha=krippendorff_alpha(ratings),
        gwet_ac1=gwet_ac1(ratings, categories=_scale(ratings)),
    )


def _scale(ratings: Mapping[str, list[str]]) -> list[str]:
    """Gwet's rating scale: include and exclude, plus any other decision in use (maybe, ...)."""
    used = {d for values in ratings.values() for d in values}
    return [d for d in DECISIONS if d in used or d in ("include", "exclude")]
