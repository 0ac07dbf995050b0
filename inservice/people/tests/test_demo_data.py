"""Demo roster: determinism, name and number rules, accounts, idempotent re-runs."""

from __future__ import annotations

import re
from collections import Counter

import pytest
from django.core.management import CommandError, call_command

from inservice.accounts.models import BusinessAccount, Role, User
from inservice.core import identity
from inservice.organisations.models import Stage
from inservice.organisations.services.reference import reference_data_load
from inservice.people.demo import (
    ADMIN_USERNAME,
    AUTHORITY_USERNAME,
    CHIEF_USERNAME,
    COMPOUND_SURNAMES,
    CONTACT_USERNAME,
    DEMO_PASSWORD,
    OPERATOR_USERNAME,
    demo_data_build,
    demo_logins,
    demo_roster_specs,
)
from inservice.people.models import AccountStatus, Category, Membership, Person, Title
from inservice.testing.factories import make_authority, make_unit

pytestmark = pytest.mark.django_db

LATIN_NAME = re.compile(r"^[A-Za-zÀ-ÿ' ]+$")
HAN = re.compile(r"^[\u4e00-\u9fff]+$")


@pytest.fixture
def unit():
    reference_data_load(actor=None)
    return make_unit(code="074601", name="彰化縣立中山國小", authority=make_authority(code="07"), stages="ES")


@pytest.fixture
def kindergarten():
    reference_data_load(actor=None)
    return make_unit(code="074X91", name="彰化縣立示範幼兒園", authority=make_authority(code="07"), stages="KG")


def test_same_seed_same_roster(unit):
    first = demo_roster_specs(unit, people=120, seed=7)
    second = demo_roster_specs(unit, people=120, seed=7)

    assert first == second


def test_other_seed_other_roster(unit):
    first = demo_roster_specs(unit, people=60, seed=7)
    second = demo_roster_specs(unit, people=60, seed=8)

    assert [spec.number for spec in first] != [spec.number for spec in second]


def test_numbers_valid_and_unique(unit):
    specs = demo_roster_specs(unit, people=300, seed=1)

    numbers = [spec.number for spec in specs]
    assert len(set(numbers)) == len(numbers)
    for spec in specs:
        assert identity.is_valid(spec.number), spec.index


def test_names_cover_every_style(unit):
    specs = demo_roster_specs(unit, people=300, seed=1)

    names = [spec.name for spec in specs]
    assert any(HAN.match(name) and len(name) == 2 for name in names), "two-character names"
    assert any(HAN.match(name) and len(name) == 3 for name in names), "three-character names"
    assert any(name[:2] in COMPOUND_SURNAMES for name in names), "compound surnames"
    assert any("·" in name for name in names), "indigenous names with a middle dot"
    assert any(LATIN_NAME.match(name) for name in names), "Latin-script names"


def test_indigenous_names_have_one_middle_dot(unit):
    specs = demo_roster_specs(unit, people=300, seed=1)

    for name in (spec.name for spec in specs if "·" in spec.name):
        given, family = name.split("·")
        assert HAN.match(given)
        assert HAN.match(family)


def test_foreign_teachers_have_resident_numbers(unit):
    specs = demo_roster_specs(unit, people=300, seed=1)

    foreign = [spec for spec in specs if spec.is_foreign]
    assert foreign
    kinds = {identity.kind_of(spec.number) for spec in foreign}
    assert kinds <= {identity.IdentityKind.RESIDENT_OLD, identity.IdentityKind.RESIDENT_NEW}
    for spec in foreign:
        assert LATIN_NAME.match(spec.name)
    local = [spec for spec in specs if not spec.is_foreign]
    assert {identity.kind_of(spec.number) for spec in local} == {identity.IdentityKind.NATIONAL}


def test_gender_matches_number(unit):
    for spec in demo_roster_specs(unit, people=200, seed=3):
        if identity.kind_of(spec.number) == identity.IdentityKind.NATIONAL:
            assert spec.number[1] == ("1" if spec.gender == "M" else "2")


def test_title_mix_realistic(unit):
    specs = demo_roster_specs(unit, people=100, seed=1)

    titles = Counter(spec.title for spec in specs)
    assert titles[Title.PRINCIPAL] == 1
    assert specs[0].title == Title.PRINCIPAL
    assert titles[Title.DIRECTOR] >= 1
    assert titles[Title.SECTION_CHIEF] >= 1
    assert titles[Title.SUBSTITUTE_LONG] >= 1
    assert titles[Title.STAFF] >= 1
    assert titles.most_common(1)[0][0] == Title.QUALIFIED
    for spec in specs:
        if spec.title in (Title.STAFF, Title.NURSE):
            assert spec.category == Category.STAFF
            assert spec.subject_codes == []


def test_kindergarten_titles(kindergarten):
    specs = demo_roster_specs(kindergarten, people=30, seed=1)

    titles = {spec.title for spec in specs}
    assert Title.KG_DIRECTOR in titles
    assert Title.EDUCARE in titles
    assert Title.PRINCIPAL not in titles
    assert {spec.teaching_stage for spec in specs if spec.category == Category.TEACHER} == {Stage.KINDERGARTEN}


