"""Sentence context: the direction of a mention, and systems implied by a country and a theme.

Two rules keep the graph linear while reading a little more than single words:

* a theme whose ``direction`` is ``sentence`` (an industry such as airlines, or a level that
  moves both ways such as interest rates, as opposed to a driver such as defense spending whose
  mention counts in its favour), and any GICS industry, takes its sign from its sentence's
  direction words ("airlines cancelled routes" is bad news for airlines; a bare mention says
  nothing);
* a country or organisation named in the same sentence as a theme activates the systems it
  operates that serve the theme ("Lithuania asks for more air defences" -> NASAMS, RBS 70),
  sharing one unit of activation in proportion to the ``operates`` weights.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import replace

from exposure.tagging._gazetteer import Mention
from exposure.tagging._normalize import normalize_token, tokenize

_SENTENCE_END = re.compile(r"(?<=[.!?])\s+|\n\s*\n")

_NEGATIVE = frozenset(normalize_token(w) for w in (
    "cancel cancelled cancels cut cuts closed close closes closure shut shuts halt halted halts "
    "suspend suspended ground grounded disrupt disrupted disrupts disruption divert diverted hit "
    "hurt slump slumped plunge plunged fall fell drop dropped decline declined loss losses warn "
    "warned warning downgrade downgraded ban banned weaker lower reduce reduced delay delayed "
    "tumble tumbled sink sank slash slashed collapse collapsed stranded ease eased easing loosen "
    "loosened dovish slide slid dip dipped retreat retreated weaken weakened slowdown slowed "
    "contraction shortage"
).split())
_POSITIVE = frozenset(normalize_token(w) for w in (
    "rise rose rises jump jumped surge surged rally rallied boost boosted gain gained record beat "
    "upgrade upgraded expand expanded expansion increase increased higher strong stronger raise "
    "raised soar soared recover recovered recovery resume resumed reopen reopened hike hikes hiked "
    "tighten tightened tightening climb climbed spike spiked lift lifted hawkish accelerate "
    "accelerated"
).split())


def sentence_spans(text: str) -> list[tuple[int, int]]:
    """Character spans of the sentences of a text (paragraph breaks end a sentence too)."""
    spans, start = [], 0
    for match in _SENTENCE_END.finditer(text):
        spans.append((start, match.start()))
        start = match.end()
    spans.append((start, len(text)))
    return [(a, b) for a, b in spans if text[a:b].strip()]


def sentence_direction(sentence: str) -> int:
    """+1, -1 or 0: the balance of direction words in a sentence.

    >>> sentence_direction("European airlines cancelled routes")
    -1
    >>> sentence_direction("Airlines said bookings to the Baltics")
    0
    """
    words = [normalize_token(t) for t, _, _ in tokenize(sentence)]
    score = sum(w in _POSITIVE for w in words) - sum(w in _NEGATIVE for w in words)
    return (score > 0) - (score < 0)


def _sentence_of(spans: Sequence[tuple[int, int]], position: int) -> int:
    for number, (start, end) in enumerate(spans):
        if start <= position < end:
            return number
    return len(spans) - 1


def sign_by_sentence(text: str, mentions: Sequence[Mention], concepts: frozenset[str]) -> list[Mention]:
    """Give mentions of the chosen concepts the direction of their sentence."""
    spans = sentence_spans(text)
    signed = []
    for mention in mentions:
        if mention.concept in concepts:
            start, end = spans[_sentence_of(spans, mention.start)]
            mention = replace(mention, sign=sentence_direction(text[start:end]))
        signed.append(mention)
    return signed


def operated_system_mentions(
    text: str,
    mentions: Sequence[Mention],
    operated: dict[str, list[tuple[str, float, frozenset[str]]]],
) -> list[Mention]:
    """Systems activated by an operator and a theme they serve named in one sentence.

    Parameters
    ----------
    operated : dict
        Operator id -> ``[(system id, operates weight, themes the system implies), ...]``.
    """
    spans = sentence_spans(text)
    by_sentence: dict[int, list[Mention]] = {}
    for mention in mentions:
        if mention.start >= 0 and mention.sign > 0:
            by_sentence.setdefault(_sentence_of(spans, mention.start), []).append(mention)
    found = []
    for number, group in sorted(by_sentence.items()):
        themes = {m.concept: m for m in group if m.concept.startswith("theme:")}
        for operator in (m for m in group if m.concept in operated):
            for theme, theme_mention in sorted(themes.items()):
                serving = [(s, w) for s, w, implied in operated[operator.concept] if theme in implied]
                total = sum(w for _, w in serving)
                start, end = spans[number]
                for system, weight in serving:
                    found.append(Mention(
                        system, f"{operator.text} + {theme_mention.text}", start, end,
                        weight / total * min(operator.confidence, theme_mention.confidence), "context",
                    ))
    return found
