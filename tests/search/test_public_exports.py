"""Real exports of other tools' test suites (exports/public/SOURCE.md): every record of the file
is read, and nothing else is; BibTeX's crossref, braces and LaTeX; mixed encodings."""

from __future__ import annotations

import pytest

from slr.errors import InputFormatError, UsageError
from slr.search.ingest import ingest_file, parse_column_map

from .conftest import EXPORTS

PUBLIC = EXPORTS / "public"


def _stats(path, **kw):
    result = ingest_file(path, **kw)
    s = result.files[0]
    return result, (s.format, s.read, s.accepted, s.rejected)


# file -> (format, records in the file, accepted, rejected); the counts come from reading each
# file by eye: records between their start and end tags, or rows below the header.
COUNTS = {
    # 6 records (numbered 1. to 6. by Ovid); the numbers, link paragraphs and NL tags are not
    "asreview/ovid_psycinfo.ris": ("ris", 6, 6, 0),
    # 4 records between TY and ER; text before, between and after them
    "colrev/jstor_ris.ris": ("ris", 4, 4, 0),
    # 2 records (TY ... ER); 4 lines before the first, 2 between, 1 after
    "rispy/example_extraneous_data.ris": ("ris", 2, 2, 0),
    # 7 MEDLINE records (blank-line separated) and one stray sentence; 5 have no title
    "jabref/MedlinePlainImporterTestMultipleEntries.txt": ("medline", 7, 2, 5),
    # 6 rows; no author column
    "asreview/embase.csv": ("embase_csv", 6, 6, 0),
    # 4 rows: two without a title
    "asreview/missing_values.csv": ("csv", 4, 2, 2),
    # 6 entries, one of them the proceedings two others cross-reference (a container, no record)
    "colrev/bib_data.bib": ("bibtex", 5, 5, 0),
    # 3 records of a 12-record export (PT ... ER)
    "commandline4expertsearchers/WoS_other_reference_software_r4001-4003.txt": (
        "wos_plain",
        3,
        3,
        0,
    ),
    # 6 records separated by blank lines (%T first, %0 second)
    "colrev/ais_enl.txt": ("endnote", 6, 6, 0),
}


@pytest.mark.parametrize("name", sorted(COUNTS))
def test_read_counts_the_records_of_the_file(name):
    _, stats = _stats(PUBLIC / name)
    assert stats == COUNTS[name]


def test_text_between_ris_records_is_a_note_and_ovid_tags_after_er_stay_with_their_record():
    result = ingest_file(PUBLIC / "asreview/ovid_psycinfo.ris")
    notes = [w for w in result.warnings if "outside any record" in w.message]
    assert len(notes) == 1 and notes[0].line == 1  # line 1 is Ovid's "1."
    # each record's journal abbreviation (NL) follows its ER line
    assert all(r.extra.get("NL") for r in result.records)
    assert result.records[0].extra["NL"] == "Clin Psychol Psychother"  # line 26 of the file
    kept = [w for w in result.warnings if "follows the record's 'ER  -' end tag" in w.message]
    assert len(kept) == 6


def test_a_record_with_only_a_short_title_is_read(tmp_path):
    path = tmp_path / "st.ris"
    path.write_text("TY  - JOUR\nST  - Short title only\nPY  - 2021\nER  - \n", encoding="utf-8")
    result = ingest_file(path)
    [rec] = result.records
    assert rec.title == "Short title only" and rec.extra["title_from"] == "ST (short title)"


def test_tagged_lines_with_a_title_after_er_are_a_record_without_its_start_tag(tmp_path):
    path = tmp_path / "lost.ris"
    path.write_text(
        "TY  - JOUR\nTI  - First\nER  - \nTI  - Second, its TY line lost\nAU  - Doe, J\n",
        encoding="utf-8",
    )
    result, stats = _stats(path)
    assert stats == ("ris", 2, 1, 1)
    assert result.rejections[0].line == 4 and "without its 'TY  -' start tag" in (
        result.rejections[0].reason
    )


def test_missing_er_before_the_next_record_keeps_the_record_with_a_warning(tmp_path):
    path = tmp_path / "no_er.ris"
    path.write_text("TY  - JOUR\nTI  - One\nTY  - JOUR\nTI  - Two\nER  - \n", encoding="utf-8")
    result, stats = _stats(path)
    assert stats == ("ris", 2, 2, 0)
    [warning] = list(result.warnings)
    assert warning.line == 1 and "no 'ER  -' end tag before the next record at line 3" in (
        warning.message
    )


