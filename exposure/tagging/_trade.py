"""Who imposes a tariff on whom: a foreign tariff on US goods is a loss for their US sellers.

The event types read a tariff as a cost for importers and a shield for the producers it protects
(a US tariff on steel lifts US steelmakers, one on cars is a cost for US carmakers, who import
parts). A tariff that another country puts on *US goods* works the other way for the goods it
names: "China announced new tariffs on $75 billion of US products, including soybeans, crude oil
and cars" closes a market to US farmers, drillers and carmakers. So when a sentence reads
tariffs imposed or raised, its imposer (the last country named before the trigger) is not the
United States, and it names US goods ("US products", "American exports", "U.S. goods"), the goods
themes it names after the trigger with no reading of their own are read as losing. US goods are
named by a goods word after the country or by a goods theme right after it ("levies on US crude
and soybeans").

No rule names a ticker, a date or an event.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Sequence

from exposure.tagging._context import _Sentences
from exposure.tagging._gazetteer import Mention

HOME = "country:US"
TARIFF_RULES = ("event: Tariffs imposed", "event: Tariffs raised")
_GOODS = frozenset({"good", "product", "export", "farm", "agricultural", "commodity", "import"})
_TRADE_THEMES = frozenset({"theme:tariffs-trade-war", "theme:us-china-trade-war"})


def read_retaliation(text: str, mentions: Sequence[Mention], effects: Sequence[Mention]) -> list[Mention]:
    """Goods named as the object of a foreign tariff on US goods take a losing sign.

    Examples
    --------
    >>> text = "China put tariffs on US products, including soybeans."
    >>> found = [Mention("country:CN", "China", 0, 5, 1.0), Mention("country:US", "US", 21, 23, 0.9),
    ...          Mention("theme:agriculture", "soybeans", 44, 52, 0.7)]
    >>> tariff = Mention("theme:tariffs-trade-war", "put tariffs", 6, 17, 1.0, "event", 1,
    ...                  "event: Tariffs imposed (put tariffs)")
    >>> [(m.concept, m.sign, m.rule) for m in read_retaliation(text, found, [tariff])][2]
    ('theme:agriculture', -1, 'tariff: China on US goods')
    """
    tariffs = [e for e in effects if e.sign > 0 and e.start >= 0 and e.rule.startswith(TARIFF_RULES)]
    if not tariffs:
        return list(mentions)
    sentences = _Sentences(text)
    number_of = sentences.number
    tokens = sentences.tokens
    wanted = {number_of(tariff.start) for tariff in tariffs}
    by_sentence: dict[int, list[int]] = {}
    for i, mention in enumerate(mentions):
        if mention.start >= 0:
            number = number_of(mention.start)
            if number in wanted:
                by_sentence.setdefault(number, []).append(i)
    read = list(mentions)
    starts_of: dict[int, list[int]] = {}
    for tariff in tariffs:
        starts_of.setdefault(number_of(tariff.start), []).append(tariff.start)
    for number, here in by_sentence.items():
        countries = sorted((read[i] for i in here if read[i].concept.startswith("country:")), key=lambda m: m.end)
        ends = [m.end for m in countries]
        imposed = None  # the first tariff of the sentence imposed by another country: (its start, the imposer)
        for start in sorted(starts_of[number]):
            last = bisect_right(ends, start) - 1
            if last >= 0 and countries[last].concept != HOME:
                imposed = (start, countries[last].text)
                break
        if imposed is None or not _names_us_goods([read[i] for i in here], tokens):
            continue
        rule = f"tariff: {imposed[1]} on US goods"
        for i in here:
            m = read[i]
            if m.start > imposed[0] and m.origin == "text" and _is_goods(m) and not m.rule and m.sign >= 0:
                read[i] = m.replaced(sign=-1, rule=rule)
    return read


def _names_us_goods(mentions: Sequence[Mention], tokens) -> bool:
    """Whether one of the mentions is the United States followed, within three words, by goods:
    a goods word ("US products") or a goods theme ("levies on US crude and soybeans")."""
    goods_at = sorted(m.start for m in mentions if _is_goods(m))
    for m in mentions:
        if m.concept != HOME:
            continue
        after = bisect_left(tokens.starts, m.end)
        three = tokens.folded[after:after + 3]
        if not three:
            continue
        if not _GOODS.isdisjoint(three):
            return True
        first = bisect_left(goods_at, m.end)
        if first < len(goods_at) and goods_at[first] < tokens.ends[after + len(three) - 1]:
            return True
    return False


def _is_goods(mention: Mention) -> bool:
    """A theme that names goods: any theme but the trade war itself."""
    return mention.concept.startswith("theme:") and mention.concept not in _TRADE_THEMES
