"""Token normalisation shared by aliases and text, so that spelling variants meet in one form.

Both sides go through the same function, so a rule only has to map variants together; it never
has to produce a real word ("defences" and "defenses" both become "defense").
"""

from __future__ import annotations

import re
from bisect import bisect_right
from itertools import accumulate, compress, count
from operator import not_

TOKEN = re.compile(r"[^\W_]+(?:['’][^\W_]+)*")

_BRITISH = {
    "defence": "defense", "offence": "offense", "licence": "license", "aluminium": "aluminum",
    "programme": "program", "tyre": "tire", "grey": "gray", "manoeuvre": "maneuver",
    "armour": "armor", "armoured": "armored", "harbour": "harbor", "labour": "labor",
    "behaviour": "behavior", "neighbour": "neighbor", "favour": "favor", "honour": "honor",
    "colour": "color", "rumour": "rumor", "vapour": "vapor", "endeavour": "endeavor",
    "travelled": "traveled", "travelling": "traveling", "cancelled": "canceled",
    "cancelling": "canceling", "modelling": "modeling", "modelled": "modeled",
    "labelled": "labeled", "fuelled": "fueled", "fuelling": "fueling", "signalled": "signaled",
    "levelled": "leveled", "sceptic": "skeptic", "sceptical": "skeptical", "jewellery": "jewelry",
    "catalogue": "catalog", "dialogue": "dialog", "analogue": "analog", "cheque": "check",
    "plough": "plow", "mould": "mold", "kerb": "curb", "storey": "story", "draught": "draft",
}
_KEEP_S = frozenset({
    "news", "series", "species", "physics", "economics", "politics", "logistics", "analytics",
    "arms", "gas", "bias", "chassis", "lens", "alias", "canvas", "atlas", "basis", "crisis",
    "analysis", "diagnosis", "thesis", "emphasis", "status", "bus", "virus", "campus", "census",
    "consensus", "bonus", "focus", "surplus", "stimulus", "radius", "nexus", "corpus", "us",
    "its", "this", "has", "was", "is", "as", "his", "hers", "yes", "less", "unless", "across",
    "always", "perhaps", "whereas", "sometimes", "overseas", "baltics", "nordics",
})
_ES_PLURAL = re.compile(r"(?:ss|x|z|ch|sh)es$")


def normalize_token(token: str) -> str:
    """Fold one token to its matching form: lower case, US spelling, singular, no possessive.

    Examples
    --------
    >>> [normalize_token(t) for t in ["Defences", "NATO's", "batteries", "centimetre", "Analyse"]]
    ['defense', 'nato', 'battery', 'centimeter', 'analyze']
    """
    word = token.casefold().replace("’", "'")
    if word.endswith("'s"):
        word = word[:-2]
    elif word.endswith("s'"):
        word = word[:-1]
    word = _singular(word)
    word = _BRITISH.get(word, word)
    if len(word) > 4:
        if word.endswith(("tre", "bre")) and not word.endswith("ombre"):
            word = word[:-2] + "er"
        elif word.endswith(("ise", "yse")):
            word = word[:-2] + "ze"
        elif word.endswith(("ised", "ising", "isation", "yzed", "ysed", "ysing")):
            word = re.sub(r"([iy])s(ed|ing|ation)$", r"\1z\2", word)
    return word


def _singular(word: str) -> str:
    if word in _KEEP_S or len(word) <= 3 or not word.endswith("s"):
        return word
    if word.endswith("ies") and len(word) > 4:
        return word[:-3] + "y"
    if _ES_PLURAL.search(word):
        return word[:-2]
    if word.endswith(("ss", "us", "is")):
        return word
    return word[:-1]


