import pytest

from inservice.accounts.models import Role
from inservice.organisations.models import Stage
from inservice.people import selectors
from inservice.people.models import Subject, SubjectCategory
from inservice.people.tests.conftest import give_subjects
from inservice.testing import factories

pytestmark = pytest.mark.django_db


def test_roster_people_empty_without_capability(unit):
    factories.make_person(unit=unit)
    operator = factories.make_business_account(unit=unit, role=Role.OPERATOR).user

    assert list(selectors.roster_people(actor=operator)) == []


def test_roster_figures_zero_without_capability(unit):
    factories.make_person(unit=unit)
    operator = factories.make_business_account(unit=unit, role=Role.OPERATOR).user

    figures = selectors.roster_figures(actor=operator)

    assert figures.total == 0
    assert figures.pending == 0


def test_roster_people_lists_each_person_once(unit, chief, subjects):
    person = factories.make_person(unit=unit)
    give_subjects(person, subjects["mandarin"], subjects["southern_min"])

    chosen = [subjects["mandarin"].pk, subjects["local"].pk, subjects["southern_min"].pk]
    people = list(selectors.roster_people(actor=chief, subject_ids=chosen))

    assert people == [person]


def test_subject_choices_put_unit_stages_first(unit, subjects):
    junior = SubjectCategory.objects.create(code="JH-SCI", name="國中自然科學", stage=Stage.JUNIOR_HIGH, sort_order=0)
    Subject.objects.create(code="JH-SCI-BIO", category=junior, name="生物")

    groups = selectors.subject_filter_choices(unit=unit)

    assert [name for name, _options in groups] == ["國小語文", "國小數學", "國中自然科學"]
    assert "本土語文 閩南語文" in [label for _value, label in groups[0][1]]
