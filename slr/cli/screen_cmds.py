"""``slr screen``: decisions, agreement, prioritised order, simulation, stopping rule, duplicates.

Registered by :mod:`slr.cli.main` beside the search commands (the screen stage belongs to the
search pipeline). Only typer at module level; the API is imported inside the command bodies.
"""

from __future__ import annotations

from pathlib import Path

import typer

from slr.cli.search_cmds import _PROJECT_HELP, _console, _project

_STAGE_HELP = "title_abstract (ti-ab) or full_text (ft)."


def register(app: typer.Typer) -> None:
    screen = typer.Typer(
        help="Screen works: decisions, agreement, prioritised order, simulation, when to stop.",
        no_args_is_help=True,
    )
    app.add_typer(screen, name="screen")
    screen.command("decide")(screen_decide)
    screen.command("status")(screen_status)
    screen.command("kappa")(screen_kappa)
    screen.command("agreement")(screen_agreement)
    screen.command("conflicts")(screen_conflicts)
    screen.command("carried")(screen_carried)
    screen.command("next")(screen_next)
    screen.command("models")(screen_models)
    screen.command("simulate")(screen_simulate)
    screen.command("sample")(screen_sample)
    screen.command("stop")(screen_stop)


def screen_decide(
    record_ids: list[str] = typer.Argument(..., help="Record ids (any record of a work)."),
    decision: str = typer.Option(
        ..., "--decision", "-d", help="include, exclude, maybe or not_retrieved."
    ),
    reviewer: str = typer.Option(..., "--reviewer", "-r"),
    stage: str = typer.Option("title_abstract", "--stage", "-s", help=_STAGE_HELP),
    reason: list[str] | None = typer.Option(None, "--reason", help="Criterion code (repeatable)."),
    role: str = typer.Option("reviewer", "--role", help="reviewer or adjudicator."),
    note: str = typer.Option("", "--note"),
    project: Path | None = typer.Option(None, "--project", help=_PROJECT_HELP),
) -> None:
    """Append decisions to the screening log (earlier rows are never changed)."""
    from slr.search.project import run_search
    from slr.search.screen import LogEntry, parse_decision, parse_role, parse_stage

    run = run_search(_project(project))
    st = parse_stage(stage)
    entries = [
        LogEntry(
            st,
            rid,
            parse_decision(decision),
            tuple(reason or ()),
            reviewer,
            parse_role(role),
            note=note,
        )
        for rid in record_ids
    ]
    run.log.append(entries, known_ids=run.work_of)
    typer.echo(f"appended {len(entries)} decision(s) to {run.log.path}")
    works = {w.work_id: w for w in run.works}
    mates = {rid: [r for r in works[run.work_of[rid]].record_ids if r != rid] for rid in record_ids}
    for rid, others in mates.items():
        if others:
            typer.echo(
                f"  {rid}: carried to its duplicates {', '.join(others)} (slr screen carried)"
            )


def screen_status(
    project: Path | None = typer.Option(None, "--project", help=_PROJECT_HELP),
) -> None:
    """Decisions so far, per stage."""
    from collections import Counter

    from rich.table import Table

    from slr.search.project import run_search
    from slr.search.screen import parse_stage

    run = run_search(_project(project))
    table = Table(title=f"screening of {len(run.works)} works", title_justify="left")
    for col in ("stage", "include", "exclude", "maybe", "not_retrieved", "conflict",
                "undecided", "reviewers"):  # fmt: skip
        table.add_column(col)
    for stage, finals in (("title_abstract", run.title_abstract), ("full_text", run.full_text)):
        counts = Counter(d.decision for d in finals.values())
        eligible = (
            len(run.works)
            if stage == "title_abstract"
            else sum(1 for d in run.title_abstract.values() if d.decision == "include")
        )
        table.add_row(
            stage,
            *(
                str(counts.get(k, 0))
                for k in ("include", "exclude", "maybe", "not_retrieved", "conflict")
            ),
            str(eligible - len(finals)),
            ", ".join(run.log.reviewers(parse_stage(stage))),
        )
    _console().print(table)


def screen_kappa(
    reviewer_a: str,
    reviewer_b: str,
    stage: str = typer.Option("title_abstract", "--stage", "-s"),
    project: Path | None = typer.Option(None, "--project", help=_PROJECT_HELP),
) -> None:
    """Cohen's kappa of two reviewers on the works both decided."""
    from slr.search.project import run_search
    from slr.search.screen import cohen_kappa, parse_stage

    run = run_search(_project(project))
    kappa, n = cohen_kappa(run.log, parse_stage(stage), reviewer_a, reviewer_b, run.work_of)
    shown = "undefined (every decision in one category)" if kappa is None else f"{kappa:.3f}"
    typer.echo(f"Cohen's kappa {reviewer_a} / {reviewer_b} at {stage}: {shown} on {n} works")


