"""Hypothesis fuzzing of every parser and normaliser: malformed input gives a clear SlrError or
a balanced ingest (read = accepted + rejected), never another exception."""

from __future__ import annotations

import re

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from slr.errors import SlrError
from slr.search import normalise as N
from slr.search.encoding import decode_bytes
from slr.search.ingest import ingest_text
from slr.search.sources import source_formats

from .conftest import EXPORTS, POP_EXPORT
from .test_sources import FIXTURES

FUZZ = settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)

_SAMPLES = {fmt: (EXPORTS / name).read_text(encoding="utf-8-sig") for name, fmt in FIXTURES.items()}
_SAMPLES["pop_csv"] = "".join(POP_EXPORT.read_text(encoding="utf-8").splitlines(True)[:6])
JUNK = st.text(
    alphabet=st.sampled_from(list("{}@\"',;\t\n\r=#%\\…-TYER  ") + ["\x00", "é"]), max_size=12
)


@st.composite
def mutated(draw, fmt):
    text = _SAMPLES[fmt]
    ops = draw(
        st.lists(
            st.tuples(
                st.sampled_from(["cut", "insert", "delete", "dup"]), st.integers(0, len(text)), JUNK
            ),
            min_size=1,
            max_size=4,
        )
    )
    for op, pos, junk in ops:
        pos = min(pos, len(text))
        if op == "cut":
            text = text[:pos]
        elif op == "insert":
            text = text[:pos] + junk + text[pos:]
        elif op == "delete":
            text = text[:pos] + text[pos + len(junk) + 1 :]
        else:
            text = text + text[pos:]
    return text


def _check(text, fmt):
    try:
        result = ingest_text(text, file="fuzz.txt", fmt=source_formats()[fmt])
    except SlrError as err:
        assert "fuzz.txt" in str(err)  # a file-level error names the file
        return
    result.check_accounting()
    n_lines = len(re.split(r"\r\n|\r|\n", text)) + 1
    for rec in result.records:
        assert rec.title.strip()
        assert 1 <= rec.provenance.line <= n_lines
    for rej in result.rejections:
        assert rej.reason and 1 <= rej.line <= n_lines


@pytest.mark.parametrize("fmt", sorted(_SAMPLES))
def test_every_parser_survives_mutations(fmt):
    @FUZZ
    @given(mutated(fmt))
    def run(text):
        _check(text, fmt)

    run()


@pytest.mark.parametrize("fmt", sorted(_SAMPLES))
def test_every_parser_survives_random_text(fmt):
    @FUZZ
    @given(st.text(max_size=300))
    def run(text):
        _check(text, fmt)

    run()


@FUZZ
@given(st.binary(max_size=400))
def test_decoding_random_bytes(data):
    try:
        decoded = decode_bytes(data, "x.bin")
    except SlrError as err:
        assert "x.bin" in str(err)
    else:
        assert isinstance(decoded.text, str)


TEXT = st.text(max_size=120)


@FUZZ
@given(TEXT)
def test_doi_normaliser(value):
    doi = N.normalise_doi(value)
    if doi is not None:
        assert doi.startswith("10.") and doi == doi.lower() and " " not in doi
        assert N.normalise_doi(doi) == doi  # idempotent
        assert N.normalise_doi(f"https://doi.org/{doi.upper()}") == doi


@FUZZ
@given(TEXT)
def test_title_normaliser(value):
    title, truncated = N.normalise_title(value)
    if title is not None:
        assert title == title.strip() and "  " not in title
        assert N.normalise_title(title)[0] == title or truncated
    key = N.title_key(value)
    assert N.title_key(key) == key  # idempotent
    assert key == key.lower() and key.isascii()


@FUZZ
@given(TEXT, st.sampled_from(N.AUTHOR_STYLES))
def test_author_parser(value, style):
    names, _ = N.parse_authors(value, style)
    for name in names:
        assert name.strip() and name == name.strip()
        assert N.author_key(name) == N.author_key(name).lower()


@FUZZ
@given(TEXT)
def test_year_pages_venue_arxiv(value):
    year = N.normalise_year(value)
    assert year is None or 1800 <= year <= 2100
    N.normalise_pages(value)
    N.normalise_pages(None, value, value)
    venue, _ = N.normalise_venue(value)
    assert venue is None or venue.strip()
    N.venue_key(value)
    got = N.parse_arxiv_id(value, require_context=False)
    if got is not None:
        assert N.parse_arxiv_id(f"arXiv:{got[0]}") is not None
