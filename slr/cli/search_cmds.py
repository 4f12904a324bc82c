"""Commands of the search stage: ingest, dedupe, screen, prisma, snowball, search.

Each command is a thin shell over the Python API in :mod:`slr.search` (imported inside the
command bodies, so ``slr --help`` stays light). Long steps show rich progress bars on stderr.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import typer

_PROJECT_HELP = "Search project folder (holds search.yaml); default: corpus/search of the review."


def _console() -> Any:
    from rich.console import Console

    return Console()


def _project(project: Path | None) -> Path:
    """The search project folder: --project, else corpus/search of the review."""
    from slr.errors import ConfigError

    if project is not None:
        return project
    try:
        from slr.paths import corpus_dir

        folder = corpus_dir() / "search"
        if (folder / "search.yaml").is_file():
            return folder
    except ConfigError:
        pass
    here = Path.cwd() / "corpus" / "search"
    if (here / "search.yaml").is_file():
        return here
    raise ConfigError("no search project found; pass --project DIR (a folder with search.yaml)")


def _records(paths: list[Path], progress: Any) -> list[Any]:
    """Records from records files (.jsonl, from `slr ingest`) or straight from exports."""
    from slr.search.ingest import ingest
    from slr.search.records import read_records

    records: list[Any] = []
    exports = [p for p in paths if p.suffix.lower() != ".jsonl"]
    for p in paths:
        if p.suffix.lower() == ".jsonl":
            records.extend(read_records(p))
    if exports:
        records.extend(ingest(exports, progress=progress).records)
    return records


def _show_ingest(result: Any, console: Any, limit: int = 20) -> None:
    from rich.table import Table

    table = Table(title="ingest", title_justify="left")
    for col in ("file", "format", "encoding", "source", "read", "accepted", "rejected"):
        table.add_column(
            col, justify="right" if col in ("read", "accepted", "rejected") else "left"
        )
    for f in result.files:
        table.add_row(
            f.file, f.format, f.encoding, f.source, str(f.read), str(f.accepted), str(f.rejected)
        )
    console.print(table)
    for f in result.files:
        if f.note:
            typer.echo(f"{f.file}: {f.note}")
    for rej in result.rejections[:limit]:
        typer.echo(f"rejected {rej}")
    if len(result.rejections) > limit:
        typer.echo(f"... and {len(result.rejections) - limit} more rejections")
    warnings = list(result.warnings)
    for w in warnings[:limit]:
        typer.echo(f"warning {w}")
    if len(warnings) > limit:
        typer.echo(f"... and {len(warnings) - limit} more warnings")


def register(app: typer.Typer) -> None:
    app.command("ingest")(ingest_cmd)

    # ------------------------------------------------------------------------------- dedupe
    @app.command("dedupe")
    def dedupe_cmd(
        records: list[Path] = typer.Argument(..., help="Records files (.jsonl) or exports."),
        clusters: Path = typer.Option(
            ..., "--clusters", help="Write record_id,cluster_id (one row per record)."
        ),
        pairs: Path | None = typer.Option(
            None, "--pairs", help="Write every matched pair with its rule and scores."
        ),
        review: Path | None = typer.Option(
            None, "--review", help="Write uncertain pairs to decide."
        ),
        decisions: Path | None = typer.Option(
            None,
            "--decisions",
            help="Decisions file (duplicate / not duplicate) that "
            "overrides the rules; a filled-in review file works.",
        ),
        works: Path | None = typer.Option(None, "--works", help="Write merged works (.jsonl)."),
    ) -> None:
        """Find duplicate records, cluster them and merge each cluster into one work."""
        from slr.outputs import check_outputs
        from slr.search.dedupe import dedupe, dedupe_report
        from slr.search.progress import rich_progress

        check_outputs(
            {"--clusters": clusters, "--pairs": pairs, "--review": review, "--works": works},
            inputs=[*records, decisions],
        )

        with rich_progress() as progress:
            recs = _records(records, progress)
            result = dedupe(recs, decisions=decisions, progress=progress)
        result.write_clusters(clusters)
        if pairs:
            result.write_pairs(pairs)
        if review:
            result.write_review(review)
        if works:
            result.write_works(works)
        counts = dedupe_report(result)
        typer.echo(
            f"{counts['records']} records -> {counts['works']} works "
            f"({counts['duplicates_removed']} duplicates removed, "
            f"{counts['versions_linked']} preprint versions linked); "
            f"{counts['pairs_to_review']} pairs to review"
            + (f" (in {review})" if review else " (write them with --review)")
            + f"; {counts['decisions_applied']} decisions applied; wrote {clusters}",
        )

    # ------------------------------------------------------------------------------- screen
    screen = typer.Typer(
        help="Screen works: decisions, agreement, prioritised order.", no_args_is_help=True
    )
    app.add_typer(screen, name="screen")

    @screen.command("decide")
    def screen_decide(
        record_ids: list[str] = typer.Argument(..., help="Record ids (any record of a work)."),
        decision: str = typer.Option(
            ..., "--decision", "-d", help="include, exclude, maybe or not_retrieved."
        ),
        reviewer: str = typer.Option(..., "--reviewer", "-r"),
        stage: str = typer.Option(
            "title_abstract", "--stage", "-s", help="title_abstract (ti-ab) or full_text (ft)."
        ),
        reason: list[str] | None = typer.Option(
            None, "--reason", help="Criterion code (repeatable)."
        ),
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

    @screen.command("status")
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
        for col in (
            "stage",
            "include",
            "exclude",
            "maybe",
            "not_retrieved",
            "conflict",
            "undecided",
            "reviewers",
        ):
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

    @screen.command("kappa")
    def screen_kappa(
        reviewer_a: str,
        reviewer_b: str,
        stage: str = typer.Option("title_abstract", "--stage", "-s"),
        project: Path | None = typer.Option(None, "--project", help=_PROJECT_HELP),
    ) -> None:
        """Cohen's kappa of two reviewers at one stage."""
        from slr.search.project import run_search
        from slr.search.screen import cohen_kappa, parse_stage

        run = run_search(_project(project))
        kappa, n = cohen_kappa(run.log, parse_stage(stage), reviewer_a, reviewer_b, run.work_of)
        typer.echo(
            f"Cohen's kappa {reviewer_a} / {reviewer_b} at {stage}: {kappa:.3f} on {n} works",
        )

    @screen.command("conflicts")
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

    @screen.command("next")
    def screen_next(
        stage: str = typer.Option("title_abstract", "--stage", "-s"),
        model: str = typer.Option("logistic", "--model", help="logistic or nb."),
        top: int = typer.Option(20, "--top", help="How many to show."),
        out: Path | None = typer.Option(None, "--out", help="Write the full ranking (CSV)."),
        project: Path | None = typer.Option(None, "--project", help=_PROJECT_HELP),
    ) -> None:
        """Undecided works, most likely includes first (learnt from decisions so far)."""
        from rich.table import Table

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
            from slr.atomic import atomic_write_text

            atomic_write_text(out, ranked.to_csv(index=False))
        table = Table(
            title=f"{len(ranked)} undecided at {st}; "
            f"{ranked['ranked_by'].iloc[0] if len(ranked) else ''}",
            title_justify="left",
        )
        for col in ("rank", "work", "score", "title"):
            table.add_column(col)
        for i, row in ranked.head(top).iterrows():
            score = "" if row["score"] != row["score"] else f"{row['score']:.3f}"
            table.add_row(str(i + 1), row["work_id"], score, row["title"][:80])
        _console().print(table)

    @screen.command("simulate")
    def screen_simulate(
        labelled: Path = typer.Argument(..., help="CSV with title, abstract, label_included."),
        model: str = typer.Option("logistic", "--model", help="logistic or nb."),
        seeds: int = typer.Option(5, "--seeds", help="Number of runs (seeds 0..n-1)."),
        batch_size: int = typer.Option(10, "--batch-size"),
        plot: Path | None = typer.Option(None, "--plot", help="Write the recall curves (PNG/SVG)."),
    ) -> None:
        """Replay prioritised screening of a labelled set: recall curve and WSS@95 vs random."""
        from slr.outputs import check_outputs
        from slr.search.progress import rich_progress
        from slr.search.screen import load_labelled_csv, simulate_screening

        check_outputs({"--plot": plot}, inputs=[labelled])
        texts, labels = load_labelled_csv(labelled)
        with rich_progress() as progress:
            result = simulate_screening(
                texts,
                labels,
                model=model,
                seeds=list(range(seeds)),
                batch_size=batch_size,
                progress=progress,
            )
        typer.echo(result.summary().to_string(index=False))
        typer.echo(
            f"WSS@95 {result.wss95_mean:.3f} (TF-IDF + {model}) vs "
            f"{result.wss95_random_mean:.3f} (random order), mean of {seeds} seeds; "
            f"{result.n_relevant} relevant of {result.n_records}",
        )
        if plot:
            import matplotlib.pyplot as plt

            fig = result.plot()
            fig.savefig(plot, dpi=150)
            plt.close(fig)
            typer.echo(f"wrote {plot}")

    app.command("prisma")(prisma_cmd)
    app.command("snowball")(snowball_cmd)
    search = typer.Typer(
        help="The review's search project: run, import, included papers.", no_args_is_help=True
    )
    app.add_typer(search, name="search")
    search.command("run")(search_run)
    search.command("included")(search_included)
    search.command("import-sample")(search_import_sample)
    search.command("formats")(search_formats)


