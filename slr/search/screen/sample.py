"""The random sample the stopping rule needs (``screening_sample.csv`` beside the log).

``slr screen sample`` shuffles every work still undecided at title/abstract (the urn of the
hypergeometric test) and writes them in that random order: ``rank, work_id, title``, with the
seed and time in a comment line. The reviewer screens them from the top; the decided prefix of
the list is the random sample. The file is written once and never overwritten: a new draw would
break the test's guarantee.
"""

from __future__ import annotations

import csv
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from slr.errors import ConfigError, SlrError, ValidationReport, display_path
from slr.search.screen.log import FinalDecision
from slr.search.screen.stopping import StoppingState, draws_needed

if TYPE_CHECKING:
    from slr.search.dedupe import Work

SAMPLE_FILE = "screening_sample.csv"


def sample_path(log_path: Path) -> Path:
    return log_path.with_name(SAMPLE_FILE)


def write_sample(
    path: Path, works: Sequence[Work], finals: Mapping[str, FinalDecision], seed: int
) -> list[str]:
    """Shuffle the undecided works into ``path``; refuses to replace an existing sample."""
    import numpy as np

    from slr.atomic import atomic_write_text

    if path.exists():
        raise ConfigError(
            f"{display_path(path)}: a random sample was drawn already; screen it from the "
            "top (a second draw would void the stopping rule's guarantee). Move the file away "
            "only to start the rule over"
        )
    undecided = [w for w in works if w.work_id not in finals]
    if not undecided:
        raise SlrError("every work is decided: there is nothing left to sample")
    order = np.random.default_rng(seed).permutation(len(undecided))
    lines = [f"# random order of the {len(undecided)} undecided works; seed {seed}; "]
    lines[0] += datetime.now(UTC).isoformat(timespec="seconds")
    rows = [["rank", "work_id", "title"]]
    rows += [[str(k + 1), undecided[i].work_id, undecided[i].title] for k, i in enumerate(order)]
    from io import StringIO

    buf = StringIO()
    csv.writer(buf, lineterminator="\n").writerows(rows)
    atomic_write_text(path, lines[0] + "\n" + buf.getvalue())
    return [undecided[i].work_id for i in order]


def read_sample(path: Path) -> list[str]:
    """Work ids of the sample in drawn order."""
    text = path.read_text(encoding="utf-8")
    body = [line for line in text.splitlines() if not line.startswith("#")]
    reader = csv.DictReader(body)
    report = ValidationReport()
    if reader.fieldnames is None or "work_id" not in reader.fieldnames:
        report.add(path, "no work_id column", line=1, fix="write it with `slr screen sample`")
        report.raise_if_any("random sample")
    return [row["work_id"] for row in reader]


@dataclass(frozen=True)
class SampleProgress:
    """The stopping state of a review and the next works of the sample to screen."""

    state: StoppingState
    next_works: list[str]


def stopping_state(
    works: Sequence[Work],
    finals: Mapping[str, FinalDecision],
    sample: list[str] | None,
    *,
    target: float,
    confidence: float,
    sample_file: Path,
) -> SampleProgress:
    """Where the review stands against the rule; no sample yet: how many to draw, and why."""
    included = {w for w, d in finals.items() if d.decision == "include"}
    if sample is None:
        undecided = [w for w in works if w.work_id not in finals]
        if not undecided:
            raise SlrError("every work is decided: there is nothing left to stop early on")
        r_al = len(included)
        need = draws_needed(len(undecided), r_al, target, confidence)
        raise SlrError(
            f"no random sample yet ({display_path(sample_file)}): draw one with `slr screen "
            f"sample` and screen its first {need} records in the drawn order. Why: the rule "
            f"(Callaghan & Mueller-Hansen 2020) tests 'recall < {target:.0%}' on a random sample "
            f"of the {len(undecided)} undecided works; with {r_al} includes so far, {need} "
            f"draws with no include reject it with {confidence:.0%} confidence (each include "
            "found among them asks for more)"
        )
    urn = set(sample)
    r_al = len(included - urn)
    screened_before = sum(1 for w in finals if w not in urn)
    drawn = 0
    for wid in sample:
        if wid not in finals:
            break
        drawn += 1
    found = sum(1 for wid in sample[:drawn] if wid in included)
    state = StoppingState(
        n_records=screened_before + len(sample),
        screened_before=screened_before,
        r_al=r_al,
        drawn=drawn,
        found=found,
        target=target,
        confidence=confidence,
    )
    return SampleProgress(state, sample[drawn : drawn + 10])
