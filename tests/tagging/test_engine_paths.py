"""The faster paths of the tagging engine agree with the plain ones they replace, on real and odd texts.

``tag_event`` cuts a text into tokens once and every stage reads those: the gazetteer finds its
phrases on them (``Gazetteer.find_tokens``), the event types group their trigger heads by sentence
with ``_Sentences.token_bounds`` and match triggers through ``TriggersAt.longest_kinds`` (one-word
triggers from a table, ``EventTypes.single_word``) and find the types acting on a concept in
``EventTypes.acting``. The second engine pass added: clause breaks of ASCII sentences read from
their tokens, mentions made through ``_new_mention``, sentence numbers filled at once
(``_SentenceAt.fill``), triggers of one run of words compared at once (``_match``), uneven pieces
of ASCII texts found from their apostrophes and every token's start and end from one running sum
(``token_spans``) and the modifier of a trigger's kinds looked up once (``_occurrences``). Each
is checked here against the plain reading, word by word.
"""

from bisect import bisect_right

import pytest
import exposure as ex
from exposure.evaluation import load_dev_set
from exposure.tagging import tag_event, vocabulary_for
from exposure.tagging._context import _Sentences
from exposure.tagging._event_types import _CLAUSE_MARK, MODIFIER_WEIGHT, SHORTFALL_REACH, WINDOW, _occurrences
from exposure.tagging._normalize import TOKEN, token_spans, token_starts
from exposure.tagging._roles import _served
from tests.tagging._texts import long_article
from tests.tagging.test_bad_text import _operations

EDGES = [
    "Not. Cut output. May.",  # modifiers and triggers alone at sentence edges
    "OPEC did not cut output. Saudi Arabia refused to cut output; Russia may not cut output.",
    "Trump pauses higher tariffs for 90 days, then lifts the pause on new tariffs.",
    "The Fed cut rates, less than expected. Inflation rose 7.7%, below forecasts.",
    "Ceasefire. End sanctions waivers. Israel and Hamas agree a ceasefire after strikes on Gaza.",
    "NATO’s air-defence ‘drones’ — café Zürich: Boeing’s 737 MAX grounded after crash; shares fell.",
    "_as while__ on_ x1 İstanbul\u2028Oil rose.\n\n!!! ?? \n\nBanks slid.",
]


@pytest.fixture(scope="module")
def graph():
    return ex.default_graph()


@pytest.fixture(scope="module")
def texts():
    events = [ex.datasets.load_seed_article(), *ex.datasets.load_sample_events()[0], *load_dev_set().events]
    return [e.text for e in events] + EDGES + [long_article(5_000), ".,;:!?-'’" * 2_000]


def test_find_tokens_finds_what_find_finds(graph, texts):
    gazetteer = vocabulary_for(graph).gazetteer
    for text in texts:
        tokens = _Sentences(text).tokens
        assert gazetteer.find_tokens(text, tokens.words, tokens.starts, tokens.ends) == gazetteer.find(text), text[:80]


def test_token_starts_reads_many_uneven_pieces_in_linear_work():
    """Pieces with apostrophes are read by TOKEN one by one; the whole words between them are copied
    as slices, so a text of such pieces costs work in proportion to its length."""
    for text in ["NATO's air-defence ’drones’ " * 50, "a'b " * 5 + "word " * 40]:
        found = list(TOKEN.finditer(text))
        assert token_starts(text) == ([m.group() for m in found], [m.start() for m in found])
    small, large = (_operations(lambda n=n: token_starts("NATO's air defence " * n)) for n in (1_000, 10_000))
    assert large <= 11 * small, (small, large)


def test_token_bounds_give_each_token_its_sentence(texts):
    for text in texts:
        sentences = _Sentences(text)
        tokens, bounds = sentences.tokens, sentences.token_bounds
        assert [bisect_right(bounds, i) - 1 for i in range(len(tokens.starts))] == [
            sentences.number(start) for start in tokens.starts], text[:80]


def _sentences_words(texts):
    for text in texts:
        sentences = _Sentences(text)
        folded = sentences.tokens.folded
        for number in range(len(sentences.spans)):
            span = sentences.token_range(number)
            yield text, span, folded[span.start:span.stop]


def test_longest_kinds_and_single_words_agree_with_longest(graph, texts):
    vocab = vocabulary_for(graph)
    lexicons = [vocab.event_types.matchers, vocab.fortune.matchers]
    single = vocab.event_types.single_word
    checked = 0
    for _, _, words in _sentences_words(texts):
        for i, word in enumerate(words):
            for matchers in lexicons:
                if word in matchers:
                    last, matched = matchers[word].longest(words, i)
                    assert matchers[word].longest_kinds(words, i) == (last, tuple(t.kind for t in matched))
                    checked += 1
            if word in single:
                assert vocab.event_types.matchers[word].longest_kinds(words, i) == (i, single[word])
    assert checked > 1_000