def screen_agreement(
    reviewers: list[str] | None = typer.Argument(None, help="Reviewers (default: all)."),
    stage: str = typer.Option("title_abstract", "--stage", "-s"),
    project: Path | None = typer.Option(None, "--project", help=_PROJECT_HELP),
) -> None:
    """Krippendorff's alpha and Gwet's AC1, valid when reviewers saw different works."""
    from slr.search.project import run_search
    from slr.search.screen import parse_stage, screening_agreement

    run = run_search(_project(project))
    result = screening_agreement(run.log, parse_stage(stage), run.work_of, reviewers or None)
    for line in result.lines():
        typer.echo(line)


def screen_conflicts(
    stage: str = typer.Option("title_abstract", "--stage", "-s"),
    project: Path | None = typer.Option(None, "--project", help=_PROJECT_HELP),
) -> None:
    """Works on which reviewers disagree (resolve with --role adjudicator)."""
    from rich.table import Table

    from slr.search.project import run_search
    from slr.search.screen import conflicts, parse_stage

    run = run_search(_project(project))
    st = parse_stage(stage)
    found = conflicts(run.log, st, run.work_of)
    works = {w.work_id: w for w in run.works}
    table = Table(title=f"{len(found)} conflict(s) at {st}", title_justify="left")
    for col in ("work", "title", "decisions"):
        table.add_column(col)
    for d in found:
        entries = [
            e
            for e in run.log.entries
            if e.stage == st and run.work_of.get(e.record_id) == d.work_id
        ]
        latest = {e.reviewer: e for e in entries}
        table.add_row(
            d.work_id,
            works[d.work_id].title[:70],
            "; ".join(
                f"{r}: {e.decision} {','.join(e.reasons)}" for r, e in sorted(latest.items())
            ),
        )
    _console().print(table)


def screen_carried(
    clusters: Path | None = typer.Option(
        None,
        "--clusters",
        help="Clusters file of `slr dedupe --clusters` (default: the project's).",
    ),
    stage: str = typer.Option("title_abstract", "--stage", "-s"),
    project: Path | None = typer.Option(None, "--project", help=_PROJECT_HELP),
) -> None:
    """Decisions carried from one record of a duplicate cluster to the others."""
    from slr.search.project import run_search
    from slr.search.screen import parse_stage
    from slr.search.screen.duplicates import carried_lines, read_clusters, record_decisions

    run = run_search(_project(project))
    cluster_of = read_clusters(clusters) if clusters else dict(run.work_of)
    decisions = record_decisions(run.log, parse_stage(stage), cluster_of, run.work_of)
    lines = carried_lines(decisions, run.log.path)
    for line in lines or ["no carried decision: no decided record has a duplicate"]:
        typer.echo(line)


def screen_next(
    stage: str = typer.Option("title_abstract", "--stage", "-s"),
    model: str | None = typer.Option(None, "--model", help="A configuration (slr screen models)."),
    top: int = typer.Option(20, "--top", help="How many to show."),
    out: Path | None = typer.Option(None, "--out", help="Write the full ranking (CSV)."),
    project: Path | None = typer.Option(None, "--project", help=_PROJECT_HELP),
) -> None:
    """Undecided works, most likely includes first (learnt from decisions so far)."""
    from rich.table import Table

    from slr.atomic import atomic_write_text
    from slr.outputs import check_outputs
    from slr.search.project import run_search
    from slr.search.screen import parse_stage, rank_for_screening

    check_outputs({"--out": out}, inputs=[project])
    run = run_search(_project(project))
    st = parse_stage(stage)
    candidates = run.works
    if st == "full_text":
        candidates = [
            w
            for w in run.works
            if (d := run.title_abstract.get(w.work_id)) is not None and d.decision == "include"
        ]
    ranked = rank_for_screening(candidates, run.log, run.work_of, stage=st, model=model)
    if out:
        atomic_write_text(out, ranked.to_csv(index=False))
    how = ranked["ranked_by"].iloc[0] if len(ranked) else ""
    table = Table(title=f"{len(ranked)} undecided at {st}; {how}", title_justify="left")
    for col in ("rank", "work", "score", "title"):
        table.add_column(col)
    for i, row in ranked.head(top).iterrows():
        score = "" if row["score"] != row["score"] else f"{row['score']:.3f}"
        table.add_row(str(int(i) + 1), row["work_id"], score, row["title"][:80])
    _console().print(table)


def screen_models() -> None:
    """The registered configurations of prioritised screening (the default first)."""
    from slr.search.screen import DEFAULT_MODEL, MODELS

    for name in [DEFAULT_MODEL, *[m for m in MODELS if m != DEFAULT_MODEL]]:
        mark = " (default)" if name == DEFAULT_MODEL else ""
        typer.echo(f"{name:<16}{mark} {MODELS[name].description}")


