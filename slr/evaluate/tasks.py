"""The evaluation tasks slr can score, named as in ``taxonomy/se_tasks.yaml``.

The names are the taxonomy's canonical task names, so a reproduction spec, a coding in the corpus
and a metric's list of fitting tasks use one vocabulary (a test checks they exist in the taxonomy).
"""

from __future__ import annotations

from slr.registry import Registry

CODE_SUMMARIZATION = "Code Summarization"
CODE_GENERATION = "Code Generation"
CODE_TRANSLATION = "Code Translation"
DEFECT_DETECTION = "Defect Detection"
CLONE_DETECTION = "Code Clone Detection"
CODE_SEARCH = "Code Search"

EVALUATION_TASKS: tuple[str, ...] = (
    CODE_SUMMARIZATION,
    CODE_GENERATION,
    CODE_TRANSLATION,
    DEFECT_DETECTION,
    CLONE_DETECTION,
    CODE_SEARCH,
)


def _key(text: str) -> str:
    return "".join(ch for ch in text.casefold() if ch.isalnum())


TASKS: Registry[str] = Registry("evaluation task", key=_key)
for _task in EVALUATION_TASKS:
    TASKS.add(_task, _task)
for _alias, _task in {
    "summarization": CODE_SUMMARIZATION,
    "code summarisation": CODE_SUMMARIZATION,
    "code-to-text": CODE_SUMMARIZATION,
    "generation": CODE_GENERATION,
    "text-to-code": CODE_GENERATION,
    "translation": CODE_TRANSLATION,
    "defect": DEFECT_DETECTION,
    "clone detection": CLONE_DETECTION,
    "clone": CLONE_DETECTION,
    "search": CODE_SEARCH,
}.items():
    TASKS.alias(_alias, _task)


def resolve_task(name: str) -> str:
    """Canonical task name for ``name`` (case, spaces and hyphens ignored), or a ConfigError."""
    return TASKS.get(name)
