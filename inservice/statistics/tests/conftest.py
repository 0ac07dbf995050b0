"""Fixtures of the statistics tests: two authorities, each with units, courses and teachers."""

import pytest

from inservice.testing import factories


@pytest.fixture
def authority():
    return factories.make_authority(code="07", name="彰化縣政府教育處")


@pytest.fixture
def other_authority():
    return factories.make_authority(code="10", name="嘉義縣政府教育處")
