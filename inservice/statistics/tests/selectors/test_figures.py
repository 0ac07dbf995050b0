import datetime
from decimal import Decimal

import pytest

from inservice.courses.models import CourseCategory, CourseState, CourseTag
from inservice.hours import services
from inservice.hours.tests.builders import issue, make_course, taipei
from inservice.organisations.models import Unit
from inservice.people.models import AccountStatus, Category, Membership, Title
from inservice.statistics import selectors
from inservice.testing import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def unit(authority):
    return factories.make_unit(authority=authority)


@pytest.fixture
def manager(unit):
    return factories.make_business_account(unit=unit)


def _scope(*units):
    return Unit.objects.filter(pk__in=[unit.pk for unit in units])


def test_roster_figures(unit):
    factories.make_person(unit=unit, account_status=AccountStatus.ACTIVE)
    factories.make_person(unit=unit)
    factories.make_person(unit=unit, category=Category.STAFF, title=Title.STAFF, account_status=AccountStatus.ACTIVE)
    left = factories.make_person(unit=unit, account_status=AccountStatus.ACTIVE)
    Membership.objects.filter(person=left).update(end_date=datetime.date(2025, 1, 1))
    factories.make_person(unit=factories.make_unit(), account_status=AccountStatus.ACTIVE)

    figures = selectors.roster_figures(_scope(unit))

    assert (figures.members, figures.teachers, figures.with_account) == (3, 2, 2)
    assert figures.coverage == Decimal("66.7")


def test_teacher_hours_bands_and_target(unit, manager, settings):
    settings.ANNUAL_HOURS_TARGET = 18
    course = make_course(owner=manager, hours=Decimal(20))
    in_year = taipei(2025, 10, 1)
    hours = {"none": None, "three": "3", "seven": "7", "fifteen": "15", "eighteen": "18", "twenty": "20"}
    for value in hours.values():
        person = factories.make_person(unit=unit)
        if value:
            issue(person=person, course=course, hours=value, issued_at=in_year, by=manager.user)
    last_year_only = factories.make_person(unit=unit)
    issue(person=last_year_only, course=course, hours="20", issued_at=taipei(2025, 7, 31, 23, 59), by=manager.user)
    staff = factories.make_person(unit=unit, category=Category.STAFF, title=Title.STAFF)
    issue(person=staff, course=course, hours="20", issued_at=in_year, by=manager.user)

    figures = selectors.teacher_hours(_scope(unit), school_year=114)

    assert figures.teachers == 7
    assert figures.reaching_target == 2
    assert figures.share_reaching_target == Decimal("28.6")
    assert [count for _, _, count in figures.bands] == [2, 1, 1, 1, 2]
    assert figures.average == Decimal("9.0")


def test_hours_by_category_and_tag(unit, manager):
    teaching = CourseCategory.objects.create(code="teach", name="教學專業")
    special = CourseCategory.objects.create(code="sped", name="特殊教育")
    safety = CourseTag.objects.create(code="safety", name="安全教育")
    first_aid = CourseTag.objects.create(code="cpr", name="基本救命術訓練")
    course_a = make_course(owner=manager, category=teaching)
    course_a.tags.set([safety, first_aid])
    course_b = make_course(owner=manager, category=special)
    course_c = make_course(owner=manager)
    in_year = taipei(2025, 9, 1)
    teacher = factories.make_person(unit=unit)
    record = issue(person=teacher, course=course_a, hours="4", issued_at=in_year, by=manager.user)
    issue(person=teacher, course=course_b, hours="6", issued_at=in_year, by=manager.user)
    issue(person=teacher, course=course_c, hours="1", issued_at=in_year, by=manager.user)
    issue(person=factories.make_person(unit=factories.make_unit()), course=course_b, hours="6", issued_at=in_year, by=manager.user)
    services.hour_correction_create(actor=manager.user, record=record, delta=Decimal(-1), reason="早退")

    by_category = selectors.hours_by_category(_scope(unit), school_year=114)
    by_tag = dict(selectors.hours_by_tag(_scope(unit), school_year=114))

    assert by_category == [("特殊教育", Decimal(6)), ("教學專業", Decimal(3)), (None, Decimal(1))]
    assert by_tag == {"安全教育": Decimal(3), "基本救命術訓練": Decimal(3), None: Decimal(7)}


