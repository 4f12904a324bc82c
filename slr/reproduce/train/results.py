"""Alias kept for the report: effectiveness results are read by :mod:`slr.reproduce.results`."""

from __future__ import annotations

from slr.reproduce.results.frames import COLUMNS, effectiveness_frame

__all__ = ["COLUMNS", "effectiveness_frame"]
