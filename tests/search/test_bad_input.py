"""Bad input: every problem names the file and the line; no record is lost silently."""

from __future__ import annotations

import pytest

from slr.errors import InputFormatError, ValidationError
from slr.search.ingest import ingest, ingest_file

from .conftest import EXPORTS, POP_EXPORT


def _write(tmp_path, name, data):
    path = tmp_path / name
    if isinstance(data, str):
        path.write_text(data, encoding="utf-8")
    else:
        path.write_bytes(data)
    return path


def test_truncated_csv_rejects_the_cut_record_with_its_line(tmp_path):
    text = POP_EXPORT.read_text(encoding="utf-8")
    # cut inside the quoted abstract of record 3 (line 4 of the file)
    lines = text.splitlines(keepends=True)
    cut = "".join(lines[:3]) + lines[3][: lines[3].index('"…') + 20]
    path = _write(tmp_path, "cut.csv", cut)
    result = ingest_file(path)
    stats = result.files[0]
    assert (stats.read, stats.accepted, stats.rejected) == (3, 2, 1)
    [rej] = result.rejections
    assert rej.line == 4 and "truncated" in rej.reason
    assert str(rej).startswith(f"{rej.file}:4:")


def test_unbalanced_braces_reject_one_entry_and_keep_the_rest(tmp_path):
    bib = (
        "@article{ok1, title={First paper}, author={A, B}, year=2020}\n"
        "@article{broken, title={Unbalanced {brace}, author={C, D}, year=2021,\n"
        "\n"
        "@article{ok2, title={Second paper}, author={E, F}, year=2022}\n"
    )
    result = ingest_file(_write(tmp_path, "x.bib", bib))
    assert [r.title for r in result.records] == ["First paper", "Second paper"]
    [rej] = result.rejections
    assert rej.line == 2 and "unbalanced braces" in rej.reason
    result.check_accounting()


def test_truncated_bibtex(tmp_path):
    bib = "@article{a, title={One}, year=2020}\n@article{b,\n  title = {Tw"
    result = ingest_file(_write(tmp_path, "t.bib", bib))
    assert len(result.records) == 1
    assert result.rejections[0].line == 2 and "truncated" in result.rejections[0].reason


def test_ris_without_end_tag_is_rejected(tmp_path):
    ris = (EXPORTS / "ris.ris").read_text(encoding="utf-8")
    ris = ris[: ris.rindex("ER  -")]  # the last record loses its end tag
    result = ingest_file(_write(tmp_path, "cut.ris", ris))
    assert len(result.records) == 1
    # record 2 starts at line 22 (record 1: lines 1-20, blank line 21)
    assert result.rejections[0].line == 22 and "truncated" in result.rejections[0].reason


def test_rows_with_another_delimiter_are_rejected_with_line(tmp_path):
    text = (EXPORTS / "ieee.csv").read_text(encoding="utf-8")
    lines = text.splitlines()
    bad = '"Some title";"A. B";"IEEE Access";"2024"'
    path = _write(tmp_path, "mixed.csv", "\n".join([*lines, bad]) + "\n")
    result = ingest_file(path)
    [rej] = result.rejections
    assert rej.line == 4 and "seems to use ';' between fields" in rej.reason
    assert len(result.records) == 2


def test_semicolon_separated_export_is_read(tmp_path):
    text = (EXPORTS / "bibtex_fields.csv").read_text(encoding="utf-8")
    import csv
    import io

    rows = list(csv.reader(io.StringIO(text)))
    out = io.StringIO()
    csv.writer(out, delimiter=";").writerows(rows)
    result = ingest_file(_write(tmp_path, "semi.csv", out.getvalue()))
    assert len(result.records) == 2 and result.rejections == []


def test_unrecognised_header_names_file_line_and_fix(tmp_path):
    path = _write(tmp_path, "odd.csv", "foo|bar\n1|2\n")
    with pytest.raises(InputFormatError, match=r"odd.csv:1: unknown export format"):
        ingest_file(path)


def test_forced_format_with_wrong_header(tmp_path):
    path = _write(tmp_path, "s.csv", "Titel,Jahr\nx,2020\n")
    with pytest.raises(InputFormatError, match=r"s.csv:1: header does not look like a Scopus"):
        ingest_file(path, format="scopus_csv")


def test_binary_junk_is_refused(tmp_path):
    path = _write(tmp_path, "export.csv", b"PK\x03\x04\x14\x00\x06\x00" + bytes(range(256)))
    with pytest.raises(InputFormatError, match=r"export.csv:1: binary data"):
        ingest_file(path)


def test_empty_file(tmp_path):
    with pytest.raises(InputFormatError, match="empty"):
        ingest_file(_write(tmp_path, "e.ris", "\n\n"))


def test_empty_titles_are_rejected_not_dropped(tmp_path):
    text = (
        "ID,ENTRYTYPE,author,title,year\n"
        'a,article,"Doe, J",A real title,2020\n'
        'b,article,"Roe, K",,2021\n'
        'c,article,"Poe, L",  …  ,2022\n'
    )
    result = ingest_file(_write(tmp_path, "t.csv", text))
    assert [r.line for r in result.rejections] == [3, 4]
    assert all("title" in r.reason for r in result.rejections)
    assert result.files[0].read == 3


def test_duplicate_ids_are_reported_with_both_lines(tmp_path):
    text = (
        "ID,ENTRYTYPE,author,title,year\n"
        'smith2020,article,"Smith, J",First paper,2020\n'
        'smith2020,article,"Smith, J",Second paper,2020\n'
    )
    result = ingest_file(_write(tmp_path, "d.csv", text))
    assert len(result.records) == 2
    [warning] = result.warnings
    assert warning.line == 3 and "line 2" in warning.message
    bib = "@article{k, title={One}}\n@article{k, title={Two}}\n"
    result = ingest_file(_write(tmp_path, "d.bib", bib))
    assert len(result.records) == 2 and "line 1" in next(iter(result.warnings)).message


def test_duplicate_header_columns(tmp_path):
    path = _write(tmp_path, "h.csv", "ID,title,author,title\n1,a,b,c\n")
    with pytest.raises(InputFormatError, match="duplicate column"):
        ingest_file(path, format="bibtex_csv")


def test_all_file_problems_are_reported_together(tmp_path):
    good = _write(tmp_path, "good.ris", (EXPORTS / "ris.ris").read_text(encoding="utf-8"))
    junk = _write(tmp_path, "junk.bib", b"\x00\x01\x02")
    odd = _write(tmp_path, "odd.txt", "hello world\n")
    with pytest.raises(ValidationError) as info:
        ingest([good, junk, odd])
    files = {p.file for p in info.value.problems}
    assert files == {str(junk), str(odd)}
    assert {p.line for p in info.value.problems} == {1}


def test_arxiv_id_without_title_is_rejected_with_advice(tmp_path):
    path = _write(tmp_path, "ids.txt", "2212.05901\n2204.08653\tA title\n")
    result = ingest_file(path, format="arxiv_ids")
    assert len(result.records) == 1
    assert result.rejections[0].line == 1 and "offline" in result.rejections[0].reason
