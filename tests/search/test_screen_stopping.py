"""The hypergeometric stopping rule (Callaghan & Mueller-Hansen 2020) and its random sample."""

from __future__ import annotations

import numpy as np
import pytest
from scipy.stats import hypergeom

from slr.errors import ConfigError, SlrError
from slr.search.screen.stopping import (
    StoppingState,
    draws_needed,
    k_target,
    p_value,
    remaining_upper_bound,
    stopping_run,
)


def test_k_target_is_the_papers_formula():
    # K_tar = floor(r_seen / tau - r_al + 1): 43 found, none in the sample, tau 0.95:
    # floor(45.26 - 43 + 1) = 3 (three more relevant records would put recall below 95 %)
    assert k_target(43, 43, 0.95) == 3
    assert k_target(40, 42, 0.95) == 5  # floor(44.21 - 40 + 1)


def test_p_value_is_the_hypergeometric_tail():
    # urn 1204, 700 drawn, 1 relevant found, r_al 43: K_tar = floor(44 / 0.95 - 43 + 1) = 4
    expected = hypergeom.cdf(1, 1204, 4, 700)
    assert p_value(1204, 700, 1, 43, 0.95) == pytest.approx(expected)


def test_draws_needed_is_the_first_sample_size_that_rejects():
    n = draws_needed(1204, 43, 0.95, 0.95)
    assert p_value(1204, n, 0, 43, 0.95) < 0.05 <= p_value(1204, n - 1, 0, 43, 0.95)
    # K_tar 3 in an urn of 1204: 1 - (1 - n/1204)^3 ~ 0.95 gives n ~ 760
    assert 740 < n < 780


def test_state_says_stop_only_with_the_stated_confidence():
    before = StoppingState(1704, 500, 43, 0, 0)
    assert not before.stop and before.still_needed == draws_needed(1204, 43, 0.95, 0.95)
    done = StoppingState(1704, 500, 43, before.still_needed, 0)
    assert done.stop and done.p < 0.05
    assert done.remaining_upper == remaining_upper_bound(1204, done.drawn, 0, 0.95)
    assert "STOP: recall >= 95% with 95% confidence" in "\n".join(done.lines())
    with pytest.raises(ConfigError):
        StoppingState(10, 5, 1, 0, 0, target=95)


def test_rule_reaches_the_target_in_replays():
    # synthetic review: 2,000 records, 60 relevant; a ranking that finds most relevant records
    # early and a few late. Over 40 random samples the rule must reach 95 % recall in at least
    # 95 % of the replays when it says stop (its guarantee; we allow 2 misses in 40 for chance)
    rng = np.random.default_rng(0)
    labels = np.zeros(2000, dtype=int)
    labels[rng.choice(300, 55, replace=False)] = 1
    labels[300 + rng.choice(1700, 5, replace=False)] = 1
    rows = [stopping_run(labels, np.random.default_rng(s)) for s in range(40)]
    assert sum(r["reached"] for r in rows) >= 38
    assert all(r["screened"] <= 2000 for r in rows)


def test_no_sample_yet_says_how_many_to_draw(tmp_path):
    from slr.search.dedupe import Work
    from slr.search.screen.log import FinalDecision
    from slr.search.screen.sample import read_sample, stopping_state, write_sample

    works = [Work(work_id=f"w{i}", title=f"paper {i}", record_ids=[f"w{i}"]) for i in range(300)]
    finals = {
        f"w{i}": FinalDecision(
            f"w{i}", "title_abstract", "include" if i < 20 else "exclude", (), ("a",)
        )
        for i in range(100)
    }
    path = tmp_path / "screening_sample.csv"
    with pytest.raises(SlrError) as info:
        stopping_state(works, finals, None, target=0.95, confidence=0.95, sample_file=path)
    need = draws_needed(200, 20, 0.95, 0.95)
    assert f"screen its first {need} records" in str(info.value) and "Why:" in str(info.value)
    order = write_sample(path, works, finals, seed=3)
    assert sorted(order) == sorted(f"w{i}" for i in range(100, 300)) and read_sample(path) == order
    with pytest.raises(ConfigError, match="drawn already"):
        write_sample(path, works, finals, seed=4)  # never overwritten
    decided = {
        **finals,
        **{w: FinalDecision(w, "title_abstract", "exclude", (), ("a",)) for w in order[:need]},
    }
    progress = stopping_state(works, decided, order, target=0.95, confidence=0.95, sample_file=path)
    assert progress.state.drawn == need and progress.state.r_al == 20 and progress.state.stop
