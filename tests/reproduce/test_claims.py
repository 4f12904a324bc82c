"""corpus/claims.yaml: strict records, taxonomy names, every coded memory claim present."""

import contextlib
import csv
import re
import shutil
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from slr.errors import SlrError, ValidationError
from slr.reproduce.claims import Claim, load_claims

ROOT = Path(__file__).resolve().parents[2]


def test_claims_load_and_ids_are_unique():
    claims = load_claims(ROOT)
    ids = [c.id for c in claims]
    assert len(ids) == len(set(ids))
    assert {c.kind for c in claims} == {"efficiency", "effectiveness"}
    # names come back canonical
    p29 = next(c for c in claims if c.id == "P29-params-telly11")
    assert p29.method == "Telly-K" and p29.models == ["UniXcoder"]


def test_every_coded_memory_reduction_cell_has_a_claim():
    # the earlier coding pass, vendored verbatim in corpus/sources
    csv_path = ROOT / "corpus" / "sources" / "peft_se_benchmark_metadata.csv"
    with csv_path.open(encoding="utf-8", errors="replace", newline="") as fh:
        rows = list(csv.DictReader(fh))
    cells = {
        r["Paper ID"]: r["Memory Reduction"].strip()
        for r in rows
        if r["Memory Reduction"].strip() and r["Memory Reduction"].strip() != "Not Mentioned"
    }
    assert cells  # P1, P3, P4, P37 in the earlier coding pass
    claims = load_claims(ROOT)
    for row_id, text in cells.items():
        matching = [
            c for c in claims
            if c.where.endswith(f"column Memory Reduction, row {row_id}") and c.reported == text
        ]  # fmt: skip
        assert matching, f"no claim for Memory Reduction of {row_id}: {text!r}"


def test_claims_from_the_notes_are_seeded():
    by_id = {c.id: c for c in load_claims(ROOT)}
    assert by_id["P31-params-lora"].value == 0.5  # Liu et al. ASE'23, notes 3.1 L1
    assert by_id["P35-params-unixcoder"].value == 0.6  # One Adapter, notes 3.5 W1
    assert by_id["P29-params-telly0"].value == 85_050_000  # Telly artifact, notes 3.3 T1
    # P10 credits its speed to its tokenization modes and PEFT together: no PEFT method alone
    assert by_id["P10-speed"].method is None and "tokenization modes" in by_id["P10-speed"].quote
    assert not by_id["P10-speed"].setup_stated
    assert by_id["P37-memory"].method == "QLoRA"
    effectiveness = [c for c in by_id.values() if c.kind == "effectiveness"]
    assert len(effectiveness) >= 20


def test_rounding_follows_the_reported_digits():
    def claim(reported):
        return Claim(id="P1-x", paper="P1", kind="efficiency", setup_stated=False, metric="m",
                     reported=reported, where="w", quote=reported, setup_as_stated="s",
                     status="cannot be checked here", because="b")  # fmt: skip

    assert claim("0.5%").rounding() == pytest.approx(0.05)
    assert claim("85.05M").rounding() == pytest.approx(0.005)
    assert claim("69%").rounding() == pytest.approx(0.5)


def _scratch(tmp_path, entries, no_claims=None):
    shutil.copytree(ROOT / "taxonomy", tmp_path / "taxonomy")
    (tmp_path / "corpus").mkdir()
    # the review's selection cut to P31 (so the registry covers every paper of it)
    papers = (ROOT / "corpus" / "papers.csv").read_text().splitlines()
    kept = [papers[0]] + [line for line in papers[1:] if line.startswith("P31,")]
    (tmp_path / "corpus" / "papers.csv").write_text("\n".join(kept) + "\n")
    doc = {"claims": entries, **({"no_claims": no_claims} if no_claims is not None else {})}
    (tmp_path / "corpus" / "claims.yaml").write_text(yaml.safe_dump(doc, sort_keys=False))
    return tmp_path


GOOD = dict(
    id="P31-ok", paper="P31", kind="efficiency", models=["CodeBERT"], method="LoRA",
    hyperparameters={"r": 16}, setup_stated=True, metric="m", quantity="trainable_percent",
    reported="0.5%", value=0.5, unit="percent", where="abstract",
    quote="by tuning only 0.5% additional parameters", setup_as_stated="s", status="checked",
    checks=["verify"],
)  # fmt: skip


