"""The committed specs stay valid: the CPU training suite passes every check made before
training; the GPU training specs fail here only for wanting CUDA."""

from __future__ import annotations

from pathlib import Path

import pytest

from slr.errors import ValidationError
from slr.reproduce.specs import load_specs, select_specs

ROOT = Path(__file__).resolve().parents[2]
TRAIN = select_specs(load_specs(ROOT), kind="train")
CPU = [s.path for s in TRAIN if "gpu" not in s.spec.tags]
GPU = [s.path for s in TRAIN if "gpu" in s.spec.tags]


def test_there_are_cpu_and_gpu_specs():
    assert len(CPU) >= 4 and len(GPU) >= 2
    # the folder holds both kinds, each file saying which
    assert {s.kind for s in load_specs(ROOT).values()} == {"measure", "train"}


@pytest.mark.slow
@pytest.mark.parametrize("path", CPU, ids=lambda p: p.stem)
def test_cpu_suite_spec_passes_preflight(path):
    from slr.reproduce.specs import load_spec
    from slr.reproduce.train.preflight import preflight

    pf = preflight(load_spec(path))
    spec = pf.spec
    assert len(spec.seeds) >= 3 and spec.checks  # every check runs over at least 3 seeds
    assert spec.proxy  # the CPU suite is a small-scale proxy, and says so
    for check in spec.checks:
        assert check.claim in pf.claims


@pytest.mark.parametrize("path", GPU, ids=lambda p: p.stem)
def test_gpu_spec_is_valid_and_only_wants_cuda(path):
    import torch

    from slr.reproduce.specs import load_spec
    from slr.reproduce.train.preflight import preflight

    loaded = load_spec(path)
    if torch.cuda.is_available():
        preflight(loaded)
        return
    try:
        preflight(loaded)
    except ValidationError as err:
        assert all("CUDA" in p.message for p in err.problems), err
