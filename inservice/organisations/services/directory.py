"""Import of the MOE school directories (教育部統計處 名錄 CSV files) into Unit rows.

Four file kinds are recognised from their header and content:

* ``elementary``: 國民小學名錄 (學年度, 代碼, 學校名稱, 公/私立, 縣市名稱, 地址, 電話, 網址);
* ``kindergarten``: 幼兒園名錄 (adds 鄉鎮市區名稱, has no 網址);
* ``senior_high``: 高級中等學校名錄 (may lack 學年度, adds 備註);
* ``elementary_stats``: 國民小學校別統計 (縣市代碼, 學校代碼, class and staff counts).

A unit is keyed by its code. ``Unit.directory_kind`` records which kind of file owns the
unit: the three directories own the units they list, and the statistics file owns only units
that no directory lists. A statistics row for a unit another kind owns (every ordinary school,
and the 附設國小部 of private senior high schools, which reuse the parent school's code) only
adds the elementary stage.

When a file has the same or a later school year than the last import of its kind, the active
units that kind owns and the file no longer lists become inactive. Nothing is ever deleted.
"""

from __future__ import annotations

import csv
import io
import logging
import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import transaction
from django.utils import timezone

from inservice.audit.models import AuditEvent
from inservice.organisations.models import Authority, Stage, SyncSource, Unit

from .reference import COUNTIES, MUNICIPALITIES, NATIONAL_AUTHORITY_CODE, county_of_area

logger = logging.getLogger(__name__)

ELEMENTARY = "elementary"
KINDERGARTEN = "kindergarten"
SENIOR_HIGH = "senior_high"
ELEMENTARY_STATS = "elementary_stats"
KINDS = (ELEMENTARY, KINDERGARTEN, SENIOR_HIGH, ELEMENTARY_STATS)
DIRECTORY_KINDS = frozenset({ELEMENTARY, KINDERGARTEN, SENIOR_HIGH})

UNIT_CODE = re.compile(r"[0-9]{3}[0-9A-Z]{3}(?:-[0-9]{2})?")
BRACKETED = re.compile(r"^\[(?P<code>[0-9A-Za-z]+)\]\s*(?P<rest>.*)$")
# The shortest 區/鄉/鎮/市 name that is not followed by another of those characters, so that
# 平鎮區 and 新市區 are read whole and 彰化市中山路 stops after 彰化市.
DISTRICT = re.compile(r"^(?P<district>.{1,4}?[區鄉鎮市])(?![區鄉鎮市])")
VOCATIONAL_HINTS = ("高商", "高工", "高農", "高職", "海事", "工商", "家商", "商工", "農工", "護理", "藝校", "職業", "高家", "商業", "工業")
SPECIAL_HINTS = ("特殊教育", "啟智", "啟聰", "啟明", "特教")
BOTH_PRIMARY_AND_JUNIOR = ("國中小", "中小學")

# Header aliases: the canonical column name, then the spellings seen in MOE files.
COLUMNS = {
    "year": ("學年度",),
    "code": ("代碼", "學校代碼"),
    "name": ("學校名稱",),
    "ownership": ("公/私立", "公私立"),
    "county": ("縣市名稱",),
    "county_code": ("縣市代碼",),
    "district": ("鄉鎮市區名稱", "鄉鎮市區"),
    "address": ("地址",),
    "phone": ("電話",),
    "website": ("網址",),
}

_url_validator = URLValidator(schemes=["http", "https"])


class DirectoryFileError(ValueError):
    """Raised when a file is not a readable MOE directory; nothing from it is imported."""


@dataclass
class RejectedRow:
    row_number: int
    code: str
    reason: str


@dataclass
class ImportReport:
    path: str
    kind: str
    year: int | None
    rows: int = 0
    added: int = 0
    updated: int = 0
    unchanged: int = 0
    deactivated: int = 0
    reactivated: int = 0
    deactivation_skipped_reason: str = ""
    rejected: list[RejectedRow] = field(default_factory=list)

    def as_dict(self) -> dict:
        return {
            "path": self.path,
            "kind": self.kind,
            "year": self.year,
            "rows": self.rows,
            "added": self.added,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "deactivated": self.deactivated,
            "reactivated": self.reactivated,
            "rejected": len(self.rejected),
        }


