"""CSV cells a spreadsheet will not run as formulas (OWASP "CSV injection").

A text cell that starts with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return is read by
Excel, LibreOffice and Google Sheets as a formula; an event id or ticker such as
``=HYPERLINK("http://evil", "x")`` in a CSV we write would run when the user opens it. Such
cells get a leading single quote, which spreadsheets show as text. Numeric columns are never
touched, so ``-0.5`` in a score column stays a number.
"""

from __future__ import annotations

from typing import Any

__all__ = ["FORMULA_PREFIXES", "csv_safe", "csv_safe_text"]

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def csv_safe_text(value: Any) -> Any:
    """``value`` with a leading ``'`` when it is a string a spreadsheet would take for a formula.

    Examples
    --------
    >>> csv_safe_text("=HYPERLINK(\\"http://x\\")"), csv_safe_text("+1"), csv_safe_text("LMT")
    ('\\'=HYPERLINK("http://x")', "'+1", 'LMT')
    >>> csv_safe_text(-0.5)
    -0.5
    """
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def csv_safe(frame: Any) -> Any:
    """A copy of a DataFrame whose text cells (values, index and column labels) cannot run as formulas.

    Only object, string and category columns are escaped; numeric, boolean and date columns are
    returned unchanged.

    Parameters
    ----------
    frame : pandas.DataFrame

    Returns
    -------
    pandas.DataFrame

    Examples
    --------
    >>> import pandas as pd
    >>> table = pd.DataFrame({"event_id": ["=1+1", "ok", "@SUM(A1)"], "score": [-0.5, 0.25, 1.0]})
    >>> safe = csv_safe(table)
    >>> safe["event_id"].tolist(), safe["score"].tolist()
    (["'=1+1", 'ok', "'@SUM(A1)"], [-0.5, 0.25, 1.0])
    """
    import pandas as pd

    def text_like(values: Any) -> bool:
        return (pd.api.types.is_object_dtype(values) or pd.api.types.is_string_dtype(values)
                or isinstance(values.dtype, pd.CategoricalDtype))

    safe = frame.copy()
    for position in range(safe.shape[1]):
        column = safe.iloc[:, position]
        if text_like(column):
            if isinstance(column.dtype, pd.CategoricalDtype):
                column = column.astype(object)
            safe.isetitem(position, column.map(csv_safe_text))
    if text_like(safe.columns):
        safe.columns = safe.columns.map(csv_safe_text)
    if text_like(safe.index) and not isinstance(safe.index, pd.MultiIndex):
        safe.index = safe.index.map(csv_safe_text)
    return safe
