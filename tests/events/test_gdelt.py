"""GDELT GKG 2.1 and 2.0 event rows -> Events, with rejects at their line."""

import gzip
from datetime import UTC, datetime
from pathlib import Path

import pandas as pd
import pytest

from exposure.errors import EventError, InputFormatError
from exposure.events import load_gdelt_theme_map, read_gdelt_events, read_gdelt_gkg
from exposure.events._gdelt import CAMEO_ROOTS_PATH, GDELT_EVENT_COLUMNS, GKG_THEMES_PATH

DATA = Path(__file__).parent / "data"
GKG = DATA / "gkg_sample.tsv"
EVENTS = DATA / "gdelt_events_sample.tsv"
GKG_MAP = DATA / "gkg_themes_mini.csv"
CAMEO_MAP = DATA / "cameo_roots_mini.csv"


@pytest.fixture(scope="module")
def gkg():
    return read_gdelt_gkg(GKG, theme_map=GKG_MAP)


@pytest.fixture(scope="module")
def gdelt_events():
    return read_gdelt_events(EVENTS, theme_map=CAMEO_MAP)


def test_gkg_rows_become_events_with_themes_countries_and_headlines(gkg):
    events, _ = gkg
    by_id = {e.id: e for e in events}
    opec = by_id["20221005143000-1024"]
    assert opec.headline == "Opec agrees deep oil output cut"
    assert opec.themes == ("theme:oil-gas-supply",)
    assert opec.entities == ("country:SA", "country:AT")
    assert opec.published_at == datetime(2022, 10, 5, 14, 30, tzinfo=UTC)
    assert opec.source == "reuters.com" and opec.url.startswith("https://www.reuters.com/")
    assert opec.market_impact == 1.0
    chips = by_id["20221007161500-312"]
    assert chips.themes == ("theme:semiconductors", "theme:tariffs-trade-war")
    assert chips.entities == ("country:US", "country:CN", "country:TW")
    war = by_id["20220224050000-1"]
    assert war.themes == ("theme:defense-spending",)
    assert war.entities == ("country:UA", "country:RU", "country:PL")
    assert war.headline == "World europe"  # the slug without its trailing article number
    assert by_id["20240115090000-77"].headline == "Houthi attacks push Red Sea diversions higher"
    assert by_id["20230322180000-5"].headline == "Fed raises rates by quarter point"
    assert by_id["20200311200000-9"].themes == ("theme:vaccines-pandemic",)
    assert by_id["20200311200000-9"].headline == "who.int"  # no path: the source name
    assert by_id["20221008100000-2"].entities == ("country:FR",)  # unknown FIPS code ZZ left out


def test_gkg_rejects_name_line_field_and_fix(gkg):
    events, rejects = gkg
    assert len(events) == 7
    assert [r.line for r in rejects] == [7, 8, 9, 10]
    assert "repeats an earlier row" in rejects[0].reason
    assert "GKGRECORDID: empty" in rejects[1].reason
    assert "DATE: '2022-10-06 12:00' is not YYYYMMDDHHMMSS" in rejects[2].reason
    assert "has 4 tab-separated field(s)" in rejects[3].reason
    assert all("Fix:" in r.reason for r in rejects)


def test_gkg_min_weight_keeps_weaker_mappings_when_asked():
    events, _ = read_gdelt_gkg(GKG, theme_map=GKG_MAP, min_weight=0.2)
    opec = next(e for e in events if e.id == "20221005143000-1024")
    assert opec.themes == ("theme:oil-gas-supply", "theme:airlines")


def test_gkg_from_a_gzip_file_and_from_a_frame(tmp_path):
    packed = tmp_path / "gkg.csv.gz"
    packed.write_bytes(gzip.compress(GKG.read_bytes()))
    unpacked = read_gdelt_gkg(GKG, theme_map=GKG_MAP)[0]
    assert [e.id for e in read_gdelt_gkg(packed, theme_map=GKG_MAP)[0]] == [e.id for e in unpacked]
    frame = pd.DataFrame({
        "GKGRECORDID": ["a-1", "a-2"], "DATE": ["20221005143000", "bad"], "SourceCommonName": ["x.com", "x.com"],
        "DocumentIdentifier": ["https://x.com/oil-output-cut-agreed", ""], "V2Themes": ["ENV_OIL,3", ""],
        "V2Locations": ["1#Iraq#IZ#IZ##33#44#IZ#5", ""],
    })
    events, rejects = read_gdelt_gkg(frame, theme_map={"ENV_OIL": [("oil-gas-supply", 0.9)]})
    assert events[0].entities == ("country:IQ",) and events[0].themes == ("theme:oil-gas-supply",)
    assert [r.line for r in rejects] == [2]


