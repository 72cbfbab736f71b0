"""GDELT readers: GKG 2.1 rows and GDELT 2.0 event rows turned into :class:`Event` objects.

Both readers take a raw GDELT file (tab-separated, no header; ``.csv``, ``.gz`` or ``.zip``), an
open text file, or a DataFrame with GDELT's column names, and return ``(events, rejects)``.

GKG 2.1 (27 columns: ``GKGRECORDID, DATE, SourceCollectionIdentifier, SourceCommonName,
DocumentIdentifier, Counts, V2Counts, Themes, V2Themes, Locations, V2Locations, ..., V2Tone, ...``):

- ``id`` = ``GKGRECORDID``; ``published_at`` = ``DATE`` (``YYYYMMDDHHMMSS``, UTC);
  ``source`` = ``SourceCommonName``; ``url`` = ``DocumentIdentifier`` when it is a URL;
- ``headline`` = the words of the URL's last path segment (``.../opec-agrees-deep-output-cut/``
  -> "Opec agrees deep output cut"), else the source name;
- ``themes`` = our theme ids for the row's GKG themes (``V2Themes``, else ``Themes``) through the
  GKG theme map (``gkg_theme,theme,weight``; default ``exposure/graph/data/interop/
  gdelt_gkg_themes.csv``), keeping mapped themes with weight >= ``min_weight`` (default 0.5),
  strongest first;
- ``entities`` = ``country:XX`` for the FIPS country codes of the locations (``V2Locations``,
  else ``Locations``), mapped to ISO alpha-2 through ``data/gdelt_countries.csv``;
- ``market_impact`` = 1.0: GKG has no market-impact figure, and tone measures the article's
  wording, not its market relevance.

GDELT 2.0 events (61 columns: ``GLOBALEVENTID, SQLDATE, ..., Actor1CountryCode, ...,
Actor2CountryCode, ..., EventCode, EventBaseCode, EventRootCode, QuadClass, GoldsteinScale,
NumMentions, NumSources, NumArticles, AvgTone, ..., ActionGeo_CountryCode, ..., DATEADDED, SOURCEURL``):

- ``id`` = ``"gdelt-" + GLOBALEVENTID``; ``published_at`` = ``DATEADDED`` (UTC), else ``SQLDATE``;
- ``headline`` from the URL as above, else ``"<Actor1Name> / <Actor2Name>: CAMEO <EventCode>"``;
- ``themes`` through the CAMEO root-code map (default ``exposure/graph/data/interop/cameo_roots.csv``,
  a root-code column, ``theme`` and optionally ``weight``), weight >= ``min_weight``;
- ``entities`` = actor countries (CAMEO codes, ISO alpha-3 for countries) and the action's
  country (FIPS), as ``country:XX``;
- ``market_impact`` = ``|GoldsteinScale| / 10``, in [0, 1]: the Goldstein scale rates how much an
  event can move a country's stability (-10 .. +10), so a war (-10) weighs 1 and a statement
  (0) weighs 0.

Rejects carry the 1-based line (raw files) or row (DataFrames, first row = 1).
"""

from __future__ import annotations

import csv
import io
import math
import os
import re
import zipfile
import zlib
from collections.abc import Iterable, Mapping
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, Any
from urllib.parse import unquote, urlparse

import pandas as pd

from exposure.errors import EventError, InputFormatError, Reject
from exposure.events._event import Event, event_from_mapping
from exposure.io import check_input_file, csv_header, decode_bytes, read_text, repeated_names
from exposure.io._text import decompression_limit

__all__ = [
    "CAMEO_ROOTS_PATH",
    "GDELT_EVENT_COLUMNS",
    "GDELT_GKG_COLUMNS",
    "GKG_THEMES_PATH",
    "GdeltSource",
    "ThemeMap",
    "load_gdelt_theme_map",
    "read_gdelt_events",
    "read_gdelt_gkg",
]

GdeltSource = str | os.PathLike[str] | IO[str] | pd.DataFrame
ThemeMap = str | os.PathLike[str] | pd.DataFrame | Mapping[str, Iterable[tuple[str, float]] | str]

