"""The evaluation tasks slr can score, named as in ``taxonomy/se_tasks.yaml``.

The names are the taxonomy's canonical task names, so a reproduction spec, a coding in the corpus
and a metric's list of fitting tasks use one vocabulary (a test checks they exist in the taxonomy).
"""

from __future__ import annotations

from slr.errors import ConfigError

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


_ALIASES = {
    **{_key(t): t for t in EVALUATION_TASKS},
    _key("summarization"): CODE_SUMMARIZATION,
    _key("code summarisation"): CODE_SUMMARIZATION,
    _key("code-to-text"): CODE_SUMMARIZATION,
    _key("generation"): CODE_GENERATION,
    _key("text-to-code"): CODE_GENERATION,
    _key("translation"): CODE_TRANSLATION,
    _key("defect"): DEFECT_DETECTION,
    _key("clone detection"): CLONE_DETECTION,
    _key("clone"): CLONE_DETECTION,
    _key("search"): CODE_SEARCH,
}


def resolve_task(name: str) -> str:
    """Canonical task name for ``name`` (case, spaces and hyphens ignored), or a ConfigError."""
    hit = _ALIASES.get(_key(name))
    if hit is None:
        from rapidfuzz import process

        close = [
            m for m, score, _ in process.extract(name, EVALUATION_TASKS, limit=2) if score > 60
        ]
        hint = f"did you mean {' or '.join(repr(c) for c in close)}? " if close else ""
        raise ConfigError(
            f"unknown evaluation task {name!r}; {hint}known tasks: {', '.join(EVALUATION_TASKS)}"
        )
    return hit
