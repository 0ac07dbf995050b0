"""Reference data: authorities, the 任教科目 taxonomy and course terms, loaded idempotently."""

import pytest
from django.core.management import call_command

from inservice.audit.models import AuditEvent
from inservice.courses.models import CourseCategory, CourseTag
from inservice.organisations.models import Authority, Stage
from inservice.organisations.services.reference import county_of_area, reference_data_load
from inservice.people.models import Subject, SubjectCategory

pytestmark = pytest.mark.django_db


def test_authorities_loaded():
    reference_data_load(actor=None)

    assert Authority.objects.count() == 23
    assert Authority.objects.filter(kind=Authority.Kind.COUNTY).count() == 22
    national = Authority.objects.get(kind=Authority.Kind.NATIONAL)
    assert national.name == "教育部國民及學前教育署"
    assert Authority.objects.get(code="07").name == "彰化縣政府教育處"
    assert Authority.objects.get(code="30").name == "臺北市政府教育局"
    assert Authority.objects.get(code="72").name == "連江縣政府教育處"


def test_taxonomy_follows_curriculum():
    reference_data_load(actor=None)

    language = SubjectCategory.objects.get(name="國小語文")
    assert language.stage == Stage.ELEMENTARY
    assert Subject.objects.filter(category=language, name="國語文", parent=None).exists()
    local = Subject.objects.get(category=language, name="本土語文")
    assert list(local.children.values_list("name", flat=True)) == ["閩南語文", "客家語文", "原住民族語文", "閩東語文", "臺灣手語"]
    assert Subject.objects.get(category__name="國中自然科學", name="理化").category.stage == Stage.JUNIOR_HIGH
    assert Subject.objects.filter(category__stage=Stage.VOCATIONAL, category__name="高職機械群").exists()
    assert Subject.objects.filter(category__stage=Stage.SPECIAL, name="資源班").exists()
    assert set(Subject.objects.filter(category__stage=Stage.KINDERGARTEN).values_list("name", flat=True)) == {
        "身體動作與健康", "認知", "語文", "社會", "情緒", "美感",
    }
    stages = set(SubjectCategory.objects.values_list("stage", flat=True))
    assert stages == {choice for choice, _ in Stage.choices}


def test_course_terms_loaded():
    reference_data_load(actor=None)

    tags = set(CourseTag.objects.values_list("name", flat=True))
    assert {"幼兒園教保專業知能", "基本救命術訓練", "安全教育", "特殊教育"} <= tags
    assert CourseCategory.objects.filter(name="特殊教育").exists()


def test_second_load_changes_nothing():
    reference_data_load(actor=None)
    counts = {model: model.objects.count() for model in (Authority, SubjectCategory, Subject, CourseTag, CourseCategory)}
    events = AuditEvent.objects.count()

    second = reference_data_load(actor=None)

    assert second.created == 0
    assert second.updated == 0
    assert {model: model.objects.count() for model in counts} == counts
    assert AuditEvent.objects.count() == events


def test_load_corrects_names_and_keeps_additions():
    reference_data_load(actor=None)
    Authority.objects.filter(code="07").update(name="錯字")
    category = SubjectCategory.objects.get(code="ES-LANG")
    Subject.objects.create(code="ES-LANG-ADMIN-1", category=category, name="書法", sort_order=999)

    counts = reference_data_load(actor=None)

    assert counts.updated == 1
    assert Authority.objects.get(code="07").name == "彰化縣政府教育處"
    assert Subject.objects.filter(code="ES-LANG-ADMIN-1").exists()
    assert AuditEvent.objects.filter(action="reference_data.load").count() == 2


def test_command_prints_counts(capsys):
    call_command("load_reference_data")

    assert "authorities: 23 created" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("area", "county"),
    [("07", "07"), ("19", "06"), ("21", "11"), ("31", "30"), ("42", "30"), ("51", "12"), ("61", "12"),
     ("71", "71"), ("72", "72"), ("30", "30"), ("43", None), ("62", None), ("99", None), ("0A", None)],
)
def test_county_of_area(area, county):
    assert county_of_area(area) == county