_INTEROP = Path(__file__).resolve().parents[1] / "graph" / "data" / "interop"
GKG_THEMES_PATH = _INTEROP / "gdelt_gkg_themes.csv"
CAMEO_ROOTS_PATH = _INTEROP / "cameo_roots.csv"
_COUNTRIES_PATH = Path(__file__).resolve().parent / "data" / "gdelt_countries.csv"
_RECORD_CHARS = 200

GDELT_GKG_COLUMNS: tuple[str, ...] = (
    "GKGRECORDID", "DATE", "SourceCollectionIdentifier", "SourceCommonName", "DocumentIdentifier",
    "Counts", "V2Counts", "Themes", "V2Themes", "Locations", "V2Locations", "Persons", "V2Persons",
    "Organizations", "V2Organizations", "V2Tone", "Dates", "GCAM", "SharingImage", "RelatedImages",
    "SocialImageEmbeds", "SocialVideoEmbeds", "Quotations", "AllNames", "Amounts", "TranslationInfo",
    "Extras",
)
GDELT_EVENT_COLUMNS: tuple[str, ...] = (
    "GLOBALEVENTID", "SQLDATE", "MonthYear", "Year", "FractionDate",
    "Actor1Code", "Actor1Name", "Actor1CountryCode", "Actor1KnownGroupCode", "Actor1EthnicCode",
    "Actor1Religion1Code", "Actor1Religion2Code", "Actor1Type1Code", "Actor1Type2Code", "Actor1Type3Code",
    "Actor2Code", "Actor2Name", "Actor2CountryCode", "Actor2KnownGroupCode", "Actor2EthnicCode",
    "Actor2Religion1Code", "Actor2Religion2Code", "Actor2Type1Code", "Actor2Type2Code", "Actor2Type3Code",
    "IsRootEvent", "EventCode", "EventBaseCode", "EventRootCode", "QuadClass", "GoldsteinScale",
    "NumMentions", "NumSources", "NumArticles", "AvgTone",
    "Actor1Geo_Type", "Actor1Geo_FullName", "Actor1Geo_CountryCode", "Actor1Geo_ADM1Code",
    "Actor1Geo_ADM2Code", "Actor1Geo_Lat", "Actor1Geo_Long", "Actor1Geo_FeatureID",
    "Actor2Geo_Type", "Actor2Geo_FullName", "Actor2Geo_CountryCode", "Actor2Geo_ADM1Code",
    "Actor2Geo_ADM2Code", "Actor2Geo_Lat", "Actor2Geo_Long", "Actor2Geo_FeatureID",
    "ActionGeo_Type", "ActionGeo_FullName", "ActionGeo_CountryCode", "ActionGeo_ADM1Code",
    "ActionGeo_ADM2Code", "ActionGeo_Lat", "ActionGeo_Long", "ActionGeo_FeatureID",
    "DATEADDED", "SOURCEURL",
)
_GKG_MIN_FIELDS = GDELT_GKG_COLUMNS.index("V2Locations") + 1
_ROOT_CODE_COLUMNS = ("cameo_root", "root_code", "event_root_code", "cameo_code", "cameo", "code", "root")


