"""The venue table: built explicitly from the bundled CSV and the review's taxonomy, never global."""

from __future__ import annotations

import hashlib
import shutil

import pytest

from slr.cli.main import main
from slr.errors import InputFormatError, ValidationError
from slr.search import normalise as N
from slr.search.project import run_search
from slr.search.records import read_records
from slr.search.venues import VenueTable, review_venues

from .conftest import BUNDLED, REPO

REVIEW_VENUES = REPO / "taxonomy" / "venues.yaml"

# Two included papers of the review (corpus/papers.csv P1 at ASE, P37 at FORGE; titles from
# there) with venue spellings that taxonomy/venues.yaml lists as synonyms ("ASE Conference",
# "FORGE 2025") and slr/search/data/venues.csv does not; @misc, so the entry type comes from
# the venue's kind.
EXPORT = """\
@misc{p1,
  title = {Exploring Parameter-Efficient Fine-Tuning of Large Language Model on Automated
           Program Repair},
  year = {2024},
  booktitle = {ASE Conference},
}
@misc{p37,
  title = {Resource-Efficient & Effective Code Summarization},
  year = {2025},
  booktitle = {FORGE 2025},
  url = {https://arxiv.org/abs/2502.03617},
}
"""


@pytest.fixture
def review(tmp_path, monkeypatch):
    """A review with the real taxonomy/venues.yaml and a search project exporting EXPORT."""
    root = tmp_path / "review"
    (root / "taxonomy").mkdir(parents=True)
    shutil.copy(REVIEW_VENUES, root / "taxonomy" / "venues.yaml")
    folder = root / "corpus" / "search"
    (folder / "exports").mkdir(parents=True)
    export = folder / "exports" / "refs.bib"
    export.write_text(EXPORT, encoding="utf-8")
    shutil.copy(BUNDLED / "criteria.yaml", folder / "criteria.yaml")
    sha = hashlib.sha256(export.read_bytes()).hexdigest()
    (folder / "search.yaml").write_text(
        "review: venue test\n"
        "sources:\n"
        f"- {{file: exports/refs.bib, format: bibtex, source: acm, id_prefix: refs, sha256: {sha}}}\n"
        "criteria: criteria.yaml\n"
        "screening_log: screening_log.csv\n",
        encoding="utf-8",
    )
    monkeypatch.delenv("SLR_ROOT", raising=False)
    monkeypatch.chdir(root)
    return root


def test_ingest_and_search_run_name_venues_alike(review, capsys):
    out = review / "records.jsonl"
    assert main(["ingest", str(review / "corpus/search/exports/refs.bib"), "-o", str(out)]) == 0
    capsys.readouterr()
    by_ingest = {r.record_id: (r.venue, r.entry_type) for r in read_records(out)}
    run = run_search(review / "corpus" / "search")
    by_search = {r.record_id: (r.venue, r.entry_type) for r in run.ingested.records}
    assert by_ingest == by_search
    # the canonical names venues.csv gives ASE and FORGE, which taxonomy/venues.yaml links
    # these spellings to; the bundled table alone keeps 'ASE Conference' and 'FORGE 2025'
    assert by_search["refs:1"] == (
        "International Conference on Automated Software Engineering",
        "inproceedings",
    )
    assert by_search["refs:2"][0] == (
        "International Conference on AI Foundation Models and Software Engineering"
    )
    assert VenueTable.bundled().normalise("FORGE 2025") == ("FORGE 2025", False)


def test_a_review_table_leaves_the_bundled_one_alone():
    bundled = VenueTable.bundled()
    before = {s: (bundled.normalise(s), bundled.key(s), bundled.kind(s)) for s in _spellings()}
    table = VenueTable.for_review(REPO)
    assert table is not bundled and VenueTable.bundled() is bundled
    after = {s: (bundled.normalise(s), bundled.key(s), bundled.kind(s)) for s in _spellings()}
    assert before == after
    # the module-level helpers are the bundled table's, whatever tables were built
    assert all(N.normalise_venue(s) == before[s][0] for s in _spellings())
    # and the review's table does differ: FORGE 2025 is a synonym in taxonomy/venues.yaml
    assert table.key("FORGE 2025") == table.key("FORGE") != bundled.key("FORGE 2025")


