"""Headlines from several categories (energy, chips, shipping, rates, health, trade), mapped with the
default graph: the right themes, names and signs. Written as a desk analyst would check them."""

import pytest

import exposure as ex

HEADLINES = {
    "opec-cut": ("OPEC+ agrees surprise oil output cut of more than 1 million barrels a day",
                 "Saudi Arabia and other OPEC+ producers announced voluntary cuts to crude production starting "
                 "in May. Brent crude jumped 6% as traders priced a tighter oil market; airline shares fell on "
                 "higher jet fuel costs.", ["Energy & Commodities"]),
    "chip-controls": ("US tightens export controls on advanced AI chips and chipmaking equipment to China",
                      "The Commerce Department expanded restrictions on sales of advanced semiconductors and "
                      "semiconductor manufacturing equipment to China, adding dozens of Chinese firms to the entity "
                      "list. Shares of chip equipment makers fell.", ["Technology & Innovation", "Trade & Tariffs"]),
    "red-sea": ("Houthi attacks in the Red Sea force shipping lines to divert around the Cape of Good Hope",
                "Maersk and Hapag-Lloyd paused transits through the Red Sea after missile and drone attacks on "
                "merchant vessels. Container freight rates surged as ships were rerouted around Africa.",
                ["Geopolitics & War", "Transportation & Logistics"]),
    "fed-hike": ("Fed raises interest rates by 75 basis points, the largest hike since 1994",
                 "The Federal Reserve lifted its benchmark rate to fight inflation and signalled further increases. "
                 "Bank shares rose while homebuilders and real estate stocks slid as mortgage rates climbed.",
                 ["Macroeconomics & Central Banks"]),
    "pandemic": ("WHO declares new coronavirus outbreak a pandemic as cases surge worldwide",
                 "Governments closed borders and airlines cancelled flights as the outbreak spread. Vaccine "
                 "developers said they were working on candidates; cruise lines suspended sailings.",
                 ["Healthcare & Biotech"]),
    "auto-tariffs": ("US imposes 25% tariffs on imported cars and auto parts",
                     "The White House announced tariffs on vehicles and parts from Mexico, Canada, Japan and Europe. "
                     "Automakers' shares fell as analysts warned of higher prices for consumers.", ["Trade & Tariffs"]),
    "metal-tariffs": ("US to impose 25% tariffs on steel and 10% on aluminium imports",
                      "The President said the duties would protect American mills and smelters from a flood of "
                      "cheap foreign metal. Trading partners warned of retaliation.", ["Trade & Tariffs"]),
    "copper-tariff": ("Trump announces 50% tariff on copper imports, citing national security",
                      "Copper futures in New York jumped to a record premium over London prices after the "
                      "announcement.", ["Trade & Tariffs", "Energy & Commodities"]),
    "china-tariffs": ("Trump announces 10% tariff on remaining $300 billion of Chinese imports",
                      "The levies cover consumer goods such as smartphones, laptops, toys and clothing.",
                      ["Trade & Tariffs"]),
    "hurricane": ("Hurricane Ian makes landfall in Florida as one of the strongest storms on record",
                  "The Category 4 storm flooded coastal towns and left millions without power. Modelling firms "
                  "put insured losses at up to $40 billion.", ["Climate & Environment"]),
}


@pytest.fixture(scope="module")
def impacts(graph):
    events = [ex.Event(id=k, headline=h, body=b, tags=t, market_impact=0.5) for k, (h, b, t) in HEADLINES.items()]
    return ex.map_events(events, graph)


def _themes(impacts, event, n):
    return impacts.theme_matrix.loc[event].abs().nlargest(n).index.tolist()


def test_oil_supply_cut_helps_producers_and_hurts_airlines(impacts):
    scores, themes = impacts.matrix.loc["opec-cut"], impacts.theme_matrix.loc["opec-cut"]
    assert _themes(impacts, "opec-cut", 1) == ["theme:oil-gas-supply"]
    assert all(scores[t] > 0 for t in ["XOM", "CVX", "COP", "SHEL.L", "2222.SR"])
    assert all(scores[t] < 0 for t in ["DAL", "UAL", "LHA.DE", "RYA.IR"])
    assert themes["theme:airlines"] < 0
    top = set(impacts.top("opec-cut", 10, paths=0)["ticker"])
    assert len(top & {"XOM", "CVX", "COP", "EOG", "DVN", "APA", "FANG", "2222.SR", "OXY"}) >= 5