def test_event_rows_become_events_with_goldstein_impact(gdelt_events):
    events, _ = gdelt_events
    by_id = {e.id: e for e in events}
    war = by_id["gdelt-1027000001"]
    assert war.entities == ("country:RU", "country:UA")
    assert war.themes == ("theme:defense-spending",)
    assert war.market_impact == 1.0
    assert war.published_at == datetime(2022, 2, 24, 5, 15, tzinfo=UTC)
    assert war.headline == "Russia launches military operation in ukraine"
    curbs = by_id["gdelt-1027000003"]
    assert curbs.themes == ("theme:sanctions",) and curbs.market_impact == pytest.approx(0.4)
    assert curbs.entities == ("country:US", "country:CN")
    opec = by_id["gdelt-1027000002"]
    assert opec.themes == () and opec.entities == ("country:AT",)
    houthi = by_id["gdelt-1027000004"]
    assert houthi.headline == "HOUTHI: CAMEO 183" and houthi.entities == ("country:YE",)
    assert by_id["gdelt-1027000005"].market_impact == 0.0
    germany = by_id["gdelt-1027000006"]
    assert germany.published_at == datetime(2022, 3, 1, tzinfo=UTC)  # no DATEADDED: SQLDATE
    assert germany.entities == ("country:DE",)


def test_event_rejects_name_line_field_and_fix(gdelt_events):
    events, rejects = gdelt_events
    assert len(events) == 6
    assert [r.line for r in rejects] == [7, 8, 9, 10, 11, 12]
    reasons = [r.reason for r in rejects]
    assert "repeats an earlier row" in reasons[0]
    assert "GLOBALEVENTID: '10270000X7' is not a number" in reasons[1]
    assert "SQLDATE: '2022-02-24' is not YYYYMMDD" in reasons[2]
    assert "GoldsteinScale: 'strong'" in reasons[3]
    assert "EventRootCode: '99'" in reasons[4]
    assert "has 4 tab-separated field(s); a GDELT 2.0 event row has 61" in reasons[5]
    assert all("Fix:" in r for r in reasons)


def test_event_frame_with_column_names():
    row = dict.fromkeys(GDELT_EVENT_COLUMNS, "")
    row.update(GLOBALEVENTID=5, SQLDATE=20220224, EventRootCode="19", GoldsteinScale=-10, Actor1CountryCode="RUS",
               EventCode="190")
    events, rejects = read_gdelt_events(pd.DataFrame([row]), theme_map=CAMEO_MAP)
    assert rejects == [] and events[0].id == "gdelt-5" and events[0].themes == ("theme:defense-spending",)


def test_theme_map_errors_name_the_file(tmp_path):
    with pytest.raises(InputFormatError, match="no such file"):
        load_gdelt_theme_map(tmp_path / "missing.csv")
    bad = tmp_path / "bad.csv"
    bad.write_text("x,y\n1,2\n")
    with pytest.raises(EventError, match="lack a code column"):
        load_gdelt_theme_map(bad, root_codes=True)
    assert load_gdelt_theme_map({"1": "defense-spending"}, root_codes=True) == {"01": [("theme:defense-spending", 1.0)]}


@pytest.mark.skipif(not GKG_THEMES_PATH.is_file(), reason="interop/gdelt_gkg_themes.csv not written yet")
def test_real_gkg_theme_map_maps_the_sample_to_graph_themes():
    import exposure as ex

    themes = set(ex.default_graph().ids("theme"))
    mapping = load_gdelt_theme_map(GKG_THEMES_PATH)
    assert mapping and all(t in themes for pairs in mapping.values() for t, _ in pairs)
    events, rejects = read_gdelt_gkg(GKG)
    assert len(events) == 7 and len(rejects) == 4
    assert any(e.themes for e in events)


@pytest.mark.skipif(not CAMEO_ROOTS_PATH.is_file(), reason="interop/cameo_roots.csv not written yet")
def test_real_cameo_map_maps_fighting_to_a_graph_theme():
    import exposure as ex

    themes = set(ex.default_graph().ids("theme"))
    mapping = load_gdelt_theme_map(CAMEO_ROOTS_PATH, root_codes=True)
    assert all(t in themes for pairs in mapping.values() for t, _ in pairs)
    events, _ = read_gdelt_events(EVENTS)
    war = next(e for e in events if e.id == "gdelt-1027000001")
    assert war.themes


def test_gdelt_files_are_decoded_strictly_and_zip_is_bounded(tmp_path, monkeypatch):
    import zipfile

    from exposure.events import read_gdelt_gkg

    latin = tmp_path / "gkg.csv"
    latin.write_bytes("20250301120000-7\t20250301120000\t1\tcafé.fr\n".encode("latin-1"))
    with pytest.raises(InputFormatError, match="Latin-1/cp1252"):
        read_gdelt_gkg(latin)
    with pytest.raises(InputFormatError, match="is a folder"):
        read_gdelt_gkg(tmp_path)
    packed = tmp_path / "gkg.zip"
    with zipfile.ZipFile(packed, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("gkg.csv", "\n" * 100_000)
    monkeypatch.setenv("EXPOSURE_MAX_DECOMPRESSED_BYTES", "1000")
    with pytest.raises(InputFormatError, match="more than 1,000 bytes"):
        read_gdelt_gkg(packed)
    broken = tmp_path / "broken.zip"
    broken.write_bytes(b"PK\x03\x04" + bytes(40))
    with pytest.raises(InputFormatError, match="corrupt zip"):
        read_gdelt_gkg(broken)
