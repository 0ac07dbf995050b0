import io

import pytest
from django.urls import reverse

from inservice.testing import factories

from ..builders import issue, make_course, taipei

pytestmark = pytest.mark.django_db


@pytest.fixture
def teacher(unit):
    person = factories.make_person(unit=unit)
    person.user = factories.make_user()
    person.save()
    return person


@pytest.fixture
def teacher_client(client, teacher):
    client.force_login(teacher.user)
    return client


@pytest.fixture
def records(teacher, manager):
    first = make_course(owner=manager, title="閱讀素養研習", code="1234567")
    second = make_course(owner=manager, title="校園安全研習")
    return [
        issue(person=teacher, course=first, hours="3", issued_at=taipei(2025, 8, 1, 0, 30), by=manager.user),
        issue(person=teacher, course=second, hours="2", issued_at=taipei(2025, 7, 31, 12), by=manager.user),
    ]


def test_page_lists_courses_and_totals(teacher_client, records):
    response = teacher_client.get(reverse("hours:mine"))

    content = response.content.decode()
    assert response.status_code == 200
    assert "閱讀素養研習" in content
    assert "校園安全研習" in content
    assert "114/08/01" in content
    assert [(total.year, total.hours) for total in response.context["school_years"]] == [(114, 3), (113, 2)]


def test_page_shows_only_own_records(teacher_client, records, unit, manager):
    other = factories.make_person(unit=unit)
    issue(person=other, course=make_course(owner=manager, title="別人的研習"), hours="1", by=manager.user)

    assert "別人的研習" not in teacher_client.get(reverse("hours:mine")).content.decode()


def test_csv_download_has_bom(teacher_client, records):
    response = teacher_client.get(reverse("hours:mine_download", args=["csv"]))

    assert response["Content-Type"].startswith("text/csv")
    assert response.content.startswith(b"\xef\xbb\xbf")
    lines = response.content.decode("utf-8-sig").splitlines()
    assert len(lines) == 3
    assert lines[1].startswith("114/08/01,114,1234567,閱讀素養研習")


def test_xlsx_download(teacher_client, records):
    from openpyxl import load_workbook

    response = teacher_client.get(reverse("hours:mine_download", args=["xlsx"]))

    sheet = load_workbook(io.BytesIO(response.content), read_only=True).worksheets[0]
    rows = list(sheet.iter_rows(values_only=True))
    assert len(rows) == 3
    assert rows[1][2:4] == ("1234567", "閱讀素養研習")
    assert rows[1][6] == 3


def test_unknown_format_is_404(teacher_client):
    assert teacher_client.get(reverse("hours:mine_download", args=["pdf"])).status_code == 404


def test_business_account_forbidden(manager_client):
    assert manager_client.get(reverse("hours:mine")).status_code == 403
    assert manager_client.get(reverse("hours:mine_download", args=["csv"])).status_code == 403
