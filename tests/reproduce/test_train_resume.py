"""Reproducibility and faults: same seed -> same numbers; SIGKILL / Ctrl-C -> resume equals an
uninterrupted run; out of memory -> the numbers and what to try."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from . import train_specs as S

# subprocess training runs: outside `make test-fast`
pytestmark = pytest.mark.slow

# tiny GPT-2 with dropout (the GPT-2 config default, 0.1): RNG state matters for every step
MODEL = "{architecture: CodeGPT-small-py, tiny: true}"


def _spec(
    tmp: Path,
    *,
    steps: int,
    checkpoint_every: int,
    arms: str | None = None,
    seeds: str = "[0]",
    batch: int = 4,
) -> Path:
    arms = arms or "  - {name: full, method: Full Fine-Tuning}\n"
    text = S.spec_text(
        MODEL,
        S.summarization_task(train=32, test=4),
        arms,
        steps=steps,
        seeds=seeds,
        extra_training=f", checkpoint_every: {checkpoint_every}, log_every: 2",
    )
    text = text.replace("checkpoint_every: 0, ", "").replace("log_every: 1, ", "")
    text = text.replace("batch_size: 4", f"batch_size: {batch}")
    return S.write(tmp, "resume", text)


def _run(spec: Path, workdir: Path, **kw) -> dict:
    from slr.reproduce import RunOptions, run

    options = RunOptions(workdir=workdir, results_dir=workdir / "results", **kw)
    doc = run(spec, options).model_dump(mode="json")
    return {**doc, "_path": str(workdir / "results" / f"{spec.stem}.json")}


def _job(doc: dict, arm: str = "full") -> dict:
    """The per-job result.json of ``arm`` (first seed) in the run's workdir."""
    folder = Path(doc["_path"]).parent.parent  # <workdir>/results/<spec>.json
    spec_id = doc["spec"]
    seed = doc["seeds"][0]
    group = next(a for a in doc["arms"] if a["name"] == arm)["jobs"][0]["group"]
    return json.loads((folder / spec_id / arm / group / f"seed-{seed}" / "result.json").read_text())


def test_cpu_runs_with_the_same_seed_give_identical_numbers(tmp_path):
    arms = (
        "  - {name: full, method: Full Fine-Tuning}\n"
        "  - {name: lora, method: LoRA, params: {r: 2}}\n"
    )
    spec = _spec(tmp_path, steps=6, checkpoint_every=0, arms=arms)
    a = _run(spec, tmp_path / "a")
    b = _run(spec, tmp_path / "b")
    for arm in ("full", "lora"):
        ja, jb = _job(a, arm), _job(b, arm)
        assert ja["losses"] == jb["losses"]  # exact floats, every logged step
        assert ja["metrics"] == jb["metrics"]
    # and the seed matters (else the test above could not fail)
    c = _run(spec, tmp_path / "c", seeds=[1])
    assert _job(c)["losses"] != _job(a)["losses"]


def _start(spec: Path, workdir: Path) -> subprocess.Popen:
    code = (
        "import sys; from slr.cli.main import main; "
        f"sys.exit(main(['train', 'run', {str(spec)!r}, '--workdir', {str(workdir)!r}, "
        f"'--results-dir', {str(workdir / 'results')!r}]))"
    )
    return subprocess.Popen(
        [sys.executable, "-c", code],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )


def _wait_for(path: Path, proc: subprocess.Popen, timeout: float = 120.0) -> None:
    t0 = time.monotonic()
    while not path.is_file():
        if proc.poll() is not None:
            out, err = proc.communicate()
            pytest.fail(f"run ended before its first checkpoint: {proc.returncode}\n{err[-2000:]}")
        if time.monotonic() - t0 > timeout:
            proc.kill()
            pytest.fail("no checkpoint within the timeout")
        time.sleep(0.005)


def _checkpoint(workdir: Path) -> Path:
    return workdir / "resume" / "full" / "summarize" / "seed-0" / "checkpoint.pt"