def screen_simulate(
    labelled: Path = typer.Argument(..., help="Labelled CSV (ASReview / SYNERGY layout)."),
    model: str | None = typer.Option(None, "--model", help="A configuration (slr screen models)."),
    seeds: int = typer.Option(5, "--seeds", help="Runs with seeds 1..n."),
    label: str | None = typer.Option(
        None, "--label", help="Label column (default label_included; or label_abstract_screening)."
    ),
    prior_included: int = typer.Option(1, "--prior-included"),
    prior_excluded: int = typer.Option(1, "--prior-excluded"),
    out: Path = typer.Option(
        Path("build/screen-simulate"), "--out", "-o", help="Folder for rankings and summary."
    ),
    plot: Path | None = typer.Option(None, "--plot", help="Write the recall curves (PNG/SVG)."),
    stopping: bool = typer.Option(False, "--stopping", help="Also replay the stopping rule."),
) -> None:
    """Replay prioritised screening of a labelled set, as `asreview simulate` does."""
    from slr.atomic import atomic_write_text
    from slr.outputs import check_outputs
    from slr.search.progress import rich_progress
    from slr.search.screen import load_labelled_set, simulate_screening

    check_outputs({"--plot": plot}, folders={"--out": out}, inputs=[labelled])
    data = load_labelled_set(labelled, label=label)
    with rich_progress() as progress:
        result = simulate_screening(
            data,
            model=model,
            seeds=list(range(1, seeds + 1)),
            n_prior_included=prior_included,
            n_prior_excluded=prior_excluded,
            progress=progress,
        )
    summary = result.summary()
    typer.echo(summary.to_string(index=False))
    folder = out / data.name
    paths = result.write_rankings(folder)
    atomic_write_text(folder / "summary.csv", summary.to_csv(index=False))
    typer.echo(
        f"{result.model.name} on {data.name} ({result.n_relevant} relevant of "
        f"{result.n_records}, label {data.label_column}): WSS@95 {result.wss95_mean:.3f} vs "
        f"{result.wss95_random_mean:.3f} for random order, mean of {seeds} seeds; rankings "
        f"{paths[0].name}..{paths[-1].name} and summary.csv in {folder}"
    )
    if stopping:
        from slr.search.screen.stopping import benchmark_stopping, summarise_stopping

        replayed = benchmark_stopping(result)
        for run in result.runs:
            rows = [r for r in replayed if r["seed"] == run.seed]
            s = summarise_stopping(rows)
            typer.echo(
                f"stopping rule (recall 95 %, confidence 95 %), seed {run.seed}, {s['replays']} "
                f"random samples: target reached in {s['reached']:.0%}, recall {s['recall']:.3f} "
                f"(lowest {s['min_recall']:.3f}), work saved {s['work_saved']:.3f}, "
                f"{s['draws']:.0f} random draws"
            )
    if plot:
        import matplotlib.pyplot as plt

        from slr.search.screen.plot import plot_recall_curves

        fig = plot_recall_curves(result)
        fig.savefig(plot, dpi=150)
        plt.close(fig)
        typer.echo(f"wrote {plot}")


def screen_sample(
    seed: int = typer.Option(1, "--seed"),
    recall: float = typer.Option(0.95, "--recall", help="Recall target of the stopping rule."),
    confidence: float = typer.Option(0.95, "--confidence"),
    project: Path | None = typer.Option(None, "--project", help=_PROJECT_HELP),
) -> None:
    """Draw the random sample of the undecided works that the stopping rule needs."""
    from slr.search.project import run_search
    from slr.search.screen.sample import sample_path, write_sample
    from slr.search.screen.stopping import draws_needed

    run = run_search(_project(project))
    path = sample_path(run.log.path)
    order = write_sample(path, run.works, run.title_abstract, seed)
    includes = sum(1 for d in run.title_abstract.values() if d.decision == "include")
    need = draws_needed(len(order), includes, recall, confidence)
    typer.echo(
        f"wrote {path}: the {len(order)} undecided works in random order. Screen them from "
        f"the top; if none of the first {need} is an include, `slr screen stop` will say recall "
        f">= {recall:.0%} with {confidence:.0%} confidence"
    )


def screen_stop(
    recall: float = typer.Option(0.95, "--recall", help="Recall target."),
    confidence: float = typer.Option(0.95, "--confidence"),
    project: Path | None = typer.Option(None, "--project", help=_PROJECT_HELP),
) -> None:
    """Is it safe to stop? Inclusions estimated to remain, and the hypergeometric test."""
    from slr.search.project import run_search
    from slr.search.screen.sample import read_sample, sample_path, stopping_state

    run = run_search(_project(project))
    path = sample_path(run.log.path)
    progress = stopping_state(
        run.works,
        run.title_abstract,
        read_sample(path) if path.is_file() else None,
        target=recall,
        confidence=confidence,
        sample_file=path,
    )
    for line in progress.state.lines():
        typer.echo(line)
    if not progress.state.stop and progress.next_works:
        typer.echo(f"next in the sample ({path.name}): {', '.join(progress.next_works)}")
