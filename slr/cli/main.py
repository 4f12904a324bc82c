"""Entry point of the ``slr`` command.

Each command group lives in its own module (``slr/cli/<group>.py``) exposing a ``typer.Typer``
named ``app`` (or plain commands registered through ``register(app)``). Only typer is imported at
module level, so ``slr --help`` stays fast and never imports pandas, matplotlib or torch.

Exit statuses (one place for every command, :func:`main`): 0 success; 1 a problem in the input
(an :class:`slr.errors.SlrError`, a file that cannot be read or written); 2 a usage error (a bad
option, an output that is also an input: :class:`slr.errors.UsageError`); 130 Ctrl-C; 143
SIGTERM. A failure prints one message starting with ``error:``; ``--verbose`` adds the traceback.
"""

from __future__ import annotations

import sys

import typer

from slr.cli import (
    evaluate_cmds,
    reproduce_cmds,
    review_cmds,
    screen_cmds,
    search_cmds,
    train_cmds,
)
from slr.cli.failures import handle_signals, report_failure

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


@app.callback()
def _root(
    verbose: bool = typer.Option(False, "--verbose", "-v", help="Show tracebacks on errors."),
) -> None:
    """``--verbose`` is read by :func:`main` before the command runs."""


review_cmds.register(app)
evaluate_cmds.register(app)
search_cmds.register(app)  # ingest, dedupe, prisma, snowball
screen_cmds.register(app)
search_cmds.register_project(app)
reproduce_cmds.register(app)
train_cmds.register(app)


def main(argv: list[str] | None = None) -> int:
    """Run the CLI and return its exit status; failures become one message, no traceback."""
    args = list(sys.argv[1:] if argv is None else argv)
    verbose = "--verbose" in args or "-v" in args
    with handle_signals() as signals:
        try:
            status = app(args=args, standalone_mode=False)
        except BaseException as err:  # every failure, Ctrl-C included, is reported here
            return report_failure(err, verbose=verbose, signals=signals)
    if signals.interrupted and status == 130:  # typer turns KeyboardInterrupt into Exit(130)
        print("error: interrupted (Ctrl-C); outputs are left as they were", file=sys.stderr)
    return status if isinstance(status, int) else 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
