"""Test data builders. They write through the models directly, for set-up only;
tests of behaviour call the real services."""

from __future__ import annotations

import datetime
import itertools
import random

from inservice.accounts.models import BusinessAccount, Role, User
from inservice.core import identity
from inservice.organisations.models import Authority, Unit
from inservice.people.models import AccountStatus, Category, Gender, Membership, Person, Title

_sequence = itertools.count(1)
_rng = random.Random(20250901)


def make_identity_number(first_letter: str = "A", second: str = "1") -> str:
    """Return a fresh valid identity number (a national ID unless ``second`` selects a resident-certificate format)."""
    while True:
        body = f"{first_letter}{second}{_rng.randrange(10**7):07d}"
        number = body + identity.compute_check_digit(body)
        if identity.is_valid(number):
            return number


def make_authority(code: str = "07", name: str = "彰化縣政府教育處", kind: str = Authority.Kind.COUNTY) -> Authority:
    authority, _ = Authority.objects.get_or_create(code=code, defaults={"name": name, "kind": kind})
    return authority


def make_unit(code: str | None = None, name: str | None = None, authority: Authority | None = None, **extra) -> Unit:
    number = next(_sequence)
    code = code or f"07{4000 + number:04d}"[:6]
    defaults = {
        "name": name or f"彰化縣立測試{number}國小",
        "authority": authority or make_authority(),
        "county_code": code[:2],
        "county_name": "彰化縣",
        "stages": "ES",
        "ownership": Unit.Ownership.PUBLIC,
    }
    defaults.update(extra)
    unit, _ = Unit.objects.get_or_create(code=code, defaults=defaults)
    return unit


def make_person(
    *,
    unit: Unit | None = None,
    name: str | None = None,
    number: str | None = None,
    title: str = Title.QUALIFIED,
    category: str = Category.TEACHER,
    gender: str = Gender.FEMALE,
    email: str = "",
    account_status: str = AccountStatus.PENDING,
    start_date: datetime.date | None = None,
    source: str = Membership.Source.MANUAL,
) -> Person:
    person = Person(name=name or f"測試教師{next(_sequence)}", gender=gender, email=email, account_status=account_status)
    person.set_identity_number(number or make_identity_number())
    person.save()
    if unit is not None:
        Membership.objects.create(
            person=person,
            unit=unit,
            title=title,
            category=category,
            start_date=start_date or datetime.date(2024, 8, 1),
            source=source,
        )
    return person


def make_user(username: str | None = None, *, kind: str = User.Kind.TEACHER, password: str = "correct horse battery", **extra) -> User:
    user = User.objects.create_user(username=username or f"user{next(_sequence)}", password=password, kind=kind, **extra)
    return user


def make_business_account(
    *,
    unit: Unit,
    role: str = Role.CHIEF,
    status: str = BusinessAccount.Status.ACTIVE,
    username: str | None = None,
    password: str = "correct horse battery",
    number: str | None = None,
    name: str = "王大明",
) -> BusinessAccount:
    user = make_user(username, kind=User.Kind.BUSINESS, password=password, display_name=name)
    number = number or make_identity_number()
    return BusinessAccount.objects.create(
        user=user,
        unit=unit,
        role=role,
        status=status,
        name=name,
        identity_encrypted=identity.encrypt(number),
        identity_hash=identity.lookup_hash(number),
        identity_masked=identity.mask(number),
        email=f"{user.username}@school.example.tw",
    )


def make_authority_user(authority: Authority | None = None, username: str | None = None) -> User:
    return make_user(username, kind=User.Kind.AUTHORITY, authority=authority or make_authority())


def make_admin(username: str | None = None) -> User:
    return make_user(username, kind=User.Kind.ADMIN, is_staff=True, is_superuser=True)
