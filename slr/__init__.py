"""slr: systematic literature reviews as data.

Heavy modules load late: importing :mod:`slr` costs nothing beyond the standard library.
``from slr import Review`` loads the review facade (pandas, pydantic) on first use.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

if TYPE_CHECKING:
    from slr.review import Review

__all__ = ["Review", "__version__"]


def __getattr__(name: str) -> Any:
    if name == "Review":
        from slr.review import Review

        return Review
    raise AttributeError(f"module 'slr' has no attribute {name!r}")
