"""Exposure to a driver theme means gaining when the driver strengthens: industries a driver hurts
must not carry a positive exposure to it (their sign comes through the driver's implications)."""

import pytest

HURT = [
    ("theme:tariffs-trade-war", "Automobile Manufacturers"),
    ("theme:insurance-catastrophe", "Property & Casualty Insurance"),
    ("theme:insurance-catastrophe", "Reinsurance"),
    ("theme:extreme-weather", "Electric Utilities"),
    ("theme:drug-pricing-policy", "Pharmaceuticals"),
    ("theme:export-controls", "Semiconductor Materials & Equipment"),
    ("theme:airspace-disruption", "Passenger Airlines"),
    ("theme:vaccines-pandemic", "Passenger Airlines"),
]


@pytest.mark.parametrize(("theme", "industry"), HURT)
def test_hurt_industries_have_no_positive_exposure_to_the_driver(graph, theme, industry):
    members = set(graph.securities.loc[graph.securities["industry"] == industry, "company_id"])
    assert members, f"no company in {industry}"
    rows = graph.exposures[(graph.exposures["theme"] == theme) & graph.exposures["company"].isin(members)]
    assert (rows["weight"] == 0).all(), rows[rows["weight"] > 0][["company", "weight", "basis"]]