def read_gdelt_gkg(
    source: GdeltSource, *, theme_map: ThemeMap | None = None, min_weight: float = 0.5
) -> tuple[list[Event], list[Reject]]:
    """Read GKG 2.1 rows into events (see the module docstring for the field mapping).

    Parameters
    ----------
    source : str, path-like, file-like or DataFrame
        A raw GKG file (tab-separated, no header; ``.gz``/``.zip`` allowed), or a DataFrame with
        GKG column names (``GKGRECORDID, DATE, SourceCommonName, DocumentIdentifier, V2Themes``
        or ``Themes``, ``V2Locations`` or ``Locations``).
    theme_map : path, DataFrame or mapping, optional
        GKG theme -> our themes (``gkg_theme,theme,weight``); default the graph's interop file.
    min_weight : float, default 0.5
        Mapped themes below this weight are left out.

    Returns
    -------
    events : list of Event
    rejects : list of Reject
        Rows with too few fields, no record id, a bad date, or a repeated id.

    Examples
    --------
    >>> row = "\\t".join(["20250301120000-7", "20250301120000", "1", "reuters.com",
    ...                  "https://www.reuters.com/world/opec-agrees-deep-output-cut/", "", "",
    ...                  "ENV_OIL;ECON_OILPRICE", "", "1#Saudi Arabia#SA#SA#24#45#SA", ""])
    >>> events, rejects = read_gdelt_gkg(io.StringIO(row + "\\n"), theme_map={"ENV_OIL": "oil-gas-supply"})
    >>> events[0].headline, events[0].themes, events[0].entities
    ('Opec agrees deep output cut', ('theme:oil-gas-supply',), ('country:SA',))
    """
    mapping = load_gdelt_theme_map(GKG_THEMES_PATH if theme_map is None else theme_map)
    fips, _ = _country_tables()
    events: list[Event] = []
    rejects: list[Reject] = []
    seen: set[str] = set()
    for line, fields, raw in _rows(source, GDELT_GKG_COLUMNS):
        if fields is None:
            rejects.append(Reject(line, f"has {raw.count(chr(9)) + 1} tab-separated field(s); a GKG 2.1 row "
                                        f"has {len(GDELT_GKG_COLUMNS)} (at least {_GKG_MIN_FIELDS} are read). "
                                        "Fix: check the line is whole and tab-separated", _short(raw)))
            continue
        if sum(1 for v in fields.values() if v) == 0:
            continue
        record_id = fields.get("GKGRECORDID", "")
        if not record_id:
            rejects.append(Reject(line, "GKGRECORDID: empty. Fix: give the GKG record id", _short(raw)))
            continue
        if record_id in seen:
            rejects.append(Reject(line, f"GKGRECORDID: {record_id!r} repeats an earlier row. Fix: keep one row "
                                        "per record", _short(raw)))
            continue
        published = _timestamp(fields.get("DATE", ""))
        if published is None:
            rejects.append(Reject(line, f"DATE: {fields.get('DATE', '')!r} is not YYYYMMDDHHMMSS. "
                                        "Fix: give the GKG date as 14 digits, UTC", _short(raw)))
            continue
        gkg_themes = _gkg_themes(fields.get("V2Themes", "")) or _gkg_themes(fields.get("Themes", ""))
        themes = _map_themes(gkg_themes, mapping, min_weight)
        locations = fields.get("V2Locations", "") or fields.get("Locations", "")
        entities = _unique(f"country:{fips[code]}" for code in _location_countries(locations) if code in fips)
        url = fields.get("DocumentIdentifier", "")
        source_name = fields.get("SourceCommonName", "")
        data: dict[str, Any] = {
            "id": record_id, "headline": _headline_from_url(url) or source_name or record_id,
            "published_at": published, "source": source_name or None,
            "url": url if url.startswith(("http://", "https://")) else None,
            "themes": themes, "entities": entities, "market_impact": 1.0,
        }
        try:
            events.append(event_from_mapping(data, where=f"line {line}"))
        except EventError as exc:
            rejects.append(Reject(line, str(exc), _short(raw)))
            continue
        seen.add(record_id)
    return events, rejects


