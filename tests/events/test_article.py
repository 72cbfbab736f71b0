import gzip
import json
from pathlib import Path

import pytest

import exposure.errors
from exposure.errors import EventError, InputFormatError
from exposure.events import parse_article, read_article, split_tags

DATA = Path(__file__).parent / "data"
SEED = Path(exposure.errors.__file__).parent / "datasets" / "data" / "lithuania_drones_article.txt"
SEED_TAGS = ("Geopolitics & War", "Infrastructure & Defense", "Technology & Innovation")
SEED_HEADLINE = "Lithuania asks NATO for more air defences after drones land on its territory"


def golden(name):
    return json.loads((DATA / name).read_text(encoding="utf-8"))


@pytest.fixture
def seed_text():
    return SEED.read_text(encoding="utf-8")


def test_seed_article_matches_golden():
    event = read_article(SEED)
    assert event.model_dump(mode="json") == golden("lithuania_expected.json")


def test_seed_article_fields(seed_text):
    event = parse_article(seed_text)
    assert event.market_impact == 0.1
    assert event.headline == SEED_HEADLINE
    assert event.vendor_tickers == ("TRI",)
    assert event.tags == SEED_TAGS
    assert event.body.startswith("Lithuania has formally requested NATO bolster")
    assert event.body.endswith("front-line NATO states.")
    assert event.body.count("\n\n") == 1
    assert "Analysis" not in event.body.split("\n")
    assert "AllMind AI Terminal" not in event.body and "AI-powered research" not in event.body
    assert "Back to News" not in event.text
    assert SEED_HEADLINE not in event.body
    assert event.source == "AllMind AI Terminal"


@pytest.mark.parametrize(
    "variant",
    [
        lambda text: text.replace("\n", "\r\n"),
        lambda text: text.replace("\n", "\r"),
        lambda text: "\ufeff" + text,
        lambda text: ("\ufeff" + text.replace("\n", "\r\n")).encode("utf-8"),
        lambda text: "\n\n" + "\n\n".join(line + "   " for line in text.split("\n")) + "\n\n",
    ],
    ids=["crlf", "cr", "bom", "bom-crlf-bytes", "blank-lines-trailing-spaces"],
)
def test_seed_variants_parse_the_same(seed_text, variant):
    assert parse_article(variant(seed_text)) == parse_article(seed_text)


def test_cp1252_bytes_are_refused_with_the_offset_and_the_fix(seed_text):
    page = seed_text.replace("with one carrying", "\u2013 one carrying").encode("cp1252")
    offset = page.index(b"\x96")
    with pytest.raises(InputFormatError, match=rf"byte 0x96 at offset {offset} .*Latin-1/cp1252.*Fix: save it as"):
        parse_article(page)


@pytest.mark.parametrize("encoding", ["utf-16", "utf-32", "utf-8-sig"])
def test_bytes_with_a_bom_are_decoded(seed_text, encoding):
    assert parse_article(seed_text.encode(encoding)) == parse_article(seed_text)


def test_utf16_without_bom_and_binary_are_refused(seed_text):
    with pytest.raises(InputFormatError, match="UTF-16-LE without a byte-order mark"):
        parse_article(seed_text.encode("utf-16-le"))
    with pytest.raises(InputFormatError, match="gzip"):
        parse_article(gzip.compress(seed_text.encode()))


def test_second_page_matches_golden():
    event = read_article(DATA / "oil_tankers_article.txt")
    assert event.model_dump(mode="json") == golden("oil_tankers_expected.json")
    assert event.market_impact == 0.6
    assert event.vendor_tickers == ("XOM", "CVX")
    assert event.tags == ("Energy & Commodities", "Geopolitics & War")
    assert len(event.body.split("\n\n")) == 3


def test_missing_impact_chips_tags_and_repeat():
    event = parse_article(
        "Oil jumps after tanker attacks\n\nBrent rose 4%.\n\nAnalysis\nSupply is tight."
    )
    assert event.market_impact == 1.0
    assert event.vendor_tickers == () and event.tags == ()
    assert event.headline == "Oil jumps after tanker attacks"
    assert event.body == "Brent rose 4%.\n\nSupply is tight."
    assert event.source is None


def test_chips_variants_and_exchange_suffix():
    event = parse_article("Rheinmetall wins order\nRHM.DE, BA.L LMT\nRheinmetall wins order\nText.")
    assert event.vendor_tickers == ("RHM.DE", "BA.L", "LMT")


