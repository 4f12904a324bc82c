"""The matching forms of fields, on values copied from the shared labelled exports (srsr,
depression; see shared/data/dedupe/SOURCE.md), and the model and clustering underneath."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from slr.search.dedupe.clustering import cluster_records, components
from slr.search.dedupe.fellegi_sunter import estimate
from slr.search.dedupe.fields import (
    author_overlap,
    author_tokens,
    cochrane_id,
    doi_family,
    journal_form,
    journal_locator,
    journals_agree,
    pages_form,
    title_form,
    undo_spreadsheet_date,
    volume_number,
    word_changed,
)


@pytest.mark.parametrize(
    "one,other",
    [
        ("Slavin S. A.Lin S. J.", "Slavin S.; Lin S."),  # srsr: initials, run together
        ("Wenz H. J.Bartsch J.Wolfart S.", "Wenz Hans J.Bartsch JohannesWolfart Stefan"),
        ("BurgdorfJ.ZhangX.L.NicholsonK.L.", "Burgdorf J; Zhang XL; Nicholson KL"),
        ("PERRAULT HTURCOTTE RA", "Perrault H.Turcotte R. A."),  # WoS, upper case
        ("McCann UDSeiden LSRubin LJ", "McCann U. D.Seiden L. S.Rubin L. J."),
        ("TiurenkovI.N.BagmetovaV.V.", "TyurenkovI.N.BagmetovaV.V."),  # transliterations
        ("A, NEGROVILAR", "A., Negro-Vilar"),  # srsr: a compound surname in one word (WoS)
    ],
)
def test_author_lists_a_database_ran_together_still_match(one, other):
    assert author_overlap(author_tokens([one]), author_tokens([other])) == 1.0


def test_different_author_lists_do_not_match():
    assert author_overlap(author_tokens(["Smith J; Jones K"]), author_tokens(["Li W; Wu X"])) == 0


@pytest.mark.parametrize(
    "a,b,agree",
    [
        ("Plast Reconstr Surg", "Plastic and Reconstructive Surgery", True),
        ("Proc.Natl.Acad.Sci.U.S.A", "Proceedings of the National Academy of Scienc", True),
        (
            "JAMA-JOURNAL OF THE AMERICAN MEDICAL ASS",
            "Journal of the American Medical Associat",
            True,
        ),
        ("Eksp.Klin.Farmakol", "Eksperimental'naya i Klinicheskaya Farmakolog", True),
        (
            "Pharmazie.69 (12) ()(pp 909-916) 2014.Date of Publication: December 2014.",
            "Pharmazie",
            True,
        ),
        ("Pancreatology", "American Journal of Gastroenterology", False),
        ("Osteoarthritis Cartilage", "Cartilage", False),  # a word more at the start: another
        ("Pancreatology", "Pancreas", False),
    ],
)
def test_journal_abbreviations_and_cut_names(a, b, agree):
    assert (journals_agree(journal_form(a).key, journal_form(b).key) >= 0.99) is agree


def test_meeting_abstracts_and_locators_in_the_journal_field():
    assert journal_form("Neurology. Conference: 68th American Academy of Neurology").meeting
    assert not journal_form("Neurology").meeting
    value = "Synapse.62 (2) ()(pp 128-136) 2008.Date of Publication: 2008."
    assert journal_locator(value) == ("62", "2", "128-136")


@pytest.mark.parametrize(
    "value,first,last",
    [
        ("411-5", "411", "415"),
        ("1234-56", "1234", "1256"),
        ("01-Feb", "1", "2"),  # a spreadsheet's date for 1-2
        ("Dec-13", "12", "13"),
        ("S64", "64", ""),
        ("2552S-2556S", "2552", "2556"),
        ("88-87", "", ""),  # not a range
        ("2010-2Apr", "", ""),  # a date in the pages field
    ],
)
def test_pages(value, first, last):
    form = pages_form(value, 2010)
    assert (form.first, form.last) == (first, last)


def test_volume_and_issue():
    assert volume_number("7 (2 Supplement 1)", "", 2017) == ("7", "2", True)
    assert volume_number("2018 (10) (no pagination)", "", 2018) == ("", "10", False)
    assert volume_number("5)", "", 2014) == ("", "", False)  # cut off: unknown
    assert volume_number("60", "var.pagings", 2010) == ("60", "", False)
    assert undo_spreadsheet_date("03-May") == "3-5"


@pytest.mark.parametrize(
    "title,key,translated",
    [
        (
            "CHARACTERISTICS OF ARDS IN CHILDHOOD: A METAANALYSIS. GERMAN",
            "characteristics of ards in childhood a metaanalysis",
            True,
        ),
        (
            "[Treatment of depression in the elderly]. [Chinese]",
            "treatment of depression in the elderly",
            True,
        ),
        ("Review of X [Review] [33 refs]", "review of x", False),
        (
            "Depression-like phenotype after CB<inf>1</inf> blockade",
            "depression like phenotype after cb1 blockade",
            False,
        ),
        ("The use of a modified [3H]4-DAMP assay", "the use of a modified 4 damp assay", False),
    ],
)
def test_title_forms(title, key, translated):
    form = title_form(title)
    assert (form.key, form.translated) == (key, translated)


def test_title_kinds_numbers_and_changed_words():
    assert title_form("CORRECTION TO: Effect of X").kinds == {"erratum"}
    assert title_form("Effect of X: a reply").kinds == {"reply"}
    assert title_form("5-HT(3) receptors").numbers == title_form("5-HT3 receptors").numbers
    assert title_form("Part II of a study").numbers == {"2"}
    # Web of Science's correction notice (srsr id_0049747) is an erratum of the title it names;
    # its mark on a retracted article (srsr id_0052177) is not a kind of its own
    notice = title_form(
        "META-ANALYSIS OF DATA FROM ANIMAL STUDIES: A PRACTICAL GUIDE (VOL 221 PG 92 2014)"
    )
    assert (notice.key, notice.kinds) == (
        "meta analysis of data from animal studies a practical guide",
        {"erratum"},
    )
    assert title_form("Tissue engineering for urinary diversion (vol 9, e98722, 2014)").kinds == {
        "erratum"
    }
    assert title_form("The volume of 2010 (Vol 2010)").kinds == frozenset()  # no notice
    retracted = title_form(
        "The copper radioisotopes: special interest to Cu-64 (Retracted article)"
    )
    assert (retracted.key, retracted.kinds) == (
        "the copper radioisotopes special interest to cu 64",
        frozenset(),
    )
    a = ["laparoscopic", "training", "for", "trainees", "with", "limited", "prior", "experience"]
    b = ["laparoscopic", "training", "for", "trainees", "with", "no", "prior", "experience"]
    assert word_changed(a, b)
    assert not word_changed(
        ["a", "systematic", "review", "and", "meta", "analysis"],
        ["a", "systematic", "reviewand", "metaanalysis"],
    )
    assert not word_changed(["the", "behaviour", "of", "rats"], ["the", "behavior", "of", "rats"])


def test_dois():
    assert doi_family("10.1002/14651858.cd001725.pub2") == "10.1002/14651858.cd001725"
    assert doi_family("10.1037//0022-3514.74.1.36") == "10.1037/0022-3514.74.1.36"
    assert cochrane_id(None, "Cd002783") == "002783"


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=80))
def test_field_forms_accept_any_text(text):
    title_form(text)
    journal_form(text)
    journal_locator(text)
    pages_form(text, 2000)
    volume_number(text, text, None)
    author_overlap(author_tokens([text]), author_tokens([text[::-1]]))
    doi_family(text)
    word_changed(text.split(), text.lower().split())


def test_em_recovers_known_m_and_u():
    # 40,000 pairs drawn from a known model: 30% matches, three fields with three levels each
    # (two fields would not identify the mixture: 8 pattern frequencies, 9 parameters)
    rng = np.random.default_rng(0)
    m = [np.array([0.05, 0.15, 0.80]), np.array([0.10, 0.10, 0.80]), np.array([0.2, 0.1, 0.7])]
    u = [np.array([0.70, 0.20, 0.10]), np.array([0.60, 0.30, 0.10]), np.array([0.5, 0.4, 0.1])]
    n = 40_000
    match = rng.random(n) < 0.3
    levels = {}
    for k, name in enumerate(("title", "authors", "year")):
        levels[name] = np.where(match, rng.choice(3, n, p=m[k]), rng.choice(3, n, p=u[k])).astype(
            np.int8
        )
    model = estimate(levels)
    assert abs(model.prior - 0.3) < 0.03
    for k in range(3):
        assert np.abs(model.m[k] - m[k]).max() < 0.05
        assert np.abs(model.u[k] - u[k]).max() < 0.05
    p = model.probability(levels)
    assert p[match].mean() > 0.8 > 0.2 > p[~match].mean()


def test_clusters_keep_cannot_links_apart():
    # 0-1-2 chained by matches, 0 and 2 must stay apart: the weaker edge (1-2) gives way
    i, j = np.array([0, 1]), np.array([1, 2])
    labels, skipped = cluster_records(4, i, j, np.array([2.0, 1.0]), np.array([0]), np.array([2]))
    assert labels[0] == labels[1] != labels[2]
    assert labels[3] == 3 and [s[0] for s in skipped] == [1]
    assert components(4, i, j).tolist() == [0, 0, 0, 3]
