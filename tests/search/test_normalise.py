"""Normalisers: each expected value is the canonical form of the input written beside it."""

from __future__ import annotations

import pytest

from slr.search import normalise as N


@pytest.mark.parametrize(
    "raw,doi",
    [
        ("10.1145/3540250.3549113", "10.1145/3540250.3549113"),
        ("https://doi.org/10.1109/TSE.2023.3313881", "10.1109/tse.2023.3313881"),
        ("http://dx.doi.org/10.1007/s10664-024-10457-5.", "10.1007/s10664-024-10457-5"),
        ("doi: 10.1145/3597503.3608132", "10.1145/3597503.3608132"),
        ("https://dl.acm.org/doi/abs/10.1145/3597503.3608132", "10.1145/3597503.3608132"),
        ("10.1145%2f3540250.3549113", "10.1145/3540250.3549113"),  # Scopus link encoding
        ("not a doi", None),
        ("", None),
    ],
)
def test_doi(raw, doi):
    assert N.normalise_doi(raw) == doi


@pytest.mark.parametrize(
    "url,doi",
    [
        ("https://dl.acm.org/doi/10.1145/3597926.3598036", "10.1145/3597926.3598036"),
        ("https://dl.acm.org/doi/abs/10.1145/3597503.3608132", "10.1145/3597503.3608132"),
        (
            "https://link.springer.com/article/10.1007/s10664-024-10457-5",
            "10.1007/s10664-024-10457-5",
        ),
        ("https://onlinelibrary.wiley.com/doi/full/10.1002/smr.2500", "10.1002/smr.2500"),
        ("https://doi.org/10.1109/TSE.2023.3313881", "10.1109/tse.2023.3313881"),
        ("https://ieeexplore.ieee.org/abstract/document/8804217/", None),  # a number, no DOI
        ("https://example.org/files/10.1145/x.pdf?from=10.1145/y", None),  # not a DOI page
        ("dl.acm.org/doi/10.1145/3597926.3598036", None),  # not a URL
    ],
)
def test_doi_from_url(url, doi):
    assert N.doi_from_url(url) == doi


def test_url_key():
    assert N.url_key("https://www.IEEEXplore.ieee.org/abstract/document/8804217/") == (
        "ieeexplore.ieee.org/abstract/document/8804217"
    )
    assert N.url_key("https://ieeexplore.ieee.org/stamp/stamp.jsp?arnumber=1#x") == (
        "ieeexplore.ieee.org/stamp/stamp.jsp?arnumber=1"
    )
    assert N.url_key("https://aliielahi.github.io/") is None  # a bare host
    assert N.url_key("https://scholar.google.com/scholar?cluster=1") is None  # a search page
    assert N.url_key("not a url") is None


@pytest.mark.parametrize(
    "raw,expected",
    [
        ("arXiv preprint arXiv:2410.09812", ("2410.09812", None)),
        ("https://arxiv.org/pdf/2204.08653v2", ("2204.08653", 2)),
        ("10.48550/arXiv.2212.05901", ("2212.05901", None)),
        ("arXiv:cs/0112017v1", ("cs/0112017", 1)),
        ("pages 2410.09812", None),  # no arXiv context: not an id
        ("arXiv:1713.00001", None),  # month 13 does not exist
    ],
)
def test_arxiv(raw, expected):
    assert N.parse_arxiv_id(raw) == expected


def test_titles():
    # Google Scholar cuts long titles with "…"
    assert N.normalise_title("leveraging feature location to extract the clone-and-own …") == (
        "leveraging feature location to extract the clone-and-own",
        True,
    )
    assert N.normalise_title("{LoRA}: Low-Rank {A}daptation") == (
        "LoRA: Low-Rank Adaptation",
        False,
    )
    assert N.title_key("Naïve  Fine-Tuning: A Study!") == N.title_key("naive fine tuning a study")
    assert N.title_numbers(N.title_key("GPT-4 vs GPT-3.5")) == frozenset({"4", "3", "5"})


@pytest.mark.parametrize(
    "raw,style,names,truncated",
    [
        ("S Liu, J Keung, Z Yang…", "initials_family", ["Liu, S", "Keung, J", "Yang, Z"], True),
        ("…, JY Hsu, CM Lora…", "initials_family", ["Hsu, JY", "Lora, CM"], True),
        ("SS ur Rahman", "initials_family", ["ur Rahman, SS"], False),
        (
            "Hao J.; High R.; Siu K.-C.",
            "family_initials",
            ["Hao, J.", "High, R.", "Siu, K.-C."],
            False,
        ),
        ("Hao, J., High, R.", "family_initials", ["Hao, J.", "High, R."], False),  # old Scopus
        ("P. Kogge; J. Shalf", "given_family", ["Kogge, P.", "Shalf, J."], False),
        (
            "Tom  Killalea and Jan van der Berg",
            "given_family",
            ["Killalea, Tom", "van der Berg, Jan"],
            False,
        ),
        ("Smith, J; Doe, AB", "family_given", ["Smith, J", "Doe, AB"], False),
        # (LaTeX accents are decoded by the BibTeX parser before names are split)
        (
            "Müller, Hans and {IEEE Working Group} and others",
            "bibtex",
            ["Müller, Hans", "IEEE Working Group"],
            True,
        ),
        ("Doe, Jane et al.", "family_given", ["Doe, Jane"], True),
    ],
)
def test_authors(raw, style, names, truncated):
    got, cut = N.parse_authors(raw, style)
    assert (got, cut) == (names, truncated)


def test_author_keys_ignore_diacritics_and_case():
    assert N.author_key("Bissyandé, TF") == N.author_key("BISSYANDE, T.") == "bissyande"
    assert N.author_key("Krüger, J") == "kruger"


@pytest.mark.parametrize(
    "raw,year", [("2024", 2024), ("2016-05-01", 2016), ("May-June 2016", 2016), ("n.d.", None)]
)
def test_year(raw, year):
    assert N.normalise_year(raw) == year


def test_pages():
    assert N.normalise_pages("704--715") == "704-715"
    assert N.normalise_pages("704–715") == "704-715"
    assert N.normalise_pages(None, "704", "715") == "704-715"
    assert N.normalise_pages("1234-56") == "1234-1256"
    assert N.normalise_pages("11:1--11:21") == "11:1-11:21"
    assert N.normalise_pages("e0123") == "e0123"


def test_venues_from_the_table():
    # slr/search/data/venues.csv lists the acronym TSE and the ISO-4 abbreviation as synonyms
    assert N.normalise_venue("TSE") == ("IEEE Transactions on Software Engineering", False)
    assert N.venue_key("IEEE Trans. Softw. Eng.") == N.venue_key(
        "IEEE Transactions on Software Engineering"
    )
    # an acronym in parentheses identifies a conference name with its year and ordinal
    assert N.venue_key(
        "2024 IEEE International Conference on Software Analysis, Evolution and "
        "Reengineering (SANER)"
    ) == N.venue_key("SANER")
    assert N.normalise_venue("2024 IEEE International …") == ("2024 IEEE International", True)
    assert N.venue_kind("ESEC/FSE") == "conference"
