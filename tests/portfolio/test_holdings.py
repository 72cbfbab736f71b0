import io
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from exposure.errors import HoldingsError, InputFormatError, Reject
from exposure.portfolio import HoldingsWarning, Portfolio, read_holdings

DATA = Path(__file__).parent / "data"


def csv(text: str) -> io.StringIO:
    return io.StringIO(text)


# --- reading weights -------------------------------------------------------------------------


def test_reads_weights_fixture():
    p = read_holdings(DATA / "defense_fund.csv")
    assert p.name == "defense_fund"
    assert p.nav is None
    assert p.tickers.tolist() == ["BA", "DAL", "LMT", "RHM.DE", "RTX", "SAAB-B.ST"]
    np.testing.assert_almost_equal(
        p.weights.to_numpy(), [0.0, -0.10, 0.25, 0.30, 0.20, 0.15]
    )
    np.testing.assert_almost_equal(p.net, 0.80)
    np.testing.assert_almost_equal(p.gross, 1.00)
    assert p.weights.index.name == "ticker"
    assert p.weights.name == "weight"
    assert p.weights.dtype == np.float64
    assert p.security_names["RHM.DE"] == "Rheinmetall"


def test_zero_weight_rows_are_kept():
    p = read_holdings(DATA / "defense_fund.csv")
    assert "BA" in p.tickers
    assert p.weights["BA"] == 0.0


def test_all_zero_portfolio_is_fine():
    p = read_holdings(csv("ticker,weight\nLMT,0\nRTX,0\n"))
    assert len(p) == 2
    assert p.gross == 0.0


def test_headers_case_and_spaces_symbol_alias_and_ticker_cleanup():
    p = read_holdings(csv(" SYMBOL , Weight \n  lmt ,0.5\nsaab-b.st, 0.5 \n"), name="x")
    assert p.weights.to_dict() == {"LMT": 0.5, "SAAB-B.ST": 0.5}
    assert p.name == "x"


def test_weights_are_not_renormalised_and_shorts_stay_negative():
    p = read_holdings(csv("ticker,weight\nLMT,0.5\nRHM.DE,0.3\nDAL,-0.8\n"))
    np.testing.assert_almost_equal(p.net, 0.0)
    np.testing.assert_almost_equal(p.gross, 1.6)
    assert p.weights["DAL"] == -0.8


def test_weight_pct_is_divided_by_100():
    p = read_holdings(csv("ticker,weight_pct\nLMT,25\nRHM.DE,30.5\n"))
    np.testing.assert_almost_equal(p.weights.to_numpy(), [0.25, 0.305])


def test_market_value_divides_by_the_sum():
    p = read_holdings(csv("ticker,market value\nLMT,600000\nRHM.DE,300000\nDAL,100000\n"))
    np.testing.assert_almost_equal(p.weights.to_numpy(), [0.1, 0.6, 0.3])
    assert p.nav == 1_000_000


def test_market_value_with_nav_argument():
    p = read_holdings(csv("ticker,market_value\nLMT,600000\nDAL,-600000\n"), nav=2_000_000)
    np.testing.assert_almost_equal(p.weights.to_numpy(), [-0.3, 0.3])
    assert p.nav == 2_000_000


def test_market_value_with_non_positive_sum_asks_for_nav():
    with pytest.raises(HoldingsError, match=r"pass nav="):
        read_holdings(csv("ticker,market_value\nLMT,600000\nDAL,-600000\n"))


def test_quantity_times_price_fixture():
    p = read_holdings(DATA / "defense_fund_positions.csv")
    market_value = {
        "LMT": 100 * 455.20,
        "RTX": 200 * 96.10,
        "RHM.DE": 50 * 262.00,
        "SAAB-B.ST": 300 * 21.50,
        "DAL": -150 * 42.00,
    }
    nav = sum(market_value.values())
    assert p.nav == pytest.approx(nav)
    for ticker, value in market_value.items():
        np.testing.assert_almost_equal(p.weights[ticker], value / nav)


def test_dataframe_and_binary_sources():
    frame = pd.DataFrame({"Ticker": ["LMT", "RTX"], "Weight": [0.6, 0.4]})
    from_frame = read_holdings(frame)
    from_bytes = read_holdings(io.BytesIO(b"ticker,weight\nLMT,0.6\nRTX,0.4\n"))
    assert from_frame.weights.equals(from_bytes.weights)
    assert from_frame.name == "portfolio"


# --- warnings ---------------------------------------------------------------------------------


def test_duplicate_tickers_are_summed_with_warning_naming_rows():
    with pytest.warns(HoldingsWarning, match=r"LMT \(rows 2, 4\)"):
        p = read_holdings(csv("ticker,weight\nLMT,0.25\nRTX,0.5\nlmt,0.25\n"))
    assert p.weights.to_dict() == {"LMT": 0.5, "RTX": 0.5}


