"""Word sense from context: drop or re-target a gazetteer match whose neighbours select another sense.

The gazetteer matches an alias wherever it appears, but many aliases have more than one sense:
"rates" are interest rates beside "the Fed" and tariff levels beside "tariff"; "consumer" in
"consumer prices" is inflation, not shoppers; "Carrier air-conditioning" is no airline; "power
lines" in a wildfire story are the utility's liability, not demand for grid equipment. The senses
are listed, with the reasoning for each, in ``data/word_senses.csv``; they are general (no
tickers, dates or event words). One row reads:

* ``concept`` the gazetteer found (a node id, or a kind such as ``country:*`` for every node of
  that kind) and ``alias``, the matched words (folded as the gazetteer folds them, so "rates"
  and "rate" are one alias; ``*`` for any alias);
* ``side`` (``before``, ``after`` or ``around``) and ``within``: how many words next to the
  match are read;
* ``context``: words or phrases, ``|``-separated, any of which selects the other sense when it
  lies in those words; ``keep_if``: words or phrases that, when they lie there too, confirm the
  gazetteer's sense and keep the mention ("tariff rates" is a tariff level, but "rates" beside
  "Fed" in the same breath is still interest rates);
* ``action``: ``drop`` the mention, or ``retarget`` it to ``target`` (a node id). A re-targeted
  mention keeps its words, span and confidence, and records the rule (``sense: fire``) that
  explanations show. Its sign is then read as for any mention of the target, so a sign that
  must not come from the clause's words is expressed by the target concept and its signed edges
  (a wildfire started by a utility's lines points at ``theme:utility-liability``, which implies
  utilities down).

The first row (in file order) whose concept, alias and context match decides. The stage runs on
the gazetteer's mentions before any sentence rule, so a dropped sense neither moves anything nor
silences the sentence-signed themes it would otherwise drive. Time is linear in the text: only
mentions of listed concepts are read, each over a bounded window of words.

Examples
--------
>>> from exposure.tagging._gazetteer import Mention
>>> senses = default_senses()
>>> text = "The US set a 10% tariff on all imports and much higher rates for dozens of countries."
>>> found = [Mention("theme:interest-rates", "rates", 55, 60, 0.2)]
>>> senses.read(text, found)
[]
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from functools import cached_property, lru_cache
from typing import Literal

from exposure.errors import DataError
from exposure.tagging._context import _Sentences
from exposure.tagging._data import data_rows
from exposure.tagging._gazetteer import Mention
from exposure.tagging._normalize import TOKEN, normalize_token

SENSE_FILE = "word_senses.csv"
_COLUMNS = ("concept", "alias", "side", "within", "context", "keep_if", "action", "target", "reasoning")
_SIDES = ("before", "after", "around")
_ACTIONS = ("drop", "retarget")
_MAX_WITHIN = 30
_CHARS_PER_WORD = 24  # generous: the window of text cut around a match holds at least `within` words

Phrase = tuple[str, ...]


def _fold(words: str) -> Phrase:
    return tuple(normalize_token(w) for w in TOKEN.findall(words))


@dataclass(frozen=True)
class Sense:
    """One row of the sense list: where another sense of a concept's alias shows, and what to do."""

    concept: str
    alias: Phrase | None
    side: Literal["before", "after", "around"]
    within: int
    context: tuple[Phrase, ...]
    keep_if: tuple[Phrase, ...]
    action: Literal["drop", "retarget"]
    target: str
    reasoning: str

    @cached_property
    def cues(self) -> frozenset[str]:
        """The first words of the ``context`` phrases: a window without any of them selects nothing."""
        return frozenset(phrase[0] for phrase in self.context)

    def applies_to(self, concept: str) -> bool:
        if self.concept.endswith(":*"):
            return concept.startswith(self.concept[:-1])
        return concept == self.concept


def _phrases(cell: str) -> tuple[Phrase, ...]:
    return tuple(p for p in (_fold(part) for part in cell.split("|")) if p)


def _contains(words: Sequence[str], phrase: Phrase) -> str | None:
    n = len(phrase)
    for i in range(len(words) - n + 1):
        if tuple(words[i:i + n]) == phrase:
            return " ".join(phrase)
    return None


def _first(words: Sequence[str], phrases: Iterable[Phrase]) -> str | None:
    present = set(words)
    for phrase in phrases:
        if phrase[0] in present:
            found = _contains(words, phrase)
            if found:
                return found
    return None


