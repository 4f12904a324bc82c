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
            ...,
            "--clusters",
            help="Write record_id,cluster_id,note: one row per input record, named by the "
            "export's ids (BibTeX key, ID / record_id column, RIS ID) where it has them.",
        ),
        pairs: Path | None = typer.Option(
            None, "--pairs", help="Write every matched pair with its rule and scores."
        ),
        review: Path | None = typer.Option(
            None,
            "--review",
            help="Write the uncertain pairs, least certain first, fields side by side.",
        ),
        decisions: Path | None = typer.Option(
            None,
            "--decisions",
            help="Decisions file (duplicate / not duplicate) that "
            "overrides the rules; a filled-in review file works.",
        ),
        works: Path | None = typer.Option(None, "--works", help="Write merged works (.jsonl)."),
        no_model: bool = typer.Option(
            False,
            "--no-model",
            help="Rules only: no Fellegi-Sunter model (its sure matches, its review ranking).",
        ),
    ) -> None:
        """Find duplicate records, cluster them and merge each cluster into one work.

        Every input record gets a row in the clusters file; records that cannot be compared
        (no title) are clusters of their own, with the reason in the note column.
        """
        from slr.outputs import check_outputs
        from slr.search.dedupe import DedupeConfig, dedupe, dedupe_report
        from slr.search.dedupe.inputs import read_dedupe_input
        from slr.search.dedupe.naming import record_names
        from slr.search.progress import rich_progress
        from slr.search.venues import review_venues

        check_outputs(
            {"--clusters": clusters, "--pairs": pairs, "--review": review, "--works": works},
            inputs=[*records, decisions],
        )
        venues = review_venues()  # the table `slr search run` uses in this repository

        with rich_progress() as progress:
            data = read_dedupe_input(records, progress, venues)
            naming = record_names(data.records)
            result = dedupe(
                data.records,
                decisions=decisions,
                progress=progress,
                names=naming.names,
                config=DedupeConfig(use_model=not no_model),
                venues=venues,
            )
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
        if counts["not_compared"]:
            typer.echo(
                f"{counts['not_compared']} records could not be compared (no title; "
                f"{data.rejected} of them rejected by ingest): each is a cluster of its own, "
                "the reason in the note column"
            )
        if naming.by_ids:
            typer.echo(f"records named by their ids: {', '.join(naming.by_ids)}")
        if naming.by_rows:
            typer.echo(f"records named by file and row: {', '.join(naming.by_rows)}")
        for note in naming.notes:
            typer.echo(f"note: {note}")

    # ------------------------------------------------------------------------------- screen
    # the screen commands live in slr/cli/screen_cmds.py (which imports this module's helpers),
    # registered by slr/cli/main.py after these commands and before the search group

    app.command("prisma")(prisma_cmd)
    app.command("snowball")(snowball_cmd)


def register_project(app: typer.Typer) -> None:
    """The ``slr search`` group: the review's search project."""
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
    from slr.search.venues import review_venues

    check_outputs({"--out": out, "--rejections": rejections}, inputs=files)
    venues = review_venues()  # the table `slr search run` uses in this repository
    with rich_progress() as progress:
        result = ingest(
            files,
            format=None if format == "auto" else format,
            source=source,
            id_prefixes=id_prefix or None,
            column_map=parse_column_map(column_map) if column_map else None,
            progress=progress,
            venues=venues,
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