# --- Reading ------------------------------------------------------------------------


def _decode(raw: bytes, path: str) -> str:
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise DirectoryFileError(
            f"{path}: not UTF-8 (byte {error.start}). Save the file as UTF-8 CSV and import it again."
        ) from error


def _canonical_header(header: list[str]) -> dict[str, int]:
    """Map canonical column names to their index in ``header``."""
    cleaned = [cell.strip().strip('"').strip() for cell in header]
    positions: dict[str, int] = {}
    for canonical, aliases in COLUMNS.items():
        for alias in aliases:
            if alias in cleaned:
                positions[canonical] = cleaned.index(alias)
                break
    return positions


def detect_kind(header: list[str], names: list[str]) -> str:
    """Tell the file kind from its header and, for the directories, from the school names."""
    cleaned = {cell.strip().strip('"') for cell in header}
    if any("班級數" in cell or "專任教師" in cell for cell in cleaned):
        return ELEMENTARY_STATS
    counts = Counter()
    for name in names:
        if "幼兒園" in name or "幼稚園" in name:
            counts[KINDERGARTEN] += 1
        elif "國小" in name or "國民小學" in name:
            counts[ELEMENTARY] += 1
        elif any(hint in name for hint in ("高中", "高級中等", "中學", "高商", "高工", "高農", "高職", "進修學校")):
            counts[SENIOR_HIGH] += 1
    if not counts:
        raise DirectoryFileError("cannot tell the directory kind from the school names; pass --kind.")
    return counts.most_common(1)[0][0]


def year_from_path(path: str) -> int | None:
    """Return the ROC school year a file name carries (``_114`` or ``c2020``), or None."""
    stem = Path(path).stem
    match = re.search(r"(?<![0-9])(1[0-9]{2})(?![0-9])", stem)
    if match:
        return int(match.group(1))
    match = re.search(r"(?<![0-9])((?:19|20)[0-9]{2})(?![0-9])", stem)
    if match:
        return int(match.group(1)) - 1911
    return None


@dataclass
class ParsedRow:
    row_number: int
    code: str
    values: dict
    stages: set[str]


def _cell(row: list[str], positions: dict[str, int], name: str) -> str:
    index = positions.get(name)
    if index is None or index >= len(row):
        return ""
    return row[index].strip()


def _split_bracketed(text: str) -> tuple[str, str]:
    match = BRACKETED.match(text)
    if match:
        return match.group("code"), match.group("rest").strip()
    return "", text


def _stages_for(kind: str, name: str) -> set[str]:
    if kind == KINDERGARTEN:
        return {Stage.KINDERGARTEN}
    if kind in (ELEMENTARY, ELEMENTARY_STATS):
        stages = {Stage.ELEMENTARY}
        if any(hint in name for hint in BOTH_PRIMARY_AND_JUNIOR):
            stages.add(Stage.JUNIOR_HIGH)
        return stages
    stages = {Stage.SENIOR_HIGH}
    if any(hint in name for hint in VOCATIONAL_HINTS):
        stages = {Stage.VOCATIONAL}
    if any(hint in name for hint in SPECIAL_HINTS):
        stages = {Stage.SPECIAL}
    return stages


def derive_authority_code(code: str, *, county_code: str, stages: set[str]) -> str:
    """Return the code of the authority that manages a unit, from its code and stages.

    The third character of a unit code is its 設立別: 0 國立 units belong to
    國民及學前教育署, and so do 1 私立 senior high schools outside the six municipalities.
    Every other unit belongs to its county or city bureau.

    NOTE: kindergartens always go to their county or city, national ones included. This is a
    project decision because local bureaus supervise kindergartens, and a system admin can
    correct single units.
    """
    founding = code[2]
    if Stage.KINDERGARTEN in stages and len(stages) == 1:
        return county_code
    if founding == "0":
        return NATIONAL_AUTHORITY_CODE
    senior = bool(stages & {Stage.SENIOR_HIGH, Stage.VOCATIONAL})
    if founding == "1" and senior and county_code not in MUNICIPALITIES:
        return NATIONAL_AUTHORITY_CODE
    return county_code