def test_subjects_match_stage(unit):
    specs = demo_roster_specs(unit, people=80, seed=1)

    teachers = [spec for spec in specs if spec.category == Category.TEACHER]
    assert all(spec.subject_codes for spec in teachers)
    for spec in teachers:
        for code in spec.subject_codes:
            assert code.startswith("ES-")
        assert len(set(spec.subject_codes)) == len(spec.subject_codes)


def test_build_writes_roster_and_accounts(unit):
    report = demo_data_build(units=[unit], people=60, seed=5)

    assert report.people_created == 60
    assert Membership.objects.filter(unit=unit, end_date__isnull=True).count() == 60
    statuses = Counter(Person.objects.values_list("account_status", flat=True))
    assert statuses[AccountStatus.ACTIVE] > 0
    assert statuses[AccountStatus.PENDING] > 0
    assert statuses[AccountStatus.DISABLED] > 0
    for person in Person.objects.filter(account_status=AccountStatus.ACTIVE):
        assert person.user is not None
        assert person.user.kind == User.Kind.TEACHER
        assert person.user.is_active
    for person in Person.objects.filter(account_status=AccountStatus.PENDING):
        assert person.user is None
    for person in Person.objects.filter(account_status=AccountStatus.DISABLED):
        assert not person.user.is_active

    roles = dict(BusinessAccount.objects.values_list("user__username", "role"))
    assert roles == {CHIEF_USERNAME: Role.CHIEF, CONTACT_USERNAME: Role.CONTACT, OPERATOR_USERNAME: Role.OPERATOR}
    assert all(account.unit_id == unit.pk for account in BusinessAccount.objects.all())
    assert BusinessAccount.objects.filter(status=BusinessAccount.Status.ACTIVE).count() == 3
    assert User.objects.get(username=AUTHORITY_USERNAME).authority == unit.authority
    assert User.objects.get(username=ADMIN_USERNAME).is_system_admin


def test_demo_password_signs_in(unit):
    demo_data_build(units=[unit], people=20, seed=5)

    for username in (CHIEF_USERNAME, AUTHORITY_USERNAME, ADMIN_USERNAME):
        user = User.objects.get(username=username)
        assert user.check_password(DEMO_PASSWORD)
        assert not user.check_password("wrong password")


def test_person_numbers_stored_encrypted(unit):
    demo_data_build(units=[unit], people=10, seed=5)
    specs = demo_roster_specs(unit, people=10, seed=5)

    person = Person.objects.get(identity_hash=identity.lookup_hash(specs[0].number))
    assert person.identity_number == specs[0].number
    assert person.identity_masked == identity.mask(specs[0].number)
    assert person.name == specs[0].name


def test_rerun_changes_nothing(unit):
    demo_data_build(units=[unit], people=40, seed=5)
    counts = (Person.objects.count(), User.objects.count(), BusinessAccount.objects.count(), Membership.objects.count())

    report = demo_data_build(units=[unit], people=40, seed=5)

    assert report.people_created == 0
    assert report.people_existing == 40
    assert report.users_created == 0
    assert report.accounts_created == 0
    assert (Person.objects.count(), User.objects.count(), BusinessAccount.objects.count(), Membership.objects.count()) == counts


def test_second_unit_gets_roster_only(unit, kindergarten):
    demo_data_build(units=[unit, kindergarten], people=15, seed=5)

    assert Membership.objects.filter(unit=kindergarten).count() == 15
    assert not BusinessAccount.objects.filter(unit=kindergarten).exists()


def test_demo_logins_lists_roles(unit):
    demo_data_build(units=[unit], people=30, seed=5)

    rows = demo_logins()

    usernames = [row["username"] for row in rows]
    assert usernames[:5] == [CHIEF_USERNAME, CONTACT_USERNAME, OPERATOR_USERNAME, AUTHORITY_USERNAME, ADMIN_USERNAME]
    assert len(rows) == 6, "one teacher login too"
    assert all(row["password"] == DEMO_PASSWORD for row in rows)
    assert "074601" in rows[0]["unit"]


def test_command_fallback_first_unit(capsys):
    reference_data_load(actor=None)
    call_command("fictional_directory")

    call_command("demo_data", "--unit", "074601", "--people", "12", "--fallback-first-unit")

    output = capsys.readouterr()
    assert "Using the first active unit instead: 014901" in output.out
    assert BusinessAccount.objects.get(role=Role.CHIEF).unit.code == "014901"


def test_command_missing_unit_fails():
    reference_data_load(actor=None)

    with pytest.raises(CommandError, match="No unit to fill"):
        call_command("demo_data", "--unit", "999999")


def test_command_needs_taxonomy():
    make_unit(code="074601")

    with pytest.raises(CommandError, match="load_reference_data"):
        call_command("demo_data", "--unit", "074601")


def test_demo_logins_command_without_data(capsys):
    call_command("demo_logins")

    assert "No demo accounts yet" in capsys.readouterr().out
