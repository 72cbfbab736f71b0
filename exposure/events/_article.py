"""Parse a news page scraped from a terminal (the AllMind layout) into an :class:`Event`."""

from __future__ import annotations

import os
import re
from collections.abc import Iterable
from datetime import datetime
from difflib import SequenceMatcher

from exposure.errors import EventError
from exposure.events._event import Event, event_from_mapping
from exposure.io import decode_bytes, read_bytes

_ALLMIND = "AllMind AI Terminal"

_NAVIGATION = re.compile(r"^back to news$", re.IGNORECASE)
_TAGLINE = re.compile(r"^ai-powered research, real-time alerts", re.IGNORECASE)
_MARKET_IMPACT = re.compile(r"^market\s*impact\s*:\s*(.*)$", re.IGNORECASE)
_ANALYSIS = re.compile(r"^analysis\s*:?$", re.IGNORECASE)
_TICKER = re.compile(r"^(?=[A-Z0-9.\-]*[A-Z])[A-Z0-9][A-Z0-9\-]{0,5}(?:\.[A-Z0-9]{1,6})?$")
_CHIP_SEPARATORS = re.compile(r"[\s,;|]+")
_CASE_BOUNDARY = re.compile(r"(?<=[a-z0-9])(?=[A-Z])")
_CONNECTORS = frozenset({"&", "and", "of", "the", "in", "for", "to", "on", "a"})
_ELLIPSIS = re.compile(r"(\.\.\.|…)$")
_LONGEST_HEADLINE = 1_000


def decode_text(data: str | bytes, *, where: str | None = None) -> str:
    """Return ``data`` as text with a BOM removed and line endings normalised to ``"\\n"``.

    Bytes must be UTF-8, or UTF-8/UTF-16/UTF-32 with a byte-order mark; anything else (Latin-1,
    cp1252, UTF-16 without BOM, binary files) raises :class:`~exposure.errors.InputFormatError`
    naming ``where``, the byte offset and the encoding the bytes look like, rather than being
    read as the wrong characters.

    >>> decode_text(b"Oil \\xe2\\x80\\x93 gas\\r\\n")
    'Oil – gas\\n'
    """
    text = decode_bytes(data, where=where) if isinstance(data, bytes) else data
    return text.removeprefix("\ufeff").replace("\r\n", "\n").replace("\r", "\n")


def split_tags(line: str, known_tags: Iterable[str] = ()) -> list[str]:
    """Split a vendor tag line into tags, including tags printed with no separator.

    Known tags are matched first, case-insensitively and longest first, and are never split; the
    rest is cut where a lower-case letter or digit runs into an upper-case letter. Lines already
    separated by ``";"``, ``"|"`` or (when there is no ``"&"`` to make it ambiguous) ``","`` are
    split on the separator.

    Parameters
    ----------
    line : str
        The tag line, e.g. ``"Geopolitics & WarInfrastructure & Defense"``.
    known_tags : iterable of str, optional
        Tags the vendor is known to use; they are returned in this spelling.

    Returns
    -------
    list of str
        The tags in order, stripped, without empties or duplicates.

    Examples
    --------
    >>> split_tags("Geopolitics & WarInfrastructure & DefenseTechnology & Innovation")
    ['Geopolitics & War', 'Infrastructure & Defense', 'Technology & Innovation']
    >>> split_tags("AI & MLEnergy & Commodities", known_tags=["AI & ML", "Energy & Commodities"])
    ['AI & ML', 'Energy & Commodities']
    >>> split_tags("Energy; Financials | Macro")
    ['Energy', 'Financials', 'Macro']
    """
    known = sorted({tag.strip() for tag in known_tags if tag.strip()}, key=len, reverse=True)
    tags: list[str] = []
    for part in _separated_parts(line.strip(), known):
        tags.extend(_split_run_together(part, known))
    return list(dict.fromkeys(tag for tag in tags if tag))


def _separated_parts(line: str, known: list[str]) -> list[str]:
    if ";" in line or "|" in line:
        return [part.strip() for part in re.split(r"[;|]", line)]
    if "," in line:
        parts = [part.strip() for part in line.split(",")]
        lowered = {tag.lower() for tag in known}
        if "&" not in line or all("&" in part or part.lower() in lowered for part in parts):
            return parts
    return [line]


