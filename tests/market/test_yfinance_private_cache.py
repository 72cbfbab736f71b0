"""yfinance's own caches (a pickled cookie, time zones) never live in our cache folder, and a
cookie store planted there is never opened."""

import datetime as dt
import os
import pickle
import sqlite3
import stat

import pytest

from exposure.market import YahooSource
from exposure.market import _yahoo

START, END = "2022-01-03", "2022-04-29"


class _Planted:
    """Unpickling this creates the marker file: proof that a planted pickle ran."""

    def __init__(self, marker):
        self.marker = str(marker)

    def __reduce__(self):
        return (exec, (f"open({self.marker!r}, 'w').write('ran')",))


def _plant_cookie_store(path, marker):
    """A cookies.db as yfinance writes it, each cookie a pickle that runs code."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with sqlite3.connect(path) as db:
        db.execute("CREATE TABLE IF NOT EXISTS _cookieschema "
                   "(strategy VARCHAR(255) PRIMARY KEY, fetch_date DATETIME, cookie_bytes BLOB) WITHOUT ROWID")
        for strategy in ("curlCffi", "basic", "csrf"):
            db.execute("INSERT OR REPLACE INTO _cookieschema VALUES (?, ?, ?)",
                       (strategy, dt.datetime.now().isoformat(), pickle.dumps(_Planted(marker))))
    db.close()


@pytest.fixture
def fetched(replay_session, cache_dir, tmp_path):
    marker = tmp_path / "planted-cookie-ran"
    for place in (cache_dir / "yfinance" / "cookies.db", cache_dir / "cookies.db",
                  cache_dir / "py-yfinance" / "cookies.db"):
        _plant_cookie_store(place, marker)
    planted = {p: p.read_bytes() for p in cache_dir.rglob("*.db")}
    result = YahooSource(session=replay_session, sleep=lambda s: None).prices(["LMT"], START, END, allow_partial=True)
    return result, cache_dir, marker, planted


def test_a_planted_cookie_store_in_the_cache_folder_is_never_unpickled(fetched):
    result, cache_dir, marker, planted = fetched
    assert not marker.exists()
    assert result.symbols == ["LMT"]
    assert {p: p.read_bytes() for p in cache_dir.rglob("*.db")} == planted  # never opened for writing


def test_yfinance_keeps_its_caches_in_a_private_folder_outside_ours(fetched):
    from yfinance import cache as yf_cache

    _, cache_dir, _, planted = fetched
    folder = yf_cache._CookieDBManager.get_location()
    assert folder == yf_cache._TzDBManager.get_location() == _yahoo._PRIVATE_YFINANCE_DIR[0]
    assert not os.path.realpath(folder).startswith(os.path.realpath(cache_dir))
    assert stat.S_IMODE(os.stat(folder).st_mode) == 0o700
    ours = {p for p in cache_dir.rglob("*") if p.is_file()} - set(planted)
    assert ours and all(p.relative_to(cache_dir).parts[0] == "prices" for p in ours), sorted(ours)