def _sync_source_for(code: str, stages: set[str]) -> str:
    """Kindergartens sync from 全國教保資訊網 (even in 臺北市); other 臺北市 units from its network."""
    if Stage.KINDERGARTEN in stages and len(stages) == 1:
        return SyncSource.KINDERGARTEN
    if code[:2].isdigit() and 31 <= int(code[:2]) <= 42:
        return SyncSource.TAIPEI
    return SyncSource.NONE


def _name_with_county(name: str, county_name: str) -> str:
    """Return the name with its county when the file shortens it (縣立中山國小 → 彰化縣立中山國小).

    The elementary directory writes 縣立 or 市立 without the county, and many
    counties have a 中山國小, so lists and e-mails would be ambiguous without it.
    """
    if name[:2] in ("縣立", "市立") and county_name.endswith(name[0]):
        return county_name + name[1:]
    return name


def _parse_row(kind: str, row_number: int, row: list[str], positions: dict[str, int]) -> ParsedRow:
    """Return the unit values of one row; raise ValueError with the reason when it is unusable."""
    code = _cell(row, positions, "code").upper()
    name = _cell(row, positions, "name")
    if not code:
        raise ValueError("the code cell is empty")
    if not UNIT_CODE.fullmatch(code):
        raise ValueError(f"code “{code}” is not 6 letters or digits with an optional -NN branch suffix")
    if not name:
        raise ValueError("the school name cell is empty")
    county_code = county_of_area(code[:2])
    if county_code is None:
        raise ValueError(f"code “{code}” starts with unknown area {code[:2]}")

    county_cell = _cell(row, positions, "county")
    bracket_code, county_name = _split_bracketed(county_cell)
    if bracket_code and bracket_code != code[:2]:
        raise ValueError(f"county cell “{county_cell}” does not match the code's area {code[:2]}")
    county_name = COUNTIES[county_code]

    ownership_cell = _cell(row, positions, "ownership")
    if ownership_cell.startswith("私") or (not ownership_cell and code[2] == "1"):
        ownership = Unit.Ownership.PRIVATE
    else:
        ownership = Unit.Ownership.PUBLIC

    postcode, address = _split_bracketed(_cell(row, positions, "address"))
    district = _cell(row, positions, "district")
    if not district and address:
        rest = address.removeprefix(county_name)
        if rest != address:
            match = DISTRICT.match(rest)
            district = match.group("district") if match else ""

    website = _cell(row, positions, "website")
    if website:
        if not re.match(r"^https?://", website, re.IGNORECASE):
            website = "http://" + website
        try:
            _url_validator(website)
        except ValidationError:
            website = ""

    stages = _stages_for(kind, name)
    values = {
        "name": _name_with_county(name, county_name)[:128],
        "county_code": county_code,
        "county_name": county_name,
        "district": district[:16],
        "ownership": ownership,
        "postcode": postcode[:8],
        "address": address[:255],
        "phone": _cell(row, positions, "phone")[:64],
        "website": website[:255],
    }
    return ParsedRow(row_number=row_number, code=code, values=values, stages=stages)


