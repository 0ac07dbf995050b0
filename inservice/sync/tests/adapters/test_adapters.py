import datetime

import pytest

from inservice.sync.adapters.base import is_loopback
from inservice.sync.adapters.kindergarten import KindergartenAdapter
from inservice.sync.adapters.taipei import TaipeiAdapter, parse_roc_datetime
from inservice.sync.fake_server import FakeSourceServer, generate_people
from inservice.sync.feed import FeedError

TAIPEI_TZ = datetime.timezone(datetime.timedelta(hours=8))


def test_roc_datetime_read_in_taipei_time():
    moment = parse_roc_datetime("114/12/04 15:20:00")

    assert moment == datetime.datetime(2025, 12, 4, 15, 20, tzinfo=TAIPEI_TZ)


@pytest.mark.parametrize("host", ["127.0.0.1", "localhost", "::1"])
def test_loopback_hosts(host):
    assert is_loopback(host)


def test_other_host_not_loopback():
    assert not is_loopback("feeds.example.tw")


@pytest.mark.parametrize(("source", "adapter_class"), [("kindergarten", KindergartenAdapter), ("taipei", TaipeiAdapter)])
def test_adapter_reads_every_page(source, adapter_class):
    people = generate_people(23, ["075100", "075101"], source=source)
    pages = []
    with FakeSourceServer(source, people, token="t") as server:
        feed = adapter_class(url=server.url, token="t", page_size=10).fetch(on_page=lambda done, total: pages.append(done))

    assert feed.declared_total == 23
    assert feed.pages == 3
    assert pages == [1, 2, 3]
    assert [record.identity_number for record in feed.records] == [p.identity_number for p in people]
    first = feed.records[0]
    assert (first.name, first.gender, first.title, first.unit_code) == (
        people[0].name, people[0].gender, people[0].title, people[0].unit_code
    )
    assert first.employed is True
    assert first.pending is False
    assert first.changed_at == people[0].changed_at


@pytest.mark.parametrize("source", ["kindergarten", "taipei"])
def test_adapter_maps_left_and_pending(source):
    people = generate_people(2, ["075100"], source=source)
    people[0].employed = False
    people[1].pending = True
    adapter_class = KindergartenAdapter if source == "kindergarten" else TaipeiAdapter
    with FakeSourceServer(source, people, token="t") as server:
        feed = adapter_class(url=server.url, token="t").fetch()

    assert feed.records[0].employed is False
    assert feed.records[1].pending is True


def test_item_of_wrong_shape_becomes_error_record():
    adapter = KindergartenAdapter(url="http://127.0.0.1:1")

    page = adapter.parse_page({"total": 1, "data": ["not an object"], "next_cursor": None})

    assert page.items == ["not an object"]
    with pytest.raises(AttributeError):
        adapter.map_item(page.items[0], 1)


def test_https_required_for_remote_hosts():
    adapter = TaipeiAdapter(url="http://feeds.example.tw")

    with pytest.raises(FeedError) as raised:
        adapter.fetch()

    assert raised.value.code == "insecure"
