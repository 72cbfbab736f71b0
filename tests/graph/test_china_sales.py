"""Sales in China: the company figures, their point-in-time dating, and news scoped to China reaching them."""

import importlib.util
from pathlib import Path

import pandas as pd

import exposure as ex
from exposure.tagging import tag_event

THEME = "theme:china-sales"
DATA = Path(ex.__file__).parent / "graph" / "data"


def _edge(graph, source, relation, target):
    e = graph.edges
    return e[(e["from_id"] == source) & (e["relation"] == relation) & (e["to_id"] == target)]


def _load_generator():
    spec = importlib.util.spec_from_file_location("make_china_sales", DATA / "china_sales" / "make_china_sales.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_china_sales_file_is_what_its_generator_writes():
    written = pd.read_csv(DATA / "default" / "edges" / "china_sales.csv", dtype=str, keep_default_na=False)
    assert written.values.tolist() == _load_generator().rows()
    companies = written[written["from_id"].str.startswith("company:")]
    assert companies["known_from"].gt(companies["as_of"]).all()        # public after the fiscal year ended
    assert companies["note"].str.startswith("approx.: ").all()
    assert written["weight"].astype(float).between(0, 1).all()


def test_company_figures_order_who_sells_in_china(graph):
    prior = graph.security_exposures([THEME])[THEME]
    assert prior["WYNN"] > prior["QCOM"] > prior["AAPL"] > prior["NKE"] > prior["SBUX"] > 0
    assert prior["KLAC"] == 0.3 and prior["TER"] == 0.3               # a company figure and the chip-equipment default
    assert prior.get("WMT", 0) == 0 and prior.get("JPM", 0) == 0        # no default outside chips


def test_a_figure_is_used_only_once_public(graph):
    before = graph.as_of("2017-06-30", strict=True).security_exposures([THEME])[THEME]
    after = graph.as_of("2018-06-30", strict=True).security_exposures([THEME])[THEME]
    assert before["QCOM"] == 0.3 and after["QCOM"] == 0.65              # the chip default until the 10-K is out
    assert before.get("WYNN", 0) == 0 and after["WYNN"] == 0.7


def _concepts(graph, headline):
    return {(m.concept, m.sign) for m in tag_event(ex.Event(headline=headline), graph).mentions if m.sign}


def test_trade_news_that_names_china_is_the_trade_war_with_china(graph):
    assert ("theme:us-china-trade-war", 1) in _concepts(
        graph, "Trump says tariffs on $200 billion of Chinese goods will rise to 25% on Friday")
    assert ("theme:us-china-trade-war", -1) in _concepts(graph, "US and China agree 90-day truce in trade war")
    mexico = _concepts(graph, "Trump threatens 5% tariff on all Mexican imports over migration")
    assert ("theme:tariffs-trade-war", 1) in mexico and not any("china" in c for c, _ in mexico)


def test_a_chinese_slowdown_is_demand_in_china_not_at_home(graph):
    read = _concepts(graph, "Apple cuts revenue forecast, blaming China slowdown")
    assert ("theme:china-demand", -1) in read and not any(c == "theme:consumer-demand" for c, _ in read)


def test_a_truce_with_china_lifts_the_companies_that_sell_there(graph):
    g = graph.as_of("2018-12-02", strict=True)
    truce = ex.map_events([ex.Event(id="truce", headline="US and China agree 90-day truce in trade war")], g)
    scores = truce.matrix.loc["truce"]
    assert scores["WYNN"] > 0 and scores["QCOM"] > 0 and scores["WYNN"] > scores.get("WMT", 0)
    why = truce.explain("WYNN", "truce")
    largest = why.sort_values("contribution")["path"].iloc[-1]
    assert largest.endswith("Sales in China -[exposed_to +0.70]-> Wynn Resorts")
    assert abs(why["contribution"].sum() - scores["WYNN"]) < 1e-9
