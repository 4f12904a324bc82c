"""Entry point of the ``slr`` command.

Each command group lives in its own module (``slr/cli/<group>.py``) exposing a ``typer.Typer``
named ``app`` (or plain commands registered through ``register(app)``). Only typer is imported at
module level, so ``slr --help`` stays fast and never imports pandas, matplotlib or torch.

Errors: an :class:`slr.errors.SlrError` is printed as a report and exits with status 1 (2 for a
validation report); ``--verbose`` adds the traceback.
"""

from __future__ import annotations

import sys

import typer

from slr.cli import evaluate_cmds, reproduce_cmds, review_cmds, search_cmds, train_cmds

app = typer.Typer(
    name="slr",
    help="Systematic literature reviews as data: the review of PEFT for large code models, "
    "from search exports to figures, with re-run experiments.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    # plain click help: `slr --help` must not pay for importing rich's markdown renderer
    rich_markup_mode=None,
)

_state = {"verbose": False}


@app.callback()
def _root(
    verbose: bool = typer.Option(False, "--verbose", "-v", help="Show tracebacks on errors."),
) -> None:
    _state["verbose"] = verbose


review_cmds.register(app)
evaluate_cmds.register(app)
search_cmds.register(app)
reproduce_cmds.register(app)
train_cmds.register(app)


def main(argv: list[str] | None = None) -> int:
    """Run the CLI; SlrError becomes a readable report and a non-zero exit status."""
    from slr.errors import SlrError, ValidationError

    args = sys.argv[1:] if argv is None else argv
    if "--verbose" in args or "-v" in args:
        _state["verbose"] = True
    try:
        app(args=args, standalone_mode=False)
    except SlrError as err:
        if _state["verbose"]:
            import traceback

            traceback.print_exc()
        print(f"error: {err}", file=sys.stderr)
        return 2 if isinstance(err, ValidationError) else 1
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    except Exception as err:  # click usage errors and friends
        kind = _click_kind(err)
        if kind == "usage":
            err.show()  # type: ignore[attr-defined]
            return int(err.exit_code)  # type: ignore[attr-defined]
        if kind == "exit":
            return int(getattr(err, "exit_code", 0) or 0)
        if kind == "abort":
            print("aborted", file=sys.stderr)
            return 1
        raise
    return 0


def _click_kind(err: BaseException) -> str | None:
    """'usage', 'exit' or 'abort' for click's exceptions.

    Judged by the class names in the exception's MRO, so it holds whether typer uses click
    itself (typer < 0.29: ``click.exceptions``) or its vendored copy (typer 0.29:
    ``typer._click.exceptions``, with ``Exit``/``Abort`` moved to ``typer.exceptions``).
    """
    names = {cls.__name__ for cls in type(err).__mro__}
    if "ClickException" in names:
        return "usage"
    if "Exit" in names:
        return "exit"
    if "Abort" in names:
        return "abort"
    return None


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
