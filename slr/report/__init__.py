"""The self-contained HTML report of the review (``build/report.html``)."""
