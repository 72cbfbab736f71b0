import numpy as np


def test_explicit_company_figure_wins_over_industry_default(mini_graph):
    x = mini_graph.security_exposures()
    assert x.at["KOG.OL", "theme:defense-spending"] == 0.5  # explicit 0.5, default also 0.5
    assert x.at["BIG", "theme:defense-spending"] == 0.5  # industry default only
    assert x.at["SKY", "theme:airlines"] == 0.9  # airline default


def test_parent_theme_rolls_up_the_largest_child(mini_graph):
    table = mini_graph.exposures.set_index(["company", "theme"])
    row = table.loc[("company:droneco", "theme:defense-spending")]
    assert row["weight"] == 0.9 and row["basis"] == "roll-up"
    assert table.loc[("company:droneco", "theme:air-missile-defense"), "via"] == "theme:counter-drone"
    # explicit 0.3 is kept for Kongsberg's air defense even though a roll-up could not beat it
    assert table.loc[("company:kongsberg", "theme:air-missile-defense"), "basis"] == "explicit"


def test_every_listing_gets_its_company_exposure(mini_graph):
    x = mini_graph.security_exposures()
    np.testing.assert_array_equal(x.loc["BIG"], x.loc["BIG.L"])
    assert ((x >= 0) & (x <= 1)).all().all()
