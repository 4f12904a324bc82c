import contextlib
from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st

from slr.corpus import sources as src
from slr.corpus import terms
from slr.errors import ValidationReport


def test_v3_csv_keeps_crlf_records_with_lf_inside(shared: Path):
    report = ValidationReport()
    rows = src.read_csv(shared / src.V3_CODING, report)
    assert not report
    raw = (shared / src.V3_CODING).read_bytes()
    # Every record ends with CRLF (SOURCE.md); the header is one of them.
    assert len(rows) == raw.count(b"\r\n") - 1
    p4 = next(r for r in rows if r.cells["Paper ID"] == "P4")
    # The line a record starts on, counting the LF breaks inside earlier quoted cells.
    assert raw.split(b"\n")[p4.line - 1].startswith(b"P4,")
    assert "\n" in p4.cells["Base Model"]


def test_markdown_table_and_its_stated_count(shared: Path):
    listing = src.read_paper_table(shared / src.FINAL_SELECTION, ValidationReport())
    table_lines = [
        ln
        for ln in (shared / src.FINAL_SELECTION).read_text().splitlines()
        if ln.startswith("| P") and "Paper ID" not in ln
    ]
    assert len(listing.rows) == len(table_lines)
    assert listing.stated_count == 27  # the prose of final_paper_selection.md
    assert all(r.cells["url"].startswith("http") for r in listing.rows)


def test_csv_with_a_ragged_record_is_reported(tmp_path: Path):
    p = tmp_path / "x.csv"
    p.write_text("a,b,c\n1,2,3\n4,5\n6,7,8,,\n", encoding="utf-8")
    report = ValidationReport()
    rows = src.read_csv(p, report)
    assert [r.cells["a"] for r in rows] == ["1", "6"]  # trailing empty cells are tolerated
    assert len(report) == 1 and report.problems[0].line == 3


def test_method_fragments_split_combinations_and_drop_qualifiers():
    assert terms.method_fragments("LoRA, QLoRA (MFT-5Tasks)") == [["LoRA"], ["QLoRA"]]
    assert terms.method_fragments("Adapter, FF-LoRA (Feed Forward layer), FF-LoRA + AT") == [
        ["Adapter"],
        ["FF-LoRA"],
        ["FF-LoRA", "AT"],
    ]
    assert terms.method_fragments(" L-Adapter + NER-Adapter + AdapterFusion\n") == [
        ["L-Adapter", "NER-Adapter", "AdapterFusion"]
    ]
    assert terms.method_fragments(
        "Prompt Tuning (Hard Prompt, Vanilla Soft Prompt, Prefix Soft Prompt)"
    ) == [["Prompt Tuning"]]


def test_list_fragments():
    assert terms.list_fragments("InCoder-6B, CodeGen25-7B,\nStarCoder-15B") == [
        "InCoder-6B",
        "CodeGen25-7B",
        "StarCoder-15B",
    ]
    assert terms.list_fragments("Encoder, Encoder-Decoder, Decoder,") == [
        "Encoder",
        "Encoder-Decoder",
        "Decoder",
    ]
    assert terms.list_fragments("QWen-14B, and CodeLlama-Python-13B.") == [
        "QWen-14B",
        "CodeLlama-Python-13B",
    ]
    assert terms.split_label("LoRA: QWen-14B") == ("LoRA", "QWen-14B")


SPELLINGS = [
    "NVIDIA A100",
    "A100",
    "Tesla A100",
    "A800",
    "NVIDIA V100",
    "V100",
    "Tesla V100",
    "NVIDIA RTX 3090",
    "RTX 3090",
    "RTX 3090Ti",
    "NVIDIA RTX 3090 Ti",
    "RTX 3090 Ti",
    "NVIDIA L40S",
    "GTX 3090",
]


def g(text):
    return [(m.gpu, m.count, m.memory_gb, m.alternative) for m in terms.find_gpus(text, SPELLINGS)]


def test_gpu_parsing_on_the_earlier_pass_strings():
    # Strings copied from peft_se_benchmark_metadata.csv, column "Hardware Details".
    assert g("3 NVIDIA RTX 3090Ti GPUs with CUDA 11.7") == [("NVIDIA RTX 3090Ti", 3, None, False)]
    assert g("2x NVIDIA RTX 3090 GPUs, 24GB VRAM each") == [("NVIDIA RTX 3090", 2, "24", False)]
    assert g("Intel Xeon Platinum 8358 CPU, 1TB RAM, 80G A800 GPU, Ubuntu 18.04") == [
        ("A800", 1, "80", False)
    ]
    assert g("2 Intel Xeon Platinum 8276 CPUs, 2 NVIDIA A100 GPUs (80GB GPU memory in total)") == [
        ("NVIDIA A100", 2, "40", False)
    ]
    assert g(
        "8 Linux machines, each with Intel Core i9-10980XE CPU and 24GB NVIDIA RTX 3090 GPU"
    ) == [("NVIDIA RTX 3090", 8, "24", False)]
    assert g("300 Tesla V100 or A100 GPUs") == [
        ("Tesla V100", 300, None, True),
        ("A100", 300, None, True),
    ]
    assert g("1 NVIDIA A100-SXM4 (40/80GB) GPU") == [("NVIDIA A100", 1, "40/80", False)]
    assert g("single V100 GPU") == [("V100", 1, None, False)]
    assert terms.unmatched_gpu_like("4 NVIDIA GTX 3090 GPUs", []) == ["GTX 3090"]


def test_gpu_label_round_trip():
    m = terms.GpuMention("x", 2, "24")
    assert terms.parse_gpu_label(m.label("NVIDIA RTX 3090")) == ("NVIDIA RTX 3090", 2, "24", False)
    assert terms.parse_gpu_label(terms.GpuMention("x", None, None, True).label("NVIDIA A100")) == (
        "NVIDIA A100",
        None,
        None,
        True,
    )


@given(st.text(alphabet=st.characters(codec="utf-8"), max_size=200))
def test_splitters_never_crash_and_fragments_are_clean(text):
    for use in terms.method_fragments(text):
        for comp in use:
            assert comp and comp == comp.strip()
    for frag in terms.list_fragments(text):
        assert frag and "\n" not in frag
    terms.find_gpus(text, SPELLINGS)


@given(st.text(max_size=120))
def test_split_top_level_keeps_parenthesised_commas(text):
    parts = terms.split_top_level(f"A ({text.replace('(', '').replace(')', '')}), B")
    assert parts[-1] == "B"


@given(st.binary(max_size=400))
def test_corpus_table_reader_never_crashes_on_junk(tmp_path_factory, data):
    from slr.corpus.schema import Paper
    from slr.corpus.store import read_table
    from slr.errors import SlrError

    path = tmp_path_factory.mktemp("junk") / "papers.csv"
    path.write_bytes(b"paper_id,included,title,venue\n" + data)
    report = ValidationReport()
    try:
        rows = read_table(path, Paper, report)
    except SlrError:
        return
    for line, rec in rows:
        assert line >= 2 and rec.paper_id.startswith("P")
    for p in report:
        assert p.file.endswith("papers.csv") and p.line is not None


@given(st.binary(max_size=400))
def test_source_csv_reader_never_crashes_on_junk(tmp_path_factory, data):
    from slr.errors import SlrError

    path = tmp_path_factory.mktemp("junk") / "x.csv"
    path.write_bytes(data)
    with contextlib.suppress(SlrError):
        src.read_csv(path, ValidationReport())