def _reference_occurrences(text, starts, ends, words, heads, lexicon):
    """``_occurrences`` as first written: every head matched with ``TriggersAt.longest``."""
    negation = hedge = (-WINDOW - 1, -WINDOW - 1)
    found, shortfalls = [], []
    for i in heads:
        longest, matched = lexicon.matchers[words[i]].longest(words, i)
        if longest is None or _CLAUSE_MARK.search(text, starts[i], ends[longest]):
            continue
        kinds = [trigger.kind for trigger in matched]
        if "shortfall" in kinds:
            shortfalls.append((i, longest))
        elif "negation" in kinds:
            negation = (i, longest)
        elif "hedge" in kinds:
            hedge = (i, longest)
        elif not (found and found[-1][1] >= longest):
            weight, said = 1.0, text[starts[i]:ends[longest]]
            if i - negation[1] <= WINDOW:
                weight, said = -MODIFIER_WEIGHT, f"{text[starts[negation[0]]:ends[negation[1]]]} .. {said}"
            if i - hedge[1] <= WINDOW:
                weight, said = weight * MODIFIER_WEIGHT, f"{text[starts[hedge[0]]:ends[hedge[1]]]} .. {said}"
            found.append([i, longest, starts[i], ends[longest], tuple(dict.fromkeys(kinds)), weight, said])
    for first, last in shortfalls:
        before = [n for n, o in enumerate(found) if o[1] < first and first - o[1] <= SHORTFALL_REACH]
        if before:
            found[before[-1]][5] *= -MODIFIER_WEIGHT
            found[before[-1]][6] += f" .. {text[starts[first]:ends[last]]}"
    return [tuple(o) for o in found]


def test_occurrences_agree_with_the_per_trigger_search(graph, texts):
    """Overlapping triggers, negations and hedges at sentence edges, shortfalls: the same readings."""
    lexicon = vocabulary_for(graph).event_types
    read = 0
    for text, span, words in _sentences_words(texts):
        tokens = _Sentences(text).tokens
        starts, ends = tokens.starts[span.start:span.stop], tokens.ends[span.start:span.stop]
        heads = [i for i, word in enumerate(words) if word in lexicon.head_kind]
        found = _occurrences(text, starts, ends, words, heads, lexicon)
        assert [tuple(o) for o in found] == _reference_occurrences(text, starts, ends, words, heads, lexicon)
        read += len(found)
    assert read > 200


def test_acting_is_the_first_type_that_requires_a_concept(graph):
    lexicon = vocabulary_for(graph).event_types
    for found in lexicon.by_head.values():
        kinds = tuple(t.kind for t in found if t.kind in lexicon.types)
        acting = lexicon.acting(kinds)
        for concept in lexicon.required:
            first = next(((order, lexicon.types[k]) for order, k in enumerate(kinds)
                          if concept in lexicon.types[k].requires), None)
            assert acting.get(concept) == first


def test_served_themes_follow_the_table_given():
    one = {"country:LT": [("system:nasams", 0.5, frozenset({"theme:air-defense"}))]}
    other = {"country:LT": [("system:rbs-70", 0.5, frozenset({"theme:counter-drone"}))]}
    assert _served(one) == {"country:LT": frozenset({"theme:air-defense"})}
    assert _served(other) == {"country:LT": frozenset({"theme:counter-drone"})}
    assert _served(one) is _served(one)


def test_tag_event_is_the_same_with_a_fresh_reading_of_the_text(graph, texts):
    """``tag_event`` shares one reading of the text between its stages (kept for the last text): read
    again from nothing, the text gives the same mentions, each in place."""
    for text in texts[:40] + EDGES:
        event = ex.Event(headline=text[:200] or "x", body=text)
        first = tag_event(event, graph)
        _Sentences.forget()
        assert tag_event(event, graph) == first
        assert all(event.text[m.start:m.end] == m.text for m in first.mentions if m.origin == "text")


