"""Small HTML helpers for report sections (tables, figures, cards)."""

from __future__ import annotations

import base64
import html
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd


@dataclass
class Section:
    anchor: str
    title: str
    html: str


def esc(text: Any) -> str:
    return html.escape("" if text is None else str(text))


def table(
    frame: pd.DataFrame,
    *,
    max_rows: int | None = None,
    row_class: Any = None,
    floatfmt: str = "{:.3f}",
) -> str:
    """An HTML table; ``row_class(row) -> str`` may mark rows (e.g. open findings)."""
    f = frame if max_rows is None else frame.head(max_rows)
    head = "".join(f"<th>{esc(c)}</th>" for c in f.columns)
    body = []
    for _, row in f.iterrows():
        cls = f' class="{row_class(row)}"' if row_class and row_class(row) else ""
        cells = []
        for v in row.tolist():
            if isinstance(v, float):
                cells.append("" if pd.isna(v) else floatfmt.format(v))
            elif isinstance(v, list | tuple):
                cells.append(esc("; ".join(map(str, v))))
            else:
                cells.append("" if v is None or (not isinstance(v, str) and pd.isna(v)) else esc(v))
        body.append(f"<tr{cls}>" + "".join(f"<td>{c}</td>" for c in cells) + "</tr>")
    more = (
        f'<p class="note">{len(frame) - len(f)} more rows in the CSV.</p>'
        if len(f) < len(frame)
        else ""
    )
    return f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table>{more}"


def details(summary: str, inner: str, *, open_: bool = False) -> str:
    return f"<details{' open' if open_ else ''}><summary>{esc(summary)}</summary>{inner}</details>"


def figure(svg: Path, name: str, title: str, caption: str, data_href: str) -> str:
    data = base64.b64encode(svg.read_bytes()).decode("ascii")
    return (
        f'<figure class="slr-figure" data-figure="{esc(name)}"><h3>{esc(title)}</h3>'
        f'<img alt="{esc(title)}" src="data:image/svg+xml;base64,{data}">'
        f'<figcaption>{esc(caption)} Data: <a href="{esc(data_href)}">{esc(data_href)}</a>.</figcaption></figure>'
    )


def cards(items: list[tuple[str, Any]]) -> str:
    return (
        '<div class="cards">'
        + "".join(f'<div class="card"><b>{esc(v)}</b>{esc(k)}</div>' for k, v in items)
        + "</div>"
    )
