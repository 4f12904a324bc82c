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


def format_number(value: Any) -> str:
    """Every number of the report, one way: integers with thousands separators, other numbers
    with two decimals (three below 1), booleans as yes/no, missing as empty."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, int):
        return f"{value:,}"
    if isinstance(value, float):
        if pd.isna(value):
            return ""
        if value.is_integer() and abs(value) < 1e15:
            return f"{int(value):,}"
        return f"{value:,.3f}" if abs(value) < 1 else f"{value:,.2f}"
    return str(value)


def format_quantity(value: Any, unit: str | None) -> str:
    """A predicted or measured quantity in its unit: 125.93M params, 32.46%, 16.67x."""
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return ""
    try:
        v = float(value)
    except (TypeError, ValueError):
        return str(value)
    if unit == "params":
        return f"{v / 1e6:,.2f}M"
    if unit == "percent":
        return f"{v:,.2f}%"
    if unit == "x":
        return f"{v:,.2f}x"
    return f"{format_number(v)} {unit}" if unit else format_number(v)


def _cell(value: Any, titles: dict[str, str] | None, *, plain: bool = False) -> str:
    import numpy as np

    if isinstance(value, np.generic):
        value = value.item()
    if plain and isinstance(value, int | float) and not pd.isna(value):
        return esc(str(int(value)))  # a year: no thousands separator
    if isinstance(value, list | tuple):
        return esc("; ".join(map(str, value)))
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return ""
    if isinstance(value, bool | int | float):
        return esc(format_number(value))
    text = str(value)
    if text.startswith(("http://", "https://")):
        return f'<a href="{esc(text)}">{esc(text)}</a>'
    if titles and text in titles:
        return f'<abbr title="{esc(titles[text])}">{esc(text)}</abbr>'
    return esc(text)


def table(
    frame: pd.DataFrame,
    *,
    max_rows: int | None = None,
    row_class: Any = None,
    titles: dict[str, str] | None = None,
    numeric: bool = True,
) -> str:
    """An HTML table; ``row_class(row) -> str`` may mark rows (e.g. open findings); a cell
    holding a key of ``titles`` (a paper id) shows the title on hover. Numbers are formatted by
    :func:`format_number` and right-aligned."""
    f = frame if max_rows is None else frame.head(max_rows)
    num_cols = {
        c
        for c in f.columns
        if numeric
        and pd.api.types.is_numeric_dtype(f[c].dtype)
        and not pd.api.types.is_bool_dtype(f[c].dtype)
    }
    head = "".join(
        f'<th class="num">{esc(c)}</th>' if c in num_cols else f"<th>{esc(c)}</th>"
        for c in f.columns
    )
    body = []
    for _, row in f.iterrows():
        cls = f' class="{row_class(row)}"' if row_class and row_class(row) else ""
        cells = "".join(
            f'<td class="num">{_cell(v, titles, plain="year" in str(c))}</td>'
            if c in num_cols
            else f"<td>{_cell(v, titles)}</td>"
            for c, v in zip(f.columns, row.tolist(), strict=True)
        )
        body.append(f"<tr{cls}>{cells}</tr>")
    more = (
        f'<p class="note">{len(frame) - len(f)} more rows in the CSV.</p>'
        if len(f) < len(frame)
        else ""
    )
    return (
        f'<div class="table-wrap"><table><thead><tr>{head}</tr></thead>'
        f"<tbody>{''.join(body)}</tbody></table></div>{more}"
    )


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