def ingest_cmd(
    files: list[Path] = typer.Argument(..., help="Exports: BibTeX, RIS, CSV, arXiv."),
    out: Path = typer.Option(..., "--out", "-o", help="Records file to write (.jsonl)."),
    format: str = typer.Option(
        "auto", "--format", "-f", help="Source format (see `slr search formats`)."
    ),
    source: str | None = typer.Option(None, "--source", help="Database label, e.g. scopus."),
    id_prefix: list[str] | None = typer.Option(
        None, "--id-prefix", help="Record-id prefix per file (default: file name)."
    ),
    rejections: Path | None = typer.Option(
        None, "--rejections", help="Write rejected records (CSV)."
    ),
    column_map: str | None = typer.Option(
        None,
        "--map",
        help="Column mapping of a CSV with other column names, e.g. "
        "'title=Title,abstract=Abstract,authors=Author Names' (csv format; without it the "
        "mapping is inferred and printed).",
    ),
) -> None:
    """Read search exports into records; every record read is accepted or rejected."""
    from slr.atomic import atomic_batch
    from slr.outputs import check_outputs
    from slr.search.ingest import ingest, parse_column_map, write_rejections
    from slr.search.progress import rich_progress
    from slr.search.records import write_records_to

    check_outputs({"--out": out, "--rejections": rejections}, inputs=files)
    with rich_progress() as progress:
        result = ingest(
            files,
            format=None if format == "auto" else format,
            source=source,
            id_prefixes=id_prefix or None,
            column_map=parse_column_map(column_map) if column_map else None,
            progress=progress,
        )
    with atomic_batch() as batch:  # records and rejections appear together or not at all
        with batch.writer(out) as fh:
            n = write_records_to(fh, result.records)
        if rejections is not None:
            with batch.writer(rejections) as fh:
                write_rejections(fh, result.rejections)
    console = _console()
    _show_ingest(result, console)
    typer.echo(
        f"{result.read} records read = {n} accepted + {len(result.rejections)} "
        f"rejected; wrote {out}",
    )


