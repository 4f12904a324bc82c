"""The names the user's exports give their records, for the files deduplication writes.

Internally every record is ``<file stem>:<row>``; a user joins the clusters file back to their
own export by the id it carries: a BibTeX key, an RIS ``ID``, an ``ID`` / ``record_id`` / ``key``
column of a CSV. Rules, per input file:

* every record has an id and no id repeats (within the file or across the inputs): the records
  are named by their ids;
* the file has no id at all: its records keep their row names (``<stem>:<row>``);
* some ids are empty or repeated: the whole file falls back to row names, and the summary says
  so, listing the rows (never a silent mix of ids and row names within one file);
* records the export could not parse carry no id: they keep their row names (listed too).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field

from slr.search.records import Record

# columns (or fields) that carry the export's own record id, as ingest keeps them
_ID_FIELDS = ("source_id", "ID", "id", "record_id", "Record ID", "key", "Key")


def user_id(rec: Record) -> str:
    """The export's id of a record ('' when it has none)."""
    for name in _ID_FIELDS:
        value = rec.extra.get(name)
        if value and value.strip():
            return value.strip()
    return ""


@dataclass
class RecordNames:
    """record_id -> name, and what the summary must say about the naming."""

    names: dict[str, str] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    by_ids: list[str] = field(default_factory=list)  # files named by their own ids
    by_rows: list[str] = field(default_factory=list)  # files named by file and row


def _rows(records: list[Record], limit: int = 8) -> str:
    shown = ", ".join(str(r.provenance.row) for r in records[:limit])
    return shown + (f" and {len(records) - limit} more" if len(records) > limit else "")


def record_names(records: Sequence[Record]) -> RecordNames:
    """Each record's name in the outputs: the export's own id where every record of its file
    has a unique one that no other file uses, else the file-and-row name (with a note why)."""
    out = RecordNames()
    by_file: dict[str, list[Record]] = defaultdict(list)
    for r in records:
        by_file[r.provenance.file].append(r)
    candidates: dict[str, dict[str, str]] = {}
    for file, recs in by_file.items():
        mapping = _file_ids(file, recs, out)
        if mapping is None:
            out.by_rows.append(file)
        else:
            candidates[file] = mapping
    _drop_clashes(candidates, out)
    taken = {r.record_id for r in records}
    for file, mapping in candidates.items():
        own = set(mapping)
        if any(name in taken and name not in own for name in mapping.values()):
            out.notes.append(
                f"{file}: an id equals another record's row name; named by file and row"
            )
            out.by_rows.append(file)
            continue
        out.names.update(mapping)
        out.by_ids.append(file)
    return out


def _file_ids(file: str, recs: list[Record], out: RecordNames) -> dict[str, str] | None:
    """Row name -> the export's id for one file's records; None when they cannot be used."""
    unparsed = [r for r in recs if r.extra.get("rejected_by_ingest") and not user_id(r)]
    parsed = [r for r in recs if r not in unparsed] if unparsed else recs
    ids = [user_id(r) for r in parsed]
    if not any(ids):
        return None
    empty = [r for r, i in zip(parsed, ids, strict=True) if not i]
    counts = Counter(i for i in ids if i)
    repeated = [r for r, i in zip(parsed, ids, strict=True) if i and counts[i] > 1]
    if empty or repeated:
        problems = []
        if empty:
            problems.append(f"{len(empty)} record(s) without an id (rows {_rows(empty)})")
        if repeated:
            shown = sorted({user_id(r) for r in repeated})[:5]
            problems.append(
                f"{len(repeated)} record(s) sharing an id ({', '.join(map(repr, shown))}; "
                f"rows {_rows(repeated)})"
            )
        out.notes.append(
            f"{file}: {' and '.join(problems)}; its records are named by file and row "
            f"('{recs[0].record_id}') instead of their ids; give every record a unique id "
            "to have the clusters file use them"
        )
        return None
    if unparsed:
        out.notes.append(
            f"{file}: {len(unparsed)} record(s) the export could not parse keep their row "
            f"names (rows {_rows(unparsed)})"
        )
    return {r.record_id: i for r, i in zip(parsed, ids, strict=True)}


def _drop_clashes(candidates: dict[str, dict[str, str]], out: RecordNames) -> None:
    """An id used by two files names neither file's records."""
    owners: dict[str, set[str]] = defaultdict(set)
    for file, mapping in candidates.items():
        for name in mapping.values():
            owners[name].add(file)
    clash = {file for files in owners.values() if len(files) > 1 for file in files}
    for file in sorted(clash):
        shown = sorted(n for n, f in owners.items() if file in f and len(f) > 1)[:3]
        out.notes.append(
            f"{file}: ids also used by another input ({', '.join(map(repr, shown))}); its "
            "records are named by file and row instead"
        )
        out.by_rows.append(file)
        del candidates[file]
