import csv
import re
from pathlib import Path

import pandas as pd
import pytest

from slr.figures.base import registry, render, setup_matplotlib

SPECS = registry()


@pytest.mark.parametrize("name", sorted(SPECS))
def test_every_figure_is_tidy_and_draws(name, review, tmp_path: Path):
    setup_matplotlib()
    spec = SPECS[name]
    frame = spec.compute(review)
    assert list(frame.columns)[-1] == "count"
    assert len(frame) > 0 and (frame["count"] >= 0).all()
    paths = render(spec, review, tmp_path)
    assert paths["png"].stat().st_size > 5000 and paths["svg"].read_text().lstrip().startswith(
        "<?xml"
    )
    assert pd.read_csv(paths["csv"])["count"].sum() == frame["count"].sum()


def _raw_v3(shared: Path) -> list[dict[str, str]]:
    with (shared / "detail_study_v3.csv").open(newline="", encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def test_heatmap_counts_match_the_raw_coding(review, shared: Path):
    frame = SPECS["method-task-heatmap"].compute(review)
    totals = frame.groupby("method")["count"].sum()
    raw = _raw_v3(shared)
    # Independent count on the published file: rows whose PEFT Method cell names QLoRA
    # ("QLoRA (MFT-5Tasks)" included), and rows naming the 'L-Adapter + T-Adapter' combination.
    assert totals["QLoRA"] == sum("QLoRA" in r["PEFT Method"] for r in raw)
    assert totals["L-Adapter + T-Adapter"] == sum(
        "L-Adapter + T-Adapter" in r["PEFT Method"] for r in raw
    )
    assert totals["Telly-K"] == sum(r["PEFT Method"].startswith("Telly-K") for r in raw)
    lora_alone = sum(bool(re.search(r"(^|, )LoRA(,|$)", r["PEFT Method"].strip())) for r in raw)
    assert totals["LoRA"] == lora_alone
    assert frame["count"].sum() == len(review.methods)


def test_tasks_per_year_has_both_passes_and_counts_rows(review):
    frame = SPECS["tasks-per-year"].compute(review)
    per_pass = frame.groupby("coding_pass")["count"].sum()
    assert per_pass["canonical (v3)"] == len(review.codings)
    included = set(review.papers["paper_id"])
    assert per_pass["earlier pass"] == review.early["paper_id"].isin(included).sum()
    assert set(frame["task_type"]) <= {"generative", "non-generative", "mixed"}


def test_gpu_figure_keeps_3090_ti_apart(review):
    frame = SPECS["gpu-hardware"].compute(review)
    assert {"NVIDIA RTX 3090", "NVIDIA RTX 3090 Ti"} <= set(frame["gpu"])
    ti = frame[frame["gpu"] == "NVIDIA RTX 3090 Ti"]
    assert ti["count"].sum() == 1  # only P18 reports "3 NVIDIA RTX 3090Ti GPUs"


def test_venues_counts_included_papers(review):
    frame = SPECS["venues"].compute(review)
    assert frame["count"].sum() == review.papers["included"].sum()