def read_gdelt_events(
    source: GdeltSource, *, theme_map: ThemeMap | None = None, min_weight: float = 0.5
) -> tuple[list[Event], list[Reject]]:
    """Read GDELT 2.0 event rows into events (see the module docstring for the field mapping).

    Parameters
    ----------
    source : str, path-like, file-like or DataFrame
        A raw GDELT 2.0 event export (61 tab-separated fields, no header; ``.gz``/``.zip``
        allowed), or a DataFrame with GDELT's column names.
    theme_map : path, DataFrame or mapping, optional
        CAMEO root code (``01`` .. ``20``) -> our themes; default the graph's interop file.
    min_weight : float, default 0.5
        Mapped themes below this weight are left out.

    Returns
    -------
    events : list of Event
    rejects : list of Reject
        Rows without 61 fields, with a bad id, date, root code or Goldstein score, or a repeated id.

    Examples
    --------
    >>> fields = [""] * 61
    >>> fields[0], fields[1], fields[7], fields[17] = "1001", "20220224", "RUS", "UKR"
    >>> fields[26], fields[28], fields[30], fields[53] = "190", "19", "-10", "UP"
    >>> events, _ = read_gdelt_events(io.StringIO("\\t".join(fields) + "\\n"), theme_map={"19": "defense-spending"})
    >>> events[0].entities, events[0].themes, events[0].market_impact
    (('country:RU', 'country:UA'), ('theme:defense-spending',), 1.0)
    """
    mapping = load_gdelt_theme_map(CAMEO_ROOTS_PATH if theme_map is None else theme_map, root_codes=True)
    fips, iso3 = _country_tables()
    events: list[Event] = []
    rejects: list[Reject] = []
    seen: set[str] = set()
    for line, fields, raw in _rows(source, GDELT_EVENT_COLUMNS, exact=True):
        if fields is None:
            rejects.append(Reject(line, f"has {raw.count(chr(9)) + 1} tab-separated field(s); a GDELT 2.0 event "
                                        f"row has {len(GDELT_EVENT_COLUMNS)}. Fix: check the line is whole and "
                                        "comes from a 2.0 export (1.0 rows have 57 or 58 fields)", _short(raw)))
            continue
        event_id = fields.get("GLOBALEVENTID", "")
        if not event_id.isdigit():
            rejects.append(Reject(line, f"GLOBALEVENTID: {event_id!r} is not a number. Fix: give GDELT's event id",
                                  _short(raw)))
            continue
        if event_id in seen:
            rejects.append(Reject(line, f"GLOBALEVENTID: {event_id} repeats an earlier row. Fix: keep one row "
                                        "per event", _short(raw)))
            continue
        published = _timestamp(fields.get("DATEADDED", "")) or _timestamp(fields.get("SQLDATE", ""))
        if published is None:
            rejects.append(Reject(line, f"SQLDATE: {fields.get('SQLDATE', '')!r} is not YYYYMMDD (and DATEADDED "
                                        "is no YYYYMMDDHHMMSS). Fix: give the event date", _short(raw)))
            continue
        root = fields.get("EventRootCode", "")
        if not (root.isdigit() and 1 <= int(root) <= 20):
            rejects.append(Reject(line, f"EventRootCode: {root!r} is not a CAMEO root code. Fix: give 01 .. 20",
                                  _short(raw)))
            continue
        try:
            goldstein = float(fields.get("GoldsteinScale", ""))
        except ValueError:
            goldstein = math.nan
        if not (math.isfinite(goldstein) and -10 <= goldstein <= 10):
            rejects.append(Reject(line, f"GoldsteinScale: {fields.get('GoldsteinScale', '')!r} is not a number in "
                                        "[-10, 10]. Fix: give the event's Goldstein score", _short(raw)))
            continue
        themes = _map_themes([root.zfill(2)], mapping, min_weight)
        countries = [iso3.get(fields.get("Actor1CountryCode", "")), iso3.get(fields.get("Actor2CountryCode", "")),
                     fips.get(fields.get("ActionGeo_CountryCode", ""))]
        entities = _unique(f"country:{code}" for code in countries if code)
        url = fields.get("SOURCEURL", "")
        actors = " / ".join(n for n in (fields.get("Actor1Name", ""), fields.get("Actor2Name", "")) if n)
        fallback = f"{actors}: CAMEO {fields.get('EventCode', '') or root}" if actors else \
            f"CAMEO {fields.get('EventCode', '') or root}"
        data: dict[str, Any] = {
            "id": f"gdelt-{event_id}", "headline": _headline_from_url(url) or fallback,
            "published_at": published, "source": "GDELT",
            "url": url if url.startswith(("http://", "https://")) else None,
            "themes": themes, "entities": entities, "market_impact": abs(goldstein) / 10.0,
        }
        try:
            events.append(event_from_mapping(data, where=f"line {line}"))
        except EventError as exc:
            rejects.append(Reject(line, str(exc), _short(raw)))
            continue
        seen.add(event_id)
    return events, rejects


