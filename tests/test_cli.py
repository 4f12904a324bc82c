"""The CLI as a user meets it: every command fails with a non-zero status and one message, never a
traceback; no output ever replaces an input. The loops go over the registered commands, so a new
command is covered without a new test."""

from __future__ import annotations

import inspect
import os
import subprocess
import sys
import typing
from pathlib import Path

import pytest
import typer
from typer.models import ArgumentInfo, OptionInfo

from slr.cli.main import app, main

ROOT = Path(__file__).resolve().parent.parent


def _commands(group: typer.Typer, path: tuple[str, ...] = ()):
    for c in group.registered_commands:
        assert c.callback is not None
        yield (*path, c.name or c.callback.__name__.replace("_", "-")), c.callback
    for g in group.registered_groups:
        assert g.typer_instance is not None and g.name
        yield from _commands(g.typer_instance, (*path, g.name))


COMMANDS = dict(_commands(app))


def _params(callback):
    """(name, annotation, OptionInfo or ArgumentInfo) of each parameter of a command."""
    hints = typing.get_type_hints(callback)
    for name, p in inspect.signature(callback).parameters.items():
        info = p.default
        if not isinstance(info, OptionInfo | ArgumentInfo):
            info = ArgumentInfo(default=... if p.default is inspect.Parameter.empty else p.default)
        yield name, hints.get(name), info


def _is_path(annotation) -> bool:
    return Path in (typing.get_args(annotation) or (annotation,)) or any(
        Path in typing.get_args(a) for a in typing.get_args(annotation)
    )


def _option_name(name: str, info: OptionInfo) -> str:
    decls = [d for d in (info.param_decls or ()) if d.startswith("--")]
    return decls[0] if decls else "--" + name.replace("_", "-")


def run(capsys, *args) -> tuple[int, str]:
    code = main([str(a) for a in args])
    out, err = capsys.readouterr()
    assert "Traceback" not in out + err, args
    return code, err


def _click_paths(cmd, path: tuple[str, ...] = ()):
    subs = getattr(cmd, "commands", None)
    if not subs:
        yield path
        return
    for name, sub in subs.items():
        yield from _click_paths(sub, (*path, name))


def test_the_loops_see_every_command():
    # the commands `slr --help` lists, group by group
    assert set(COMMANDS) == set(_click_paths(typer.main.get_command(app)))
    assert ("ingest",) in COMMANDS and ("corpus", "import") in COMMANDS


