"""A book whose currency column mixes currencies is converted with FX rates or refused, never summed as one."""

import io
import json

import pytest

from exposure.cli import main
from exposure.errors import HoldingsError
from exposure.portfolio import read_holdings

MIXED = "ticker,quantity,price,currency\nLMT,10,400,USD\nRHM.DE,20,100,EUR\nBA.L,500,650,GBp\n"


def test_mixed_currencies_without_rates_are_refused_naming_rows_and_currencies():
    with pytest.raises(HoldingsError) as caught:
        read_holdings(io.StringIO(MIXED))
    err = caught.value
    assert err.field == "currency"
    assert "EUR (rows 3)" in str(err) and "GBp (rows 4)" in str(err) and "USD (rows 2)" in str(err)
    assert "fx=" in err.fix


def test_mixed_currencies_are_converted_with_rates_and_minor_units():
    book = read_holdings(io.StringIO(MIXED), fx={"EUR": 1.10, "GBP": 1.30})
    values = {"LMT": 4000.0, "RHM.DE": 20 * 100 * 1.10, "BA.L": 500 * 6.50 * 1.30}
    nav = sum(values.values())
    assert book.nav == pytest.approx(nav)
    assert book.weights.to_dict() == pytest.approx({t: v / nav for t, v in values.items()})


def test_market_values_convert_into_another_base():
    table = "ticker,market_value,currency\nLMT,1000,USD\nRHM.DE,1000,EUR\n"
    book = read_holdings(io.StringIO(table), fx={"USD": 0.9}, base="EUR")
    assert book.nav == pytest.approx(1900.0)
    assert book.weights["RHM.DE"] == pytest.approx(1000 / 1900)


def test_a_missing_rate_or_a_blank_currency_is_refused():
    with pytest.raises(HoldingsError, match="no positive GBP->USD rate for rows 4"):
        read_holdings(io.StringIO(MIXED), fx={"EUR": 1.1})
    blank = "ticker,market_value,currency\nLMT,1000,USD\nRHM.DE,1000,\n"
    with pytest.raises(HoldingsError, match="blank"):
        read_holdings(io.StringIO(blank))
    with pytest.raises(HoldingsError, match="rows 3 have no currency"):
        read_holdings(io.StringIO(blank), fx={"EUR": 1.1})


def test_one_currency_and_weight_books_are_unchanged():
    same = "ticker,quantity,price,currency\nLMT,10,400,EUR\nRHM.DE,20,100,EUR\n"
    assert read_holdings(io.StringIO(same)).nav == pytest.approx(6000.0)
    weights = "ticker,weight,currency\nLMT,0.5,USD\nRHM.DE,0.5,EUR\n"
    assert read_holdings(io.StringIO(weights)).weights.sum() == pytest.approx(1.0)


def test_cli_portfolio_refuses_or_converts(tmp_path, capsys):
    path = tmp_path / "mixed.csv"
    path.write_text(MIXED)
    assert main(["portfolio", str(path)]) == 1
    err = capsys.readouterr().err
    assert str(path) in err and "currency" in err and "Fix:" in err and "Traceback" not in err
    assert main(["portfolio", str(path), "--fx", "EUR=1.1", "GBP=1.3", "--format", "json"]) == 0
    assert json.loads(capsys.readouterr().out)
    assert main(["portfolio", str(path), "--fx", "EUR=abc"]) == 2
    assert "--fx EUR=abc" in capsys.readouterr().err