def load_gdelt_theme_map(source: ThemeMap, *, root_codes: bool = False) -> dict[str, list[tuple[str, float]]]:
    """A GDELT code -> ``[(theme id, weight), ...]`` map from a CSV, DataFrame or mapping.

    Parameters
    ----------
    source : path, DataFrame or mapping
        A table with a code column (``gkg_theme``; or for CAMEO roots one of ``cameo_root,
        root_code, event_root_code, cameo_code, code, root``), ``theme`` (with or without the
        ``theme:`` prefix) and optionally ``weight`` (default 1); or a mapping code -> theme or
        code -> ``[(theme, weight), ...]``.
    root_codes : bool, default False
        Codes are CAMEO root codes: written with two digits (``1`` -> ``01``).

    Raises
    ------
    EventError
        If the file is missing or lacks the columns.

    Examples
    --------
    >>> load_gdelt_theme_map({"ENV_OIL": "oil-gas-supply"})
    {'ENV_OIL': [('theme:oil-gas-supply', 1.0)]}
    """
    pairs: list[tuple[str, str, float]] = []
    if isinstance(source, Mapping):
        for code, value in source.items():
            items = [(value, 1.0)] if isinstance(value, str) else list(value)
            pairs.extend((str(code), str(theme), float(weight)) for theme, weight in items)
    else:
        if isinstance(source, pd.DataFrame):
            table = source
            where = "theme map"
        else:
            where = os.fspath(source)
            text = read_text(source)
            repeated = repeated_names([column.lower() for column in csv_header(text)])
            if repeated:
                raise EventError(f"column {repeated[0]!r} appears more than once", where=where, field=repeated[0],
                                 fix="keep one column of each name")
            try:
                table = pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False, index_col=False)
            except (pd.errors.ParserError, pd.errors.EmptyDataError) as exc:
                raise EventError(f"cannot read it as CSV ({str(exc).strip()[:200]})", where=where,
                                 fix="give a CSV with the code, theme and weight columns") from None
        table = table.rename(columns=lambda c: str(c).strip().lower())
        candidates = _ROOT_CODE_COLUMNS if root_codes else ("gkg_theme", "theme_code", "code")
        code_column = next((c for c in candidates if c in table.columns), None)
        if code_column is None or "theme" not in table.columns:
            raise EventError(f"columns {list(table.columns)} lack a code column {list(candidates)} or 'theme'",
                             where=where, fix="give the columns gkg_theme (or cameo_root),theme,weight")
        weights = table["weight"] if "weight" in table.columns else pd.Series("1", index=table.index)
        for code, theme, weight in zip(table[code_column], table["theme"], weights):
            try:
                number = float(weight) if str(weight).strip() else 1.0
            except ValueError:
                continue
            if str(code).strip() and str(theme).strip():
                pairs.append((str(code).strip(), str(theme).strip(), number))
    mapping: dict[str, list[tuple[str, float]]] = {}
    for code, theme, weight in pairs:
        key = code.zfill(2) if root_codes and code.isdigit() else code.upper()
        theme_id = theme if theme.startswith("theme:") else f"theme:{theme}"
        mapping.setdefault(key, []).append((theme_id, weight))
    return mapping


def _rows(source: GdeltSource, columns: tuple[str, ...], *, exact: bool = False):
    """Yield ``(line, fields by column name or None if malformed, raw text)``."""
    if isinstance(source, pd.DataFrame):
        frame = source
        if all(isinstance(c, int) for c in frame.columns):
            frame = frame.rename(columns=lambda i: columns[i] if i < len(columns) else i)
        for position, record in enumerate(frame.to_dict("records"), start=1):
            fields = {str(k): _text(v) for k, v in record.items()}
            yield position, fields, "\t".join(fields.values())
        return
    text = _read_text(source)
    for line, raw in enumerate(text.splitlines(), start=1):
        if not raw.strip():
            continue
        parts = raw.split("\t")
        too_few = len(parts) != len(columns) if exact else not (_GKG_MIN_FIELDS <= len(parts) <= len(columns))
        if too_few:
            yield line, None, raw
            continue
        yield line, {name: value.strip() for name, value in zip(columns, parts)}, raw


def _read_text(source) -> str:
    if isinstance(source, str | os.PathLike):
        path = check_input_file(source)
        with open(path, "rb") as probe:
            zipped = probe.read(4) == b"PK\x03\x04"
        if not zipped:
            return read_text(path)
        return decode_bytes(_first_zip_member(path), where=str(path))
    content = source.read()
    return decode_bytes(content, where=getattr(source, "name", None)) if isinstance(content, bytes) else content