def test_chip_export_controls_hurt_equipment_makers(impacts):
    scores = impacts.matrix.loc["chip-controls"]
    assert "theme:semiconductor-equipment" in _themes(impacts, "chip-controls", 2)
    assert all(scores[t] < 0 for t in ["AMAT", "LRCX", "KLAC", "ASML", "8035.T"])
    top = impacts.top("chip-controls", 10, paths=0)
    assert (top["score"] < 0).sum() >= 8


def test_red_sea_attacks_lift_container_lines(impacts):
    scores = impacts.matrix.loc["red-sea"]
    assert set(_themes(impacts, "red-sea", 2)) == {"theme:container-shipping", "theme:shipping-disruption"}
    assert all(scores[t] > 0 for t in ["MAERSK-B.CO", "HLAG.DE", "ZIM"])
    assert set(impacts.top("red-sea", 3, paths=0)["ticker"]) <= {"HLAG.DE", "MAERSK-B.CO", "ZIM", "1919.HK", "2603.TW"}


def test_rate_hike_helps_banks_and_hurts_housing(impacts):
    scores, themes = impacts.matrix.loc["fed-hike"], impacts.theme_matrix.loc["fed-hike"]
    assert _themes(impacts, "fed-hike", 1) == ["theme:interest-rates"] and themes["theme:interest-rates"] > 0
    assert themes["theme:banks"] > 0 > themes["theme:housing"]
    assert all(scores[t] > 0 for t in ["JPM", "BAC", "WFC"])
    assert all(scores[t] < 0 for t in ["DHI", "LEN", "PHM"])


def test_pandemic_hurts_travel_and_helps_vaccine_makers(impacts):
    scores, themes = impacts.matrix.loc["pandemic"], impacts.theme_matrix.loc["pandemic"]
    assert _themes(impacts, "pandemic", 1) == ["theme:vaccines-pandemic"]
    assert themes["theme:travel-leisure"] < 0 and themes["theme:cruise-lodging"] < 0
    assert scores["MRNA"] > 0 and scores["BNTX"] > 0
    assert all(scores[t] < 0 for t in ["CCL", "RCL", "DAL", "MAR"])


def test_auto_tariffs_hurt_automakers(impacts):
    scores = impacts.matrix.loc["auto-tariffs"]
    assert _themes(impacts, "auto-tariffs", 1) == ["theme:tariffs-trade-war"]
    assert all(scores[t] < 0 for t in ["F", "GM", "TM", "7267.T"])

    # dearer new cars keep old ones on the road: parts sellers and used-car prices gain
    assert all(scores[t] > 0 for t in ["AZO", "ORLY"]) and scores["GPC"] >= 0  # GPC: 40% industrial parts


def test_a_metal_tariff_protects_the_producers_of_that_metal_only(impacts):
    steel, copper = impacts.matrix.loc["metal-tariffs"], impacts.matrix.loc["copper-tariff"]
    assert all(steel[t] > 0 for t in ["NUE", "STLD", "AA"])
    # gold and copper miners are not protected by it: only general mining news reaches them
    assert 0 <= steel["NEM"] < steel["NUE"] / 4 and 0 <= steel["FCX"] < steel["NUE"] / 4
    assert copper["FCX"] > 0 and 0 <= copper["NUE"] < copper["FCX"] / 3


def test_catastrophe_losses_fall_on_property_insurers_not_life_insurers(impacts):
    scores = impacts.matrix.loc["hurricane"]
    assert all(scores[t] < 0 for t in ["ALL", "TRV", "CB", "EG"])
    assert all(scores[t] == 0 for t in ["AFL", "MET", "PRU"])


def test_a_tariff_costs_most_those_who_sell_imported_goods(impacts):
    scores = impacts.matrix.loc["china-tariffs"]
    # electronics, footwear and toys are made abroad; groceries mostly at home
    assert scores["BBY"] < scores["WMT"] < 0 and scores["NKE"] < scores["COST"]
    assert scores["HAS"] < scores["KR"] <= 0