def _split_run_together(text: str, known: list[str]) -> list[str]:
    if not known:
        return [tag.strip() for tag in _CASE_BOUNDARY.split(text) if tag.strip()]
    lowered = [(tag, tag.lower()) for tag in known]
    tags: list[str] = []
    unknown_start = 0
    position = 0
    while position < len(text):
        match = _known_at(text, position, unknown_start, lowered)
        if match is None:
            position += 1
            continue
        tags.extend(_CASE_BOUNDARY.split(text[unknown_start:position]))
        tags.append(match)
        position += len(match)
        unknown_start = position
    tags.extend(_CASE_BOUNDARY.split(text[unknown_start:]))
    return [tag.strip() for tag in tags if tag.strip()]


def _known_at(text: str, position: int, segment_start: int, known: list[tuple[str, str]]) -> str | None:
    at_boundary = position == segment_start or (
        text[position].isupper() and (text[position - 1].islower() or text[position - 1].isdigit())
    )
    if not at_boundary:
        return None
    for tag, lower in known:
        end = position + len(tag)
        if text[position:end].lower() == lower and (end == len(text) or text[end].isupper()):
            return tag
    return None


def _is_chip_line(line: str) -> bool:
    tokens = [token for token in _CHIP_SEPARATORS.split(line) if token]
    return bool(tokens) and all(_TICKER.match(token) for token in tokens)


def _is_known_tag_line(line: str, known: list[str]) -> bool:
    lowered = {tag.lower() for tag in known}
    tags = split_tags(line, known) if known else []
    return bool(tags) and all(tag.lower() in lowered for tag in tags)


def _looks_like_tag_line(line: str) -> bool:
    if "&" not in line or line.endswith((".", "!", "?")):
        return False
    words = [word for word in line.split() if word.lower() not in _CONNECTORS]
    return all(not word[0].islower() for word in words)


def _is_tag_line(line: str, known: list[str]) -> bool:
    return _is_known_tag_line(line, known) or _looks_like_tag_line(line)


def _is_leading_tag_line(line: str, known: list[str]) -> bool:
    run_together = _CASE_BOUNDARY.search(line) is not None
    return _is_known_tag_line(line, known) or (run_together and _looks_like_tag_line(line))


def _normalised(headline: str) -> str:
    return " ".join(_ELLIPSIS.sub("", headline).casefold().split())


def _is_repeat(line: str, headline: str) -> bool:
    """Whether ``line`` repeats the headline: 80% alike, or a cut-off (``...``) start of it.

    Likeness is difflib's ratio, whose time grows with the product of the lengths; it is computed
    only after its linear upper bounds pass and for lines of at most ``_LONGEST_HEADLINE``
    characters (no headline is longer). Longer lines repeat the headline only when equal to it.
    """
    a, b = _normalised(line), _normalised(headline)
    if a == b:
        return True
    if max(len(a), len(b)) <= _LONGEST_HEADLINE:
        matcher = SequenceMatcher(None, a, b)
        if matcher.real_quick_ratio() >= 0.8 and matcher.quick_ratio() >= 0.8 and matcher.ratio() >= 0.8:
            return True
    shorter, longer = sorted((line, headline), key=len)
    return bool(_ELLIPSIS.search(shorter)) and _normalised(longer).startswith(_normalised(shorter))


def _paragraphs(lines: list[str]) -> list[str]:
    paragraphs: list[str] = []
    current: list[str] = []
    for line in [*lines, ""]:
        if line and not _ANALYSIS.match(line):
            current.append(line)
        elif current:
            paragraphs.append(" ".join(current))
            current = []
    return paragraphs


