"""Commands of the review-as-data stage: taxonomy, corpus import/check, figures, build."""

from __future__ import annotations

from pathlib import Path

import typer

_CORPUS_FILES = ("papers.csv", "codings.csv", "codings_early.csv", "findings.csv")


def register(app: typer.Typer) -> None:
    corpus = typer.Typer(
        help="Import and validate the corpus (papers and codings).", no_args_is_help=True
    )
    taxonomy = typer.Typer(
        help="Inspect and validate the taxonomy (the coding vocabulary).", no_args_is_help=True
    )
    app.add_typer(corpus, name="corpus")
    app.add_typer(taxonomy, name="taxonomy")
    corpus.command("import")(corpus_import)
    corpus.command("vendor")(corpus_vendor)
    corpus.command("check")(corpus_check)
    taxonomy.command("check")(taxonomy_check)
    taxonomy.command("variants")(taxonomy_variants)
    app.command("figures")(figures)
    app.command("build")(build)


def corpus_import(
    from_: Path | None = typer.Option(
        None,
        "--from",
        help="Refresh corpus/sources/ from this folder of published artifacts (slr-peft/) first.",
    ),
    out: Path | None = typer.Option(None, help="Corpus folder to write (default: corpus/)."),
    check: bool = typer.Option(
        False, "--check", help="Only compare with the committed corpus; write nothing."
    ),
) -> None:
    """Rebuild corpus/ from the vendored published artifacts and corpus/decisions.yaml."""
    from slr.corpus.importer import import_corpus
    from slr.corpus.vendor import check_sources, refresh_sources
    from slr.outputs import check_outputs
    from slr.paths import corpus_dir

    target = out or corpus_dir()
    if from_ is not None:
        check_outputs(folders={"--out": target}, inputs=[from_])
    vendored = target / "sources"
    if from_ is not None and not check:
        refresh_sources(from_, vendored)
        typer.echo(f"copied the published artifacts from {from_} into {vendored}")
    check_sources(vendored).raise_if_any("vendored artifacts")
    if check:
        _check_corpus(vendored, target)
        return
    result = import_corpus(vendored, target, decisions_path=target / "decisions.yaml")
    typer.echo(f"wrote {target}: {result.summary()}")


def _check_corpus(vendored: Path, target: Path) -> None:
    """Import into a temporary folder and compare with the committed corpus (exit 1 if not)."""
    import tempfile

    from slr.corpus.importer import import_corpus

    with tempfile.TemporaryDirectory() as tmp:
        result = import_corpus(vendored, Path(tmp), decisions_path=target / "decisions.yaml")
        changed = [
            n
            for n in _CORPUS_FILES
            if (Path(tmp) / n).read_text(encoding="utf-8") != _read(target / n)
        ]
    if changed:
        typer.echo(
            f"corpus differs from a fresh import in: {', '.join(changed)}; run 'slr corpus import'",
            err=True,
        )
        raise typer.Exit(1)
    typer.echo(f"corpus matches a fresh import: {result.summary()}")


def corpus_vendor(
    source: Path = typer.Argument(
        ..., help="A folder of published data, e.g. ../shared/data/screening/kitchenham_2010."
    ),
    dest: Path = typer.Argument(..., help="Where in corpus/ to keep the verbatim copy."),
) -> None:
    """Copy a folder of published data verbatim into the repository, recording SHA-256s."""
    from slr.corpus.vendor import vendor_folder
    from slr.outputs import check_outputs, same_file

    if same_file(source, dest):
        from slr.errors import UsageError

        raise UsageError(f"{source} and {dest} are the same folder; give another destination")
    check_outputs(folders={"DEST": dest})
    record = vendor_folder(source, dest)
    typer.echo(f"copied {len(record)} files into {dest} (hashes in {dest / 'SOURCES.json'})")


def corpus_check() -> None:
    """Validate taxonomy/ and corpus/; print every problem found, or a summary."""
    from slr.review import Review

    typer.echo(Review.load().summary())


def taxonomy_check() -> None:
    """Validate taxonomy/*.yaml."""
    from slr.taxonomy import load_taxonomy

    t = load_taxonomy()
    typer.echo(
        f"{len(t.methods)} PEFT methods in {len(t.families)} families, {len(t.tasks)} SE tasks, "
        f"{len(t.architectures)} architectures, {len(t.models)} base models, {len(t.venues)} venues, "
        f"{len(t.datasets)} datasets, {len(t.metrics)} metrics, {len(t.gpus)} GPUs"
    )


def taxonomy_variants(
    method: str = typer.Argument(..., help="A PEFT method, e.g. LoRA."),
) -> None:
    """A method and all its variants (e.g. every LoRA variant)."""
    from slr.taxonomy import load_taxonomy

    for name in load_taxonomy().variants_of(method):
        typer.echo(name)


def figures(
    out: Path = typer.Option(Path("build/figures"), "--out", help="Output folder."),
    only: list[str] = typer.Option(None, "--only", help="Figure name(s); default: all."),
) -> None:
    """Compute and draw the review's figures (PNG, SVG and the CSV of each)."""
    from slr.figures.base import registry, render, setup_matplotlib
    from slr.outputs import check_outputs
    from slr.paths import corpus_dir, taxonomy_dir
    from slr.review import Review

    check_outputs(folders={"--out": out}, inputs=[corpus_dir(), taxonomy_dir()])
    setup_matplotlib()
    review = Review.load()
    specs = registry()
    unknown = set(only or []) - set(specs)
    if unknown:
        raise typer.BadParameter(f"unknown figure(s) {sorted(unknown)}; known: {', '.join(specs)}")
    for name, spec in specs.items():
        if only and name not in only:
            continue
        paths = render(spec, review, out)
        typer.echo(f"{name}: {', '.join(str(p) for p in paths.values())}")


def build(out: Path = typer.Option(Path("build"), "--out", help="Output folder.")) -> None:
    """Build the whole review (figures, tables, report.html) from the bundled corpus."""
    import time

    from slr.build import build_review

    started = time.perf_counter()
    result = build_review(out)
    typer.echo(
        f"built the review into {result} in {time.perf_counter() - started:.1f} s; "
        f"open {result / 'report.html'}"
    )


def _read(path: Path) -> str:
    return path.read_text(encoding="utf-8") if path.exists() else ""
