"""The gazetteer finds the same phrases on a text's tokens (``find_tokens``) as on the text (``find``)."""

from hypothesis import given, settings
from hypothesis import strategies as st

import exposure as ex
from exposure.tagging import vocabulary_for
from exposure.tagging._normalize import token_starts
from tests.tagging.test_text_index import PIECES

from .conftest import FUZZ

GAZETTEER = vocabulary_for(ex.default_graph()).gazetteer


@settings(parent=FUZZ)
@given(st.lists(st.sampled_from(PIECES + ["NATO", "air", "defence", "drones", "Lithuania", "US"]), max_size=40))
def test_find_tokens_on_odd_pieces(pieces):
    text = "".join(pieces)
    words, starts = token_starts(text)
    ends = [start + len(word) for word, start in zip(words, starts)]
    assert GAZETTEER.find_tokens(text, words, starts, ends) == GAZETTEER.find(text)
