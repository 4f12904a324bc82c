"""The report's "The review's own statements" section: each checked per counting unit.

Reads :func:`slr.reproduce.review_claims.review_statements_frame`: for each quantitative
statement of the review, its quote (or why none could be taken), the unit each count uses
(papers, coding rows, method uses), the counts and the verdict under that unit.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from slr.report.context import BuildContext, report_section, section
from slr.report.html import Section, table

if TYPE_CHECKING:
    from slr.review import Review


@report_section("review-statements")
def review_statements_section(review: Review, ctx: BuildContext) -> Section | None:
    from slr.reproduce.review_claims import review_statements_frame

    root = review.root
    if not (root / "corpus" / "review_claims.yaml").is_file():
        return None
    frame = review_statements_frame(root)
    ctx.write_table("review_statements", frame)
    html = (
        "<p>The review's quantitative statements, checked against this corpus "
        "(<code>corpus/review_claims.yaml</code>). A count depends on its unit: a paper that "
        "names an architecture in several coding rows counts once by papers and once per row "
        "by coding rows. The review does not say (in the text that could be read) which unit it "
        "used, so each statement has a verdict per unit. Statements whose wording could not be "
        "read are marked unquoted.</p>"
    )
    cols = ["statement", "claim", "quoted", "unit", "counts", "expected", "verdict", "quote",
            "where"]  # fmt: skip
    html += table(
        frame[cols], row_class=lambda r: "fail" if r["verdict"] == "does not hold" else ""
    )
    return section("review-statements", html)