def test_medline_fields():
    [rec] = ingest_file(PUBLIC / "jabref/MedlinePlainImporterTestCompleteEntry.txt").records
    # FAU lines 16 and 20 of the file; JT line 31; PG 454-81; IS 0955-2359 (Print)
    assert rec.authors == ["Long, Vicky", "Marland, Hilary"]
    assert rec.venue == "20 century British history" and rec.year == 2009
    assert (rec.volume, rec.number, rec.issn) == ("20", "4", "0955-2359")
    assert rec.extra["PMID"] == "20481061"
    assert rec.title.startswith("From danger and motherhood") and "factory girl" in rec.title


def test_medline_stray_line_is_a_note():
    result = ingest_file(PUBLIC / "jabref/MedlinePlainImporterTestMultipleEntries.txt")
    [note] = [w for w in result.warnings if "not tagged" in w.message]
    assert note.line == 53  # "This line should be omitted by the importer."


def test_endnote_and_web_of_science_plain_text():
    [rec] = ingest_file(PUBLIC / "jabref/Endnote.book.example.enw").records
    assert rec.entry_type == "book" and rec.authors == ["Preißel, René", "Stachmann, Bjørn"]
    recs = ingest_file(PUBLIC / "jabref/IsiImporterTestWOS.isi").records
    # AU continuation lines (3-space indent) are authors; TI continues on the next line
    assert recs[0].authors[:2] == ["Gamernyk, RV", "Gnatenko, YP"]
    assert recs[0].title.endswith("photorefractive Sn2P2S6 crystals")
    assert (recs[0].volume, recs[0].pages) == ("18", "5323-5331")


def test_database_csvs_fill_the_fields_they_hide():
    embase = ingest_file(PUBLIC / "asreview/embase.csv").records[1]
    # Source "Cancer (2004) 102:4 (253-258). Date of Publication: 25 Aug 2004"; DOI from the OpenURL
    assert (embase.venue, embase.year, embase.volume, embase.number, embase.pages) == (
        "Cancer",
        2004,
        "102",
        "4",
        "253-258",
    )
    assert embase.doi == "10.1002/cncr.20369"
    [springer] = ingest_file(PUBLIC / "colrev/springer_csv.csv").records
    assert springer.authors == ["Smith, Andy", "Weber, Tom"]  # exported as 'Andy SmithTom Weber'
    pubmed = ingest_file(PUBLIC / "colrev/pubmed-chatbot.csv").records[0]
    # Citation "Behav Ther. 2022 Mar;53(2):334-347. ..."; Authors "Lim SM, Shiau CWC, Cheng LJ, Lau Y."
    assert (pubmed.volume, pubmed.number, pubmed.pages) == ("53", "2", "334-347")
    assert pubmed.authors == ["Lim, SM", "Shiau, CWC", "Cheng, LJ", "Lau, Y"]


def test_generic_csv_mapping_is_inferred_printed_and_can_be_declared():
    result = ingest_file(PUBLIC / "asreview/generic.csv")
    note = result.files[0].note
    assert "inferred" in note and "title=title" in note and "authors=first_authors" in note
    # the list column is written as a Python list
    assert result.records[0].authors == ["Marx, Karl", "Lindgren, Astrid"]
    declared = ingest_file(
        PUBLIC / "asreview/generic.csv", column_map=parse_column_map("title=title,year=number")
    )
    assert declared.records[0].year is None and "given with --map" in declared.files[0].note
    with pytest.raises(InputFormatError, match="authors=nope"):
        ingest_file(
            PUBLIC / "asreview/generic.csv", column_map={"title": "title", "authors": "nope"}
        )
    with pytest.raises(UsageError, match="unknown field 'titel'"):
        parse_column_map("titel=Title")


# ---------------------------------------------------------------------------------------- BibTeX