class SenseList:
    """The sense rows in file order, with the rows of each concept found once and kept.

    Parameters
    ----------
    senses : iterable of Sense
    """

    def __init__(self, senses: Iterable[Sense]) -> None:
        self.senses = tuple(senses)
        self._listed = frozenset(s.concept for s in self.senses if not s.concept.endswith(":*"))
        self._kinds = tuple(sorted({s.concept[:-1] for s in self.senses if s.concept.endswith(":*")}))
        self._rows: dict[str, tuple[Sense, ...]] = {}

    def __len__(self) -> int:
        return len(self.senses)

    @classmethod
    def from_rows(cls, rows: Iterable[dict[str, str]], where: str = SENSE_FILE) -> SenseList:
        """Read and check rows (dicts with the file's columns); a bad row raises ``DataError``.

        >>> row = dict(concept="theme:airlines", alias="flight", side="before", within="1",
        ...            context="deposit|capital", keep_if="", action="drop", target="",
        ...            reasoning="deposit flight is money leaving a bank")
        >>> SenseList.from_rows([row]).senses[0].context
        (('deposit',), ('capital',))
        """
        senses = []
        for line, row in enumerate(rows, start=2):
            missing = [c for c in _COLUMNS if row.get(c) is None]
            if missing:
                raise DataError(f"sense row lacks column {missing[0]!r}", where=f"{where} line {line}",
                                field=missing[0], fix=f"give every row the columns {', '.join(_COLUMNS)}")
            cell = {c: row[c].strip() for c in _COLUMNS}
            problem = _problem(cell)
            if problem:
                field, message, fix = problem
                raise DataError(message, where=f"{where} line {line}", field=field, fix=fix)
            alias = None if cell["alias"] == "*" else _fold(cell["alias"])
            senses.append(Sense(cell["concept"], alias, cell["side"], int(cell["within"]),  # type: ignore[arg-type]
                                _phrases(cell["context"]), _phrases(cell["keep_if"]), cell["action"],  # type: ignore[arg-type]
                                cell["target"], cell["reasoning"]))
        return cls(senses)

    def for_concepts(self, known) -> SenseList:
        """The rows that can apply in a graph: their concept and target are nodes of it."""
        return SenseList(s for s in self.senses if (s.concept.endswith(":*") or s.concept in known)
                         and (s.action == "drop" or s.target in known))

    def rows_for(self, concept: str) -> tuple[Sense, ...]:
        """The rows that apply to a concept, in file order."""
        rows = self._rows.get(concept)
        if rows is None:
            listed = concept in self._listed or concept.startswith(self._kinds)
            rows = self._rows[concept] = tuple(s for s in self.senses if s.applies_to(concept)) if listed else ()
        return rows

    def read(self, text: str, mentions: Sequence[Mention]) -> list[Mention]:
        """The mentions with every listed other sense dropped or re-targeted, in order."""
        kept: list[Mention] = []
        sentences = None
        known = self._rows
        for mention in mentions:
            rows = known.get(mention.concept)
            if rows is None:
                rows = self.rows_for(mention.concept)
            if not rows or mention.start < 0:
                kept.append(mention)
                continue
            alias = _fold_cached(mention.text)
            for sense in rows:
                if sense.alias is not None and alias != sense.alias:
                    continue
                sentences = sentences or _Sentences(text)
                words = _window(sentences, mention.start, mention.end, sense.side, sense.within)
                if sense.cues.isdisjoint(words):
                    continue
                cue = _first(words, sense.context)
                if cue is None or _first(words, sense.keep_if) is not None:
                    continue
                if sense.action == "retarget":
                    kept.append(replace(mention, concept=sense.target, rule=f"sense: {cue}"))
                break
            else:
                kept.append(mention)
        return kept


@lru_cache(maxsize=1 << 14)
def _fold_cached(words: str) -> Phrase:
    return _fold(words)


def _window(sentences: _Sentences, start: int, end: int, side: str, within: int) -> list[str]:
    """Folded words next to ``text[start:end]``: up to ``within`` before, after, or both."""
    reach = within * _CHARS_PER_WORD
    before: list[str] = []
    after: list[str] = []
    if side in ("before", "around"):
        before = sentences.last_folded(max(0, start - reach), start, within)
    if side in ("after", "around"):
        after = sentences.first_folded(end, end + reach, within)
    return [*before, "\x00", *after]


def _problem(cell: dict[str, str]) -> tuple[str, str, str] | None:
    if ":" not in cell["concept"]:
        return ("concept", f"concept {cell['concept']!r} is not a node id",
                "write a node id such as theme:banks or a kind such as country:*")
    if not cell["alias"]:
        return "alias", "alias is empty", "write the matched words, or * for any alias"
    if cell["side"] not in _SIDES:
        return "side", f"side {cell['side']!r} is not one of {', '.join(_SIDES)}", "write before, after or around"
    if not cell["within"].isdigit() or not 1 <= int(cell["within"]) <= _MAX_WITHIN:
        return ("within", f"within {cell['within']!r} is not a whole number of words from 1 to {_MAX_WITHIN}",
                "write e.g. 3")
    if not _phrases(cell["context"]):
        return "context", "context names no words", "list words or phrases separated by |"
    if cell["action"] not in _ACTIONS:
        return "action", f"action {cell['action']!r} is not one of {', '.join(_ACTIONS)}", "write drop or retarget"
    if cell["action"] == "retarget" and ":" not in cell["target"]:
        return "target", "a retarget row needs a target node id", "write the node id the other sense means"
    if cell["action"] == "drop" and cell["target"]:
        return "target", "a drop row has no target", "leave target empty or write action retarget"
    if not cell["reasoning"]:
        return "reasoning", "reasoning is empty", "say why the context selects the other sense"
    return None


@lru_cache(maxsize=1)
def default_senses() -> SenseList:
    """The sense list shipped with the package (``exposure/tagging/data/word_senses.csv``).

    >>> any(s.concept == "theme:interest-rates" for s in default_senses().senses)
    True
    """
    return SenseList.from_rows(data_rows(SENSE_FILE))
