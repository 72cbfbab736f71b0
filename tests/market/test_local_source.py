"""LocalSource on the bundled real prices and on hand-made bad files."""

import io

import numpy as np
import pandas as pd
import pytest

from exposure.datasets import load_sample_prices, sample_path
from exposure.errors import ArgumentError, InputFormatError, MarketDataError
from exposure.market import LocalSource, PriceResult, PriceSource

US = sample_path("prices/us_close_2019_2026.csv.gz")
EUROPE = sample_path("prices/europe_defense_close_2019_2025.csv.gz")


def test_bundled_us_file_reads_clean_and_matches_the_loader():
    source = LocalSource(US)
    assert isinstance(source, PriceSource)
    result = source.prices(["LMT", "RTX", "SPY", "DAL"], "2022-02-01", "2022-03-31")
    expected = load_sample_prices("us").loc["2022-02-01":"2022-03-31", ["LMT", "RTX", "SPY", "DAL"]]
    expected.index = expected.index.as_unit("ns")
    pd.testing.assert_frame_equal(result.frame, expected, check_freq=False)
    assert result.frame.index.name == "date"
    assert not result.missing and not result.partial and not result.rejects
    np.testing.assert_almost_equal(result.frame.loc["2022-02-24", "LMT"], 351.19, decimal=2)


def test_bundled_europe_file_keeps_local_calendars_and_currencies():
    source = LocalSource(EUROPE, field="close", currencies={"BA.L": "GBp", "AIR.PA": "EUR"})
    result = source.prices(["BA.L", "AIR.PA"], "2022-04-01", "2022-04-30")
    assert result.currencies == {"BA.L": "GBp", "AIR.PA": "EUR"}
    # Easter Monday 2022-04-18: Paris and London both closed, so no row; the frame is the union.
    assert pd.Timestamp("2022-04-18") not in result.frame.index
    info = source.info(["BA.L", "LMT"])
    assert info.loc["BA.L", "currency"] == "GBp" and pd.isna(info.loc["LMT", "currency"])


def test_missing_symbol_raises_naming_it_unless_partial_is_allowed():
    source = LocalSource(US)
    with pytest.raises(MarketDataError, match="NOPE: not in .*us_close"):
        source.prices(["LMT", "NOPE"], "2022-01-01", "2022-02-01")
    result = source.prices(["LMT", "NOPE"], "2022-01-01", "2022-02-01", allow_partial=True)
    assert result.symbols == ["LMT"] and result.missing_symbols == ["NOPE"]


def test_late_listing_is_partial_not_silent():
    result = LocalSource(US).prices(["NATO", "LMT"], "2019-01-01", "2024-12-31", allow_partial=True)
    assert [p.symbol for p in result.partial] == ["NATO"]
    assert "values cover" in result.partial[0].reason
    with pytest.raises(MarketDataError, match="NATO"):
        LocalSource(US).prices(["NATO"], "2019-01-01", "2024-12-31")


def test_field_not_in_file_is_an_error_naming_the_fields():
    with pytest.raises(MarketDataError, match="holds adjclose, not 'volume'"):
        LocalSource(US).prices(["LMT"], field="volume")


BAD_WIDE = """date,LMT,RTX
2022-02-25,402.0,93.0
2022-02-23,390.0,91.0
2022-02-24,0,92.0
2022-02-24,0,92.0
2022-02-28,abc,-5
2022-02-28,,94.0
not-a-date,1,2
2022-03-01,410.0,95.0
2022-03-01,411.0,95.0
"""


def test_bad_wide_csv_every_problem_dropped_with_a_reason(tmp_path):
    path = tmp_path / "bad.csv"
    path.write_text(BAD_WIDE)
    result = LocalSource(path).prices(["LMT", "RTX"], allow_partial=True)
    reasons = {(r.line, r.reason.split(";")[0]) for r in result.rejects}
    assert (4, "field 'adjclose' is 0, zero or below") in reasons
    assert (6, "field 'adjclose' is 'abc', not a number") in reasons
    assert (6, "field 'adjclose' is -5, zero or below") in reasons
    assert (8, "field 'date' is 'not-a-date', not a date") in reasons
    conflicting = [r for r in result.rejects if "duplicate date 2022-03-01 for LMT" in r.reason]
    assert [r.line for r in conflicting] == [9, 10]
    assert any("not in order" in n for n in result.notes)
    assert any("repeated with the same value" in n for n in result.notes)
    frame = result.frame
    assert frame.index.is_monotonic_increasing and frame.index.is_unique
    assert frame.loc["2022-03-01", "RTX"] == 95.0 and np.isnan(frame.loc["2022-03-01", "LMT"])
    assert (frame.stack().dropna() > 0).all()


def test_long_csv_with_field_columns_and_mixed_time_zones():
    text = io.StringIO(
        "ticker,date,close,volume\n"
        "LMT,2022-02-24 00:00:00-05:00,402.0,100\n"
        "AIR.PA,2022-02-24 00:00:00+01:00,110.0,200\n"
        "LMT,2022-02-23 00:00:00-05:00,390.0,50\n"
    )
    source = LocalSource(pd.read_csv(text, dtype=str))
    assert source.fields == ["close", "volume"]
    result = source.prices(["LMT", "AIR.PA"], field="close")
    assert result.frame.index.tolist() == [pd.Timestamp("2022-02-23"), pd.Timestamp("2022-02-24")]
    assert result.frame.loc["2022-02-24"].tolist() == [402.0, 110.0]
    assert any("mixed time zones" in n for n in result.notes)
    assert any("not in order" in n for n in result.notes)
    assert source.prices(["LMT"], field="volume").frame["LMT"].tolist() == [50.0, 100.0]


