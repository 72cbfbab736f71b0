"""Fixtures for the market tests: Yahoo replayed from files, and a fresh cache folder."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest
import requests

_spec = importlib.util.spec_from_file_location("yahoo_replay", Path(__file__).with_name("yahoo_replay.py"))
yahoo_replay_module = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(yahoo_replay_module)
YahooReplay = yahoo_replay_module.YahooReplay


@pytest.fixture
def yahoo_replay() -> YahooReplay:
    return YahooReplay()


@pytest.fixture
def replay_session(yahoo_replay) -> requests.Session:
    """A requests Session whose every request is answered by :class:`YahooReplay`."""
    session = requests.Session()
    session.mount("https://", yahoo_replay)
    session.mount("http://", yahoo_replay)
    return session


@pytest.fixture
def cache_dir(tmp_path, monkeypatch) -> Path:
    """A fresh EXPOSURE_CACHE_DIR, and online mode whatever the environment says."""
    folder = tmp_path / "cache"
    monkeypatch.setenv("EXPOSURE_CACHE_DIR", str(folder))
    monkeypatch.delenv("EXPOSURE_OFFLINE", raising=False)
    return folder
