"""ETF look-through: constituents replace the ETF, weights add up, bad snapshots are named."""

import io
from pathlib import Path

import pandas as pd
import pytest

from exposure.datasets import load_etf_holdings
from exposure.errors import HoldingsError, InputFormatError
from exposure.portfolio import LookThroughWarning, Portfolio, look_through, read_etf_holdings

DATA = Path(__file__).parent / "data"


def _table(rows):
    return pd.DataFrame(rows, columns=["etf", "date", "holding", "weight_pct"])


TOY = _table([
    ("AAA", "2022-01-31", "LMT", 50.0), ("AAA", "2022-01-31", "RTX", 50.0),
    ("AAA", "2022-02-28", "LMT", 60.0), ("AAA", "2022-02-28", "NOC", 38.0), ("AAA", "2022-02-28", None, 2.0),
])


def test_etf_is_replaced_by_constituents_summed_with_direct_holdings():
    fund = Portfolio.from_weights({"AAA": 0.5, "LMT": 0.3, "XOM": 0.2}, "book", nav=1e6)
    expanded, report = look_through(fund, TOY)
    weights = expanded.weights
    assert weights["LMT"] == pytest.approx(0.3 + 0.5 * 0.60)
    assert weights["NOC"] == pytest.approx(0.5 * 0.38)
    assert weights["AAA:RESIDUAL"] == pytest.approx(0.5 * 0.02)
    assert "AAA" not in weights.index
    assert expanded.net == pytest.approx(fund.net, abs=1e-15)
    assert expanded.nav == 1e6 and expanded.name == "book (look-through)"
    assert report.expanded.loc[0, "date"] == "2022-02-28" and report.expanded.loc[0, "constituents"] == 2


def test_as_of_takes_the_latest_snapshot_on_or_before():
    fund = Portfolio.from_weights({"AAA": 1.0})
    expanded, report = look_through(fund, TOY, as_of="2022-02-15")
    assert expanded.weights.to_dict() == {"LMT": 0.5, "RTX": 0.5}
    assert report.expanded.loc[0, "date"] == "2022-01-31" and report.as_of == "2022-02-15"


def test_no_snapshot_before_as_of_keeps_the_etf_with_a_warning():
    fund = Portfolio.from_weights({"AAA": 1.0})
    with pytest.warns(LookThroughWarning, match="AAA kept as one holding"):
        expanded, report = look_through(fund, TOY, as_of="2021-12-31")
    assert expanded.weights.to_dict() == {"AAA": 1.0}
    assert "no usable snapshot on or before 2021-12-31" in report.not_expanded["AAA"]


def test_short_etf_expands_to_short_constituents():
    fund = Portfolio.from_weights({"AAA": -0.2, "LMT": 0.5})
    expanded, _ = look_through(fund, TOY, as_of="2022-01-31")
    assert expanded.weights.to_dict() == pytest.approx({"LMT": 0.4, "RTX": -0.1})


def test_real_snapshot_scraped_three_times_is_rejected_naming_etf_date_and_sum():
    holdings, rejects = read_etf_holdings(DATA / "xar_2022-01-03_scraped_three_times.csv")
    assert holdings.empty
    (reject,) = rejects
    assert "XAR snapshot of 2022-01-03 sums to 299.96%" in reject.reason and "Fix:" in reject.reason
    assert reject.line == 2


def test_bad_snapshot_falls_back_to_the_last_good_one_with_a_warning():
    bad = _table([("AAA", "2022-03-31", "LMT", 60.0), ("AAA", "2022-03-31", "LMT", 60.0)])
    table = pd.concat([TOY, bad], ignore_index=True)
    fund = Portfolio.from_weights({"AAA": 1.0})
    with pytest.warns(LookThroughWarning, match="2022-03-31 were rejected"):
        _, report = look_through(fund, table)
    assert report.expanded.loc[0, "date"] == "2022-02-28"
    assert any("sums to 120.00%" in r.reason for r in report.rejects)


def test_bad_rows_are_rejects_with_their_line_and_the_rest_loads():
    text = ("etf,date,holding,weight_pct\n"
            "AAA,2022-01-31,LMT,50\n"
            ",2022-01-31,RTX,10\n"
            "AAA,31/01/2022,RTX,10\n"
            "AAA,2022-01-31,RTX,ten\n"
            "AAA,2022-01-31,RTX,50\n")
    holdings, rejects = read_etf_holdings(io.StringIO(text))
    assert [r.line for r in rejects] == [3, 4, 5]
    assert "etf: empty" in rejects[0].reason
    assert "YYYY-MM-DD" in rejects[1].reason
    assert "'ten' is not a number" in rejects[2].reason
    assert holdings["holding"].tolist() == ["LMT", "RTX"]


def test_missing_column_is_an_error():
    with pytest.raises(HoldingsError, match="weight_pct"):
        read_etf_holdings(pd.DataFrame({"etf": ["A"], "date": ["2022-01-01"], "holding": ["X"]}))


def test_class_shares_read_as_yahoo_symbols():
    holdings, _ = read_etf_holdings(_table([("ZZZ", "2022-01-31", "MOG.A", 40.0), ("ZZZ", "2022-01-31", "RR.L", 60.0)]))
    assert holdings["holding"].tolist() == ["MOG-A", "RR.L"]


def test_ita_in_a_real_portfolio_reaches_defense_names():
    fund = Portfolio.from_weights({"ITA": 0.6, "JETS": 0.2, "LMT": 0.2})
    expanded, report = look_through(fund, load_etf_holdings(), as_of="2022-02-04")
    assert set(report.expanded["etf"]) == {"ITA", "JETS"}
    assert report.expanded.set_index("etf").loc["ITA", "date"] == "2021-11-30"
    assert expanded.net == pytest.approx(1.0, abs=1e-12)
    assert expanded.weights["LMT"] > 0.2 and expanded.weights["DAL"] > 0
    assert report.rejects == ()


def test_snapshot_dates_go_through_the_date_parser(tmp_path):
    path = tmp_path / "etf.csv"
    path.write_text("etf,date,holding,weight_pct\nAAA,03/01/2022,LMT,50\nAAA,20220301,RTX,50\n"
                    "AAA,2022-03-01,LMT,100\n")
    holdings, rejects = read_etf_holdings(path)
    assert [(r.line, r.field) for r in rejects] == [(2, "date"), (3, "date")]
    assert "ambiguous" in rejects[0].reason and "write 2022-03-01" in rejects[1].reason
    assert list(holdings["date"]) == ["2022-03-01"]


def test_repeated_and_extra_cells_are_errors(tmp_path):
    path = tmp_path / "etf.csv"
    path.write_text("etf,date,holding,weight_pct,holding\nAAA,2022-03-01,LMT,100,X\n")
    with pytest.raises(HoldingsError, match="'holding' appears more than once"):
        read_etf_holdings(path)
    path.write_text("etf,date,holding,weight_pct\nAAA,2022-03-01,LMT,100,X\n")
    with pytest.raises(HoldingsError, match="cannot read it as CSV"):
        read_etf_holdings(path)


def test_latin1_etf_file_is_refused(tmp_path):
    path = tmp_path / "etf.csv"
    path.write_bytes("etf,date,holding,weight_pct\nAAA,2022-03-01,NESTLÉ,100\n".encode("latin-1"))
    with pytest.raises(InputFormatError, match="Latin-1/cp1252"):
        read_etf_holdings(path)
