"""Errors of the evaluation stage (all :class:`slr.errors.SlrError` subclasses)."""

from __future__ import annotations

from slr.errors import ConfigError, SlrError


class EvaluationError(SlrError):
    """Inputs to a metric or an evaluation are unusable (lengths differ, empty, wrong shape)."""


class MetricMismatchError(ConfigError):
    """A metric was asked for a task it does not fit (raised before any training starts)."""


class SandboxError(SlrError):
    """The sandbox could not be set up (not: the program failed; that is a normal result)."""


class DatasetUnavailableError(SlrError):
    """A dataset cannot be loaded here (offline, library missing, file missing)."""
