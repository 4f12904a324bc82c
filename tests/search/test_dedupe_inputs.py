"""`slr dedupe` on the user's files: their ids in the output, every record accounted for, bad
ids and bad decisions reported."""

from __future__ import annotations

import csv

from slr.cli.main import main
from slr.search.dedupe.inputs import read_dedupe_input
from slr.search.dedupe.naming import record_names

BIB = """@article{smith2020,
  title = {Deep learning for code review: a systematic mapping},
  author = {Smith, John and Doe, Jane},
  journal = {Empirical Software Engineering}, year = {2020}, volume = {25}, pages = {1--20},
  doi = {10.1007/s10664-020-09999-1}
}
@article{smith2020b,
  title = {Deep Learning for Code Review: A Systematic Mapping},
  author = {Smith, J. and Doe, J.},
  journal = {Empir Softw Eng}, year = {2020}, volume = {25}, pages = {1--20}
}
@article{nguyen2021,
  title = {Program repair with language models},
  author = {Nguyen, An}, journal = {TSE}, year = {2021}
}
@article{untitled2019,
  author = {Nobody, N}, journal = {TSE}, year = {2019}
}
"""

CSV_HEAD = "ID,ENTRYTYPE,author,title,year,journal,volume,pages,doi\n"


def _run(capsys, *args):
    code = main([str(a) for a in args])
    out, err = capsys.readouterr()
    assert "Traceback" not in out + err
    return code, out, err


def _clusters(path):
    with path.open(encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def test_bibtex_keys_name_the_records_and_every_record_is_there(tmp_path, capsys):
    bib = tmp_path / "search.bib"
    bib.write_text(BIB, encoding="utf-8")
    out = tmp_path / "clusters.csv"
    code, text, _ = _run(capsys, "dedupe", bib, "--clusters", out)
    assert code == 0
    rows = {r["record_id"]: r for r in _clusters(out)}
    # four entries in the file: the untitled one is rejected by ingest but still listed
    assert set(rows) == {"smith2020", "smith2020b", "nguyen2021", "untitled2019"}
    assert rows["smith2020b"]["cluster_id"] == rows["smith2020"]["cluster_id"] == "smith2020"
    assert rows["untitled2019"]["cluster_id"] == "untitled2019"
    assert "empty title" in rows["untitled2019"]["note"]
    assert rows["nguyen2021"]["note"] == ""
    assert "1 records could not be compared" in text
    assert "records named by their ids" in text


def test_record_id_column_names_the_records(tmp_path):
    path = tmp_path / "export.csv"
    path.write_text(
        "record_id,title,author,year\nR1,A study of X,Li Wei,2020\nR2,Another work,Wu Li,2021\n",
        encoding="utf-8",
    )
    data = read_dedupe_input([path])
    names = record_names(data.records)
    assert sorted(names.names.values()) == ["R1", "R2"] and not names.notes


def test_repeated_or_empty_ids_fall_back_to_row_names_and_say_so(tmp_path, capsys):
    path = tmp_path / "export.csv"
    path.write_text(
        CSV_HEAD
        + "a1,article,Li W,A study of X,2020,J Foo,1,1-2,\n"
        + "a1,article,Wu L,Another work entirely,2021,J Bar,2,3-4,\n"
        + ",article,Ma K,A third work,2022,J Baz,3,5-6,\n",
        encoding="utf-8",
    )
    out = tmp_path / "clusters.csv"
    code, text, _ = _run(capsys, "dedupe", path, "--clusters", out)
    assert code == 0
    assert [r["record_id"] for r in _clusters(out)] == ["export:1", "export:2", "export:3"]
    assert "export.csv: 1 record(s) without an id (rows 3)" in text
    assert "2 record(s) sharing an id ('a1'; rows 1, 2)" in text
    assert "named by file and row" in text


def test_ids_shared_by_two_files_name_neither(tmp_path):
    for name in ("one.csv", "two.csv"):
        (tmp_path / name).write_text(
            CSV_HEAD + f"x1,article,Li W,Title of {name},2020,J,1,1-2,\n", encoding="utf-8"
        )
    data = read_dedupe_input([tmp_path / "one.csv", tmp_path / "two.csv"])
    names = record_names(data.records)
    assert names.names == {}
    assert len(names.notes) == 2 and all("also used by another input" in n for n in names.notes)


def test_decisions_use_the_export_ids_and_unknown_ids_stop_everything(tmp_path, capsys):
    bib = tmp_path / "search.bib"
    bib.write_text(BIB, encoding="utf-8")
    decisions = tmp_path / "decisions.csv"
    decisions.write_text(
        "record_id_a,record_id_b,decision\nsmith2020,smith2020b,not duplicate\n",
        encoding="utf-8",
    )
    out = tmp_path / "clusters.csv"
    code, text, _ = _run(capsys, "dedupe", bib, "--clusters", out, "--decisions", decisions)
    assert code == 0 and "1 decisions applied" in text
    rows = {r["record_id"]: r["cluster_id"] for r in _clusters(out)}
    assert rows["smith2020"] != rows["smith2020b"]
    out.unlink()
    decisions.write_text(
        "record_id_a,record_id_b,decision\n"
        "smith2020,smith2020b,duplicate\n"
        "smith2020,smyth2020,duplicate\n"
        "nguyen2020,smith2020,not duplicate\n",
        encoding="utf-8",
    )
    code, _, err = _run(capsys, "dedupe", bib, "--clusters", out, "--decisions", decisions)
    assert code != 0
    assert "decisions.csv:3" in err and "unknown record id 'smyth2020'" in err
    assert "decisions.csv:4" in err and "unknown record id 'nguyen2020'" in err
    assert not out.exists()  # nothing applied, nothing written


def test_an_output_that_is_an_input_is_refused(tmp_path, capsys):
    bib = tmp_path / "search.bib"
    bib.write_text(BIB, encoding="utf-8")
    code, _, err = _run(capsys, "dedupe", bib, "--clusters", bib)
    assert code != 0 and "is also an input" in err
    assert bib.read_text(encoding="utf-8") == BIB