@pytest.mark.slow
def test_sigkill_loses_at_most_the_steps_since_the_last_checkpoint(tmp_path):
    # 80 steps, a checkpoint every 4: the kill lands well before the end
    spec = _spec(tmp_path, steps=80, checkpoint_every=4, batch=8)
    work = tmp_path / "killed"
    proc = _start(spec, work)
    _wait_for(_checkpoint(work), proc)
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait()
    assert proc.returncode == -signal.SIGKILL
    import torch

    saved = torch.load(_checkpoint(work), weights_only=False)["step"]
    assert 4 <= saved < 80 and saved % 4 == 0
    resumed = _job(_run(spec, work))
    assert resumed["resumed_from_step"] >= saved  # restarted from a checkpoint, not from 0
    clean = _job(_run(spec, tmp_path / "clean"))
    assert clean["resumed_from_step"] is None
    assert resumed["losses"] == clean["losses"]
    assert resumed["metrics"] == clean["metrics"]
    assert not _checkpoint(work).exists()  # removed once the job's result is written


@pytest.mark.slow
def test_ctrl_c_checkpoints_the_current_step_and_resumes(tmp_path):
    spec = _spec(tmp_path, steps=160, checkpoint_every=5, batch=8)
    work = tmp_path / "interrupted"
    proc = _start(spec, work)
    _wait_for(_checkpoint(work), proc)  # training runs: the loop's handler is installed
    os.killpg(proc.pid, signal.SIGINT)
    _, err = proc.communicate(timeout=120)
    assert proc.returncode == 130, err[-2000:]  # Ctrl-C
    assert "interrupted after step" in err and "run the same command again to resume" in err
    import torch

    step = torch.load(_checkpoint(work), weights_only=False)["step"]
    assert 5 <= step < 160
    assert f"interrupted after step {step} of 160" in err  # the step it stopped at was saved
    resumed = _job(_run(spec, work))
    assert resumed["resumed_from_step"] == step
    clean = _job(_run(spec, tmp_path / "clean"))
    assert resumed["losses"] == clean["losses"]
    assert resumed["metrics"] == clean["metrics"]


def test_out_of_memory_says_what_was_requested_what_is_free_and_what_to_try(tmp_path, monkeypatch):
    import torch

    import slr.reproduce.train.jobs as jobs
    from slr.reproduce.train.errors import TrainingOutOfMemory

    def greedy_loss(head: str, temperature: float):
        def loss(model, batch):
            torch.empty(2**40, dtype=torch.float32)  # 4 TiB: a real CPU allocation failure
            return model(**batch).loss

        return loss

    monkeypatch.setattr(jobs, "_loss_fn", greedy_loss)
    spec = _spec(tmp_path, steps=2, checkpoint_every=0, batch=8)
    with pytest.raises(TrainingOutOfMemory) as info:
        _run(spec, tmp_path / "oom")
    msg = str(info.value)
    assert "out of memory during training on CPU RAM" in msg
    assert "requested 4096.00 GiB" in msg  # 2**40 floats x 4 bytes, from torch's message
    assert "free" in msg and " GiB of " in msg
    assert "batch_size: 8, grad_accum: 2" in msg  # same effective batch, half the micro-batch
    assert "gradient_checkpointing: true" in msg and "QLoRA" in msg


def test_a_checkpoint_of_another_set_up_is_refused(tmp_path):
    import torch

    from slr.reproduce.train.checkpoint import CheckpointStore
    from slr.reproduce.train.errors import CheckpointMismatch

    model = torch.nn.Linear(2, 2)
    opt = torch.optim.AdamW(model.parameters())
    sched = torch.optim.lr_scheduler.LambdaLR(opt, lambda s: 1.0)
    CheckpointStore(tmp_path, "set-up-a").save(
        model=model, optimizer=opt, scheduler=sched, scaler=None, step=3, losses=[(2, 1.0)]
    )
    assert CheckpointStore(tmp_path, "set-up-a").load()["step"] == 3
    with pytest.raises(CheckpointMismatch, match="different set-up"):
        CheckpointStore(tmp_path, "set-up-b").load()
