import httpx
import pytest

from inservice.core import identity
from inservice.sync.fake_server import FakeSourceServer, generate_people, identity_number_for


def test_generated_identity_numbers_valid_and_unique():
    numbers = [identity_number_for(index) for index in range(0, 200_000, 97)]

    assert all(identity.is_valid(number) for number in numbers)
    assert len(set(numbers)) == len(numbers)


def test_generated_people_reproducible():
    first = generate_people(50, ["075100"], seed=9)
    second = generate_people(50, ["075100"], seed=9)

    assert first == second


def test_server_requires_token():
    with FakeSourceServer("taipei", generate_people(3, ["313501"], source="taipei"), token="right") as server:
        response = httpx.get(server.url + "/feed/teachers", headers={"Authorization": "Bearer wrong"}, trust_env=False)

    assert response.status_code == 401


def test_unknown_source_rejected():
    with pytest.raises(ValueError):
        FakeSourceServer("hualien")


def test_unreachable_server_closes_port():
    server = FakeSourceServer("taipei", [], fault="unreachable").start()

    with pytest.raises(httpx.ConnectError):
        httpx.get(server.url + "/feed/teachers", trust_env=False)