def _spellings() -> list[str]:
    return ["FORGE 2025", "ASE Conference", "Findings of ACL", "IEEE TSE", "TSE", "NIPS"]


def test_taxonomy_venues_extend_the_table(tmp_path):
    path = tmp_path / "venues.yaml"
    path.write_text(
        "venues:\n"
        "  - {name: TSE, full_name: IEEE Transactions on Software Engineering, type: journal,\n"
        "     synonyms: [IEEE TSE]}\n"
        "  - {name: NEWCONF, full_name: New Conference on Code Models, type: conference,\n"
        "     synonyms: [NCCM 2025]}\n",
        encoding="utf-8",
    )
    table = VenueTable.bundled().with_taxonomy(path)
    # a new venue maps to its full name; a known one keeps the table's canonical name
    assert table.normalise("NCCM 2025")[0] == "New Conference on Code Models"
    assert table.normalise("IEEE TSE")[0] == "IEEE Transactions on Software Engineering"
    assert "New Conference on Code Models" in table.canonical_names()
    assert VenueTable.bundled().normalise("NCCM 2025")[0] == "NCCM 2025"


def test_a_missing_venues_file_is_the_bundled_table(tmp_path):
    assert VenueTable.for_review(tmp_path) is VenueTable.bundled()


def test_a_duplicate_key_is_an_error_with_file_and_line(tmp_path):
    (tmp_path / "taxonomy").mkdir()
    path = tmp_path / "taxonomy" / "venues.yaml"
    path.write_text(
        "venues:\n"
        "  - name: ASE\n"
        "    full_name: Automated Software Engineering\n"
        "    type: conference\n"
        "    name: ICSE\n",
        encoding="utf-8",
    )
    with pytest.raises(InputFormatError) as err:
        VenueTable.for_review(tmp_path)
    # line 5: the second 'name' key of the entry written above
    assert "venues.yaml:5" in str(err.value) and "duplicate key 'name'" in str(err.value)


def test_a_broken_entry_is_an_error_not_ignored(tmp_path):
    path = tmp_path / "venues.yaml"
    path.write_text(
        "venues:\n"
        "  - {name: ASE, full_name: Automated Software Engineering, type: conference}\n"
        "  - {name: X, full_name: Some Venue, type: workshop, aliases: [Y]}\n",
        encoding="utf-8",
    )
    with pytest.raises(ValidationError) as err:
        VenueTable.bundled().with_taxonomy(path)
    text = str(err.value)
    # both problems of the entry on line 3: a type not in the schema, an unknown key
    assert "venues.yaml:3" in text and "workshop" in text and "aliases" in text


def test_review_venues_finds_the_review_from_a_search_folder(review):
    table = review_venues(review / "corpus" / "search")
    assert table.normalise("ASE Conference")[0] != "ASE Conference"


def test_a_wrong_slr_root_is_not_swallowed(tmp_path, monkeypatch):
    from slr.errors import ConfigError

    monkeypatch.setenv("SLR_ROOT", str(tmp_path / "nowhere"))
    with pytest.raises(ConfigError):
        review_venues(tmp_path)


def test_dedupe_compares_venues_by_the_table_it_is_given():
    from slr.search.dedupe import dedupe
    from slr.search.dedupe.keys import match_keys
    from slr.search.records import Provenance, Record

    def record(rid: str, venue: str) -> Record:
        prov = Provenance(file="refs.bib", line=1, row=1, source="acm", format="bibtex")
        # corpus/papers.csv P37, at FORGE: two spellings of its venue, as two exports give them
        return Record(
            record_id=rid,
            title="Resource-Efficient & Effective Code Summarization",
            year=2025,
            venue=venue,
            provenance=prov,
        )

    a, b = record("a:1", "FORGE 2025"), record("b:1", "FORGE")
    table = VenueTable.for_review(REPO)
    assert match_keys(a, table).venue == match_keys(b, table).venue
    assert match_keys(a).venue != match_keys(b).venue  # the bundled table lacks 'FORGE 2025'
    assert match_keys(a, table).venue_class == "conference" and match_keys(a).venue_class is None
    # dedupe takes the table down to its keys and merge: the two records are one work
    works = dedupe([a, b], venues=table).works
    assert len(works) == 1