def _first_zip_member(path: Path) -> bytes:
    """The first file of a GDELT .zip, refused if it claims or holds more than the decompression bound."""
    limit = decompression_limit()
    try:
        with zipfile.ZipFile(path) as archive:
            names = archive.namelist()
            if not names:
                raise InputFormatError("is an empty zip archive", where=str(path), fix="give the GDELT file")
            with archive.open(names[0]) as member:
                data = member.read(limit + 1)
    except (zipfile.BadZipFile, OSError, EOFError, zlib.error, NotImplementedError, RuntimeError) as exc:
        raise InputFormatError(f"is a corrupt zip archive ({exc})", where=str(path),
                               fix="download the GDELT file again") from None
    if len(data) > limit:
        raise InputFormatError(f"decompresses to more than {limit:,} bytes", where=str(path),
                               field="EXPOSURE_MAX_DECOMPRESSED_BYTES",
                               fix="split the file, or raise EXPOSURE_MAX_DECOMPRESSED_BYTES if you trust it")
    return data


def _text(value: object) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _timestamp(text: str) -> datetime | None:
    digits = text.strip()
    for width, pattern in ((14, "%Y%m%d%H%M%S"), (8, "%Y%m%d")):
        if len(digits) == width and digits.isdigit():
            try:
                return datetime.strptime(digits, pattern).replace(tzinfo=UTC)
            except ValueError:
                return None
    return None


def _gkg_themes(text: str) -> list[str]:
    return [item.split(",", 1)[0].strip().upper() for item in text.split(";") if item.strip()]


def _location_countries(text: str) -> list[str]:
    codes = []
    for item in text.split(";"):
        parts = item.split("#")
        if len(parts) > 2 and parts[2].strip():
            codes.append(parts[2].strip().upper())
    return codes


def _map_themes(codes: Iterable[str], mapping: dict[str, list[tuple[str, float]]], min_weight: float) -> list[str]:
    best: dict[str, float] = {}
    for code in codes:
        for theme, weight in mapping.get(code, ()):
            if weight >= min_weight and weight > best.get(theme, -math.inf):
                best[theme] = weight
    return [theme for theme, _ in sorted(best.items(), key=lambda item: (-item[1], item[0]))]


def _unique(items: Iterable[str]) -> list[str]:
    return list(dict.fromkeys(items))


_SLUG_END = re.compile(r"\.(s?html?|php|aspx?|cms)$", re.IGNORECASE)


def _headline_from_url(url: str) -> str:
    if not url.startswith(("http://", "https://")):
        return ""
    segments = [s for s in unquote(urlparse(url).path).split("/") if s]
    for segment in reversed(segments):
        words = [w for w in re.split(r"[-_+\s]+", _SLUG_END.sub("", segment)) if w]
        while words and (words[-1].isdigit() or re.fullmatch(r"[a-z]*\d+[a-z\d]*", words[-1].lower())):
            words.pop()
        if len(words) >= 2:
            text = " ".join(words)
            return text[:1].upper() + text[1:]
    return ""


def _short(raw: str) -> str:
    return raw if len(raw) <= _RECORD_CHARS else raw[: _RECORD_CHARS - 3] + "..."


_COUNTRY_CACHE: tuple[dict[str, str], dict[str, str]] | None = None


def _country_tables() -> tuple[dict[str, str], dict[str, str]]:
    """FIPS -> ISO alpha-2 and ISO alpha-3 -> alpha-2, from the bundled GDELT country table."""
    global _COUNTRY_CACHE
    if _COUNTRY_CACHE is None:
        with open(_COUNTRIES_PATH, encoding="utf-8", newline="") as handle:
            rows = list(csv.DictReader(handle))
        fips = {r["fips"]: r["iso2"] for r in rows if r["iso2"]}
        iso3 = {r["iso3"]: r["iso2"] for r in rows if r["iso2"] and r["iso3"]}
        _COUNTRY_CACHE = (fips, iso3)
    return _COUNTRY_CACHE