def read_directory(path: str, kind: str | None = None) -> tuple[str, int | None, list[ParsedRow], list[RejectedRow]]:
    """Read a directory file; return its kind, school year, parsed rows and rejected rows.

    Row numbers count the header as row 1, as a spreadsheet shows them.
    """
    text = _decode(Path(path).read_bytes(), path)
    records = list(csv.reader(io.StringIO(text)))
    if not records:
        raise DirectoryFileError(f"{path}: the file is empty.")
    header, body = records[0], records[1:]
    positions = _canonical_header(header)
    missing = [name for name in ("code", "name") if name not in positions]
    if missing:
        raise DirectoryFileError(
            f"{path}: no {' or '.join(COLUMNS[m][0] for m in missing)} column in the header "
            f"({', '.join(header[:10])}). Check that this is an MOE school directory CSV."
        )
    name_index = positions["name"]
    kind = kind or detect_kind(header, [r[name_index] for r in body if len(r) > name_index])

    years = Counter(_cell(row, positions, "year") for row in body)
    year_text = years.most_common(1)[0][0] if years else ""
    year = int(year_text) if year_text.isdigit() else year_from_path(path)

    parsed: list[ParsedRow] = []
    rejected: list[RejectedRow] = []
    seen: dict[str, int] = {}
    for offset, row in enumerate(body, start=2):
        if not any(cell.strip() for cell in row):
            continue
        try:
            item = _parse_row(kind, offset, row, positions)
        except ValueError as error:
            rejected.append(RejectedRow(offset, _cell(row, positions, "code"), str(error)))
            continue
        if item.code in seen:
            rejected.append(RejectedRow(offset, item.code, f"code {item.code} already appeared in row {seen[item.code]}"))
            continue
        seen[item.code] = offset
        parsed.append(item)
    return kind, year, parsed, rejected


def import_order(paths: list[str]) -> list[str]:
    """Return ``paths`` with the directories first and the statistics files last.

    Statistics rows only add a stage to units that a directory owns, so importing the
    directories first makes the report of a first import read plainly (added, not updated).
    Unreadable files keep their place at the end, where the import reports them.
    """
    ranked = []
    for position, path in enumerate(paths):
        try:
            kind, _year, _rows, _rejected = read_directory(path)
            rank = KINDS.index(kind)  # KINDS lists the statistics kind last
        except (DirectoryFileError, OSError):
            rank = len(KINDS)
        ranked.append((rank, position, path))
    return [path for _rank, _position, path in sorted(ranked)]


# --- Writing ------------------------------------------------------------------------


def _merge_stages(current: str, added: set[str]) -> str:
    stages = set(filter(None, current.split(","))) | added
    order = [choice for choice, _ in Stage.choices]
    return ",".join(code for code in order if code in stages)


def _audit_event(action: str, unit: Unit, before: dict, after: dict, actor) -> AuditEvent:
    """Build (not save) the event ``audit_record`` would write, so thousands can be bulk-inserted."""
    user = actor if getattr(actor, "pk", None) else None
    return AuditEvent(
        actor=user,
        actor_label="" if user else "system",
        action=action,
        target_type=Unit._meta.label_lower,
        target_id=str(unit.pk),
        unit=unit,
        before=before,
        after=after,
    )


