import pandas as pd
import pytest

from exposure.datasets import load_sample_prices
from exposure.studies import prices_to_returns

INVASION = pd.Timestamp("2022-02-24T03:00:00Z")  # before dawn in Kyiv: after the New York close of the 23rd
US_DEFENSE = ["LMT", "NOC", "LHX", "GD", "RTX"]
AIRLINES = ["DAL", "UAL", "AAL", "LUV"]


@pytest.fixture(scope="session")
def us_returns() -> pd.DataFrame:
    return prices_to_returns(load_sample_prices("us")).returns


@pytest.fixture(scope="session")
def europe_returns() -> pd.DataFrame:
    return prices_to_returns(load_sample_prices("europe")).returns
