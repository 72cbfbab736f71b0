"""Progress bars for long runs: shown on a terminal, silent in logs, batch jobs and notebooks' pipes."""

from __future__ import annotations

import sys
from collections.abc import Iterable, Iterator
from typing import TypeVar

T = TypeVar("T")


def progress(items: Iterable[T], *, enabled: bool | None = None, desc: str = "", unit: str = "it",
             total: int | None = None) -> Iterator[T]:
    """Wrap ``items`` in a tqdm bar when ``enabled`` (default: standard error is a terminal).

    >>> list(progress(range(3), enabled=False))
    [0, 1, 2]
    """
    if enabled is None:
        enabled = sys.stderr.isatty()
    if not enabled:
        yield from items
        return
    from tqdm.auto import tqdm

    with tqdm(items, desc=desc, unit=unit, total=total, file=sys.stderr) as bar:
        yield from bar