def directory_import(*, actor, path: str, kind: str | None = None, year: int | None = None) -> ImportReport:
    """Import one MOE directory CSV: add, update, reactivate and deactivate units, atomically.

    Raises DirectoryFileError when the file cannot be read as a directory at all.
    """
    kind, file_year, rows, rejected = read_directory(path, kind)
    year = year if year is not None else file_year
    report = ImportReport(path=str(path), kind=kind, year=year, rows=len(rows) + len(rejected), rejected=rejected)
    authorities = {authority.code: authority for authority in Authority.objects.all()}
    if not authorities:
        raise DirectoryFileError("no authorities exist yet: run `manage.py load_reference_data` first.")

    with transaction.atomic():
        existing = {unit.code: unit for unit in Unit.objects.select_for_update()}
        now = timezone.now()
        to_create: list[Unit] = []
        events: list[AuditEvent] = []
        update_events: list[tuple[str, Unit, dict, dict]] = []
        listed: set[str] = set()

        for item in rows:
            listed.add(item.code)
            unit = existing.get(item.code)
            if unit is None:
                stages = item.stages
                authority_code = derive_authority_code(item.code, county_code=item.values["county_code"], stages=stages)
                unit = Unit(
                    code=item.code,
                    authority=authorities[authority_code],
                    stages=_merge_stages("", stages),
                    sync_source=_sync_source_for(item.code, stages),
                    directory_kind=kind,
                    directory_year=year,
                    is_active=True,
                    created_at=now,
                    updated_at=now,
                    **item.values,
                )
                to_create.append(unit)
                existing[item.code] = unit
                continue

            owned_elsewhere = unit.directory_kind in DIRECTORY_KINDS and unit.directory_kind != kind
            if kind == ELEMENTARY_STATS and owned_elsewhere:
                # Only add the stage: the owning directory keeps the name, the address and
                # the active flag, so statistics never revive a unit its directory dropped.
                changes = {"stages": _merge_stages(unit.stages, item.stages)}
                if not unit.district and item.values["district"]:
                    changes["district"] = item.values["district"]
            else:
                if unit.directory_year and year and year < unit.directory_year and unit.directory_kind == kind:
                    # An older file than the one already imported: keep the newer data.
                    report.unchanged += 1
                    continue
                stages = set(filter(None, unit.stages.split(","))) | item.stages
                changes = dict(item.values)
                changes["stages"] = _merge_stages(unit.stages, item.stages)
                if unit.directory_kind != kind:
                    # Derive the authority again only when another kind of file claims the unit,
                    # so a system admin's correction survives re-imports of the same kind.
                    changes["authority_id"] = authorities[
                        derive_authority_code(item.code, county_code=item.values["county_code"], stages=stages)
                    ].pk
                changes["directory_kind"] = kind
                changes["directory_year"] = year
                if not changes["website"] and unit.website:
                    changes.pop("website")
                changes["is_active"] = True
            before = {name: getattr(unit, name) for name, value in changes.items() if getattr(unit, name) != value}
            if not before:
                report.unchanged += 1
                continue
            after = {name: changes[name] for name in before}
            if "is_active" in before:
                report.reactivated += 1
            report.updated += 1
            for name, value in after.items():
                setattr(unit, name, value)
            update_events.append(("unit.directory_update", unit, before, after))

        report.added = len(to_create)
        Unit.objects.bulk_create(to_create, batch_size=1000)
        # Some backends do not return primary keys from bulk inserts: look those up.
        without_pk = [unit.code for unit in to_create if unit.pk is None]
        created_by_code = {unit.code: unit.pk for unit in Unit.objects.filter(code__in=without_pk).only("pk", "code")}
        for unit in to_create:
            if unit.pk is None:
                unit.pk = created_by_code[unit.code]
            events.append(_audit_event("unit.directory_add", unit, {}, {"code": unit.code, "kind": kind, "year": year}, actor))

        deactivated = _deactivate_missing(kind, year, listed, existing, report, now)
        for unit in deactivated:
            events.append(_audit_event("unit.directory_deactivate", unit, {"is_active": True}, {"is_active": False}, actor))

        # One UPDATE per changed unit with only its changed columns: on SQLite this is much
        # faster than bulk_update's CASE expressions over every column.
        for _action, unit, _before, after in update_events:
            Unit.objects.filter(pk=unit.pk).update(**after, updated_at=now)
        if deactivated:
            Unit.objects.filter(pk__in=[unit.pk for unit in deactivated]).update(is_active=False, updated_at=now)
        for action, unit, before, after in update_events:
            events.append(_audit_event(action, unit, _jsonable(before), _jsonable(after), actor))
        AuditEvent.objects.bulk_create(events, batch_size=1000)

    logger.info(
        "directory import kind=%s year=%s rows=%d added=%d updated=%d deactivated=%d rejected=%d",
        kind, year, report.rows, report.added, report.updated, report.deactivated, len(report.rejected),
    )
    return report


def _jsonable(values: dict) -> dict:
    return {name: value if isinstance(value, (str, int, bool, type(None))) else str(value) for name, value in values.items()}


def _deactivate_missing(kind, year, listed, existing, report, now) -> list[Unit]:
    """Deactivate the active units this kind owns that the file no longer lists.

    A file older than the newest one imported for its kind deactivates nothing.
    """
    owned = [unit for unit in existing.values() if unit.directory_kind == kind and unit.pk]
    newest = max((unit.directory_year or 0 for unit in owned), default=0)
    if year is not None and year < newest:
        report.deactivation_skipped_reason = f"the file's school year {year} is older than {newest}"
        return []
    deactivated = []
    for unit in owned:
        if unit.is_active and unit.code not in listed:
            unit.is_active = False
            unit.updated_at = now
            deactivated.append(unit)
    report.deactivated = len(deactivated)
    return deactivated
