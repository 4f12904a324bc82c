"""The typed coding scheme: PEFT methods and families, SE tasks, architectures, models, venues, GPUs."""

from slr.taxonomy.load import Taxonomy, load_taxonomy
from slr.taxonomy.schema import (
    Architecture,
    Dataset,
    Family,
    Gpu,
    Method,
    Metric,
    Model,
    Task,
    Venue,
)
from slr.taxonomy.vocab import Vocabulary, term_key

__all__ = [
    "Architecture",
    "Dataset",
    "Family",
    "Gpu",
    "Method",
    "Metric",
    "Model",
    "Task",
    "Taxonomy",
    "Venue",
    "Vocabulary",
    "load_taxonomy",
    "term_key",
]