def test_bad_claims_are_reported_together(tmp_path):
    entries = [
        GOOD,
        dict(GOOD, id="P31-ok"),  # duplicate id
        dict(GOOD, id="P31-model", models=["CodeBERTa"]),
        dict(GOOD, id="P31-method", method="LoRAA"),
        dict(GOOD, id="P31-hp", hyperparameters={"rank": 16}),
        dict(GOOD, id="P31-key", colour="blue"),
        dict(GOOD, id="P31-value", value=None),
    ]
    with pytest.raises(ValidationError) as err:
        load_claims(_scratch(tmp_path, entries))
    text = str(err.value)
    assert "duplicate claim id 'P31-ok'" in text
    assert "unknown base model 'CodeBERTa'" in text and "did you mean 'CodeBERT'" in text
    assert "unknown PEFT method 'LoRAA'" in text
    assert "unknown hyper-parameter 'rank'" in text
    assert "unknown key 'colour'" in text
    assert "needs a parsed value" in text
    assert text.startswith("7 problem(s) in corpus/claims.yaml") or "problem(s)" in text


def test_paper_must_be_in_the_review_selection(tmp_path):
    with pytest.raises(ValidationError, match="'P2' is not in the review's final selection"):
        load_claims(_scratch(tmp_path, [dict(GOOD, id="P2-x", paper="P2")]))


_values = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-5, 5),
    st.text(max_size=8),
    st.lists(st.text(max_size=4), max_size=2),
)


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(mutations=st.dictionaries(st.sampled_from([*GOOD, "junk"]), _values, max_size=4))
def test_fuzzed_claims_fail_cleanly(tmp_path, mutations):
    """Any mutation of a valid claim either loads or is reported; it never crashes the loader."""
    entry = {**GOOD, **mutations}
    target = tmp_path / "fuzz"
    if target.exists():
        shutil.rmtree(target)
    target.mkdir()
    with contextlib.suppress(SlrError):
        load_claims(_scratch(target, [entry]))


def test_claims_without_quote_status_or_with_a_bad_reading_are_reported_together(tmp_path):
    no_quote = {k: v for k, v in GOOD.items() if k != "quote"}
    no_status = {k: v for k, v in GOOD.items() if k != "status"}
    reading = {"name": "r", "says": "s", "evidence": "e", "fields": {"denominatr": "total"}}
    entries = [
        dict(no_quote, id="P31-a"),
        dict(no_status, id="P31-b"),
        dict(GOOD, id="P31-c", readings=[reading]),
        dict(GOOD, id="P31-d", status="cannot be checked here"),  # no because
        dict(
            GOOD,
            id="P31-e",
            readings=[
                {
                    **reading,
                    "fields": {},
                    "summary": {"of": ["P31-c", "P31-zzz"], "statistic": "median"},
                }
            ],
        ),
    ]
    with pytest.raises(ValidationError) as err:
        load_claims(_scratch(tmp_path, entries))
    text = str(err.value)
    assert text.startswith("5 problem(s)")  # one report, every bad claim in it
    assert "missing required key 'quote'" in text and "missing required key 'status'" in text
    assert "reading 'r': unknown field(s) ['denominatr']" in text
    assert "needs because:" in text
    assert "unknown claim 'P31-zzz'" in text
    # each problem names the file and the claim's line
    assert re.search(r"claims\.yaml:\d+: claim 'P31-c', reading 'r'", text)


def test_every_paper_has_a_claim_or_says_why_not(tmp_path):
    by_paper = {c.paper for c in load_claims(ROOT)}
    from slr.reproduce.claims import load_no_claims

    none = {r.paper for r in load_no_claims(ROOT)}
    assert len(by_paper | none) == 28 and not by_paper & none  # corpus/papers.csv: 28 included
    with pytest.raises(ValidationError, match="neither a claim nor a no_claims record: P31"):
        load_claims(_scratch(tmp_path, [], no_claims=[]))
    ok = _scratch(tmp_path / "x", [], no_claims=[{"paper": "P31", "because": "b", "read": "r"}])
    assert load_claims(ok) == []
