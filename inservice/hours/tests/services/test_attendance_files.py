import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from inservice.hours import attendance_files

from ..builders import xlsx_bytes, zip_bytes


def test_read_limited_rejects_oversized(settings):
    settings.COURSE_UPLOAD_MAX_BYTES = 100

    with pytest.raises(ValidationError) as error:
        attendance_files.read_limited(SimpleUploadedFile("a.csv", b"x" * 101))

    assert error.value.code == "too_large"


def test_read_limited_accepts_at_limit(settings):
    settings.COURSE_UPLOAD_MAX_BYTES = 100

    assert attendance_files.read_limited(SimpleUploadedFile("a.csv", b"x" * 100)) == b"x" * 100


def test_read_limited_rejects_empty():
    with pytest.raises(ValidationError) as error:
        attendance_files.read_limited(SimpleUploadedFile("a.csv", b""))

    assert error.value.code == "empty"


def test_xlsx_name_on_text_rejected():
    with pytest.raises(ValidationError) as error:
        attendance_files.read_rows(data=b"A123456789,3\n", file_name="list.xlsx")

    assert error.value.code == "not_xlsx"


def test_zip_without_workbook_rejected():
    with pytest.raises(ValidationError) as error:
        attendance_files.read_rows(data=zip_bytes({"readme.txt": b"hello"}), file_name="list.xlsx")

    assert error.value.code == "not_xlsx"


def test_archive_with_too_many_entries_rejected(settings):
    settings.COURSE_UPLOAD_MAX_ARCHIVE_ENTRIES = 5
    data = zip_bytes({f"part{i}.xml": b"<a/>" for i in range(6)})

    with pytest.raises(ValidationError) as error:
        attendance_files.check_xlsx_archive(data)

    assert error.value.code == "too_many_entries"


def test_archive_unpacking_too_large_rejected(settings):
    settings.COURSE_UPLOAD_MAX_UNCOMPRESSED_BYTES = 1024 * 1024
    data = zip_bytes({"xl/workbook.xml": b"0" * (2 * 1024 * 1024)})

    assert len(data) < 10 * 1024
    with pytest.raises(ValidationError) as error:
        attendance_files.check_xlsx_archive(data)

    assert error.value.code == "too_large_unpacked"


def test_damaged_zip_rejected():
    with pytest.raises(ValidationError) as error:
        attendance_files.check_xlsx_archive(b"PK\x03\x04" + b"\x00" * 50)

    assert error.value.code == "bad_zip"


def test_pdf_magic_checked():
    attendance_files.check_pdf(b"%PDF-1.7\n...")

    with pytest.raises(ValidationError) as error:
        attendance_files.check_pdf(b"PK\x03\x04 not a pdf")

    assert error.value.code == "not_pdf"


@pytest.mark.parametrize("data", [b"PK\x03\x04rest", b"%PDF-1.4", b"A1\x0023"])
def test_csv_name_on_binary_rejected(data):
    with pytest.raises(ValidationError) as error:
        attendance_files.read_rows(data=data, file_name="list.csv")

    assert error.value.code == "not_csv"


def test_other_extension_rejected():
    with pytest.raises(ValidationError) as error:
        attendance_files.read_rows(data=b"x", file_name="list.txt")

    assert error.value.code == "extension"


@pytest.mark.parametrize(
    "data",
    [
        "身分證統一編號,研習時數\nA123456789,3\n".encode(),
        b"\xef\xbb\xbf" + "身分證統一編號,研習時數\nA123456789,3\n".encode(),
        "身分證統一編號,研習時數\nA123456789,3\n".encode("cp950"),
    ],
    ids=["utf-8", "utf-8-bom", "big5"],
)
def test_csv_encodings_read(data):
    rows = attendance_files.read_rows(data=data, file_name="list.csv")

    assert [(row.number, row.identity, row.hours) for row in rows] == [(2, "A123456789", "3")]


def test_big5_eten_extension_decoded():
    # 碁 (U+7881) is one of the ETEN extension characters that plain Big5 lacks.
    data = "姓名,身分證統一編號,研習時數\n王碁,A123456789,3\n".encode("cp950")

    assert attendance_files.decode_csv(data).splitlines()[1] == "王碁,A123456789,3"


def test_undecodable_csv_rejected():
    with pytest.raises(ValidationError) as error:
        attendance_files.decode_csv(b"\x81\x30\xff\xfe")

    assert error.value.code == "bad_encoding"


def test_header_columns_found_in_any_order():
    data = "研習時數,姓名,身分證字號\n2.5,王小明,A123456789\n".encode()

    rows = attendance_files.read_rows(data=data, file_name="list.csv")

    assert [(row.identity, row.hours) for row in rows] == [("A123456789", "2.5")]


def test_header_with_one_column_missing_rejected():
    with pytest.raises(ValidationError) as error:
        attendance_files.read_rows(data="身分證統一編號,姓名\nA123456789,王\n".encode(), file_name="list.csv")

    assert error.value.code == "header"


def test_headerless_file_uses_first_two_columns():
    rows = attendance_files.read_rows(data=b"A123456789,3\n\n,\nB123456789,2\n", file_name="list.csv")

    assert [(row.number, row.identity) for row in rows] == [(1, "A123456789"), (4, "B123456789")]


def test_too_many_rows_rejected(settings):
    settings.ATTENDANCE_MAX_ROWS = 3
    data = "\n".join(["身分證統一編號,研習時數"] + [f"A12345678{i},1" for i in range(4)]).encode()

    with pytest.raises(ValidationError) as error:
        attendance_files.read_rows(data=data, file_name="list.csv")

    assert error.value.code == "too_many_rows"


def test_xlsx_rows_read():
    data = xlsx_bytes([("A123456789", 3), ("B123456789", 1.5)])

    rows = attendance_files.read_rows(data=data, file_name="List.XLSX")

    assert [(row.number, row.identity, row.hours) for row in rows] == [(2, "A123456789", 3), (3, "B123456789", 1.5)]


def test_file_without_rows_rejected():
    with pytest.raises(ValidationError) as error:
        attendance_files.read_rows(data=b"\n,\n", file_name="list.csv")

    assert error.value.code == "no_rows"
