"""Companies found by the names they go by (the label without its legal suffix), and news sources."""

import pytest

import exposure as ex
from exposure.tagging import tag_event
from exposure.tagging._gazetteer import company_short_names


def _companies(graph, text):
    return {(m.concept, m.sign) for m in tag_event(ex.Event(headline=text), graph).mentions
            if m.concept.startswith("company:") and m.origin == "text"}


def test_short_names_are_case_sensitive_and_unique(graph):
    rows = company_short_names(graph)
    assert len(rows) > 800 and all(case for _, _, _, case in rows)
    names = [name for _, name, _, _ in rows]
    assert len(names) == len(set(names))                       # a name two companies share is left out
    assert "Clorox" in names and "Target" in names and "Advance Auto Parts" in names
    assert "Las Vegas Sands" not in names                      # already spelled by an alias


@pytest.mark.parametrize(
    ("text", "company", "sign"),
    [
        ("Target profit halves as costs surge and shoppers shift spending", "company:target", -1),
        ("Chevron agrees to buy Hess for $53 billion in stock", "company:hess", 1),
        ("Clorox shares fell after the company said a cyberattack disrupted its operations", "company:clorox", -1),
        ("Advance Auto Parts shares plunged after it cut its full-year outlook", "company:advance-auto-parts", -1),
    ],
)
def test_a_company_is_read_by_its_short_name(graph, text, company, sign):
    assert (company, sign) in _companies(graph, text)


@pytest.mark.parametrize(
    ("text", "not_a_company"),
    [
        ("Sea levels rose faster than expected over the past decade, NASA said", "company:sea"),
        ("The Washington Post reported the talks had stalled", "company:post"),
        ("The pool was closed, and the Pool of reporters waited", "company:pool"),
        ("Target dates for the ceasefire slipped again", "company:target"),
    ],
)
def test_an_everyday_word_is_a_company_only_where_its_clause_says_so(graph, text, not_a_company):
    assert not any(concept == not_a_company for concept, _ in _companies(graph, text))


def test_a_company_named_as_the_source_of_the_news_is_no_party_to_it(graph):
    text = ("Reports in The New York Times and The Observer said political consultancy Cambridge Analytica "
            "obtained data on about 50 million Facebook users without their consent")
    assert ("company:new-york-times", 0) in _companies(graph, text)