def test_several_sizings_use_weight_and_warn():
    with pytest.warns(HoldingsWarning, match="ignored columns market_value"):
        p = read_holdings(csv("ticker,weight,market_value\nLMT,0.4,999\nRTX,0.6,1\n"))
    assert p.weights.to_dict() == {"LMT": 0.4, "RTX": 0.6}


def test_clean_file_gives_no_warning():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        read_holdings(DATA / "defense_fund.csv")


# --- bad input --------------------------------------------------------------------------------


def test_non_numeric_weight_names_row_field_and_fix():
    with pytest.raises(HoldingsError) as info:
        read_holdings(csv("ticker,weight\nLMT,0.5\nRTX,abc\n"))
    assert (
        "row 3 (ticker RTX): field 'weight' is 'abc', not a number; "
        "fix: give a number such as 0.05" in str(info.value)
    )


@pytest.mark.parametrize("value", ["NaN", "", "nan", "inf"])
def test_nan_empty_or_infinite_weight_is_a_bad_row(value):
    with pytest.raises(HoldingsError, match=r"row 2 \(ticker LMT\): field 'weight'"):
        read_holdings(csv(f"ticker,weight\nLMT,{value}\nRTX,0.5\n"))


def test_nan_weight_in_dataframe_is_a_bad_row():
    frame = pd.DataFrame({"ticker": ["LMT", "RTX"], "weight": [0.5, np.nan]})
    with pytest.raises(HoldingsError, match=r"row 3 \(ticker RTX\): field 'weight' is empty"):
        read_holdings(frame)


def test_every_bad_row_is_listed_with_spreadsheet_row_numbers():
    with pytest.raises(HoldingsError) as info:
        read_holdings(DATA / "defense_fund_bad_rows.csv")
    message = str(info.value)
    assert "3 bad row(s)" in message
    assert "row 3 (ticker RTX): field 'weight' is 'abc'" in message
    assert "row 6 (ticker SAAB-B.ST): field 'weight' is 'NaN'" in message
    assert "row 7 (no ticker): field 'ticker' is empty" in message
    assert "defense_fund_bad_rows.csv" in message


def test_reject_mode_returns_good_rows_and_rejects():
    p, rejects = read_holdings(DATA / "defense_fund_bad_rows.csv", on_error="reject")
    assert p.weights.to_dict() == {"DAL": -0.10, "LMT": 0.25, "RHM.DE": 0.30}
    assert [r.line for r in rejects] == [3, 6, 7]
    assert all(isinstance(r, Reject) for r in rejects)
    assert rejects[0].reason == (
        "field 'weight' is 'abc', not a number; fix: give a number such as 0.05"
    )
    assert rejects[0].record == "RTX,abc"
    assert rejects[2].to_dict()["line"] == 7


def test_reject_mode_with_clean_file_returns_empty_rejects():
    p, rejects = read_holdings(DATA / "defense_fund.csv", on_error="reject")
    assert rejects == []
    assert len(p) == 6


def test_negative_price_is_a_bad_row():
    match = r"row 2 \(ticker LMT\): field 'price' is -1.0, below zero"
    with pytest.raises(HoldingsError, match=match):
        read_holdings(csv("ticker,quantity,price\nLMT,10,-1\nRTX,5,100\n"))


def test_empty_file(tmp_path):
    path = tmp_path / "empty.csv"
    path.write_text("")
    with pytest.raises(HoldingsError, match=r"holdings file .*empty.csv has no rows"):
        read_holdings(path)


def test_header_only_file():
    with pytest.raises(HoldingsError, match="has no rows"):
        read_holdings(csv("ticker,weight\n\n"))


def test_missing_ticker_column_names_columns_found():
    with pytest.raises(HoldingsError, match=r"columns found: isin, weight.*'ticker'"):
        read_holdings(csv("isin,weight\nUS5398301094,0.5\n"))


def test_missing_sizing_column_names_found_and_expected():
    with pytest.raises(HoldingsError) as info:
        read_holdings(csv("ticker,quantity\nLMT,10\n"))
    message = str(info.value)
    assert "columns found: ticker, quantity" in message
    assert "weight, weight_pct, market_value, or quantity and price" in message


def test_repeated_header_is_an_error():
    with pytest.raises(HoldingsError, match="'weight' appears more than once"):
        read_holdings(csv("ticker,Weight,weight\nLMT,0.5,0.5\n"))


def test_repeated_ticker_column_is_an_error_not_a_symbol_with_suffix():
    # pandas would rename the second one "ticker.1" and read LMT.1 as a symbol.
    with pytest.raises(HoldingsError, match="'ticker' appears more than once") as caught:
        read_holdings(csv("ticker,weight,ticker\nLMT,0.5,RTX\n"))
    assert caught.value.field == "ticker"


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("ticker,weight\nSAF.PA,0.5\nNESN.SW,0.5\nGebühr,0\n".encode("latin-1"), "Latin-1/cp1252"),
        ("ticker,weight\nLMT,1\n".encode("utf-16-le"), "UTF-16-LE without a byte-order mark"),
        (b"PK\x03\x04" + bytes(64), "Excel"),
    ],
)
def test_undecodable_holdings_files_are_refused(tmp_path, content, message):
    path = tmp_path / "book.csv"
    path.write_bytes(content)
    with pytest.raises(InputFormatError, match=message) as caught:
        read_holdings(path)
    assert str(path) in str(caught.value)