def pieces_of(text: str) -> list[str]:
    """The text cut at every ASCII character that never belongs to a token (one piece per cut, so
    piece ``j`` starts after the pieces before it and ``j`` cuts); every token lies in one piece.

    >>> pieces_of("air-defence,  NATO's")
    ['air', 'defence', '', '', "NATO's"]
    """
    # bytes.translate is a table lookup per byte; a separator is one byte, so characters keep their places
    return text.encode("utf-8", "surrogatepass").translate(SEPARATORS).decode("utf-8", "surrogatepass").split(" ")


def token_starts(text: str) -> tuple[list[str], list[int]]:
    """The tokens of a text and where each starts: what ``TOKEN.finditer`` finds, found faster.

    ASCII characters that never belong to a token become spaces and the text is split there (in
    C); a piece of letters and digits only (``str.isalnum``, the very characters of ``[^\\W_]``)
    is one token, and only the other pieces (with an apostrophe or non-ASCII punctuation) are
    read by ``TOKEN``.

    Examples
    --------
    >>> token_starts("NATO's air-defence, 2 'drones'")
    (["NATO's", 'air', 'defence', '2', 'drones'], [0, 7, 11, 20, 23])
    """
    words, starts, _ = token_spans(text)
    return words, starts


def token_spans(text: str) -> tuple[list[str], list[int], list[int]]:
    """``token_starts`` with where each token ends.

    >>> token_spans("NATO's air-defence")
    (["NATO's", 'air', 'defence'], [0, 7, 11], [6, 10, 18])
    """
    pieces = pieces_of(text)
    # piece j starts one separator after piece j - 1 ends: the running sum of the pieces' lengths
    # with a 1 between each two gives every start and end, in turn, with one number made for each
    steps = [1] * (2 * len(pieces) - 1)
    steps[0::2] = map(len, pieces)
    bounds = list(accumulate(steps, initial=0))
    words = list(filter(None, pieces))
    starts = list(compress(bounds[0::2], pieces))
    ends = list(compress(bounds[1::2], pieces))
    if text.isascii() and text.count("'") * 8 <= len(words):
        # An ASCII piece is letters, digits and apostrophes: the uneven pieces are those holding one
        # of the text's (few) apostrophes, found without looking at every word.
        uneven = sorted({bisect_right(starts, at) - 1 for at in positions_of("'", text)})
    else:
        uneven = list(compress(count(), map(not_, map(str.isalnum, words))))
    if not uneven:
        return words, starts, ends
    # Only the uneven pieces are read by TOKEN; the runs of whole words between them are copied as slices.
    found_words: list[str] = []
    found_starts: list[int] = []
    found_ends: list[int] = []
    after = 0
    for k in uneven:
        found_words += words[after:k]
        found_starts += starts[after:k]
        found_ends += ends[after:k]
        for match in TOKEN.finditer(text, starts[k], ends[k]):
            found_words.append(match.group())
            found_starts.append(match.start())
            found_ends.append(match.end())
        after = k + 1
    found_words += words[after:]
    found_starts += starts[after:]
    found_ends += ends[after:]
    return found_words, found_starts, found_ends


def positions_of(char: str, text: str, start: int = 0, end: int | None = None) -> list[int]:
    """Positions of ``char`` in ``text[start:end]`` (``str.find`` skips to each in C).

    >>> positions_of("'", "NATO's allies' jets")
    [4, 13]
    """
    end = len(text) if end is None else end
    found, at = [], text.find(char, start, end)
    while at >= 0:
        found.append(at)
        at = text.find(char, at + 1, end)
    return found


def tokenize(text: str) -> list[tuple[str, int, int]]:
    """Word tokens of a text with their character spans: ``[(token, start, end), ...]``.

    Hyphens and punctuation separate tokens, so "counter-drone" and "counter drone" match alike.
    """
    return [(m.group(0), m.start(), m.end()) for m in TOKEN.finditer(text)]


SEPARATORS = bytes(  # UTF-8 bytes: ASCII characters that never belong to a token become spaces
    c if c >= 0x80 or chr(c) == "'" or TOKEN.fullmatch(chr(c)) else ord(" ") for c in range(256)
)