def test_second_headline_that_differs_keeps_the_longer():
    page = (
        "Lithuania asks NATO for more air defences…\nTRI\n"
        "Lithuania asks NATO for more air defences after drones land\nBody."
    )
    event = parse_article(page)
    assert event.headline == "Lithuania asks NATO for more air defences after drones land"
    assert event.body == "Body."


def test_title_case_headline_with_ampersand_is_not_a_tag_line():
    event = parse_article(
        "AT&T Beats Estimates\nT\nTelecom & Media\nAT&T Beats Estimates\nRevenue rose."
    )
    assert event.headline == "AT&T Beats Estimates"
    assert event.vendor_tickers == ("T",)
    assert event.tags == ("Telecom & Media",)


def test_known_tags_find_a_tag_line_without_ampersand():
    event = parse_article(
        "Banks rally\nFinancialsMacroeconomics\nBanks rally\nText.",
        known_tags=["Financials", "Macroeconomics"],
    )
    assert event.tags == ("Financials", "Macroeconomics")


def test_source_and_published_at_arguments(seed_text):
    event = parse_article(seed_text, source="Desk", published_at="2025-07-29T08:00:00Z")
    assert event.source == "Desk"
    assert event.published_at.isoformat() == "2025-07-29T08:00:00+00:00"


@pytest.mark.parametrize(
    "page", ["", "\n \r\n", "Back to News\nMarket Impact: 0.1\n", "AllMind AI Terminal\n"]
)
def test_page_without_headline_or_body_is_an_error(page):
    with pytest.raises(EventError, match="no headline or body"):
        parse_article(page)


def test_bad_market_impact_is_an_event_error():
    with pytest.raises(EventError, match="market_impact") as info:
        parse_article("Market Impact: high\nOil jumps\nText.")
    assert str(info.value).startswith("article: market_impact:")


def test_read_article_names_the_file(tmp_path):
    path = tmp_path / "empty.txt"
    path.write_text("Back to News\n")
    with pytest.raises(EventError, match=r"empty\.txt"):
        read_article(path)


@pytest.mark.parametrize(
    ("line", "known", "expected"),
    [
        ("Geopolitics & WarInfrastructure & DefenseTechnology & Innovation", [], list(SEED_TAGS)),
        (
            "AI & MLEnergy & Commodities",
            ["AI & ML", "Energy & Commodities"],
            ["AI & ML", "Energy & Commodities"],
        ),
        (
            "Macroeconomics & Central BanksFinancials",
            [],
            ["Macroeconomics & Central Banks", "Financials"],
        ),
        ("ai & mlFinancials", ["AI & ML"], ["AI & ML", "Financials"]),
        ("Web3InfrastructureAI & ML", ["AI & ML"], ["Web3", "Infrastructure", "AI & ML"]),
        ("A & B; C", [], ["A & B", "C"]),
        ("A | B", [], ["A", "B"]),
        ("A, B", [], ["A", "B"]),
        ("Mergers, Acquisitions & Deals", [], ["Mergers, Acquisitions & Deals"]),
        (
            "Energy & Commodities, Geopolitics & War",
            [],
            ["Energy & Commodities", "Geopolitics & War"],
        ),
        ("  Energy ; ; Energy  ", [], ["Energy"]),
        ("", [], []),
    ],
)
def test_split_tags(line, known, expected):
    assert split_tags(line, known) == expected


def test_known_tag_is_never_split():
    assert split_tags("iPhone & WearablesEnergy", ["iPhone & Wearables"]) == [
        "iPhone & Wearables",
        "Energy",
    ]
    assert split_tags("Geopolitics & War", ["War"]) == ["Geopolitics & War"]


def test_headline_printed_once_with_chips_and_tags():
    page = (
        "Market Impact:\nOil jumps\nXOM\nEnergy & Commodities\nBrent rose 4%.\n\nAnalysis\n\nTight."
    )
    event = parse_article(page)
    assert event.market_impact == 1.0
    assert (event.headline, event.vendor_tickers, event.tags) == (
        "Oil jumps",
        ("XOM",),
        ("Energy & Commodities",),
    )
    assert event.body == "Brent rose 4%.\n\nTight."


def test_hard_wrapped_paragraphs_are_joined():
    event = parse_article(
        "Oil jumps\n\nBrent rose 4%\nafter the attacks.\n\nAnalysis\nSupply\nis tight."
    )
    assert event.body == "Brent rose 4% after the attacks.\n\nSupply is tight."