def test_utf16_holdings_with_bom_are_read(tmp_path):
    path = tmp_path / "book.csv"
    path.write_bytes("ticker,weight\nRHM.DE,1\n".encode("utf-16"))
    assert list(read_holdings(path).weights.index) == ["RHM.DE"]


def test_folder_or_missing_holdings_file(tmp_path):
    with pytest.raises(InputFormatError, match="is a folder"):
        read_holdings(tmp_path)
    with pytest.raises(InputFormatError, match="no such file"):
        read_holdings(tmp_path / "none.csv")


@pytest.mark.parametrize("nav", [0, -1, float("nan"), float("inf")])
def test_bad_nav(nav):
    with pytest.raises(HoldingsError, match="nav"):
        read_holdings(csv("ticker,market_value\nLMT,10\n"), nav=nav)


def test_bad_on_error():
    with pytest.raises(ValueError, match="on_error"):
        read_holdings(csv("ticker,weight\nLMT,1\n"), on_error="ignore")  # type: ignore


# --- Portfolio --------------------------------------------------------------------------------


def test_from_weights_normalises_and_sorts():
    p = Portfolio.from_weights({"rtx": 0.4, " LMT ": 0.6}, "us")
    assert p.tickers.tolist() == ["LMT", "RTX"]
    assert len(p) == 2
    assert repr(p) == "Portfolio('us', 2 holdings, net=1, gross=1)"


def test_from_weights_rejects_non_finite_and_empty_tickers():
    with pytest.raises(HoldingsError, match="LMT"):
        Portfolio.from_weights({"LMT": float("nan")})
    with pytest.raises(HoldingsError, match="finite"):
        Portfolio.from_weights({"": 0.5})


def test_from_series_with_colliding_tickers_warns():
    with pytest.warns(HoldingsWarning, match="LMT"):
        p = Portfolio.from_weights(pd.Series([0.25, 0.25], index=["LMT", "lmt"]))
    assert p.weights.to_dict() == {"LMT": 0.5}


def test_portfolio_is_immutable():
    p = Portfolio.from_weights({"LMT": 0.5, "RTX": 0.5})
    with pytest.raises(AttributeError):
        p.name = "other"  # type: ignore[misc]
    w = p.weights
    w.iloc[0] = 99.0
    assert p.weights["LMT"] == 0.5


def test_aligned_with_benchmark():
    p = Portfolio.from_weights({"LMT": 0.6, "RHM.DE": 0.4})
    w, wb = p.aligned_with(pd.Series({"RTX": 0.5, "LMT": 0.5}))
    assert w.index.tolist() == ["LMT", "RHM.DE", "RTX"]
    assert w.tolist() == [0.6, 0.4, 0.0]
    assert wb.tolist() == [0.5, 0.0, 0.5]


def test_to_frame_and_summary():
    p = read_holdings(DATA / "defense_fund.csv")
    frame = p.to_frame()
    assert frame.columns.tolist() == ["weight", "name"]
    assert frame.loc["SAAB-B.ST", "name"] == "Saab B"
    assert "defense_fund" in p.summary()
    assert "RHM.DE" in p.summary()


def test_blank_lines_do_not_shift_row_numbers():
    _, rejects = read_holdings(csv("ticker,weight\n\nLMT,x\n"), on_error="reject")
    assert rejects[0].line == 3


@given(
    st.dictionaries(
        st.sampled_from(["LMT", "RTX", "RHM.DE", "SAAB-B.ST", "DAL", "BA", "NOC", "GD"]),
        st.floats(-1, 1, allow_nan=False),
        min_size=1,
    )
)
def test_csv_round_trip_keeps_weights(weights):
    text = "ticker,weight\n" + "".join(f"{t},{w!r}\n" for t, w in weights.items())
    p = read_holdings(csv(text))
    assert p.weights.to_dict() == dict(sorted(weights.items()))


@pytest.mark.parametrize(
    "text", ["ticker,weight\nLMT,0.5,3,4\nRTX,1\n", "ticker,weight\nLMT,0.5\nRTX,1,5\n"]
)
def test_ragged_csv_is_an_error_not_lost_data(text):
    with pytest.raises(HoldingsError, match="cannot be read as CSV"):
        read_holdings(csv(text))


def test_dataframe_indexed_by_ticker():
    frame = pd.DataFrame({"weight": [0.5, 0.5]}, index=pd.Index(["LMT", "RTX"], name="Ticker"))
    assert read_holdings(frame).weights.to_dict() == {"LMT": 0.5, "RTX": 0.5}