def test_clause_bounds_from_tokens_are_the_clause_break_pattern(texts):
    """An ASCII sentence without "_" is cut into clauses from its tokens (set look-ups of the break
    words in every casing, ``str.find`` for the marks); the cuts are those of ``_CLAUSE_BREAK``."""
    import random

    from exposure.tagging._context import _CLAUSE_BREAK

    rng = random.Random(7)
    pieces = list("abdotwhilesnu ,;:.!?'_\n1") + ["While", "AS", "on's", "'as", "bUt", "amid", "though", "é"]
    odd = ["".join(rng.choice(pieces) for _ in range(rng.randint(1, 50))) for _ in range(3_000)]
    checked = 0
    for text in texts + odd:
        sentences = _Sentences(text)
        for number, (start, end) in enumerate(sentences.spans):
            expected = [start, *[m.end() for m in _CLAUSE_BREAK.finditer(text, start, end)], end]
            assert sentences._sentence_clause_bounds(number) == expected, text[start:end]
            checked += text[start:end].isascii()
    assert checked > 1_000


def test_mentions_made_fast_are_mentions(graph, texts):
    """``find_tokens`` and ``Mention.replaced`` make their mentions through ``_new_mention`` (slots set
    as plain attributes, then the class set): they are Mentions in every way the plain ones are."""
    import copy
    import dataclasses
    import pickle

    from exposure.tagging._gazetteer import Mention, _new_mention

    plain = Mention("theme:airlines", "airlines", 0, 8, 0.9, "context", -1, "clause: words of fall")
    made = _new_mention("theme:airlines", "airlines", 0, 8, 0.9, "context", -1, "clause: words of fall")
    assert type(made) is Mention and made == plain and hash(made) == hash(plain) and repr(made) == repr(plain)
    assert pickle.loads(pickle.dumps(made)) == plain and copy.deepcopy(made) == plain
    assert dataclasses.replace(made, sign=1) == plain.replaced(sign=1) == dataclasses.replace(plain, sign=1)
    with pytest.raises(dataclasses.FrozenInstanceError):
        made.sign = 1
    gazetteer = vocabulary_for(graph).gazetteer
    for text in texts[:60]:
        tokens = _Sentences(text).tokens
        for m in gazetteer.find_tokens(text, tokens.words, tokens.starts, tokens.ends):
            assert m == Mention(m.concept, m.text, m.start, m.end, m.confidence) and type(m) is Mention


def test_sentence_numbers_filled_at_once_are_those_asked_one_by_one(texts):
    """``tag_event`` fills the sentence number of every mention's start in one loop
    (``_SentenceAt.fill``); each is the number ``__missing__`` gives, whitespace and out-of-text
    positions included."""
    from exposure.tagging._context import _SentenceAt

    for text in texts:
        spans = _Sentences(text).spans
        positions = [-1, 0, len(text), len(text) + 5, *range(0, len(text), 7)]
        filled, asked = _SentenceAt(spans), _SentenceAt(spans)
        filled.fill(positions)
        assert dict(filled) == {p: asked[p] for p in positions}, text[:80]


def _plain_match(parts, words, i):
    """``_match`` as first written: each part looked for in turn, the first at word ``i``."""
    from exposure.tagging._fortune import GAP

    position = i
    for number, part in enumerate(parts):
        candidates = [i] if number == 0 else range(position + 1, min(position + 2 + GAP, len(words)))
        for start in candidates:
            if tuple(words[start:start + len(part)]) == part:
                position = start + len(part) - 1
                break
        else:
            return None
    return position


def test_match_of_one_run_of_words_is_the_plain_match(graph, texts):
    """A trigger of one run of words is compared at once (``_match``); the result is the plain search's."""
    from exposure.tagging._fortune import _match

    matchers = vocabulary_for(graph).event_types.matchers
    compared = 0
    for text in texts[:80] + EDGES:
        words = _Sentences(text).tokens.folded
        for i, word in enumerate(words):
            for parts in getattr(matchers.get(word), "patterns", ()):
                assert _match(parts, words, i) == _plain_match(parts, words, i), (parts, words[i:i + 6])
                compared += 1
    assert compared > 1_000


def test_token_starts_of_ascii_texts_with_few_apostrophes_are_those_of_token(texts):
    """In an ASCII text with few apostrophes the pieces to read by TOKEN are found from the
    apostrophes' positions, not by testing every word; the tokens are still TOKEN's."""
    import random

    rng = random.Random(11)
    pieces = list("ab1' -,'.\n_") + ["NATO's", "'s", "rock'n'roll", "é", "’", "word " * 3]
    odd = ["".join(rng.choice(pieces) for _ in range(rng.randint(0, 60))) for _ in range(3_000)]
    for text in texts + odd:
        found = list(TOKEN.finditer(text))
        assert token_starts(text) == ([m.group() for m in found], [m.start() for m in found]), text[:80]
        assert token_spans(text) == ([m.group() for m in found], [m.start() for m in found],
                                     [m.end() for m in found]), text[:80]
