"""Fixtures of the hours tests: a unit, its course manager and a finished course."""

import pytest

from inservice.testing import factories

from .builders import make_course


@pytest.fixture
def unit():
    return factories.make_unit()


@pytest.fixture
def manager(unit):
    return factories.make_business_account(unit=unit)


@pytest.fixture
def course(manager):
    return make_course(owner=manager)


@pytest.fixture
def manager_client(client, manager):
    client.force_login(manager.user)
    return client