def prisma_cmd(
    out: Path = typer.Option(
        Path("build/prisma"),
        "--out",
        "-o",
        help="Folder for prisma.png, prisma.svg, prisma.csv.",
    ),
    title: str | None = typer.Option(None, "--title"),
    project: Path | None = typer.Option(None, "--project", help=_PROJECT_HELP),
) -> None:
    """Draw the PRISMA 2020 flow diagram from the pipeline's own counts."""
    from slr.figures.base import setup_matplotlib, write_figure
    from slr.outputs import check_outputs
    from slr.search.prisma import compute_prisma
    from slr.search.prisma_diagram import plot_prisma
    from slr.search.progress import rich_progress
    from slr.search.project import run_search

    check_outputs(folders={"--out": out}, inputs=[_project(project)])
    with rich_progress() as progress:
        run = run_search(_project(project), progress=progress)
    frame = compute_prisma(run)
    setup_matplotlib()
    paths = write_figure("prisma", frame, lambda f: plot_prisma(f, title=title), out)
    typer.echo("wrote " + ", ".join(str(p) for p in paths.values()))


def snowball_cmd(
    file: Path = typer.Argument(..., help="Export of the seed paper's references or citations."),
    seed: str = typer.Option(..., "--seed", help="Record id of the included paper."),
    direction: str = typer.Option(..., "--direction", help="backward or forward."),
    format: str = typer.Option("auto", "--format", "-f"),
    add: bool = typer.Option(
        False, "--add", help="Copy into the project and list it in search.yaml."
    ),
    out: Path | None = typer.Option(None, "--out", "-o", help="Write the records (.jsonl)."),
    project: Path | None = typer.Option(None, "--project", help=_PROJECT_HELP),
) -> None:
    """Records found by backward/forward snowballing from an included paper."""
    from slr.outputs import check_outputs
    from slr.search.project import add_snowball_source, run_search
    from slr.search.records import write_records
    from slr.search.snowball import parse_direction, snowball

    check_outputs({"--out": out}, inputs=[file])
    way = parse_direction(direction)
    console = _console()
    if add:
        dest = add_snowball_source(_project(project), file, seed=seed, direction=way, format=format)
        typer.echo(f"added {dest} to the search project")
        return
    run = run_search(_project(project))
    included = {rid for w in run.included_works() for rid in w.record_ids}
    result = snowball(
        file,
        seed=seed,
        direction=way,
        format=None if format == "auto" else format,
        included_ids=included,
    )
    _show_ingest(result, console)
    if out:
        write_records(result.records, out)
        typer.echo(f"wrote {out}")