def parse_article(
    text: str | bytes,
    *,
    known_tags: Iterable[str] = (),
    source: str | None = None,
    published_at: datetime | str | None = None,
) -> Event:
    """Parse one scraped terminal news page into an :class:`Event`.

    The page reads, top to bottom: ``Back to News``, ``Market Impact: 0.1``, the headline, a line
    of ticker chips (``TRI`` or ``XOM CVX``), the vendor tags run together
    (``Geopolitics & WarInfrastructure & Defense``), the headline again, the summary, an
    ``Analysis`` heading, the analysis, and the terminal's footer. Any of the market impact, chips,
    tags and repeated headline may be missing. Navigation, the heading and the footer are dropped;
    the body is the summary and the analysis paragraphs separated by blank lines.

    Parameters
    ----------
    text : str or bytes
        The page. Bytes must be UTF-8, or UTF-8/UTF-16/UTF-32 with a byte-order mark (see
        :func:`decode_text`); Windows or old Mac line endings are accepted.
    known_tags : iterable of str, optional
        The vendor's tag vocabulary; helps find the tag line and split it (see :func:`split_tags`).
    source : str, optional
        Who published the page; defaults to ``"AllMind AI Terminal"`` when its footer is present.
    published_at : datetime or str, optional
        Publication time with a timezone offset; the page does not print one.

    Returns
    -------
    Event

    Raises
    ------
    EventError
        If the page has neither a headline nor a body, or a value (such as the market impact)
        is invalid.

    Examples
    --------
    >>> page = "Back to News\\nMarket Impact: 0.6\\nOil jumps\\nXOM CVX\\nEnergy & Commodities\\n"
    >>> event = parse_article(page + "Oil jumps\\nBrent rose 4%.\\nAnalysis\\nSupply is tight.")
    >>> event.market_impact, event.vendor_tickers, event.tags
    (0.6, ('XOM', 'CVX'), ('Energy & Commodities',))
    >>> event.body
    'Brent rose 4%.\\n\\nSupply is tight.'
    """
    known = sorted({tag.strip() for tag in known_tags if tag.strip()}, key=len, reverse=True)
    lines = [line.strip() for line in decode_text(text).split("\n")]
    footer = _ALLMIND.casefold()
    has_footer = any(line and line.casefold() == footer for line in lines)
    lines = [
        line
        for line in lines
        if not line or not (_NAVIGATION.match(line) or _TAGLINE.match(line) or line.casefold() == footer)
    ]

    fields: dict[str, object] = {}
    headline: str | None = None
    position = 0
    while position < len(lines):
        line = lines[position]
        impact = _MARKET_IMPACT.match(line) if line else None
        if not line:
            pass
        elif impact and "market_impact" not in fields:
            if impact.group(1).strip():
                fields["market_impact"] = impact.group(1).strip()
        elif headline is None:
            if "tags" not in fields and _is_leading_tag_line(line, known):
                fields["tags"] = split_tags(line, known)
            else:
                headline = line
        elif _is_repeat(line, headline):
            headline = max(headline, line, key=len)
            position += 1
            break
        elif "vendor_tickers" not in fields and "tags" not in fields and _is_chip_line(line):
            fields["vendor_tickers"] = [token for token in _CHIP_SEPARATORS.split(line) if token]
        elif "tags" not in fields and _is_tag_line(line, known):
            fields["tags"] = split_tags(line, known)
        else:
            break
        position += 1

    body = "\n\n".join(_paragraphs(lines[position:]))
    if headline is None and not body:
        raise EventError(
            "no headline or body found in the article",
            fix="give a page with at least a headline line",
        )
    fields.update(headline=headline or "", body=body, published_at=published_at)
    fields["source"] = source if source is not None else (_ALLMIND if has_footer else None)
    return event_from_mapping(fields, where="article")


def read_article(path: str | os.PathLike[str], *, known_tags: Iterable[str] = ()) -> Event:
    """Read one scraped terminal news page from ``path``; see :func:`parse_article`.

    Parameters
    ----------
    path : str or path-like
        The page, in any of the encodings :func:`parse_article` accepts.
    known_tags : iterable of str, optional
        The vendor's tag vocabulary.

    Returns
    -------
    Event

    Raises
    ------
    EventError
        If the page cannot be parsed; the message names the file.

    Examples
    --------
    >>> import tempfile
    >>> with tempfile.NamedTemporaryFile("w", suffix=".txt", delete=False) as page:
    ...     _ = page.write("Market Impact: 0.2\\nOil jumps\\nBrent rose 4%.")
    >>> read_article(page.name).headline
    'Oil jumps'
    """
    try:
        return parse_article(decode_text(read_bytes(path), where=str(path)), known_tags=known_tags)
    except EventError as exc:
        raise EventError(exc.problem, where=str(path), field=exc.field, fix=exc.fix) from None