def test_long_parquet_with_field_and_value_columns(tmp_path):
    table = pd.DataFrame({
        "Symbol": ["lmt", "lmt", "rtx", "rtx"],
        "Date": pd.to_datetime(["2022-02-23", "2022-02-24"] * 2).tz_localize("America/New_York"),
        "Field": ["Adj Close", "Adj Close", "Close", "Adj Close"],
        "Value": [390.0, 402.0, 92.0, 91.5],
    })
    path = tmp_path / "long.parquet"
    table.to_parquet(path)
    source = LocalSource(path)
    result = source.prices(["LMT", "RTX"], allow_partial=True)
    assert result.frame["LMT"].tolist() == [390.0, 402.0]
    assert result.frame["RTX"].dropna().tolist() == [91.5]
    assert any("time zone America/New_York" in n for n in result.notes)
    assert source.prices(["RTX"], field="close").frame["RTX"].tolist() == [92.0]


def test_wide_parquet_with_datetime_index_round_trips(tmp_path):
    frame = load_sample_prices("us").loc["2022-01-03":"2022-01-31", ["LMT", "NOC"]]
    path = tmp_path / "wide.parquet"
    frame.to_parquet(path)
    result = LocalSource(path).prices(["NOC", "LMT"])
    pd.testing.assert_frame_equal(result.frame, frame[["NOC", "LMT"]], check_freq=False, check_index_type=False)


def test_nan_runs_are_reported_not_filled():
    days = pd.bdate_range("2022-01-03", periods=12)
    values = [100.0 + i for i in range(12)]
    values[3:8] = [np.nan] * 5
    result = LocalSource(pd.DataFrame({"LMT": values, "RTX": 90.0}, index=days)).prices(["LMT", "RTX"])
    assert result.frame["LMT"].isna().sum() == 5
    assert any("LMT: 1 run(s) of 3+ dates without a value" in n for n in result.notes)
    assert result.to_dict()["empty_cells"] == {"LMT": 5}
    alone = LocalSource(pd.DataFrame({"LMT": values}, index=days)).prices(["LMT"])
    assert len(alone.frame) == 7  # dates with no value at all are not rows of the result...
    assert any("LMT: 1 run(s) of 3+ dates" in n for n in alone.notes)  # ...but are reported


def test_unreadable_and_empty_files_raise_market_data_error(tmp_path):
    empty = tmp_path / "empty.csv"
    empty.write_text("")
    with pytest.raises(MarketDataError, match="cannot be read"):
        LocalSource(empty).prices(["LMT"])
    with pytest.raises(InputFormatError, match="no such file"):
        LocalSource(tmp_path / "nope.csv").prices(["LMT"])
    with pytest.raises(InputFormatError, match="is a folder"):
        LocalSource(tmp_path).prices(["LMT"])
    broken = tmp_path / "broken.parquet"
    broken.write_bytes(b"PAR1 not really")
    with pytest.raises(MarketDataError, match="cannot be read"):
        LocalSource(broken).prices(["LMT"])


def test_result_to_dict_is_json_ready():
    result = LocalSource(US).prices(["LMT", "ZZZZ"], "2022-02-01", "2022-02-28", allow_partial=True)
    data = result.to_dict()
    assert data["symbols"] == ["LMT"] and data["missing"][0]["symbol"] == "ZZZZ"
    assert data["first_date"]["LMT"] == "2022-02-01" and data["rows"] == 19
    assert isinstance(result, PriceResult)


def test_dates_go_through_the_one_date_parser(tmp_path):
    path = tmp_path / "prices.csv"
    path.write_text("date,LMT\n2022-02-23,400\n03/01/2022,401\n20220302,402\n2022-03-03,403\n")
    result = LocalSource(path).prices(["LMT"], allow_partial=True)
    assert [str(day.date()) for day in result.frame.index] == ["2022-02-23", "2022-03-03"]
    assert sorted(reject.line for reject in result.rejects) == [3, 4]


def test_repeated_column_extra_cells_and_encoding_are_refused(tmp_path):
    path = tmp_path / "prices.csv"
    path.write_text("date,LMT,lmt\n2022-02-23,400,1\n")
    with pytest.raises(MarketDataError, match="'lmt' appears more than once"):
        LocalSource(path).prices(["LMT"])
    path.write_text("date,LMT\n2022-02-23,400,1\n2022-02-24,401,2\n")
    with pytest.raises(MarketDataError, match="cannot be read"):
        LocalSource(path).prices(["LMT"])
    path.write_bytes("date,LMT\n2022-02-23,400\n".encode("utf-16-le"))
    with pytest.raises(InputFormatError, match="UTF-16"):
        LocalSource(path).prices(["LMT"])


def test_start_and_end_refuse_ambiguous_dates():
    with pytest.raises(ArgumentError, match="ambiguous"):
        LocalSource(US).prices(["LMT"], "03/01/2022")
    with pytest.raises(ArgumentError, match="is a number"):
        LocalSource(US).prices(["LMT"], 1646092800)
