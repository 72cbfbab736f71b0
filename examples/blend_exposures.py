"""Blend the graph's exposures with returns, see why one number moved, and score an event both ways.

Usage:
    python examples/blend_exposures.py [AS_OF] [TICKER THEME]

Without arguments: as of 2023-03-01 (before the US regional-bank failures of March 2023), the
bank theme, on the bundled returns.
"""

from __future__ import annotations

import sys

import exposure as ex
from exposure.datasets import load_dev_returns


def main(argv: list[str]) -> int:
    as_of = argv[0] if argv else "2023-03-01"
    ticker, theme = (argv[1], argv[2]) if len(argv) > 2 else ("ZION", "theme:banks")

    blended = ex.estimate.blend_exposures(ex.default_graph(), load_dev_returns(), as_of=as_of)
    print(blended.summary().splitlines()[0])
    print()
    print(blended.explain(ticker, theme))

    rows = blended.table[(blended.table["theme"] == theme) & blended.table["used"]]
    print(f"\n{theme}: prior vs blend of the names the industry default covered")
    print(rows[["ticker", "prior", "z", "k", "blend"]].sort_values("blend").to_string(index=False,
                                                                                      float_format="{:.3f}".format))

    graph = blended.to_graph()
    event = ex.Event(id="run", headline="Regional bank shares plunge as depositors pull funds after a lender fails",
                     published_at=f"{as_of}T14:00:00Z")
    prior = ex.map_events([event], graph).matrix.loc["run"]
    blend = ex.map_events([event], graph, settings=ex.ImpactSettings(exposures="blend")).matrix.loc["run"]
    names = rows["ticker"].tolist()
    print(f"\n{event.headline}\n  distinct scores among those names: prior {prior[names].nunique()}, "
          f"blend {blend[names].nunique()}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
