"""The readable data files of the reading rules, shipped in ``exposure/tagging/data/``."""

from __future__ import annotations

import csv
from functools import cache
from importlib import resources


@cache
def data_rows(name: str) -> tuple[dict[str, str], ...]:
    """The rows of ``exposure/tagging/data/<name>``, read once.

    >>> data_rows("country_roles.csv")[0]["term"]
    'attack'
    """
    with (resources.files("exposure.tagging") / "data" / name).open(encoding="utf-8", newline="") as handle:
        return tuple(csv.DictReader(handle))
