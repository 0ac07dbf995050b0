"""Each capability, both ways: actors with it and without it, in scope and out of scope.

Every capability that some URL requires needs at least one case here;
tests/test_url_auth.py fails otherwise.
"""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from django.urls import reverse

from inservice.accounts.models import BusinessAccount, Role
from inservice.core.policy import Capability
from inservice.testing import factories

pytestmark = pytest.mark.django_db

# Every kind of signed-in actor the tests can build.
ACTORS = (
    "chief",
    "contact",
    "operator",
    "pending_chief",
    "chief_of_inactive_unit",
    "teacher",
    "authority",
    "admin",
)

# The actors that have each capability, from the permission matrix of business roles.
HOLDERS: dict[Capability, frozenset[str]] = {
    Capability.UNIT_ROSTER: frozenset({"chief", "contact"}),
    Capability.TEACHER_SELF: frozenset({"teacher"}),
    Capability.SYSTEM_ADMIN: frozenset({"admin"}),
}


@dataclass(frozen=True)
class CapabilityCase:
    capability: Capability
    url_name: str
    # "person" when the URL names one person, None for a list.
    target: str | None = None
    # False for pages that list no people (forms, logs): their scope is tested beside them.
    lists_people: bool = True

    def url(self, target_object=None) -> str:
        if self.target is None:
            return reverse(self.url_name)
        return reverse(self.url_name, args=[target_object.pk])

    def __str__(self) -> str:
        return self.url_name


CASES = [
    CapabilityCase(Capability.UNIT_ROSTER, "people:roster"),
    CapabilityCase(Capability.UNIT_ROSTER, "people:person_detail", target="person"),
    CapabilityCase(Capability.UNIT_ROSTER, "people:person_edit", target="person"),
    CapabilityCase(Capability.UNIT_ROSTER, "people:membership_end", target="person"),
    CapabilityCase(Capability.UNIT_ROSTER, "people:person_register", lists_people=False),
    CapabilityCase(Capability.UNIT_ROSTER, "people:notices", lists_people=False),
    CapabilityCase(Capability.UNIT_ROSTER, "audit:unit_events", lists_people=False),
    CapabilityCase(Capability.TEACHER_SELF, "people:own_profile"),
    CapabilityCase(Capability.SYSTEM_ADMIN, "audit:events", lists_people=False),
]


@pytest.fixture
def world(db):
    """Two units with one person each; the actors all belong to ``home``."""
    home = factories.make_unit(code="074601", name="彰化縣立本校國小")
    away = factories.make_unit(code="074602", name="彰化縣立他校國小")
    return {
        "home": home,
        "away": away,
        "home_person": factories.make_person(unit=home, email="home-person@school.example.tw"),
        "away_person": factories.make_person(unit=away, email="away-person@school.example.tw"),
    }


def make_actor(kind: str, world):
    home = world["home"]
    if kind in ("chief", "contact", "operator"):
        role = {"chief": Role.CHIEF, "contact": Role.CONTACT, "operator": Role.OPERATOR}[kind]
        return factories.make_business_account(unit=home, role=role).user
    if kind == "pending_chief":
        return factories.make_business_account(unit=home, status=BusinessAccount.Status.PENDING).user
    if kind == "chief_of_inactive_unit":
        closed = factories.make_unit(code="074699", name="彰化縣立已裁併國小", is_active=False)
        return factories.make_business_account(unit=closed).user
    if kind == "teacher":
        user = factories.make_user(kind="teacher")
        person = world["home_person"]
        person.user = user
        person.save()
        return user
    if kind == "authority":
        return factories.make_authority_user(home.authority)
    if kind == "admin":
        return factories.make_admin()
    raise ValueError(f"unknown actor kind {kind!r}")


def pairs(holding: bool) -> list:
    return [
        pytest.param(case, actor, id=f"{case}-{actor}")
        for case in CASES
        for actor in ACTORS
        if (actor in HOLDERS[case.capability]) == holding
    ]


@pytest.mark.parametrize(("case", "actor"), pairs(holding=True))
def test_with_capability_in_scope(client, world, case, actor):
    client.force_login(make_actor(actor, world))

    response = client.get(case.url(world["home_person"]))

    assert response.status_code == 200


@pytest.mark.parametrize(("case", "actor"), pairs(holding=False))
def test_without_capability_forbidden(client, world, case, actor):
    client.force_login(make_actor(actor, world))

    response = client.get(case.url(world["home_person"]))

    assert response.status_code == 403


@pytest.mark.parametrize(("case", "actor"), pairs(holding=True))
def test_with_capability_out_of_scope(client, world, case, actor):
    client.force_login(make_actor(actor, world))

    if case.target is None and not case.lists_people:
        # Scope of these pages is tested beside their views; here: the holder gets the page.
        assert client.get(case.url()).status_code == 200
    elif case.target is None:
        page = client.get(case.url()).content.decode()
        assert world["home_person"].email in page
        assert world["away_person"].email not in page
    else:
        assert client.get(case.url(world["away_person"])).status_code == 404