def test_crossref_is_resolved_and_its_target_is_not_a_record():
    result = ingest_file(PUBLIC / "colrev/bib_data.bib")
    recs = {r.extra["source_id"]: r for r in result.records}
    mouse = recs["mouse;2015"]  # crossref = {ICRC2015}: booktitle and year of line 47
    assert mouse.venue == "Proceedings of the 34th International Cosmic Ray Conference"
    assert mouse.year == 2015
    assert "ICRC2015" not in recs
    missing = [w for w in result.warnings if "crossref 'ICRC2016' is not in this file" in w.message]
    assert missing and missing[0].line == 42


def test_braces_protect_names_and_latex_is_converted(tmp_path):
    bib = tmp_path / "tex.bib"
    bib.write_text(
        "@article{a,\n"
        "  title = {Typesetting with {\\LaTeX} and {BERT}: the {T}ransformer way},\n"
        '  author = {{IEEE Working Group} and M{\\"u}ller, J{\\"o}rg and van der Berg, Hans},\n'
        "  journal = {IEEE Trans. Softw. Eng.}, year = 2023,\n"
        "}\n",
        encoding="utf-8",
    )
    [rec] = ingest_file(bib).records
    assert rec.title == "Typesetting with LaTeX and BERT: the Transformer way"
    assert rec.authors == ["IEEE Working Group", "Müller, Jörg", "van der Berg, Hans"]


def test_string_macros_apply_across_blocks_of_a_large_file(tmp_path, monkeypatch):
    from slr.search.sources import bibtex

    monkeypatch.setattr(bibtex, "_ENTRIES_PER_BLOCK", 2)  # several blocks for a small file
    entries = "".join(
        f"@article{{k{i}, title = {{Paper {i}}}, journal = tse, year = 2020}}\n" for i in range(7)
    )
    bib = tmp_path / "macros.bib"
    bib.write_text('@string{tse = "IEEE Transactions on Software Engineering"}\n' + entries)
    result = ingest_file(bib)
    assert len(result.records) == 7
    assert {r.venue for r in result.records} == {"IEEE Transactions on Software Engineering"}
    assert [r.provenance.line for r in result.records] == list(range(2, 9))


# ------------------------------------------------------------------------------------- encodings


def test_a_latin1_record_in_a_utf8_file_is_decoded_per_line_and_named(tmp_path):
    ris = (
        "TY  - JOUR\nTI  - Überblick über Adapter\nER  - \n\n".encode()
        + "TY  - JOUR\nTI  - Straße der Modelle\nER  - \n".encode("latin-1")
    )
    path = tmp_path / "mixed.ris"
    path.write_bytes(ris)
    result = ingest_file(path)
    assert [r.title for r in result.records] == ["Überblick über Adapter", "Straße der Modelle"]
    [warning] = [w for w in result.warnings if "not UTF-8" in w.message]
    assert warning.line == 6 and "Latin-1" in warning.message
    assert result.files[0].encoding == "utf-8 (mixed)"


def test_utf16_without_byte_order_mark(tmp_path):
    text = (EXPORTS / "ris.ris").read_text(encoding="utf-8")
    path = tmp_path / "u16.ris"
    path.write_bytes(text.encode("utf-16-le"))
    result = ingest_file(path)
    assert result.files[0].encoding == "utf-16-le"
    assert [r.title for r in result.records] == [
        r.title for r in ingest_file(EXPORTS / "ris.ris").records
    ]


def test_broken_utf16_is_refused_with_its_line(tmp_path):
    data = "TY  - JOUR\nTI  - One\nER  - \n".encode("utf-16-le") + b"\x00\xdc\x41\x00"
    path = tmp_path / "bad16.ris"
    path.write_bytes(data)
    with pytest.raises(InputFormatError, match=r"bad16.ris:4: the file is UTF-16-LE"):
        ingest_file(path)


def test_ingest_reports_progress_by_records_within_a_file(tmp_path):
    entries = "".join(
        f"@article{{k{i}, title = {{Paper number {i}}}, year = 2020}}\n" for i in range(450)
    )
    bib = tmp_path / "many.bib"
    bib.write_text(entries, encoding="utf-8")
    calls = []
    ingest_file(bib, progress=lambda task, done, total: calls.append((task, done, total)))
    # 450 entries: a report every 200 records read, then the total (slr.search.ingest)
    assert calls == [
        ("ingest many.bib", 0, 450),
        ("ingest many.bib", 200, 450),
        ("ingest many.bib", 400, 450),
        ("ingest many.bib", 450, 450),
    ]
