"""Fixtures of the sync tests: synced units and fake source servers on loopback."""

from __future__ import annotations

import pytest

from inservice.organisations.models import SyncSource
from inservice.sync.fake_server import FakeSourceServer, generate_people
from inservice.testing.factories import make_authority, make_unit


@pytest.fixture
def kindergartens(db):
    """Five kindergartens synced from the national preschool network."""
    authority = make_authority()
    return [
        make_unit(code=f"07{5100 + n:04d}", name=f"測試幼兒園{n}", authority=authority, stages="KG",
                  sync_source=SyncSource.KINDERGARTEN)
        for n in range(5)
    ]


@pytest.fixture
def taipei_schools(db):
    """Three Taipei schools synced from the Taipei in-service network."""
    authority = make_authority(code="30", name="臺北市政府教育局")
    return [
        make_unit(code=f"3135{n:02d}", name=f"臺北市立測試國小{n}", authority=authority, stages="ES",
                  county_code="31", county_name="臺北市", sync_source=SyncSource.TAIPEI)
        for n in range(3)
    ]


@pytest.fixture
def fake_source(settings):
    """Start a fake server for a source and point the source's settings at it."""
    servers: list[FakeSourceServer] = []

    def start(source: str, people, **options) -> FakeSourceServer:
        server = FakeSourceServer(source, people, **options).start()
        servers.append(server)
        settings.SYNC_SOURCES = {**settings.SYNC_SOURCES, source: server.settings_entry(page_size=25, timeout=2)}
        return server

    yield start
    for server in servers:
        server.stop()


@pytest.fixture
def kindergarten_feed(kindergartens, fake_source):
    """A fake kindergarten source serving 60 people (three pages of 25)."""
    people = generate_people(60, [unit.code for unit in kindergartens], source="kindergarten", seed=3)
    return fake_source("kindergarten", people)
