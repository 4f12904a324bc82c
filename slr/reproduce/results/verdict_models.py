"""The efficiency verdicts' document (``reproductions/results/verdicts.json``), written by
``slr reproduce verify`` (:mod:`slr.reproduce.verdicts`): one verdict per efficiency claim, with
the verdict of each of its readings. The run results it is judged from are
:mod:`~slr.reproduce.results.models`'.
"""

from __future__ import annotations

from pydantic import Field

from slr.reproduce.results.models import EfficiencyVerdictValue, Manifest, _Record


class ReadingVerdict(_Record):
    """The verdict of one reading of an efficiency claim (:mod:`slr.reproduce.verdicts.readings`)."""

    name: str
    says: str = ""
    verdict: EfficiencyVerdictValue
    reason: str
    predicted: int | float | None = None
    decides: bool = False


class EfficiencyVerdict(_Record):
    """The verdict on one efficiency claim: claim vs exact count, analytical model or run.

    With readings, ``verdict`` is "holds" when some reading holds (``deciding_reading`` names
    the first), "does not hold" only when every checkable reading fails, else "cannot be
    checked"; ``readings`` has each reading's own verdict ("as encoded" is the claim's fields).
    """

    claim: str
    paper: str
    task: str | None
    model: str | None
    method: str | None
    setup: str | None
    quantity: str | None
    reported: str
    claimed_low: float | None
    claimed_high: float | None
    unit: str | None
    baseline: str | None
    where: str
    verdict: EfficiencyVerdictValue
    reason: str
    basis: str | None = None
    predicted: int | float | None = None
    measured: float | None = None
    tolerance: float | None = None
    indicative: str | None = None
    assumptions: list[str] = Field(default_factory=list)
    notes: str = ""
    readings: list[ReadingVerdict] = Field(default_factory=list)
    deciding_reading: str | None = None
    spec_hash: str | None = None


class VerdictsDocument(_Record):
    """``reproductions/results/verdicts.json``."""

    manifest: Manifest
    verdicts: list[EfficiencyVerdict]