def test_courses_per_month(unit, manager):
    make_course(owner=manager, start_date=datetime.date(2025, 8, 1))
    make_course(owner=manager, start_date=datetime.date(2025, 8, 31), state=CourseState.OPEN)
    make_course(owner=manager, start_date=datetime.date(2026, 7, 31), state=CourseState.CONFIRMED)
    make_course(owner=manager, start_date=datetime.date(2025, 9, 1), state=CourseState.DRAFT)
    make_course(owner=manager, start_date=datetime.date(2025, 9, 2), state=CourseState.CANCELLED)
    make_course(owner=manager, start_date=datetime.date(2026, 8, 1))
    other = factories.make_business_account(unit=factories.make_unit())
    make_course(owner=other, start_date=datetime.date(2025, 8, 5))

    months = selectors.courses_per_month(_scope(unit), school_year=114)

    assert len(months) == 12
    assert months[0] == (datetime.date(2025, 8, 1), 2)
    assert months[1] == (datetime.date(2025, 9, 1), 0)
    assert months[11] == (datetime.date(2026, 7, 1), 1)


def test_kindergarten_rules(unit, manager, settings):
    settings.KINDERGARTEN_PROFESSIONAL_TAG = "kg_professional"
    settings.KINDERGARTEN_SAFETY_TAG = "safety"
    # The courses data migration already seeds kg_professional.
    professional = CourseTag.objects.get_or_create(code="kg_professional", defaults={"name": "幼兒園教保專業知能"})[0]
    safety = CourseTag.objects.get_or_create(code="safety", defaults={"name": "安全教育"})[0]
    prof_course = make_course(owner=manager, hours=Decimal(18))
    prof_course.tags.set([professional])
    safety_course = make_course(owner=manager, hours=Decimal(3))
    safety_course.tags.set([safety])
    plain_course = make_course(owner=manager, hours=Decimal(18))

    meets_both = factories.make_person(unit=unit, title=Title.KG_TEACHER)
    issue(person=meets_both, course=prof_course, hours="18", issued_at=taipei(2025, 1, 1, 0, 5), by=manager.user)
    # Safety hours from the previous calendar year still count.
    issue(person=meets_both, course=safety_course, hours="3", issued_at=taipei(2024, 1, 1, 0, 5), by=manager.user)
    late = factories.make_person(unit=unit, title=Title.EDUCARE)
    issue(person=late, course=prof_course, hours="18", issued_at=taipei(2024, 12, 31, 23, 55), by=manager.user)
    issue(person=late, course=safety_course, hours="3", issued_at=taipei(2023, 12, 31, 23, 55), by=manager.user)
    untagged = factories.make_person(unit=unit, title=Title.ASSISTANT_EDUCARE)
    issue(person=untagged, course=plain_course, hours="18", issued_at=taipei(2025, 3, 1), by=manager.user)
    factories.make_person(unit=unit, title=Title.QUALIFIED)

    figures = selectors.kindergarten_figures(_scope(unit), year=2025)

    assert figures.educators == 3
    assert figures.professional_met == 1
    assert figures.safety_met == 1
    assert figures.professional_share == Decimal("33.3")


def test_teacher_hours_moves_corrected_teachers(unit, manager, settings):
    settings.ANNUAL_HOURS_TARGET = 18
    course = make_course(owner=manager, hours=Decimal(18))
    in_year = taipei(2025, 10, 1)
    raised = issue(person=factories.make_person(unit=unit), course=course, hours="17", issued_at=in_year, by=manager.user)
    lowered = issue(person=factories.make_person(unit=unit), course=course, hours="18", issued_at=in_year, by=manager.user)
    cleared = issue(person=factories.make_person(unit=unit), course=course, hours="2", issued_at=in_year, by=manager.user)
    services.hour_correction_create(actor=manager.user, record=raised, delta=Decimal(1), reason="補登")
    services.hour_correction_create(actor=manager.user, record=lowered, delta=Decimal("-13"), reason="更正")
    services.hour_correction_create(actor=manager.user, record=cleared, delta=Decimal("-2"), reason="未出席")

    figures = selectors.teacher_hours(_scope(unit), school_year=114)

    assert figures.reaching_target == 1
    assert [count for _, _, count in figures.bands] == [1, 1, 0, 0, 1]
    assert figures.average == Decimal("7.7")
