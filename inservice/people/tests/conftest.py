import pytest

from inservice.accounts.models import Role
from inservice.people.models import PersonSubject, Subject, SubjectCategory
from inservice.organisations.models import Stage
from inservice.testing import factories


@pytest.fixture
def unit(db):
    return factories.make_unit(code="074601", name="彰化縣立測試國小")


@pytest.fixture
def other_unit(db):
    return factories.make_unit(code="074602", name="彰化縣立另一國小")


@pytest.fixture
def chief(unit):
    return factories.make_business_account(unit=unit, role=Role.CHIEF, username="chief").user


@pytest.fixture
def subjects(db):
    """A small slice of the taxonomy: 國小語文 with 國語文 and 本土語文 → 閩南語文, and 國小數學."""
    language = SubjectCategory.objects.create(code="ES-LANG", name="國小語文", stage=Stage.ELEMENTARY, sort_order=1)
    maths = SubjectCategory.objects.create(code="ES-MATH", name="國小數學", stage=Stage.ELEMENTARY, sort_order=2)
    mandarin = Subject.objects.create(code="ES-LANG-MAN", category=language, name="國語文", sort_order=1)
    local = Subject.objects.create(code="ES-LANG-LOCAL", category=language, name="本土語文", sort_order=2)
    southern_min = Subject.objects.create(
        code="ES-LANG-LOCAL-MIN", category=language, parent=local, name="閩南語文", sort_order=3
    )
    arithmetic = Subject.objects.create(code="ES-MATH-MATH", category=maths, name="數學", sort_order=1)
    return {"mandarin": mandarin, "local": local, "southern_min": southern_min, "maths": arithmetic}


def give_subjects(person, *subjects):
    for position, subject in enumerate(subjects, start=1):
        PersonSubject.objects.create(person=person, subject=subject, position=position)
