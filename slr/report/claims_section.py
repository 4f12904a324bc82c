"""The report's "Claims and verdicts" section: grouped by claim, every check of it listed.

Reads the public frames of :mod:`slr.reproduce.results.claim_view` (no torch): one table of the
claims with their own verdicts and deciding readings, the efficiency readings that decide, then
the checks of each claim's small-scale proxies with their floors, shown apart as proxy verdicts,
and the papers without a quantitative claim.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pandas as pd

from slr.report.context import BuildContext, report_section, section
from slr.report.html import Section, cards, details, esc, table

if TYPE_CHECKING:
    from slr.review import Review

OWN = ["claim", "paper", "kind", "status", "verdict", "deciding_reading", "readings", "why",
       "proxy_verdict", "proxy_deciding_reading", "proxy_readings", "quote", "where"]  # fmt: skip
# the HTML shows these; tables/claims_checks.csv has every column (seeds, items, the spec's own
# Holm p-value and verdict, the claim-wide family size)
PROXY = ["spec", "check", "reading", "part_of", "metric", "arm_mean", "baseline_mean", "diff",
         "ci_low", "ci_high", "p_holm_claim", "floors", "verdict", "reason"]  # fmt: skip


@report_section("claims")
def claims_section(review: Review, ctx: BuildContext) -> Section | None:
    from slr.reproduce.claims import load_no_claims
    from slr.reproduce.results.claim_view import checks_frame, claim_verdicts_frame

    root = review.root
    claims = claim_verdicts_frame(root)
    if claims.empty:
        return None
    checks = checks_frame(root)
    ctx.write_table("claims_verdicts", claims)
    ctx.write_table("claims_checks", checks)
    counts = claims["verdict"].value_counts()
    html = cards(
        [(str(k), int(counts[k])) for k in sorted(counts.index, key=lambda k: (-counts[k], k))]
    )
    html += (
        f"<p>{len(claims)} claims of {claims['paper'].nunique()} papers "
        "(<code>corpus/claims.yaml</code>), each with its verbatim quote and where it is stated. "
        "A claim's own verdict is at the paper's scale: exact parameter counts and the analytical "
        "model for efficiency claims; an effectiveness claim stays <em>cannot be checked here</em> "
        "until a run at the paper's scale exists. Small-scale runs give <strong>proxy "
        "verdicts</strong>, listed apart under each claim; a proxy whose baseline does not beat "
        "every floor (constant output, copy of the input, majority class, random ranking, the "
        "model before tuning) by more than its tolerance is <em>uninformative at this "
        "scale</em>. The checks of one claim are one Holm family across every spec "
        "(<code>p_holm_claim</code>; the verdict corrected within its spec only is "
        "<code>spec_verdict</code> in <code>tables/claims_checks.csv</code>), and a claim's proxy "
        "verdict is read per reading: supported when some reading is (named in "
        "<code>proxy_deciding_reading</code>), not supported only when none matches.</p>"
    )
    shown = claims[[c for c in OWN if c in claims]]
    html += "<h3>Every claim and its own verdict</h3>" + table(
        shown, row_class=lambda r: "fail" if r["verdict"] == "does not hold" else "",
        titles=ctx.titles,
    )  # fmt: skip
    html += _proxies(claims, checks, ctx)
    none = pd.DataFrame([r.model_dump() for r in load_no_claims(root)])
    if not none.empty:
        html += "<h3>Papers without a quantitative claim</h3>" + table(none, titles=ctx.titles)
    return section("claims", html)


def _proxies(claims: pd.DataFrame, checks: pd.DataFrame, ctx: BuildContext) -> str:
    if checks.empty:
        return ""
    html = "<h3>Proxy verdicts, by claim</h3>"
    for claim in dict.fromkeys(checks["claim"]):
        rows = checks[checks["claim"] == claim]
        own = claims.loc[claims["claim"] == claim, "verdict"]
        mine = claims.loc[claims["claim"] == claim]
        proxy = (
            f"; proxy verdict: {esc(mine['proxy_verdict'].iloc[0])}"
            + (f" (reading '{esc(mine['proxy_deciding_reading'].iloc[0])}' decides)"
               if isinstance(mine["proxy_deciding_reading"].iloc[0], str) else "")
            if len(mine) and "proxy_verdict" in mine else ""
        )  # fmt: skip
        head = (
            f"{esc(claim)}: {len(rows)} check(s); the claim's own verdict: "
            f"{esc(own.iloc[0]) if len(own) else 'not in corpus/claims.yaml'}{proxy}"
        )
        html += details(head, table(rows[[c for c in PROXY if c in rows]], titles=ctx.titles))
    return html
