"""MOE directory import: file shapes, authority rules, idempotency, deactivation, rejected rows."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command

from inservice.audit.models import AuditEvent
from inservice.organisations.models import Authority, Stage, SyncSource, Unit
from inservice.organisations.services.directory import (
    ELEMENTARY,
    ELEMENTARY_STATS,
    KINDERGARTEN,
    SENIOR_HIGH,
    DirectoryFileError,
    derive_authority_code,
    directory_import,
    import_order,
    year_from_path,
)
from inservice.organisations.services.reference import NATIONAL_AUTHORITY_CODE, authorities_load

pytestmark = pytest.mark.django_db

ELEMENTARY_HEADER = '"學年度","代碼","學校名稱","公/私立","縣市名稱","地址","電話","網址"'
KINDERGARTEN_HEADER = "學年度,代碼,學校名稱,公/私立,縣市名稱,鄉鎮市區名稱,地址,電話"
SENIOR_HEADER = "代碼,學校名稱,公私立,縣市名稱,地址,電話,網址,備註"
STATS_HEADER = "學年度,縣市代碼,縣市名稱,鄉鎮市區,學校代碼,學校名稱,1年級班級數,男專任教師,女專任教師"


@pytest.fixture(autouse=True)
def authorities():
    authorities_load()


def write_csv(tmp_path: Path, name: str, lines: list[str], *, bom: bool = False) -> str:
    path = tmp_path / name
    text = "\n".join(lines) + "\n"
    path.write_bytes((b"\xef\xbb\xbf" if bom else b"") + text.encode("utf-8"))
    return str(path)


def elementary_file(tmp_path, rows, *, year=114, name=None, bom=True):
    lines = [ELEMENTARY_HEADER] + [f"{year},{row}" for row in rows]
    return write_csv(tmp_path, name or f"elementary_{year}.csv", lines, bom=bom)


CHUNGSHAN = "074601,縣立中山國小,公立,[07]彰化縣,[500]彰化縣彰化市中山路二段678號,(04)7222033,https://www.cses.chc.edu.tw"
MINSHENG = "074602,縣立民生國小,公立,[07]彰化縣,[500]彰化縣彰化市華山路1號,(04)7222034,"
TAIPEI = "353601,市立日新國小,公立,[35]臺北市,[103]臺北市大同區太原路151號,(02)25523866,www.jses.tp.edu.tw"


# --- File shapes --------------------------------------------------------------------


def test_elementary_with_bom_and_quoted_header(tmp_path):
    path = elementary_file(tmp_path, [CHUNGSHAN, MINSHENG])

    report = directory_import(actor=None, path=path)

    assert report.kind == ELEMENTARY
    assert report.year == 114
    assert report.added == 2
    unit = Unit.objects.get(code="074601")
    assert unit.name == "彰化縣立中山國小"
    assert unit.authority.code == "07"
    assert unit.county_code == "07"
    assert unit.county_name == "彰化縣"
    assert unit.district == "彰化市"
    assert unit.postcode == "500"
    assert unit.address == "彰化縣彰化市中山路二段678號"
    assert unit.phone == "(04)7222033"
    assert unit.website == "https://www.cses.chc.edu.tw"
    assert unit.stage_list == [Stage.ELEMENTARY]
    assert unit.ownership == Unit.Ownership.PUBLIC
    assert unit.sync_source == SyncSource.NONE
    assert unit.directory_kind == ELEMENTARY
    assert unit.is_active


def test_bare_header_without_bom(tmp_path):
    lines = [ELEMENTARY_HEADER.replace('"', ""), f"114,{CHUNGSHAN}"]
    path = write_csv(tmp_path, "plain.csv", lines)

    report = directory_import(actor=None, path=path)

    assert report.added == 1
    assert Unit.objects.get(code="074601").county_name == "彰化縣"


def test_taipei_unit_syncs_from_taipei(tmp_path):
    directory_import(actor=None, path=elementary_file(tmp_path, [TAIPEI]))

    unit = Unit.objects.get(code="353601")
    assert unit.authority.code == "30"
    assert unit.county_name == "臺北市"
    assert unit.sync_source == SyncSource.TAIPEI
    assert unit.website == "http://www.jses.tp.edu.tw"


def test_kindergarten_codes_and_bare_county(tmp_path):
    lines = [
        KINDERGARTEN_HEADER,
        "113,014XA1,新北市立八里幼兒園,公立,新北市,八里區,[249]新北市八里區中山路1段1號,(02)26102217",
        "113,014XA1-02,新北市立八里幼兒園大埤頂分班,公立,新北市,八里區,[249]新北市八里區中山路1段95號,(02)86303477#300",
        "113,330X02,國立臺北教育大學附設實驗國民小學附設幼兒園,公立,臺北市,大安區,[106]臺北市大安區和平東路二段94號,(02)27356186",
        "113,011Z59,新北市私立善牧園幼兒園,私立,新北市,八里區,[249]新北市八里區龍米路1段261號,(02)26182330#171",
    ]
    report = directory_import(actor=None, path=write_csv(tmp_path, "k1.csv", lines))

    assert report.kind == KINDERGARTEN
    assert report.added == 4
    branch = Unit.objects.get(code="014XA1-02")
    assert branch.stage_list == [Stage.KINDERGARTEN]
    assert branch.district == "八里區"
    assert branch.sync_source == SyncSource.KINDERGARTEN
    national = Unit.objects.get(code="330X02")
    assert national.authority.code == "30", "kindergartens belong to their county or city"
    assert national.sync_source == SyncSource.KINDERGARTEN
    assert Unit.objects.get(code="011Z59").ownership == Unit.Ownership.PRIVATE


def test_senior_high_rules(tmp_path):
    lines = [
        SENIOR_HEADER,
        "010301,國立華僑高級中等學校,公立,[01]新北市,[220]新北市板橋區大觀路一段32號,(02)29684131,http://www.nocsh.ntpc.edu.tw,",
        "011C71,私立光華高商進修學校,私立,[01]新北市,[220]新北市板橋區南雅南路二段40號,(02)89522255,,",
        "071318,私立正德高中,私立,[07]彰化縣,[500]彰化縣彰化市彰水路145號,(04)7524109,,",
        "073301,縣立彰化藝術高中,公立,[07]彰化縣,[500]彰化縣彰化市卦山路1號,(04)7222844,,",
    ]
    report = directory_import(actor=None, path=write_csv(tmp_path, "high_c2020.csv", lines))

    assert report.kind == SENIOR_HIGH
    assert report.year == 109
    assert Unit.objects.get(code="010301").authority.code == NATIONAL_AUTHORITY_CODE
    night_school = Unit.objects.get(code="011C71")
    assert night_school.authority.code == "01", "private senior high in a municipality stays with the city"
    assert night_school.stage_list == [Stage.VOCATIONAL]
    assert Unit.objects.get(code="071318").authority.code == NATIONAL_AUTHORITY_CODE
    assert Unit.objects.get(code="073301").authority.code == "07"


def test_stats_attached_elementary_reuses_parent(tmp_path):
    senior = write_csv(
        tmp_path,
        "high.csv",
        [SENIOR_HEADER, "071318,私立正德高中,私立,[07]彰化縣,[500]彰化縣彰化市彰水路145號,(04)7524109,,"],
    )
    stats = write_csv(
        tmp_path,
        "stats_114.csv",
        [
            STATS_HEADER,
            "114,07,彰化縣,彰化市,071318,私立正德高中附設國小部,2,3,8",
            "114,07,彰化縣,彰化市,074601,縣立中山國小,7,26,75",
        ],
        bom=True,
    )
    directory_import(actor=None, path=senior)

    report = directory_import(actor=None, path=stats)

    assert report.kind == ELEMENTARY_STATS
    assert report.added == 1
    assert report.updated == 1
    parent = Unit.objects.get(code="071318")
    assert parent.name == "私立正德高中"
    assert parent.stage_list == [Stage.ELEMENTARY, Stage.SENIOR_HIGH]
    assert parent.directory_kind == SENIOR_HIGH
    assert parent.authority.code == NATIONAL_AUTHORITY_CODE
    assert Unit.objects.get(code="074601").directory_kind == ELEMENTARY_STATS


def test_directory_claims_unit_from_stats(tmp_path):
    stats = write_csv(tmp_path, "stats_114.csv", [STATS_HEADER, "114,07,彰化縣,彰化市,074601,縣立中山國小,7,26,75"])
    directory_import(actor=None, path=stats)

    report = directory_import(actor=None, path=elementary_file(tmp_path, [CHUNGSHAN]))

    assert report.updated == 1
    unit = Unit.objects.get(code="074601")
    assert unit.directory_kind == ELEMENTARY
    assert unit.address == "彰化縣彰化市中山路二段678號"


# --- Idempotency, deactivation -----------------------------------------------------------


def test_reimport_changes_nothing(tmp_path):
    path = elementary_file(tmp_path, [CHUNGSHAN, MINSHENG, TAIPEI])
    directory_import(actor=None, path=path)
    events = AuditEvent.objects.count()

    report = directory_import(actor=None, path=path)

    assert (report.added, report.updated, report.deactivated) == (0, 0, 0)
    assert report.unchanged == 3
    assert AuditEvent.objects.count() == events


def test_newer_file_updates_and_deactivates(tmp_path):
    directory_import(actor=None, path=elementary_file(tmp_path, [CHUNGSHAN, MINSHENG], year=113))
    renamed = CHUNGSHAN.replace("縣立中山國小", "彰化縣彰化市中山國民小學")

    report = directory_import(actor=None, path=elementary_file(tmp_path, [renamed, TAIPEI], year=114))

    assert (report.added, report.updated, report.deactivated) == (1, 1, 1)
    assert Unit.objects.get(code="074601").name == "彰化縣彰化市中山國民小學"
    gone = Unit.objects.get(code="074602")
    assert not gone.is_active, "units missing from a newer file become inactive"
    assert AuditEvent.objects.filter(action="unit.directory_deactivate", target_id=str(gone.pk)).exists()


def test_returning_unit_reactivated(tmp_path):
    directory_import(actor=None, path=elementary_file(tmp_path, [CHUNGSHAN, MINSHENG], year=113))
    directory_import(actor=None, path=elementary_file(tmp_path, [CHUNGSHAN], year=114))

    report = directory_import(actor=None, path=elementary_file(tmp_path, [CHUNGSHAN, MINSHENG], year=115))

    assert report.reactivated == 1
    assert Unit.objects.get(code="074602").is_active


def test_older_file_deactivates_nothing(tmp_path):
    directory_import(actor=None, path=elementary_file(tmp_path, [CHUNGSHAN, MINSHENG], year=114))
    older = CHUNGSHAN.replace("縣立中山國小", "舊名國小")

    report = directory_import(actor=None, path=elementary_file(tmp_path, [older], year=112))

    assert report.deactivated == 0
    assert "older" in report.deactivation_skipped_reason
    assert Unit.objects.get(code="074602").is_active
    assert Unit.objects.get(code="074601").name == "彰化縣立中山國小"


def test_other_kind_not_deactivated(tmp_path):
    directory_import(actor=None, path=elementary_file(tmp_path, [CHUNGSHAN]))
    kindergarten = write_csv(
        tmp_path, "k.csv", [KINDERGARTEN_HEADER, "113,074X01,彰化縣立幼兒園,公立,彰化縣,彰化市,[500]彰化縣彰化市1號,(04)1"]
    )

    directory_import(actor=None, path=kindergarten)

    assert Unit.objects.get(code="074601").is_active


def test_stats_never_reactivate_directory_unit(tmp_path):
    directory_import(actor=None, path=elementary_file(tmp_path, [CHUNGSHAN, MINSHENG], year=113))
    directory_import(actor=None, path=elementary_file(tmp_path, [CHUNGSHAN], year=114))
    stats = write_csv(tmp_path, "stats_114.csv", [STATS_HEADER, "114,07,彰化縣,彰化市,074602,縣立民生國小,6,20,40"])

    directory_import(actor=None, path=stats)

    assert not Unit.objects.get(code="074602").is_active


def test_admin_authority_correction_survives(tmp_path):
    path = elementary_file(tmp_path, [CHUNGSHAN])
    directory_import(actor=None, path=path)
    Unit.objects.filter(code="074601").update(authority=Authority.objects.get(code=NATIONAL_AUTHORITY_CODE))

    directory_import(actor=None, path=path)

    assert Unit.objects.get(code="074601").authority.code == NATIONAL_AUTHORITY_CODE


def test_nothing_is_deleted(tmp_path):
    directory_import(actor=None, path=elementary_file(tmp_path, [CHUNGSHAN, MINSHENG], year=113))
    directory_import(actor=None, path=elementary_file(tmp_path, [MINSHENG], year=114))

    assert Unit.objects.filter(code="074601").exists()


# --- Rejected rows and bad files -----------------------------------------------------------


def test_bad_rows_rejected_with_reasons(tmp_path):
    rows = [
        CHUNGSHAN,
        "07460,縣立短碼國小,公立,[07]彰化縣,[500]彰化縣,(04)1,",
        "074603,,公立,[07]彰化縣,[500]彰化縣,(04)1,",
        "994601,縣立無縣國小,公立,[99]無縣,[500]無縣,(04)1,",
        "074604,縣立錯縣國小,公立,[08]南投縣,[540]南投縣,(049)1,",
        CHUNGSHAN.replace("縣立中山國小", "重複國小"),
        ",縣立無碼國小,公立,[07]彰化縣,,,",
    ]
    report = directory_import(actor=None, path=elementary_file(tmp_path, rows))

    assert report.added == 1
    assert report.rows == 7
    reasons = {rejected.row_number: rejected.reason for rejected in report.rejected}
    assert set(reasons) == {3, 4, 5, 6, 7, 8}
    assert "not 6 letters or digits" in reasons[3]
    assert "school name" in reasons[4]
    assert "unknown area 99" in reasons[5]
    assert "does not match" in reasons[6]
    assert "already appeared in row 2" in reasons[7]
    assert "code cell is empty" in reasons[8]
    assert Unit.objects.get(code="074601").name == "彰化縣立中山國小"


def test_invalid_website_dropped_not_rejected(tmp_path):
    row = MINSHENG.rstrip(",") + ",not a url at all"
    report = directory_import(actor=None, path=elementary_file(tmp_path, [row]))

    assert report.added == 1
    assert Unit.objects.get(code="074602").website == ""


def test_blank_website_keeps_known_one(tmp_path):
    directory_import(actor=None, path=elementary_file(tmp_path, [CHUNGSHAN], year=113))
    without_website = CHUNGSHAN.replace("https://www.cses.chc.edu.tw", "")

    report = directory_import(actor=None, path=elementary_file(tmp_path, [without_website], year=114))

    assert report.updated == 1, "the school year changed"
    assert Unit.objects.get(code="074601").website == "https://www.cses.chc.edu.tw"


def test_file_without_code_column_fails(tmp_path):
    path = write_csv(tmp_path, "other.csv", ["姓名,電話", "王大明,(02)1"])

    with pytest.raises(DirectoryFileError, match="代碼"):
        directory_import(actor=None, path=path)


def test_non_utf8_file_fails(tmp_path):
    path = tmp_path / "big5.csv"
    path.write_bytes((ELEMENTARY_HEADER + "\n114," + CHUNGSHAN + "\n").encode("big5"))

    with pytest.raises(DirectoryFileError, match="not UTF-8"):
        directory_import(actor=None, path=str(path))


def test_import_needs_authorities(tmp_path):
    Authority.objects.all().delete()

    with pytest.raises(DirectoryFileError, match="load_reference_data"):
        directory_import(actor=None, path=elementary_file(tmp_path, [CHUNGSHAN]))


def test_command_reports_and_fails_on_missing_file(tmp_path, capsys):
    path = elementary_file(tmp_path, [CHUNGSHAN, "x,,,,,,"])

    with pytest.raises(CommandError):
        call_command("import_directory", path, str(tmp_path / "missing.csv"))

    output = capsys.readouterr()
    assert "1 added" in output.out
    assert "1 rejected" in output.out
    assert "row 3 (x)" in output.out
    assert "missing.csv: not imported" in output.err


def test_import_order_puts_statistics_last(tmp_path):
    stats = write_csv(tmp_path, "a_stats.csv", [STATS_HEADER, "114,07,彰化縣,彰化市,074601,縣立中山國小,7,26,75"])
    broken = write_csv(tmp_path, "b_broken.csv", ["姓名", "王大明"])
    elementary = elementary_file(tmp_path, [CHUNGSHAN])
    kindergarten = write_csv(
        tmp_path, "k.csv", [KINDERGARTEN_HEADER, "113,074X01,彰化縣立幼兒園,公立,彰化縣,彰化市,[500]彰化縣彰化市1號,(04)1"]
    )

    ordered = import_order([stats, broken, kindergarten, elementary])

    assert ordered == [elementary, kindergarten, stats, broken]


def test_command_imports_directories_first(tmp_path, capsys):
    stats = write_csv(tmp_path, "a_stats.csv", [STATS_HEADER, "114,07,彰化縣,彰化市,074601,縣立中山國小,7,26,75"])
    elementary = elementary_file(tmp_path, [CHUNGSHAN])

    call_command("import_directory", stats, elementary)

    lines = capsys.readouterr().out.splitlines()
    assert "(elementary, school year 114): 1 rows, 1 added" in lines[0]
    assert "(elementary_stats, school year 114): 1 rows, 0 added, 0 updated" in lines[1]
    assert Unit.objects.get(code="074601").directory_kind == ELEMENTARY


# --- Rules ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("code", "county", "stages", "expected"),
    [
        ("074601", "07", {Stage.ELEMENTARY}, "07"),
        ("353601", "30", {Stage.ELEMENTARY}, "30"),
        ("010301", "01", {Stage.SENIOR_HIGH}, NATIONAL_AUTHORITY_CODE),
        ("400144", "30", {Stage.ELEMENTARY}, NATIONAL_AUTHORITY_CODE),
        ("071318", "07", {Stage.SENIOR_HIGH}, NATIONAL_AUTHORITY_CODE),
        ("071318", "07", {Stage.ELEMENTARY, Stage.SENIOR_HIGH}, NATIONAL_AUTHORITY_CODE),
        ("011301", "01", {Stage.SENIOR_HIGH}, "01"),
        ("311401", "30", {Stage.VOCATIONAL}, "30"),
        ("071601", "07", {Stage.ELEMENTARY}, "07"),
        ("330X02", "30", {Stage.KINDERGARTEN}, "30"),
        ("035K01", "03", {Stage.KINDERGARTEN}, "03"),
    ],
)
def test_authority_derivation(code, county, stages, expected):
    assert derive_authority_code(code, county_code=county, stages=stages) == expected


@pytest.mark.parametrize(
    ("row", "district"),
    [
        ("034601,市立平鎮國小,公立,[03]桃園市,[324]桃園市平鎮區環南路1號,(03)1,", "平鎮區"),
        ("114601,市立新市國小,公立,[11]臺南市,[744]臺南市新市區中興街1號,(06)1,", "新市區"),
        ("524601,市立前鎮國小,公立,[52]高雄市,[806]高雄市前鎮區民權二路1號,(07)1,", "前鎮區"),
        ("104727,縣立達邦國小,公立,[10]嘉義縣,[605]嘉義縣阿里山鄉達邦村一鄰1號,(05)1,", "阿里山鄉"),
        ("204601,市立北園國小,公立,[20]嘉義市,[600]嘉義市東區北園街1號,(05)1,", "東區"),
        ("074601,縣立中山國小,公立,[07]彰化縣,[500]彰化縣彰化市中山路二段678號,(04)1,", "彰化市"),
        ("074602,縣立某國小,公立,[07]彰化縣,[500]台中市北區1號,(04)1,", ""),
    ],
)
def test_district_from_address(tmp_path, row, district):
    directory_import(actor=None, path=elementary_file(tmp_path, [row]))

    assert Unit.objects.get(code=row[:6]).district == district


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("moe_elementary_schools_114.csv", 114),
        ("moe_senior_high_schools_c2020.csv", 109),
        ("directory.csv", None),
    ],
)
def test_year_from_path(name, expected):
    assert year_from_path(name) == expected


# --- The real MOE files ------------------------------------------------------------------------


def _shared_data_dir() -> Path | None:
    """Return the nearest ``shared/data`` directory above the repository, if there is one."""
    for parent in Path(settings.BASE_DIR).resolve().parents:
        candidate = parent / "shared" / "data"
        if (candidate / "moe_elementary_schools_114.csv").is_file():
            return candidate
    return None


REAL_FILES = (
    "moe_elementary_schools_114.csv",
    "moe_kindergartens_113.csv",
    "moe_senior_high_schools_c2020.csv",
    "moe_elementary_school_stats_114.csv",
)


@pytest.fixture
def real_files():
    data_dir = _shared_data_dir()
    if data_dir is None:
        pytest.skip("the MOE directory files (shared/data next to the repository) are not on this machine")
    return [str(data_dir / name) for name in REAL_FILES]


def test_real_files_import(real_files):
    reports = [directory_import(actor=None, path=path) for path in real_files]

    assert [report.kind for report in reports] == [ELEMENTARY, KINDERGARTEN, SENIOR_HIGH, ELEMENTARY_STATS]
    assert [report.rows for report in reports] == [2608, 6813, 513, 2663]
    assert all(not report.rejected for report in reports)
    # 55 statistics codes are in no directory; 37 of them are senior highs' 附設國小部.
    assert reports[3].added == 55 - 37
    assert Unit.objects.count() == 2608 + 6813 + 513 + 18
    assert Unit.objects.filter(is_active=True).count() == Unit.objects.count()

    chungshan = Unit.objects.get(code="074601")
    assert chungshan.name == "彰化縣立中山國小"
    assert chungshan.county_name == "彰化縣"
    assert chungshan.authority.name == "彰化縣政府教育處"
    assert chungshan.postcode == "500"

    tamkang = Unit.objects.get(code="011301")
    assert tamkang.name == "私立淡江高中"
    assert tamkang.stage_list == [Stage.ELEMENTARY, Stage.SENIOR_HIGH]
    assert tamkang.authority.code == "01"

    assert Unit.objects.get(code="011C71").name == "私立光華高商進修學校"
    assert Unit.objects.get(code="014XA1-02").sync_source == SyncSource.KINDERGARTEN
    assert Unit.objects.get(code="010301").authority.code == NATIONAL_AUTHORITY_CODE
    assert Unit.objects.filter(sync_source=SyncSource.TAIPEI).exists()
    assert Unit.objects.filter(authority__code=NATIONAL_AUTHORITY_CODE).count() > 100

    again = [directory_import(actor=None, path=path) for path in real_files]

    assert sum(report.added + report.updated + report.deactivated for report in again) == 0
