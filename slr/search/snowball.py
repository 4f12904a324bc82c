"""Snowballing: records found from an included paper's references (backward) or citations
(forward) enter the same pipeline, with that provenance.

A snowballing export is any supported export (BibTeX, RIS, CSV, arXiv) of the references or the
citing papers of one included paper. Its records get ``provenance.via = '<direction>:<seed>'``
and the source ``citation_searching:<direction>``; PRISMA counts them in the "other methods" arm.
In a search project they are listed under ``snowball:`` in ``search.yaml``
(:func:`slr.search.project.add_snowball_source` or ``slr snowball FILE --seed ID --direction backward --add``).
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from slr.errors import ConfigError
from slr.search.ingest import id_prefix_for, ingest_file
from slr.search.records import IngestResult
from slr.search.venues import VenueTable

Direction = Literal["backward", "forward"]


def parse_direction(value: str) -> Direction:
    if value not in ("backward", "forward"):
        raise ConfigError(f"direction must be 'backward' or 'forward', not {value!r}")
    return value  # type: ignore[return-value]


def snowball(
    path: str | Path,
    *,
    seed: str,
    direction: Direction,
    format: str | None = None,
    id_prefix: str | None = None,
    included_ids: set[str] | None = None,
    venues: VenueTable | None = None,
) -> IngestResult:
    """Ingest the references (backward) or citations (forward) of the included paper ``seed``.

    ``included_ids``: record ids of the included works; when given, ``seed`` must be one of them
    (snowballing starts from included papers). ``venues``: as for :func:`ingest_file`.
    """
    parse_direction(direction)
    if included_ids is not None and seed not in included_ids:
        raise ConfigError(
            f"snowballing starts from included papers; {seed!r} is not a record of an included "
            "work (see `slr search included`)"
        )
    return ingest_file(
        path,
        format=format,
        source=f"citation_searching:{direction}",
        id_prefix=id_prefix or f"{direction[0]}{id_prefix_for(path)}",
        via=f"{direction}:{seed}",
        venues=venues,
    )
