import csv
import io
from urllib.parse import quote

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from inservice.audit.models import AuditEvent
from inservice.people import exports
from inservice.people.models import Membership
from inservice.people.tests.conftest import give_subjects
from inservice.testing import factories

pytestmark = pytest.mark.django_db


def download(client, file_format, **query):
    response = client.get(reverse("people:roster_download", args=[file_format]), query)
    return response, b"".join(response.streaming_content)


def csv_rows(content: bytes) -> list[list[str]]:
    assert content.startswith(b"\xef\xbb\xbf")
    return list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))


def xlsx_rows(content: bytes) -> list[tuple]:
    return list(load_workbook(io.BytesIO(content)).active.iter_rows(values_only=True))


@pytest.fixture
def roster(unit, other_unit, subjects):
    hsieh = factories.make_person(unit=unit, name="謝志威", email="hsieh@school.example.tw")
    give_subjects(hsieh, subjects["maths"], subjects["southern_min"])
    factories.make_person(unit=unit, name="John Smith", email="john@school.example.tw", number=factories.make_identity_number("A", "8"))
    tricky = factories.make_person(unit=unit, name="=HYPERLINK(\"http://x\")", email="@evil.example.tw")
    Membership.objects.filter(person=tricky).update(position_note="0912345678\x07\x1b", teaching_stage="ES")
    factories.make_person(unit=other_unit, name="他校教師")
    return {"hsieh": hsieh, "tricky": tricky}


def test_csv_has_bom_headers_every_person_and_subjects(client, chief, roster):
    client.force_login(chief)

    response, content = download(client, "csv")

    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    rows = csv_rows(content)
    assert rows[0][:3] == ["序號", "使用者帳號", "姓名"]
    assert "任教科目" in rows[0]
    names = [row[2] for row in rows[1:]]
    assert sorted(names) == sorted(["謝志威", "John Smith", "'=HYPERLINK(\"http://x\")"])
    hsieh = next(row for row in rows if row[2] == "謝志威")
    assert hsieh[-1] == "國小數學 數學；國小語文 本土語文 閩南語文"
    assert hsieh[3].endswith("****")


def test_formulas_neutralised_and_controls_stripped_in_both_formats(client, chief, roster):
    client.force_login(chief)

    _, csv_content = download(client, "csv")
    _, xlsx_content = download(client, "xlsx")

    for rows in (csv_rows(csv_content), xlsx_rows(xlsx_content)):
        tricky = next(row for row in rows if "HYPERLINK" in str(row[2]))
        assert tricky[2] == "'=HYPERLINK(\"http://x\")"
        assert tricky[8] == "'@evil.example.tw"
        assert tricky[12] == "0912345678"


def test_xlsx_keeps_numbers_as_numbers_and_text_as_text(client, chief, roster):
    client.force_login(chief)

    response, content = download(client, "xlsx")

    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = load_workbook(io.BytesIO(content)).active
    assert sheet["A2"].value == 1
    assert sheet["A2"].data_type == "n"
    notes = [cell for cell in sheet["M"] if cell.value == "0912345678"]
    assert notes
    assert notes[0].data_type == "s"
    assert all(cell.data_type != "f" for row in sheet.iter_rows() for cell in row)


def test_filters_apply_and_download_is_audited(client, chief, roster, subjects):
    client.force_login(chief)

    _, content = download(client, "csv", q="志", subjects=[subjects["local"].pk])

    rows = csv_rows(content)
    assert [row[2] for row in rows[1:]] == ["謝志威"]
    event = AuditEvent.objects.get(action="roster.download")
    assert event.actor == chief
    assert event.after == {"format": "csv", "filters": {"q": "志", "subjects": [subjects["local"].pk]}, "rows": 1}


def test_headers_no_store_and_chinese_file_name(client, chief, roster, unit):
    client.force_login(chief)

    for file_format in ("csv", "xlsx"):
        response, _ = download(client, file_format)
        disposition = response["Content-Disposition"]
        assert response["Cache-Control"] == "no-store"
        assert disposition.startswith(f'attachment; filename="roster-{unit.code}-')
        assert f"filename*=UTF-8''{quote(unit.name)}" in disposition
        assert disposition.endswith(f".{file_format}")


def test_operator_cannot_download_and_unknown_format_is_404(client, unit, chief, roster):
    from inservice.accounts.models import Role

    operator = factories.make_business_account(unit=unit, role=Role.OPERATOR).user
    client.force_login(operator)
    assert client.get(reverse("people:roster_download", args=["csv"])).status_code == 403

    client.force_login(chief)
    assert client.get(reverse("people:roster_download", args=["pdf"])).status_code == 404
    assert not AuditEvent.objects.filter(action="roster.download").exists()


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("=1+2", "'=1+2"),
        ("+886912345678", "+886912345678"),
        ("-3", "-3"),
        ("-2+3", "'-2+3"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tx", "'\tx"),
        ("\r=1", "'=1"),
        ("a\x00b\x1fc\x7f", "abc"),
        ("第一行\n第二行", "第一行\n第二行"),
        (42, 42),
        (None, ""),
        ("0912345678", "0912345678"),
    ],
)
def test_clean_cell(value, expected):
    assert exports.clean_cell(value) == expected


def test_query_count_does_not_grow_with_rows(client, unit, chief, subjects):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(chief)

    def queries_for_download() -> int:
        with CaptureQueriesContext(connection) as captured:
            download(client, "xlsx")
        return len(captured)

    give_subjects(factories.make_person(unit=unit), subjects["maths"])
    few = queries_for_download()
    for _ in range(25):
        give_subjects(factories.make_person(unit=unit), subjects["maths"], subjects["mandarin"])

    assert queries_for_download() == few