def test_help_runs_without_heavy_imports():
    code = (
        "import sys\n"
        "from slr.cli.main import main\n"
        "main(['--help'])\n"
        "heavy = [m for m in ('torch', 'transformers', 'peft', 'pandas', 'matplotlib') if m in sys.modules]\n"
        "print('HEAVY=' + ','.join(heavy))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.rstrip().endswith("HEAVY=")
    assert "Usage" in out.stdout


@pytest.mark.parametrize("path", sorted(COMMANDS), ids=" ".join)
def test_every_command_refuses_an_unknown_option_with_status_2(capsys, path):
    code, err = run(capsys, *path, "--no-such-option")
    assert code == 2 and "No such option: --no-such-option" in err


REQUIRED = sorted(
    p for p, cb in COMMANDS.items() if any(info.default is ... for _, _, info in _params(cb))
)


@pytest.mark.parametrize("path", REQUIRED, ids=" ".join)
def test_every_command_with_required_parameters_says_what_is_missing(capsys, path):
    code, err = run(capsys, *path)
    assert code == 2 and "Missing" in err


WITH_PATHS = sorted(
    p for p, cb in COMMANDS.items() if any(_is_path(ann) for _, ann, _ in _params(cb))
)


# Required values that must name something real for the command to reach its paths: a spec
# *name* (not a path) is resolved first, and an unknown one is a clean error of its own.
_PLACEHOLDERS = {"specs": "cpu-tiny-llama-lora"}


def _bad_path_argv(callback, bad: Path) -> list[str]:
    """Every path parameter set to ``bad``; other required values set to placeholders."""
    args: list[str] = []
    for name, ann, info in _params(callback):
        base = typing.get_args(ann)[0] if typing.get_origin(ann) is list else ann
        if _is_path(ann):
            value = str(bad / name)  # each its own path: no output is also an input
        elif info.default is not ...:
            continue
        elif base is int or int in typing.get_args(base):
            value = "1"
        else:
            value = _PLACEHOLDERS.get(name, "no-such-value")
        if isinstance(info, OptionInfo):
            if ann is bool:
                continue
            args += [_option_name(name, info), value]
        else:
            args.append(value)
    return args


@pytest.mark.parametrize("path", WITH_PATHS, ids=" ".join)
def test_every_command_fails_cleanly_on_a_path_it_can_neither_read_nor_write(
    capsys, tmp_path, monkeypatch, path
):
    monkeypatch.chdir(tmp_path)
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder\n", encoding="utf-8")
    bad = blocker / "missing"  # reading below it fails, and so does creating anything there
    code, err = run(capsys, *path, *_bad_path_argv(COMMANDS[path], bad))
    assert code in (1, 2), err
    assert "a-file" in err, err  # the message names the path
    assert err.count("error:") <= 1 or err.startswith("error:"), err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a-file"]  # nothing written


# ----------------------------------------------------------------------- the reported failures


def test_corpus_import_check_fails_when_the_corpus_differs(capsys, data_copy, monkeypatch):
    monkeypatch.setenv("SLR_ROOT", str(data_copy))
    papers = data_copy / "corpus" / "papers.csv"
    papers.write_text(papers.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    code, err = run(capsys, "corpus", "import", "--check")
    assert code == 1 and "corpus differs from a fresh import in: papers.csv" in err


def _bib(tmp_path: Path) -> Path:
    bib = tmp_path / "feed.bib"
    bib.write_text("@article{a, title={A paper on adapters}, year=2021}\n", encoding="utf-8")
    return bib


def test_ingest_never_writes_over_its_input(capsys, tmp_path):
    bib = _bib(tmp_path)
    before = bib.read_bytes()
    code, err = run(capsys, "ingest", bib, "-o", bib)
    assert code == 2 and "is also an input" in err
    code, err = run(capsys, "ingest", bib, "-o", tmp_path / "r.jsonl", "--rejections", bib)
    assert code == 2 and "--rejections" in err and "is also an input" in err
    link = tmp_path / "same.bib"
    os.link(bib, link)  # another name for the same file
    code, err = run(capsys, "ingest", bib, "-o", link)
    assert code == 2 and "is also an input" in err
    assert bib.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["feed.bib", "same.bib"]


def test_ingest_writes_nothing_when_an_output_is_unusable(capsys, tmp_path):
    bib = _bib(tmp_path)
    folder = tmp_path / "rejections"
    folder.mkdir()
    code, err = run(capsys, "ingest", bib, "-o", tmp_path / "r.jsonl", "--rejections", folder)
    assert code == 2 and "is a folder; give a file name" in err
    assert not (tmp_path / "r.jsonl").exists()  # the records file is not written either
    code, err = run(capsys, "ingest", bib, "-o", tmp_path)
    assert code == 2 and "is a folder" in err


def test_ingest_into_a_folder_that_does_not_exist_creates_it(capsys, tmp_path):
    bib = _bib(tmp_path)
    out = tmp_path / "new" / "deeper" / "records.jsonl"
    code, _ = run(capsys, "ingest", bib, "-o", out, "--rejections", out.with_name("rej.csv"))
    assert code == 0 and out.is_file() and out.with_name("rej.csv").is_file()
    assert sorted(p.name for p in out.parent.iterdir()) == ["records.jsonl", "rej.csv"]


def test_an_unwritable_build_folder_is_one_message(capsys):
    code, err = run(capsys, "build", "--out", "/proc/slr-cannot-write-here/build")
    assert code == 1 and err.startswith("error: --out /proc/slr-cannot-write-here/build")


def test_a_command_without_its_extra_says_what_to_install(tmp_path):
    spec = ROOT / "reproductions" / "specs" / "defect-lora-vs-full-minilm.yaml"
    code = (
        "import sys\n"
        "sys.modules['torch'] = None  # as if the ml extra were not installed\n"
        "from slr.cli.main import main\n"
        f"sys.exit(main(['train', 'check', {str(spec)!r}]))\n"
    )
    proc = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=tmp_path, timeout=300
    )
    assert proc.returncode == 1, proc.stderr
    assert "needs torch, from the 'ml' extra" in proc.stderr and "Traceback" not in proc.stderr


def test_usage_error_is_a_message_not_a_traceback():
    out = subprocess.run(
        [sys.executable, "-m", "slr.cli.main", "build", "--bogus"], capture_output=True, text=True
    )
    assert out.returncode == 2
    assert "No such option: --bogus" in out.stderr and "Traceback" not in out.stderr


def test_verbose_shows_the_traceback(capsys, tmp_path):
    code = main(["--verbose", "ingest", str(tmp_path / "missing.bib"), "-o", str(tmp_path / "r")])
    err = capsys.readouterr().err
    assert code == 1 and "Traceback" in err and "missing.bib" in err
