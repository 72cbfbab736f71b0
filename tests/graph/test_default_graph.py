"""The default graph ships the breadth issue 2 asks for, every edge sourced."""

import re

YAHOO = re.compile(r"^[A-Z0-9][A-Z0-9.\-=^]*$")


def test_every_edge_has_source_and_date(graph):
    assert (graph.edges["source"].str.len() > 0).all()
    assert (graph.edges["as_of"].str.len() == 10).all()


def test_at_least_40_listed_defense_companies_with_symbols_gics_and_exposure(graph):
    exposures = graph.exposures
    explicit = exposures[(exposures["theme"] == "theme:defense-spending") & (exposures["basis"] == "explicit")]
    defense = set(explicit.loc[explicit["weight"] >= 0.1, "company"])
    info = graph.securities[graph.securities["company_id"].isin(defense)]
    assert info["company_id"].nunique() >= 40
    assert info.index.map(lambda t: bool(YAHOO.match(t))).all()
    assert info["gics"].notna().all() and info["country"].notna().all()
    us, europe = info["country"].eq("US").sum(), info["country"].isin(
        ["DE", "SE", "NO", "GB", "IT", "FR", "ES", "NL", "GR"]).sum()
    assert us >= 15 and europe >= 15
    for ticker in ["RHM.DE", "SAAB-B.ST", "KOG.OL", "HAG.DE", "BA.L", "LDO.MI", "HO.PA",
                   "LMT", "RTX", "NOC", "AVAV", "KTOS", "DRO.AX"]:
        assert ticker in graph.securities.index


def test_defense_theme_family(graph):
    parents = graph.themes()["parent"]
    assert parents["theme:counter-drone"] == "theme:air-missile-defense"
    assert parents["theme:air-missile-defense"] == "theme:defense-spending"
    for theme in ["military-drones", "munitions", "defense-electronics", "border-security"]:
        assert parents[f"theme:{theme}"] == "theme:defense-spending"


def test_seed_entities_and_systems_with_makers(graph):
    for node in ["country:LT", "country:BY", "country:RU", "org:nato", "region:eastern-flank",
                 "region:baltics", "org:saceur", "system:gerbera", "system:shahed-136", "system:geran-2"]:
        assert node in graph
    makes = graph.edges[graph.edges["relation"] == "makes"]
    makers = makes.groupby("to_id")["from_id"].apply(set)
    assert "company:kongsberg" in makers["system:nasams"]
    assert "company:rtx" in makers["system:patriot"]
    assert "company:rheinmetall" in makers["system:skyranger"]
    assert "company:saab" in makers["system:rbs-70"] and "company:saab" in makers["system:giraffe-radar"]
    assert "system:iris-t-slm" in makers.index
    assert any(s in makers.index for s in ["system:dronegun", "system:dronesentry"])


def test_terminal_tag_taxonomy(graph):
    labels = set(graph.nodes.loc[graph.ids("tag"), "label"])
    assert {"Geopolitics & War", "Infrastructure & Defense", "Technology & Innovation"} <= labels
