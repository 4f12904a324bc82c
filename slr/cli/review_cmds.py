"""Commands of the review-as-data stage: corpus import/check, figures, build."""

from __future__ import annotations

from pathlib import Path

import typer


def register(app: typer.Typer) -> None:
    corpus = typer.Typer(
        help="Import and validate the corpus (papers and codings).", no_args_is_help=True
    )
    app.add_typer(corpus, name="corpus")

    @corpus.command("check")
    def corpus_check() -> None:
        """Validate taxonomy/ and corpus/; print every problem found."""
        from slr.review import Review

        review = Review.load()
        typer.echo(review.summary())

    @app.command("build")
    def build(out: Path = typer.Option(Path("build"), "--out", help="Output folder.")) -> None:
        """Build the whole review (figures, tables, report) from the bundled corpus."""
        from slr.build import build_review

        result = build_review(out)
        typer.echo(f"built {result} ")