def search_run(
    project: Path | None = typer.Argument(None, help=_PROJECT_HELP),
) -> None:
    """Run ingest -> dedupe -> screening state and print the counts of each stage."""
    from rich.table import Table

    from slr.search.prisma import compute_prisma
    from slr.search.progress import rich_progress
    from slr.search.project import run_search

    with rich_progress() as progress:
        run = run_search(_project(project), progress=progress)
    console = _console()
    _show_ingest(run.ingested, console, limit=10)
    frame = compute_prisma(run)
    table = Table(title="PRISMA counts", title_justify="left")
    for col in frame.columns:
        table.add_column(col)
    for _, row in frame.iterrows():
        table.add_row(*(str(v) for v in row))
    console.print(table)


def search_included(
    project: Path | None = typer.Argument(None, help=_PROJECT_HELP),
    out: Path | None = typer.Option(None, "--out", "-o", help="Write them (.jsonl)."),
) -> None:
    """The included papers, as the review's corpus receives them."""
    import json

    from slr.atomic import atomic_write_text
    from slr.outputs import check_outputs
    from slr.search.project import included_papers

    check_outputs({"--out": out}, inputs=[project])
    papers = list(included_papers(folder=_project(project)))
    if out:
        atomic_write_text(out, "".join(json.dumps(p, ensure_ascii=False) + "\n" for p in papers))
    for p in papers:
        typer.echo(f"{p['year']}  {p['title']}  [{', '.join(p['record_ids'])}]")
    typer.echo(f"{len(papers)} included paper(s)")


def search_import_sample(
    shared: Path | None = typer.Option(
        None, "--shared", help="Folder holding slr-peft/ (shared/data)."
    ),
    dest: Path = typer.Option(Path("corpus/search"), "--dest"),
) -> None:
    """Write corpus/search from the review's published Publish or Perish sample."""
    from slr.paths import shared_data_dir
    from slr.search.bundled import import_pop_sample

    summary = import_pop_sample(shared or shared_data_dir(Path.cwd()), dest)
    typer.echo(
        f"copied {summary.export} ({summary.records} records); derived decisions: "
        f"{len(summary.included)} included "
        f"({', '.join(f'{r}={p}' for r, p in summary.included)}), {summary.excluded} "
        "excluded as not in the final selection (reason not published)",
    )


def search_formats() -> None:
    """The registered export formats."""
    from slr.search.sources import source_formats

    for name, fmt in source_formats().items():
        typer.echo(f"{name:<12} {fmt.description}")
