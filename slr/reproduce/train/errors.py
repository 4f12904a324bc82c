"""Errors of training runs (all :class:`slr.errors.SlrError`, printed without a traceback)."""

from __future__ import annotations

from slr.errors import ConfigError, SlrError
from slr.reproduce.runtime.oom import OutOfMemory

TrainingOutOfMemory = OutOfMemory  # the one out-of-memory error (slr.reproduce.runtime.oom)


class TrainingError(SlrError):
    """A run could not go on (not a bad spec: those are ConfigError/ValidationError)."""


class TrainingInterrupted(TrainingError):
    """Ctrl-C or SIGTERM: a checkpoint was written; the same command resumes the run."""

    exit_status = 130  # the CLI exits as for Ctrl-C


class CheckpointMismatch(ConfigError):
    """A checkpoint exists for a different set-up of the same run directory."""
