"""Trade pieces without servers: slicing sums exactly, risk checks refuse with reasons,
prices are deterministic."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path

import pytest

import activities  # noqa: F401
from activities.trade.broker import client_order_id
from activities.trade.models import CsvPrices, RandomWalkPrices, TradeInput
from activities.trade.prices import CsvFeed, RandomWalkFeed
from activities.trade.risk import RiskCheckFailed, check_risk
from activities.trade.settings import TradeSettings
from activities.trade.slicing import allocate, slice_quantities, u_shaped_profile
from jobwire.contract.registry import job_types
from jobwire.errors import InvalidSpec, JobFailed
from tests.unit.jobtypes.harness import Harness, unit_settings


def spec(**fields: object) -> TradeInput:
    parsed = job_types.parse_spec({"type": "trade", "symbol": "ACME", "side": "buy"} | fields)
    assert isinstance(parsed, TradeInput)
    return parsed


@pytest.mark.parametrize(
    ("quantity", "weights"),
    [("1000", [1.0] * 7), ("10.5", [1, 2, 3]), ("3", [1.0] * 5), ("12345.678", [5, 1, 0, 2])],
)
def test_slices_add_up_to_the_order_in_its_own_units(quantity: str, weights: list[float]) -> None:
    parts = allocate(Decimal(quantity), weights)
    assert sum(parts) == Decimal(quantity)
    unit = Decimal(quantity).as_tuple().exponent
    assert all(part.as_tuple().exponent >= unit for part in parts)


def test_vwap_weights_follow_the_profile_and_twap_is_even() -> None:
    twap = slice_quantities(Decimal(600), 6, "twap", None, None)
    assert twap == [Decimal(100)] * 6
    vwap = slice_quantities(Decimal(600), 6, "vwap", None, None)
    assert vwap[0] > vwap[2] and vwap[-1] > vwap[3], "U-shaped: heavy at open and close"
    assert u_shaped_profile(1) == [1.0]
    given = slice_quantities(Decimal(600), 3, "vwap", [1, 1, 4], None)
    assert given == [Decimal(100), Decimal(100), Decimal(400)]
    by_market = slice_quantities(Decimal(600), 3, "vwap", None, [2, 2, 2])
    assert by_market == [Decimal(200)] * 3


def test_a_volume_profile_must_match_the_slices() -> None:
    with pytest.raises(InvalidSpec, match="volume_profile") as caught:
        spec(quantity="10", slices=3, volume_profile=[1, 2])
    assert [e["field"] for e in caught.value.errors] == ["volume_profile"]


def test_the_notional_limit_refuses_before_any_order() -> None:
    settings = TradeSettings(max_notional=50_000)
    with pytest.raises(RiskCheckFailed, match="exceeds the maximum") as caught:
        check_risk(spec(quantity="1000"), Decimal(100), settings, datetime.now(UTC))
    assert caught.value.error_type == "RiskCheckFailed"
    check_risk(spec(quantity="400"), Decimal(100), settings, datetime.now(UTC))


def test_a_limit_outside_the_price_band_is_refused() -> None:
    settings = TradeSettings(price_band_pct=5)
    with pytest.raises(RiskCheckFailed, match="band is 5%"):
        check_risk(spec(quantity="1", limit_price="90"), Decimal(100), settings, datetime.now(UTC))
    check_risk(spec(quantity="1", limit_price="96"), Decimal(100), settings, datetime.now(UTC))


def test_trading_outside_market_hours_is_refused() -> None:
    settings = TradeSettings(market_hours="09:30-16:00", market_timezone="UTC")
    order = spec(quantity="1")
    with pytest.raises(RiskCheckFailed, match="market is closed"):
        check_risk(order, Decimal(100), settings, datetime(2026, 11, 23, 8, 0, tzinfo=UTC))
    check_risk(order, Decimal(100), settings, datetime(2026, 11, 23, 10, 0, tzinfo=UTC))


def test_random_walk_prices_are_the_same_for_the_same_seed() -> None:
    source = RandomWalkPrices(seed=11, volatility_bps=50)
    first = [RandomWalkFeed(source).price_at(step) for step in range(20)]
    feed = RandomWalkFeed(source)
    assert feed.price_at(19) == first[19] and feed.price_at(3) == first[3]
    assert first[0] == Decimal("100.0000") and len(set(first)) > 10


def test_a_price_file_shorter_than_the_trade_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "p.csv"
    path.write_text("price,volume\n100,5\n101,6\n")
    with pytest.raises(InvalidSpec, match="needs 4"):
        CsvFeed.load(path, CsvPrices(path="p.csv"), 4)
    feed = CsvFeed.load(path, CsvPrices(path="p.csv"), 2)
    assert feed.price_at(1) == Decimal("101.0000") and feed.volumes(1) == [6.0]


def test_client_order_ids_are_derived_from_job_and_slice() -> None:
    assert client_order_id("job-1", 3) == client_order_id("job-1", 3)
    assert client_order_id("job-1", 3) != client_order_id("job-1", 4)
    assert client_order_id("job-1", 3) != client_order_id("job-2", 3)


def test_a_price_file_without_the_price_column_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "p.csv"
    path.write_text("close\n100\n")
    with pytest.raises(InvalidSpec, match="no column 'price'"):
        CsvFeed.load(path, CsvPrices(path="p.csv"), 1)
    path.write_text("price\n100\nabc\n")
    with pytest.raises(InvalidSpec, match="line 3: not a usable price"):
        CsvFeed.load(path, CsvPrices(path="p.csv"), 2)


@pytest.mark.parametrize(
    ("body", "words"),
    [
        ("price,volume\n100,5\nNaN,6\n", "line 3: not a usable price"),
        ("price,volume\n100,5\n1e400,6\n", "line 3: not a usable price"),
        ("price,volume\n100,inf\n", "line 2: not a usable volume"),
        ("price,volume\n100,nan\n", "line 2: not a usable volume"),
        ('price,volume\n100,"' + "9" * 200_000 + '"\n', "field larger than field limit"),
    ],
)
def test_a_price_file_a_trade_cannot_compute_with_is_refused_for_good(
    tmp_path: Path, body: str, words: str
) -> None:
    path = tmp_path / "p.csv"
    path.write_text(body)
    with pytest.raises(InvalidSpec, match=words):
        CsvFeed.load(path, CsvPrices(path="p.csv"), 2)


async def test_the_paper_broker_needs_redis() -> None:
    harness = Harness(unit_settings())
    spec = {"type": "trade", "symbol": "ACME", "side": "buy", "quantity": "5"}
    with pytest.raises(JobFailed, match="needs Redis") as caught:
        await harness.run(spec, "check")
    assert caught.value.error_type == "BrokerUnavailable"
