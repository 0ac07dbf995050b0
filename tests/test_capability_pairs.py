"""Each capability, both ways: actors with it and without it, in scope and out of scope.

Every capability that some URL requires needs at least one case here;
tests/test_url_auth.py fails otherwise. All actors belong to the "home" unit
and its authority. The "away" unit, under another authority, holds the data
that must stay out of their reach.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from urllib.parse import urlencode

import pytest
from django.urls import reverse
from django.utils import timezone

from inservice.accounts.models import BusinessAccount, Role
from inservice.core.policy import Capability
from inservice.courses.models import Course, CourseState
from inservice.hours.models import HourRecord
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
BUSINESS_ROLES = frozenset({"chief", "contact", "operator"})


@dataclass(frozen=True)
class CapabilityCase:
    capability: Capability
    url_name: str
    # The actors that have the capability, from the permission matrix.
    holders: frozenset[str]
    # Build the URL of this page for the data of the "home" or the "away" side.
    url_for: Callable[[dict, str], str]
    # How the away side stays out of reach: "404" when its URL is not found,
    # "hidden" when the home page leaves out the text ``marker`` gives for it,
    # None when the page shows no unit's data (``unscoped_reason`` says why).
    out_of_scope: str | None
    marker: Callable[[dict, str], str] | None = None
    # Holders whose scope is every unit, so nothing is out of scope for them.
    sees_everything: frozenset[str] = frozenset()
    unscoped_reason: str = ""

    def __str__(self) -> str:
        return self.url_name


def _plain(url_name: str) -> Callable[[dict, str], str]:
    return lambda world, side: reverse(url_name)


CASES = [
    CapabilityCase(
        Capability.UNIT_ROSTER,
        "people:roster",
        holders=frozenset({"chief", "contact"}),
        url_for=_plain("people:roster"),
        out_of_scope="hidden",
        marker=lambda world, side: world[f"{side}_person"].email,
    ),
    CapabilityCase(
        Capability.UNIT_ROSTER,
        "people:person_detail",
        holders=frozenset({"chief", "contact"}),
        url_for=lambda world, side: reverse("people:person_detail", args=[world[f"{side}_person"].pk]),
        out_of_scope="404",
    ),
    CapabilityCase(
        Capability.UNIT_BUSINESS_ACCOUNTS,
        "accounts:unit_accounts",
        holders=frozenset({"chief"}),
        url_for=_plain("accounts:unit_accounts"),
        out_of_scope="hidden",
        marker=lambda world, side: world[f"{side}_staff"].user.username,
    ),
    CapabilityCase(
        Capability.AUTHORITY_CHIEFS,
        "accounts:authority_accounts",
        holders=frozenset({"authority", "admin"}),
        url_for=_plain("accounts:authority_accounts"),
        out_of_scope="hidden",
        marker=lambda world, side: world[f"{side}_staff"].user.username,
        sees_everything=frozenset({"admin"}),
    ),
    CapabilityCase(
        Capability.SYSTEM_ADMIN,
        "accounts:system_accounts",
        holders=frozenset({"admin"}),
        url_for=_plain("accounts:system_accounts"),
        out_of_scope=None,
        unscoped_reason="a system administrator's scope is every unit",
    ),
    CapabilityCase(
        Capability.COURSE_CREATE,
        "courses:create",
        holders=BUSINESS_ROLES,
        url_for=_plain("courses:create"),
        out_of_scope=None,
        unscoped_reason="the blank course form shows no unit's data",
    ),
    CapabilityCase(
        Capability.COURSE_MANAGE,
        "courses:manage_detail",
        holders=BUSINESS_ROLES,
        url_for=lambda world, side: reverse("courses:manage_detail", args=[world[f"{side}_course"].pk]),
        out_of_scope="404",
    ),
    CapabilityCase(
        Capability.STATISTICS,
        "statistics:index",
        holders=BUSINESS_ROLES | {"authority", "admin"},
        url_for=lambda world, side: reverse("statistics:index") + "?" + urlencode({"unit": world[side].code}),
        out_of_scope="404",
        sees_everything=frozenset({"admin"}),
    ),
    CapabilityCase(
        Capability.TEACHER_SELF,
        "hours:mine",
        holders=frozenset({"teacher"}),
        url_for=_plain("hours:mine"),
        out_of_scope="hidden",
        marker=lambda world, side: world[f"{side}_course"].title,
    ),
    CapabilityCase(
        Capability.SIGNED_IN,
        "accounts:password_change",
        holders=frozenset(ACTORS),
        url_for=_plain("accounts:password_change"),
        out_of_scope=None,
        unscoped_reason="the page changes only the actor's own password",
    ),
    CapabilityCase(
        Capability.UNIT_ROSTER,
        "people:person_edit",
        holders=frozenset({"chief", "contact"}),
        url_for=lambda world, side: reverse("people:person_edit", args=[world[f"{side}_person"].pk]),
        out_of_scope="404",
    ),
    CapabilityCase(
        Capability.UNIT_ROSTER,
        "people:membership_end",
        holders=frozenset({"chief", "contact"}),
        url_for=lambda world, side: reverse("people:membership_end", args=[world[f"{side}_person"].pk]),
        out_of_scope="404",
    ),
    CapabilityCase(
        Capability.UNIT_ROSTER,
        "people:person_register",
        holders=frozenset({"chief", "contact"}),
        url_for=_plain("people:person_register"),
        out_of_scope=None,
        unscoped_reason="the blank registration form shows no unit's people",
    ),
    CapabilityCase(
        Capability.UNIT_ROSTER,
        "people:notices",
        holders=frozenset({"chief", "contact"}),
        url_for=_plain("people:notices"),
        out_of_scope=None,
        unscoped_reason="the world has no notices; test_maintenance_views checks the unit scope",
    ),
    CapabilityCase(
        Capability.UNIT_ROSTER,
        "audit:unit_events",
        holders=frozenset({"chief", "contact"}),
        url_for=_plain("audit:unit_events"),
        out_of_scope=None,
        unscoped_reason="the world has no audit events; the audit view tests check the unit scope",
    ),
    CapabilityCase(
        Capability.SYSTEM_ADMIN,
        "audit:events",
        holders=frozenset({"admin"}),
        url_for=_plain("audit:events"),
        out_of_scope=None,
        unscoped_reason="a system administrator's scope is every unit",
    ),
    CapabilityCase(
        Capability.TEACHER_SELF,
        "people:own_profile",
        holders=frozenset({"teacher"}),
        url_for=_plain("people:own_profile"),
        out_of_scope="hidden",
        marker=lambda world, side: world[f"{side}_person"].email,
    ),
]


def _course(owner: BusinessAccount, code: str, title: str) -> Course:
    return Course.objects.create(
        code=code, title=title, unit=owner.unit, owner=owner, state=CourseState.CONFIRMED, hours=Decimal(3)
    )


@pytest.fixture
def world(db):
    """Two units under two authorities, each with a person, a staff account, a course and issued hours."""
    home = factories.make_unit(code="074601", name="彰化縣立本校國小")
    away_authority = factories.make_authority(code="63", name="臺北市政府教育局")
    away = factories.make_unit(code="353601", name="臺北市立他校國小", authority=away_authority, county_code="63")
    world = {"home": home, "away": away}

    for side, unit in (("home", home), ("away", away)):
        world[f"{side}_person"] = factories.make_person(unit=unit, email=f"{side}-person@school.example.tw")
        world[f"{side}_staff"] = factories.make_business_account(
            unit=unit, role=Role.CONTACT, username=f"{side}-staff-account"
        )
        world[f"{side}_course"] = _course(
            world[f"{side}_staff"], code="1140001" if side == "home" else "1140002", title=f"{side} course 研習"
        )
        HourRecord.objects.create(
            person=world[f"{side}_person"],
            course=world[f"{side}_course"],
            hours=Decimal(3),
            issued_at=timezone.now(),
            issued_by=world[f"{side}_staff"].user,
        )
    return world


def make_actor(kind: str, world):
    home = world["home"]
    if kind in BUSINESS_ROLES:
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


def pairs(*, holding: bool, scoped_only: bool = False) -> list:
    params = []
    for case in CASES:
        for actor in ACTORS:
            if (actor in case.holders) != holding:
                continue
            if scoped_only and (case.out_of_scope is None or actor in case.sees_everything):
                continue
            params.append(pytest.param(case, actor, id=f"{case}-{actor}"))
    return params


def test_every_actor_kind_is_built(world):
    for kind in ACTORS:
        assert make_actor(kind, world).is_authenticated


def test_unscoped_cases_say_why():
    for case in CASES:
        assert (case.out_of_scope is None) == bool(case.unscoped_reason), case.url_name


@pytest.mark.parametrize(("case", "actor"), pairs(holding=True))
def test_with_capability_in_scope(client, world, case, actor):
    client.force_login(make_actor(actor, world))

    response = client.get(case.url_for(world, "home"))

    assert response.status_code == 200
    if case.out_of_scope == "hidden":
        assert case.marker(world, "home") in response.content.decode()


@pytest.mark.parametrize(("case", "actor"), pairs(holding=False))
def test_without_capability_forbidden(client, world, case, actor):
    client.force_login(make_actor(actor, world))

    response = client.get(case.url_for(world, "home"))

    assert response.status_code == 403


@pytest.mark.parametrize(("case", "actor"), pairs(holding=True, scoped_only=True))
def test_with_capability_out_of_scope(client, world, case, actor):
    client.force_login(make_actor(actor, world))

    if case.out_of_scope == "404":
        assert client.get(case.url_for(world, "away")).status_code == 404
    else:
        page = client.get(case.url_for(world, "home")).content.decode()
        assert case.marker(world, "away") not in page


@pytest.mark.parametrize(
    ("case", "actor"),
    [
        pytest.param(case, actor, id=f"{case}-{actor}")
        for case in CASES
        for actor in sorted(case.sees_everything)
    ],
)
def test_nationwide_holder_sees_away_side(client, world, case, actor):
    client.force_login(make_actor(actor, world))

    response = client.get(case.url_for(world, "away"))

    assert response.status_code == 200
    if case.out_of_scope == "hidden":
        assert case.marker(world, "away") in response.content.decode()
