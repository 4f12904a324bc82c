"""Checks of one spec file beyond its keys and types: cross-references and registries.

Training specs: unique task and arm names, the tasks an arm names, checks naming arms and
metrics that exist. Measured-run specs: the model has an architecture file and the method its
registry entry with valid hyper-parameters. The heavier checks of a training spec (datasets,
metrics against tasks, methods on the model, claim ids) are
:func:`slr.reproduce.train.preflight.preflight`'s.
"""

from __future__ import annotations

from pydantic import ValidationError as PydanticValidationError

from slr.errors import ConfigError, ValidationReport
from slr.reproduce.specs.common import add_pydantic_problem
from slr.reproduce.specs.loaded import LoadedSpec
from slr.reproduce.specs.measure import MeasureSpec
from slr.reproduce.specs.train import (
    ArmSpec,
    CheckSpec,
    TrainingLoop,
    TrainSpec,
    split_metric_key,
)


def measure_problems(loaded: LoadedSpec, report: ValidationReport) -> None:
    """The model has an architecture file; the method exists and takes the hyper-parameters."""
    from slr.reproduce.architectures import architecture
    from slr.reproduce.methods import method_config

    spec = loaded.spec
    assert isinstance(spec, MeasureSpec)
    try:
        architecture(spec.model)
    except ConfigError as err:
        report.add(loaded.path, f"model: {err}", line=loaded.line_of("model"))
    try:
        method_config(spec.method, **spec.hyperparameters)
    except ConfigError as err:
        where = "hyperparameters" if spec.hyperparameters else "method"
        report.add(loaded.path, f"method: {err}", line=loaded.line_of(where))


def train_problems(loaded: LoadedSpec, report: ValidationReport) -> None:
    """Cross-references inside the file: unique names, arms' tasks, checks' arms and metrics."""
    spec = loaded.spec
    assert isinstance(spec, TrainSpec)
    task_keys = [t.key for t in spec.tasks]
    for i, key in enumerate(task_keys):
        if task_keys.index(key) != i:
            report.add(
                loaded.path,
                f"two tasks named '{key}'",
                line=loaded.line_of("tasks", i),
                fix="give each task a distinct name:",
            )
    for i, arm in enumerate(spec.arms):
        _arm_problems(loaded, spec, i, arm, report)
    if len(set(spec.seeds)) != len(spec.seeds):
        report.add(
            loaded.path, "seeds repeat", line=loaded.line_of("seeds"), fix="list distinct seeds"
        )
    for i, check in enumerate(spec.checks):
        _check_problems(loaded, spec, i, check, report)
    _composite_problems(loaded, spec, report)


def _composite_problems(loaded: LoadedSpec, spec: TrainSpec, report: ValidationReport) -> None:
    """Composites are declared once, used by two or more checks, all of one claim."""
    names = [c.name for c in spec.composites]
    for i, name in enumerate(names):
        parts = [c for c in spec.checks if c.composite == name]
        if names.index(name) != i:
            report.add(
                loaded.path, f"two composites named '{name}'", line=loaded.line_of("composites", i)
            )
        elif len(parts) < 2:
            report.add(
                loaded.path,
                f"composite '{name}' has {len(parts)} check(s)",
                line=loaded.line_of("composites", i),
                fix="name it in the composite: of two or more checks",
            )
        elif len({c.claim for c in parts}) > 1:
            report.add(
                loaded.path,
                f"composite '{name}' mixes claims {sorted({c.claim for c in parts})}",
                line=loaded.line_of("composites", i),
                fix="a composite tests one statement of one claim",
            )
    for i, check in enumerate(spec.checks):
        if check.composite is not None and check.composite not in names:
            report.add(
                loaded.path,
                f"check names unknown composite '{check.composite}'",
                line=loaded.line_of("checks", i, "composite"),
                fix=f"declare it under composites: ({', '.join(names) or 'none declared'})",
            )


def _arm_problems(
    loaded: LoadedSpec, spec: TrainSpec, i: int, arm: ArmSpec, report: ValidationReport
) -> None:
    file = loaded.path
    task_keys = [t.key for t in spec.tasks]
    if [a.name for a in spec.arms].index(arm.name) != i:
        report.add(
            file,
            f"two arms named '{arm.name}'",
            line=loaded.line_of("arms", i, "name"),
            fix="arm names must be unique",
        )
    for t in arm.tasks or []:
        if t not in task_keys:
            report.add(
                file,
                f"arm '{arm.name}' names unknown task '{t}'",
                line=loaded.line_of("arms", i, "tasks"),
                fix=f"tasks of this spec: {', '.join(task_keys)}",
            )
    n_tasks = len(arm.tasks) if arm.tasks is not None else len(spec.tasks)
    if arm.multitask and n_tasks < 2:
        report.add(
            file,
            f"arm '{arm.name}' is multitask but has one task",
            line=loaded.line_of("arms", i, "multitask"),
            fix="list two or more tasks, or drop multitask",
        )
    try:
        spec.arm_training(arm)
    except PydanticValidationError as err:
        for e in err.errors():
            add_pydantic_problem(
                report,
                file,
                loaded.lines,
                {**e, "loc": tuple(e["loc"])},
                TrainingLoop,
                prefix=("arms", i, "training"),
            )


def _check_problems(
    loaded: LoadedSpec, spec: TrainSpec, i: int, check: CheckSpec, report: ValidationReport
) -> None:
    file = loaded.path
    arm_names = [a.name for a in spec.arms]
    for role in ("arm", "baseline"):
        name = getattr(check, role)
        if name not in arm_names:
            report.add(
                file,
                f"check {role} '{name}' is not an arm",
                line=loaded.line_of("checks", i, role),
                fix=f"arms: {', '.join(arm_names)}",
            )
    if check.arm == check.baseline:
        report.add(
            file,
            "a check compares an arm with itself",
            line=loaded.line_of("checks", i),
            fix="pick two different arms",
        )
    try:
        task_key, metric = split_metric_key(check.metric, spec)
    except ConfigError as err:
        report.add(file, str(err), line=loaded.line_of("checks", i, "metric"))
        return
    task = spec.task(task_key)
    if metric not in task.metrics:
        report.add(
            file,
            f"check metric '{metric}' is not among task '{task_key}' metrics",
            line=loaded.line_of("checks", i, "metric"),
            fix=f"add it to the task's metrics ({', '.join(task.metrics)})",
        )
    for role in ("arm", "baseline"):
        name = getattr(check, role)
        trained = _trained_tasks(spec, name) if name in arm_names else []
        if trained and task_key not in trained:
            report.add(
                file,
                f"check {role} '{name}' is not trained on task '{task_key}'",
                line=loaded.line_of("checks", i, role),
            )


def _trained_tasks(spec: TrainSpec, arm_name: str) -> list[str]:
    """The task keys an arm trains on ([] while it names an unknown task: reported elsewhere)."""
    task_keys = [t.key for t in spec.tasks]
    arm = spec.arm(arm_name)
    if not all(t in task_keys for t in arm.tasks or []):
        return []
    return [t.key for t in spec.arm_tasks(arm)]
