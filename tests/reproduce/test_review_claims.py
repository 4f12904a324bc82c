"""The review's own statements per counting unit, and the results grouped by claim."""

import shutil
from pathlib import Path

import pytest
import yaml

from slr.errors import ValidationError
from slr.reproduce.review_claims import count, load_review_statements, review_statements_frame

ROOT = Path(__file__).resolve().parents[2]


def _corpus(tmp_path, statements, rows):
    shutil.copytree(ROOT / "taxonomy", tmp_path / "taxonomy")
    (tmp_path / "corpus").mkdir()
    shutil.copy(ROOT / "corpus" / "papers.csv", tmp_path / "corpus" / "papers.csv")
    header = "coding_id,paper_id,task,methods,architectures\n"
    (tmp_path / "corpus" / "codings.csv").write_text(header + "".join(r + "\n" for r in rows))
    (tmp_path / "corpus" / "review_claims.yaml").write_text(
        yaml.safe_dump({"statements": statements}, sort_keys=False)
    )
    return tmp_path


ORDER = {
    "id": "R-order", "statement": "encoder-decoder most, then decoder-only", "quote_missing": "x",
    "where": "w", "check": {"kind": "ordering", "of": "architectures",
                            "expect": ["encoder-decoder", "decoder-only"],
                            "units": ["papers", "coding rows"]},
}  # fmt: skip
MOST = {
    "id": "R-most", "statement": "LoRA most used", "quote": "LoRA is used most", "where": "w",
    "check": {"kind": "most", "of": "methods", "expect": "LoRA",
              "units": ["papers", "coding rows", "method uses"], "pool_variants": True},
}  # fmt: skip
# P1 has two task rows (encoder-decoder in both), P3 one decoder-only and P4 one decoder-only row:
# by rows encoder-decoder 2 > decoder-only 2 fails (a tie); by papers 1 < 2 fails too
ROWS = [
    "P1-a,P1,Code Summarization,LoRA; L-Adapter,encoder-decoder",
    "P1-b,P1,Code Search,LoRA,encoder-decoder",
    "P3,P3,Code Search,Adapter; T-Adapter + L-Adapter,decoder-only",
    "P4,P4,Code Search,LoRA; QLoRA,decoder-only",
]


def test_counts_per_unit_by_hand(tmp_path):
    import pandas as pd

    from slr.taxonomy import load_taxonomy

    root = _corpus(tmp_path, [ORDER, MOST], ROWS)
    codings = pd.read_csv(root / "corpus" / "codings.csv", dtype=str, keep_default_na=False)
    tax = load_taxonomy(root / "taxonomy")
    assert count(codings, "methods", "papers", tax)["LoRA"] == 2  # P1 and P4
    assert count(codings, "methods", "coding rows", tax)["LoRA"] == 3  # P1-a, P1-b, P4
    # uses: L-Adapter in P1-a, T-Adapter + L-Adapter in P3 (each part counts) -> L-Adapter 2
    assert count(codings, "methods", "method uses", tax)["L-Adapter"] == 2
    pooled = count(codings, "methods", "method uses", tax, pool=True)
    assert pooled["LoRA"] == 4 and pooled["Adapter"] == 4  # QLoRA -> LoRA; every *-Adapter
    frame = review_statements_frame(root)
    by = {(r.statement, r.unit): r.verdict for r in frame.itertuples()}
    assert by[("R-order", "papers")] == "does not hold"  # 1 paper vs 2
    assert by[("R-order", "coding rows")] == "does not hold"  # 2 rows vs 2: not more
    # unpooled rows: LoRA 3 beats L-Adapter 2; pooled uses: LoRA 4 ties the adapters' 4
    assert by[("R-most", "coding rows")] == "holds"
    assert by[("R-most", "method uses (variants pooled to their root method)")] == "does not hold"


def test_the_reviews_architecture_ordering_depends_on_the_unit():
    frame = review_statements_frame(ROOT)
    arch = frame[frame["statement"] == "R-architecture-order"].set_index("unit")
    # calc/review_counts.py on detail_study_v3.csv (= corpus/codings.csv): rows 29 / 22 / 18,
    # papers 12 encoder-decoder / 10 encoder-only / 11 decoder-only
    assert arch.loc["coding rows", "verdict"] == "holds"
    assert arch.loc["coding rows", "counts"].startswith("encoder-decoder 29, encoder-only 22")
    assert arch.loc["papers", "verdict"] == "does not hold"
    assert not arch["quoted"].any()  # the review's sentence could not be read


def test_a_statement_without_quote_or_reason_is_a_located_error(tmp_path):
    bad = {k: v for k, v in ORDER.items() if k != "quote_missing"}
    wrong = dict(MOST, id="R-wrong", check={**MOST["check"], "kind": "count"})
    root = _corpus(tmp_path, [bad, wrong], ROWS)
    with pytest.raises(ValidationError) as err:
        load_review_statements(root)
    text = str(err.value)
    assert text.startswith("2 problem(s)") and "review_claims.yaml:" in text
    assert "verbatim quote, or quote_missing" in text and "a 'count' check expects int" in text


def test_claims_view_keeps_proxy_verdicts_apart():
    from slr.reproduce.claims import load_claims
    from slr.reproduce.results.claim_view import checks_frame, claim_verdicts_frame

    claims = claim_verdicts_frame(ROOT)
    assert len(claims) == len(load_claims(ROOT))  # one row per claim
    checks = checks_frame(ROOT)
    proxied = claims[claims["proxy_checks"] > 0]
    assert not proxied.empty
    # a claim checked only on small-scale proxies keeps "cannot be checked here" as its own verdict
    assert set(proxied["verdict"]) == {"cannot be checked here"}
    # proxy verdicts are labelled so, and results judged before floors existed say "re-run"
    assert all(v.startswith("proxy verdict") for v in checks.loc[checks["proxy"], "verdict_of"])
    prefix = claims.set_index("claim").loc["P31-params-prefix"]
    assert prefix["verdict"] == "holds" and prefix["deciding_reading"] == "as encoded"
