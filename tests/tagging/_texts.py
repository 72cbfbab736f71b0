"""Texts for tagging tests and benchmarks: a long article of real words and graph aliases, and bad input.

Deterministic for a seed and independent of the graph, so a recorded output changes only when
tagging or the graph does.
"""

import random

COMMON = (
    "the of and to in a is that for it as was with be by on not this are or from at which but have an "
    "they were there been one all their has would when more no if out so said what up its about into "
    "than them can only other new some could time these two may then first any now such over also did "
    "many before through back years where much well down should because each just those people how "
    "very make world still own see work long get here between both under never day same another while "
    "last market shares company percent year quarter billion million sales growth price prices rate "
    "rates government officials analysts investors demand supply report week month higher lower rose "
    "fell expected according statement chief executive plans deal talks policy costs trade"
).split()
ALIASES = (
    "Lithuania|NATO|air defence|air defences|drones|counter-drone|Poland|Ukraine|Russia|airlines|"
    "oil tankers|crude oil|OPEC|Boeing|Airbus|Lockheed Martin|Rheinmetall|Patriot|export controls|"
    "chip equipment makers|semiconductors|TSMC|Nvidia|banks|homebuilders|interest rates|Federal Reserve|"
    "tariffs|steel|defense spending|cruise lines|hotels|vaccine|cyber attack|Strait of Hormuz|Israel|"
    "Iran|China|Taiwan|European Union|US|SAM|Tomahawk|shipping|insurers|utilities|wildfire|power lines"
).split("|")
BREAKS = [".", ".", ",", ",", ";", ":", "!", "?", "\n\n", " while", " but", " as"]


def long_article(words: int, seed: int = 0) -> str:
    """About ``words`` words: common English words, one alias in ten, punctuation and paragraph breaks.

    >>> len(long_article(1_000).split()) > 900
    True
    """
    rng = random.Random(seed)
    out: list[str] = []
    count = 0
    while count < words:
        if rng.random() < 0.1:
            phrase = rng.choice(ALIASES)
            phrase = rng.choice([phrase, phrase.lower(), phrase.upper(), phrase + "'s", phrase + "s"])
        else:
            phrase = rng.choice(COMMON)
            if rng.random() < 0.08:
                phrase = phrase.capitalize()
        if rng.random() < 0.12:
            phrase += rng.choice(BREAKS)
        out.append(phrase)
        count += phrase.count(" ") + 1
    return " ".join(out)


MEGABYTE = 1_000_000

BAD_BODIES = {
    "empty": "",
    "punctuation": ".,;:!?-()[]'\"’—" * (MEGABYTE // 14),
    "one word": "a" * MEGABYTE,
    "sentence breaks": "x. " * 100_000,
    "paragraph breaks": "\n\n" * 100_000,
}
