"""The PEFT method registry (see :mod:`slr.reproduce.methods.base`).

Importing this package registers every method; it imports pydantic only (torch, transformers and
peft are imported when a method is applied).
"""

from slr.reproduce.methods import bottleneck, peft_methods, selective  # noqa: F401 - registration
from slr.reproduce.methods.base import (
    ApplyContext,
    MethodConfig,
    MethodNotApplicable,
    apply_method,
    method_config,
    register_method,
    registered_methods,
    resolve_method_name,
)
from slr.reproduce.methods.selective import FULL_FINE_TUNING

__all__ = [
    "FULL_FINE_TUNING",
    "ApplyContext",
    "MethodConfig",
    "MethodNotApplicable",
    "apply_method",
    "method_config",
    "register_method",
    "registered_methods",
    "resolve_method_name",
]
