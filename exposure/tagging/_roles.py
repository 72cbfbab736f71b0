"""Roles of countries in a clause, and the systems an operator brings into a story.

A country or organisation named in the same sentence as a theme may bring in the systems it
operates that serve the theme (graph ``operates`` edges, systems ``implies`` themes): "Lithuania
asks for more air defences" is news for NASAMS and RBS 70, and through ``makes`` for their makers.
Whether it should depends on the country's **role** in its clause:

* **actor** of an attack (the subject of an active attack word, "Iran launches drones at Israel",
  "a US drone strike", or the one after *by* in a passive, "Israel was attacked by Iran"): its own
  systems are **not** activated. An attacker spends its own weapons, and the story says nothing
  about buying them: "the US struck Iran ... from submarines" must not put the maker of US naval
  air defences among the story's first names, nor may Russia's or Iran's own (often unlisted) drones lift
  whatever listed company makes systems that the attacker happens to operate for other missions;
* **target** (the object of an attack word, "attacked Poland", "strikes hit sites near Kyiv",
  after a target preposition, "missiles at Israel", "strikes in Lithuania", or the subject of a
  passive, "Israel was hit"): its **defences** are activated, the systems that serve the theme
  and a *defence theme* of the data file (air and missile defence, counter-drone). A target
  defends with its air defences, counter-drone systems and interceptors, uses them up and
  replenishes them; its own drones, artillery and strike missiles are not what the attack on it
  makes anyone buy ("Russian drones struck Ukraine" is news for Ukraine's air defences, not for
  the maker of its loitering munitions);
* **defender** (either side of a defence word: "Israel intercepted most of the missiles",
  "intercepted by Israeli and US air defences", "Poland shot down drones"): like a target, its
  defences are activated;
* **buyer** (a clause of procurement, request or defence: "Lithuania asks NATO for more air
  defences", "Germany orders Patriot systems", "Poland to buy", "replenish stocks", "approves the
  sale", "budget for"): its systems **are** activated, since what a country buys more of is what
  it already operates. The other side of a sale ("the US approves the sale to Poland") is read the
  same way: a sale moves the systems both sides operate;
* a country in a clause with none of these words keeps the reading the graph had before roles
  (its systems of the theme are activated): "Israel's air defences were on alert".

The words are listed, each with its reasoning, in ``data/country_roles.csv`` (no tickers, dates or
events): *attack* words; *attack_if_aimed* words (launch, fire, hit), attacks only when a target
preposition or *by* follows them in the clause or the clause holds an unambiguous attack word
("Germany launches an air-defence programme" is no attack); *defence* words (intercept, shot
down); *procurement* words, unless an attack
word follows within two words ("ordered strikes on" is a command to attack, not an order of
goods); *target* prepositions; the *agent* marker *by*; and the *defence themes* (graph theme
ids) whose systems a target brings in.

How a role is read, within the clause cut as for sentence-signed themes (see ``_context``; a
clause that begins right after a break word that is a target preposition, "strikes on | Gaza", is
read together with the clause before it):

1. a mention that follows *by*, or a target preposition, within three words and after an attack
   word of its clause is the actor, or the target;
2. otherwise the nearest trigger decides, as in the company-fortune rule (``_fortune``): the first
   trigger after the mention (the mention is its subject) or the last before it (its object),
   whichever is closer, a tie going to the subject. The subject of an attack is its actor, of a
   passive attack (after *be, was, were, is, are, been, being, get, got*, or followed by *by*) its
   target; the object of an attack is its target; both sides of a procurement word are buyers,
   of a defence word defenders.

**Directly named systems** are left as they are: "Tomahawk", "Patriot" or "Shahed" named in the
text reach their makers through ``makes`` and their themes through ``implies`` whatever the
role of whoever fires them. A strike with a listed maker's missiles uses up stock its operator
buys again (a mildly positive, replenishment reading, which the mention's weight already
carries); an attacker's own drones with an unlisted maker reach no listed maker through
``makes``, and the themes they imply (counter-drone, air defence) are the defences of the target.
What the role reading removes is the step from a *country name* to the systems it operates.

Every mention this stage produces carries its reading as ``rule``, shown by
``EventImpacts.explain()``: ``operator: Lithuania (buyer: requested) -> system:nasams``.

Time is linear in the text: only an operator whose systems serve a theme of its sentence is
read; its clause (joined as above, once per clause) is scanned once, and each mention finds its
nearest trigger by bisection.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

from exposure.tagging._context import _folded, _Sentences
from exposure.tagging._data import data_rows
from exposure.tagging._fortune import _BY, _PASSIVE_BEFORE
from exposure.tagging._gazetteer import Mention, _new_mention
from exposure.tagging._normalize import normalize_token

ROLES_FILE = "country_roles.csv"
KINDS = ("attack", "attack_if_aimed", "defence", "procurement", "target", "agent", "defence_theme")
REACH = 3
COMMAND_REACH = 2
_EITHER_SIDE = {"procurement": "buyer", "defence": "defender"}
_DEFENDING = ("target", "defender")


@dataclass(frozen=True)
class RoleLexicon:
    """The role words of ``data/country_roles.csv`` (folded word -> kind) and its defence themes."""

    kinds: dict[str, str]
    defence_themes: frozenset[str] = frozenset()

    @classmethod
    def from_rows(cls, rows) -> RoleLexicon:
        rows = [(row["term"].strip(), row["kind"].strip()) for row in rows]
        return cls({normalize_token(term): kind for term, kind in rows if kind != "defence_theme"},
                   frozenset(term for term, kind in rows if kind == "defence_theme"))


@lru_cache(maxsize=1)
def default_roles() -> RoleLexicon:
    """The role words shipped with the package (``exposure/tagging/data/country_roles.csv``).

    >>> default_roles().kinds["strike"], default_roles().kinds["at"]
    ('attack', 'target')
    """
    return RoleLexicon.from_rows(list(data_rows(ROLES_FILE)))


@dataclass(slots=True)  # made per clause of every story: plain slots are set fastest
class _RoleClause:
    """The words of one clause (as written and folded), where they start, and its role triggers:
    ``(word index, kind, passive)`` in text order."""

    words: list[str]
    folded: list[str]
    starts: list[int]
    triggers: list[tuple[int, str, bool]]
    at: list[int]
    attacks: list[int]
    lexicon: RoleLexicon

    def role(self, start: int, end: int) -> tuple[str, str]:
        """``(role, words)`` of a mention at ``[start, end)``: actor, target, defender, buyer or ``""``."""
        if not self.triggers:
            return "", ""
        first = bisect_left(self.starts, start)
        last = bisect_left(self.starts, end) - 1
        if first > last:
            return "", ""
        after = bisect_left(self.at, first)
        previous = self.at[after - 1] if after > 0 else -1
        for j in range(first - 1, max(previous, first - 1 - REACH), -1):
            kind = self.lexicon.kinds.get(self.folded[j])
            attack = bisect_left(self.attacks, j) - 1
            if kind in ("agent", "target") and attack >= 0:
                words = f"{self.words[self.attacks[attack]]} .. {self.words[j]}"
                return ("actor" if kind == "agent" else "target"), words
        choices = []
        if after < len(self.triggers):
            index, kind, passive = self.triggers[after]
            subject_role = _EITHER_SIDE.get(kind) or ("target" if passive else "actor")
            choices.append((index - last, 0, subject_role, index))
        if after > 0:
            index, kind, _ = self.triggers[after - 1]
            choices.append((first - index, 1, _EITHER_SIDE.get(kind, "target"), index))
        _, _, role, index = min(choices)
        return role, self.words[index]


_TRIGGER_KINDS = frozenset({"attack", "attack_if_aimed", "defence", "procurement"})


def read_roles(text: str, start: int, end: int, lexicon: RoleLexicon) -> _RoleClause:
    """Scan one clause for role triggers.

    The clause's words are a slice of the text's tokens, read once per text (see ``_Sentences``).

    Examples
    --------
    >>> text = "Russia strikes Ukraine with drones"
    >>> clause = read_roles(text, 0, len(text), default_roles())
    >>> clause.role(0, 6), clause.role(15, 22)
    (('actor', 'strikes'), ('target', 'strikes'))
    """
    starts, _, words, folded = _Sentences(text).columns(start, end)
    kinds = list(map(lexicon.kinds.get, folded))
    if _TRIGGER_KINDS.isdisjoint(kinds):
        return _RoleClause(words, folded, [], [], [], [], lexicon)
    marks = [(i, kind) for i, kind in enumerate(kinds) if kind is not None]
    last_aim = max((i for i, kind in marks if kind in ("target", "agent")), default=-1)
    unambiguous = any(kind == "attack" for _, kind in marks)
    attacks = [i for i, kind in marks
               if kind == "attack" or (kind == "attack_if_aimed" and (unambiguous or last_aim > i))]
    attacking = set(attacks)
    triggers = []
    for i, kind in marks:
        if i in attacking:
            passive = (any(w in _PASSIVE_BEFORE for w in folded[max(0, i - 2):i])
                       or (i + 1 < len(folded) and folded[i + 1] == _BY))
            triggers.append((i, "attack", passive))
        elif kind == "procurement":
            following = bisect_left(attacks, i + 1)
            if following == len(attacks) or attacks[following] > i + COMMAND_REACH:
                triggers.append((i, "procurement", False))
        elif kind == "defence":
            triggers.append((i, "defence", False))
    return _RoleClause(words, folded, starts, triggers, [i for i, _, _ in triggers], attacks, lexicon)


def _after_target_preposition(text: str, position: int, lexicon: RoleLexicon) -> bool:
    """Whether the clause break ending at ``position`` is a word that is a target preposition."""
    if position <= 0 or not text[position - 1].isalnum():
        return False
    words = text[max(0, position - 12):position].split()
    return bool(words) and lexicon.kinds.get(_folded(words[-1])) == "target"


def _role_span(sentences: _Sentences, key: tuple[int, int], lexicon: RoleLexicon,
               spans: dict[tuple[int, int], tuple[int, int]]) -> tuple[int, int]:
    """Character span of the role clause holding clause ``key`` (memoised in ``spans``).

    A clause that begins right after a break word that is a target preposition ("strikes on |
    Gaza") is read together with the clause before it; clauses are contiguous, so the start of
    one is the end of the one before.
    """
    if key in spans:
        return spans[key]
    number, clause = key
    sentence_start, sentence_end = sentences.spans[number]
    first = last = clause
    start, end = sentences.clause_span(number, clause)
    while first > 0 and _after_target_preposition(sentences.text, start, lexicon):
        first -= 1
        start = sentences.clause_span(number, first)[0]
    while end < sentence_end and _after_target_preposition(sentences.text, end, lexicon):
        following = sentences.clause_key(number, end)
        if following is None or following[1] == last:
            break
        last = following[1]
        end = sentences.clause_span(number, last)[1]
    for joined in range(first, last + 1):
        spans[(number, joined)] = (start, end)
    return start, end


class _Operators:
    """What ``operated_system_mentions`` reads of one ``operated`` table, worked out once per table:
    every theme an operator's systems serve, and the systems of an operator that serve a theme."""

    def __init__(self, operated: dict[str, list[tuple[str, float, frozenset[str]]]]) -> None:
        self.operated = operated
        self.served = {operator: frozenset().union(*(themes for _, _, themes in systems))
                       for operator, systems in operated.items()}
        self._serving: dict[tuple, tuple[tuple[str, float], ...]] = {}

    def serving(self, operator: str, theme: str,
                defence_themes: frozenset[str] | None) -> tuple[tuple[str, float], ...]:
        """``(system, share)`` of the operator's systems that serve ``theme`` (only those that also
        serve one of ``defence_themes`` when given), shared in proportion to the ``operates`` weights."""
        key = (operator, theme, defence_themes)
        found = self._serving.get(key)
        if found is None:
            systems = [(system, weight) for system, weight, implied in self.operated[operator]
                       if theme in implied and not (defence_themes is not None and defence_themes.isdisjoint(implied))]
            total = sum(weight for _, weight in systems)
            found = self._serving[key] = tuple((system, weight / total) for system, weight in systems)
        return found


_OPERATORS: dict[int, _Operators] = {}


def _operators(operated: dict[str, list[tuple[str, float, frozenset[str]]]]) -> _Operators:
    """The ``_Operators`` of an ``operated`` table (kept for a few tables, by identity)."""
    kept = _OPERATORS.get(id(operated))
    if kept is None or kept.operated is not operated:
        if len(_OPERATORS) >= 16:
            _OPERATORS.clear()
        kept = _OPERATORS[id(operated)] = _Operators(operated)
    return kept


def _served(operated: dict[str, list[tuple[str, float, frozenset[str]]]]) -> dict[str, frozenset[str]]:
    """Operator -> every theme its systems serve, worked out once per ``operated`` table."""
    return _operators(operated).served


def operated_system_mentions(
    text: str,
    mentions: Sequence[Mention],
    operated: dict[str, list[tuple[str, float, frozenset[str]]]],
    lexicon: RoleLexicon | None = None,
) -> list[Mention]:
    """Systems activated by an operator and a theme they serve named in one sentence.

    The operator's role in its clause decides (see the module docstring): a buyer brings in its
    systems that serve the theme, a target those of them that defend, the actor of an attack none.
    The systems share one unit of activation in proportion to the ``operates`` weights, times the
    lower confidence of the two mentions.

    Parameters
    ----------
    operated : dict
        Operator id -> ``[(system id, operates weight, themes the system implies), ...]``.
    lexicon : RoleLexicon, optional
        Default: the words shipped with the package.

    Examples
    --------
    >>> text = "Iran fired missiles at Israel."
    >>> missiles = "theme:air-missile-defense"
    >>> found = [Mention("country:IR", "Iran", 0, 4, 1.0), Mention(missiles, "missiles", 11, 19, 1.0),
    ...          Mention("country:IL", "Israel", 23, 29, 1.0)]
    >>> operated = {"country:IL": [("system:iron-dome", 0.3, frozenset({missiles}))],
    ...             "country:IR": [("system:bavar-373", 0.3, frozenset({missiles}))]}
    >>> [(m.concept, m.rule) for m in operated_system_mentions(text, found, operated)]
    [('system:iron-dome', 'operator: Israel (target: fired .. at) -> system:iron-dome')]
    """
    sentences = _Sentences(text)
    number_of = sentences.number
    # Only themes and operators are read, and only in the sentences that name an operator.
    by_sentence: dict[int, list[Mention]] = {}
    with_operator = set()
    for mention in mentions:
        if mention.start >= 0 and mention.sign > 0:
            if mention.concept in operated:
                number = number_of(mention.start)
                with_operator.add(number)
                by_sentence.setdefault(number, []).append(mention)
            elif mention.concept.startswith("theme:"):
                by_sentence.setdefault(number_of(mention.start), []).append(mention)
    if not with_operator:
        return []
    lexicon = lexicon or default_roles()
    found = []
    clauses: dict[tuple[int, int], _RoleClause] = {}
    joined: dict[tuple[int, int], tuple[int, int]] = {}
    table = _operators(operated)
    served = table.served
    for number in sorted(with_operator):
        group = by_sentence[number]
        themes = sorted({m.concept: m for m in group if m.concept.startswith("theme:")}.items())
        named = {theme for theme, _ in themes}
        operators = [mention for mention in group
                     if mention.concept in operated and not served[mention.concept].isdisjoint(named)]
        if not operators:
            continue
        start, end = sentences.spans[number]
        for operator in operators:
            key = sentences.clause_key(number, operator.start)
            span = _role_span(sentences, key, lexicon, joined) if key is not None else (start, end)
            if span not in clauses:
                clauses[span] = read_roles(text, *span, lexicon)
            role, words = clauses[span].role(operator.start, operator.end)
            if role == "actor":
                continue
            reading = f"operator: {operator.text} ({role}: {words})" if role else f"operator: {operator.text}"
            defence_themes = lexicon.defence_themes if role in _DEFENDING else None
            for theme, theme_mention in themes:
                confidence = min(operator.confidence, theme_mention.confidence)
                for system, share in table.serving(operator.concept, theme, defence_themes):
                    found.append(_new_mention(system, f"{operator.text} + {theme_mention.text}", start, end,
                                              share * confidence, "context", 1, f"{reading} -> {system}"))
    return found
