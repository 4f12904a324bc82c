"""The one registry helper (slr/registry.py) and the registries built on it."""

from __future__ import annotations

import subprocess
import sys

import pytest

from slr.errors import ConfigError
from slr.registry import Registry, close_matches


def _colours() -> Registry[str]:
    reg: Registry[str] = Registry("colour", key=str.casefold, describe=str.upper)
    for name in ("red", "green", "blue"):
        reg.add(name, name)
    reg.alias("crimson", "red")
    return reg


def test_lookup_by_name_key_and_alias():
    reg = _colours()
    assert reg.get("green") == "green"
    assert reg.get("GREEN") == "green"  # under the registry's key
    assert reg.get("Crimson") == "red"  # an alias, under the key
    assert reg.find("purple") is None
    assert reg.get("purple", None) is None  # dict.get's default (monkeypatch.setitem needs it)
    assert "blue" in reg and "purple" not in reg


def test_unknown_name_says_did_you_mean_and_lists_the_known_ones():
    with pytest.raises(ConfigError) as err:
        _colours().get("gren")
    assert str(err.value) == (
        "unknown colour 'gren'; did you mean 'green'? known colours: blue, green, red"
    )


def test_close_matches_keep_only_those_near_the_best():
    # 'Code Translaton' is one letter from 'Code Translation'; the other tasks share only 'Code '
    tasks = ["Code Translation", "Code Generation", "Code Summarization", "Code Search"]
    assert close_matches("Code Translaton", tasks) == ["Code Translation"]
    assert close_matches("zzzz", tasks) == []


def test_a_second_entry_of_a_name_is_refused_the_same_entry_again_is_not():
    reg = _colours()
    reg.add("red", "red")  # the same entry (a module imported twice): harmless
    with pytest.raises(ConfigError, match="colour 'red' is registered twice"):
        reg.add("red", "scarlet")


def test_listing_and_order():
    reg = _colours()
    assert reg.names() == ["red", "green", "blue"]  # registration order
    assert reg.listing() == [("red", "RED"), ("green", "GREEN"), ("blue", "BLUE")]


def test_fallback_makes_entries_on_demand():
    reg: Registry[str] = Registry("metric")
    reg.add_fallback(lambda name: name if name.startswith("pass@") else None)
    assert reg.get("pass@7") == "pass@7"
    with pytest.raises(ConfigError):
        reg.get("bleu")


def test_discovery_is_lazy_and_imports_every_module_of_the_package():
    code = (
        "import sys\n"
        "from slr.figures.base import FIGURES\n"
        "assert 'slr.figures.review_figures' not in sys.modules, 'imported before use'\n"
        "names = FIGURES.names()\n"
        "mods = sorted(m for m in sys.modules if m.startswith('slr.figures.'))\n"
        "print(len(names), ' '.join(mods))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout.split()
    # every module of slr/figures is imported on first use (none is listed anywhere)
    assert set(out[1:]) >= {
        "slr.figures.reproduction_figures",
        "slr.figures.review_figures",
        "slr.figures.review_scheme_figures",
        "slr.figures.search_figures",
    }
    assert int(out[0]) >= 11  # the 11 figures of the review (slr/figures/*_figures.py)


@pytest.mark.parametrize(
    "lookup,name,expected",
    [
        ("slr.search.sources:get_format", "bibtx", "did you mean 'bibtex'"),
        ("slr.evaluate.metrics:get_metric", "rouge-l", "did you mean 'rouge_l'"),
        (
            "slr.evaluate.datasets.catalog:get_spec",
            "stdlib-defect",
            "did you mean 'stdlib-defects'",
        ),
        ("slr.evaluate.tasks:resolve_task", "Code Translaton", "did you mean 'Code Translation'"),
        ("slr.figures.base:FIGURES.get", "venue", "did you mean 'venues'"),
        ("slr.report.context:SECTIONS.get", "serch", "did you mean 'search'"),
        ("slr.evaluate.datasets.defects:BUGS.get", "off_by_two", "did you mean 'off_by_one'"),
    ],
)
def test_every_registry_answers_an_unknown_name_the_same_way(lookup, name, expected):
    import importlib

    module, attr = lookup.split(":")
    fn = importlib.import_module(module)
    for part in attr.split("."):
        fn = getattr(fn, part)
    with pytest.raises(ConfigError) as err:
        fn(name)
    assert expected in str(err.value) and "known " in str(err.value)
