"""Snowballing: records found from an included paper's references (backward) or citations
(forward) enter the same pipeline, with that provenance.

A snowballing export is any supported export (BibTeX, RIS, CSV, arXiv) of the references or the
citing papers of one included paper. Its records get ``provenance.via = '<direction>:<seed>'``
and the source ``citation_searching:<direction>``; PRISMA counts them in the "other methods" arm.
In a search project they are listed under ``snowball:`` in ``search.yaml``
(:func:`add_snowball_source` or ``slr snowball FILE --seed ID --direction backward --add``).
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Literal

import yaml

from slr.errors import ConfigError, display_path
from slr.search.ingest import id_prefix_for, ingest_file
from slr.search.records import IngestResult

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
) -> IngestResult:
    """Ingest the references (backward) or citations (forward) of the included paper ``seed``.

    ``included_ids``: record ids of the included works; when given, ``seed`` must be one of them
    (snowballing starts from included papers).
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
    )


def add_snowball_source(
    folder: str | Path,
    file: str | Path,
    *,
    seed: str,
    direction: Direction,
    format: str = "auto",
) -> Path:
    """Copy a snowballing export into ``<folder>/snowball/`` and list it in ``search.yaml``.

    The project is run first to check that ``seed`` belongs to an included work and that the
    new export parses; ``search.yaml`` is rewritten only when both hold.
    """
    from slr.search.project import SEARCH_FILE, SearchProject, run_search

    folder = Path(folder)
    project, folder = SearchProject.load(folder)
    run = run_search(folder)
    included = {rid for w in run.included_works() for rid in w.record_ids}
    snowball(
        file,
        seed=seed,
        direction=direction,
        format=None if format == "auto" else format,
        included_ids=included,
    )  # parses it: bad files fail before anything is written
    dest_dir = folder / "snowball"
    dest_dir.mkdir(exist_ok=True)
    dest = dest_dir / Path(file).name
    if dest.exists():
        raise ConfigError(f"{display_path(dest)} exists; rename the export before adding it")
    shutil.copyfile(file, dest)
    data = yaml.safe_load((folder / SEARCH_FILE).read_text(encoding="utf-8"))
    data.setdefault("snowball", [])
    data["snowball"] = list(data["snowball"] or []) + [
        {
            "file": f"snowball/{dest.name}",
            "format": format,
            "direction": direction,
            "seed": seed,
            "id_prefix": f"{direction[0]}{id_prefix_for(dest)}",
        }
    ]
    SearchProject.model_validate(data)
    text = "# The review's search as data; `slr search run` runs the pipeline over it.\n"
    (folder / SEARCH_FILE).write_text(
        text + yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=100),
        encoding="utf-8",
    )
    return dest
