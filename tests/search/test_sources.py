"""Parsers of search exports: golden files (an export in, the expected records out), encodings,
the format registry and the accounting of every record."""

from __future__ import annotations

import shutil

import pytest

from slr.errors import ConfigError
from slr.search.ingest import ingest, ingest_file
from slr.search.sources import detect_format, get_format, source_formats

from .conftest import EXPORTS, POP_EXPORT, check_golden

# fixture file -> the format it is written in
FIXTURES = {
    "scopus.csv": "scopus_csv",
    "ieee.csv": "ieee_csv",
    "acm.csv": "acm_csv",
    "wos.txt": "wos_tsv",
    "bibtex.bib": "bibtex",
    "ris.ris": "ris",
    "bibtex_fields.csv": "bibtex_csv",
    "arxiv_atom.xml": "arxiv_atom",
    "arxiv_ids.txt": "arxiv_ids",
    # real exports from other tools' test suites (public/SOURCE.md: repository, commit, licence)
    "public/asreview/embase.csv": "embase_csv",
    "public/asreview/generic.csv": "csv",
    "public/asreview/ovid_psycinfo.ris": "ris",
    "public/colrev/ais_enl.txt": "endnote",
    "public/colrev/bib_data.bib": "bibtex",
    "public/colrev/eric_nbib.nbib": "medline",
    "public/colrev/ieee_csv.csv": "ieee_legacy_csv",
    "public/colrev/jstor_ris.ris": "ris",
    "public/colrev/pubmed-chatbot.csv": "pubmed_csv",
    "public/colrev/springer_csv.csv": "springer_csv",
    "public/commandline4expertsearchers/WoS_other_reference_software_r4001-4003.txt": "wos_plain",
    "public/jabref/Endnote.book.example.enw": "endnote",
    "public/jabref/IsiImporterTestWOS.isi": "wos_plain",
    "public/jabref/MedlinePlainImporterTestCompleteEntry.txt": "medline",
    "public/rispy/example_wos.ris": "wos_plain",
}


def test_every_registered_format_has_a_fixture():
    # Adding a format without a fixture and golden file fails here.
    assert set(FIXTURES.values()) | {"pop_csv"} == set(source_formats())


@pytest.mark.parametrize("name,fmt", sorted(FIXTURES.items()))
def test_fixture_matches_golden(name, fmt):
    result = ingest_file(EXPORTS / name)
    assert result.files[0].format == fmt  # detected, not forced
    assert result.rejections == []
    check_golden(name, result.records)


def test_real_publish_or_perish_export_matches_golden():
    # The review's own export: 65 records (SOURCE.md of shared/data/slr-peft: GSRank 1-66, no 18).
    result = ingest_file(POP_EXPORT, id_prefix="gs")
    stats = result.files[0]
    assert (stats.format, stats.read, stats.accepted, stats.rejected) == ("pop_csv", 65, 65, 0)
    check_golden("pop_csv", result.records)


def test_pop_quirks_are_normalised():
    recs = {r.record_id: r for r in ingest_file(POP_EXPORT, id_prefix="gs").records}
    first = recs["gs:1"]  # row 1 of the export: "S Liu, J Keung, Z Yang, F Liu, Q Zhou…"
    assert first.authors[0] == "Liu, S" and first.authors_truncated
    assert first.arxiv_id == "2402.06247"  # from FullTextURL https://arxiv.org/pdf/2402.06247
    assert first.extra["venue_truncated"] == "true"  # "2024 IEEE International …"
    assert first.extra["Cites"] == "22"  # columns without a record field are kept
    # GSRank 16 (record 16): "…, JY Hsu, MJ Fischer, JB Cohen, CM Lora…" (cut at both ends)
    assert recs["gs:16"].extra["GSRank"] == "16"
    assert recs["gs:16"].authors_truncated and recs["gs:16"].authors[0] == "Hsu, JY"


def test_field_mapping_keeps_unmapped_columns():
    wos = ingest_file(EXPORTS / "wos.txt").records[0]
    # AF (full names) fills authors; AU (abbreviated) and the eISSN stay in extra
    assert wos.authors[0] == "Wang, Chaozheng"
    assert wos.extra["AU"].startswith("Wang, CZ")
    assert wos.issn == "0098-5589" and wos.extra["EI"] == "1939-3520"


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "cp1252", "latin-1", "utf-16"])
def test_encodings_give_the_same_records(tmp_path, encoding):
    text = (EXPORTS / "scopus.csv").read_text(encoding="utf-8-sig")
    path = tmp_path / "scopus.csv"
    path.write_bytes(text.encode(encoding))
    result = ingest_file(path)
    reference = ingest_file(EXPORTS / "scopus.csv")
    assert [r.model_dump(exclude={"provenance"}) for r in result.records] == [
        r.model_dump(exclude={"provenance"}) for r in reference.records
    ]
    assert "Bissyandé, Tegawendé F." in result.records[2].authors


def test_windows_1252_punctuation_is_decoded(tmp_path):
    # bytes 0x93/0x94/0x85 are curly quotes and the ellipsis in Windows-1252
    row = '"Document Title",Authors,"Publication Title","Publication Year"\n'
    row += '"Adapters \x93for\x94 code\x85",A. B,"IEEE Access",2024\n'
    path = tmp_path / "ieee.csv"
    path.write_bytes(row.encode("latin-1"))
    result = ingest_file(path)
    assert result.files[0].encoding == "cp1252"
    rec = result.records[0]
    assert rec.title == "Adapters “for” code" and rec.title_truncated


def test_registry_names_and_unknown_format():
    assert get_format("ris").name == "ris"
    with pytest.raises(ConfigError, match="did you mean 'bibtex'"):
        get_format("bibtx")


@pytest.mark.parametrize("name,fmt", sorted(FIXTURES.items()))
def test_detection_picks_the_right_format(name, fmt):
    text = (EXPORTS / name).read_text(encoding="utf-8-sig")
    assert detect_format(text, EXPORTS / name).name == fmt


def test_ingest_many_files_accounts_for_every_record(tmp_path):
    files = []
    for name in FIXTURES:
        copy = tmp_path / name.replace("/", "_")
        shutil.copy(EXPORTS / name, copy)
        files.append(copy)
    result = ingest(files)
    result.check_accounting()
    assert result.read == sum(f.read for f in result.files) == len(result.records)
    ids = [r.record_id for r in result.records]
    assert len(ids) == len(set(ids))
