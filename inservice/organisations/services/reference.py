"""Reference data every installation needs: authorities, the 任教科目 taxonomy, course terms.

Each loader is idempotent: it creates missing rows and corrects names and order of rows it
owns (by code), and never deletes rows, so entries a system admin added survive a re-run.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

from django.db import transaction

from inservice.audit.services import audit_record
from inservice.courses.models import CourseCategory, CourseTag
from inservice.organisations.models import Authority
from inservice.people.models import Subject, SubjectCategory

SUBJECTS_FIXTURE = Path(__file__).resolve().parents[2] / "people" / "fixtures" / "subjects.json"
COURSE_TERMS_FIXTURE = Path(__file__).resolve().parents[2] / "courses" / "fixtures" / "course_terms.json"

NATIONAL_AUTHORITY_CODE = "K12EA"

# County codes as the MOE directories use them (the first two characters of a unit code,
# after folding the areas that merged into one municipality, see ``county_of_area``).
COUNTIES: dict[str, str] = {
    "01": "新北市",
    "02": "宜蘭縣",
    "03": "桃園市",
    "04": "新竹縣",
    "05": "苗栗縣",
    "06": "臺中市",
    "07": "彰化縣",
    "08": "南投縣",
    "09": "雲林縣",
    "10": "嘉義縣",
    "11": "臺南市",
    "12": "高雄市",
    "13": "屏東縣",
    "14": "臺東縣",
    "15": "花蓮縣",
    "16": "澎湖縣",
    "17": "基隆市",
    "18": "新竹市",
    "20": "嘉義市",
    "30": "臺北市",
    "71": "金門縣",
    "72": "連江縣",
}
# The six special municipalities (直轄市) have an 教育局; the other counties and cities an 教育處.
MUNICIPALITIES = frozenset({"01", "03", "06", "11", "12", "30"})


def county_of_area(area: str) -> str | None:
    """Return the county code for the two-digit area prefix of a unit code, or None if unknown.

    Area 19 is the former 臺中市 and 21 the former 臺南市 (both merged in 2010); 31–42 are
    臺北市 districts and 51–61 the former 高雄市 districts.
    """
    if area in COUNTIES:
        return area
    if area == "19":
        return "06"
    if area == "21":
        return "11"
    if area.isdigit() and 31 <= int(area) <= 42:
        return "30"
    if area.isdigit() and 51 <= int(area) <= 61:
        return "12"
    return None


def authority_name(county_code: str) -> str:
    suffix = "政府教育局" if county_code in MUNICIPALITIES else "政府教育處"
    return COUNTIES[county_code] + suffix


@dataclass
class LoadCounts:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    details: dict[str, list[int]] = field(default_factory=dict)

    def add(self, label: str, created: int, updated: int, unchanged: int) -> None:
        self.created += created
        self.updated += updated
        self.unchanged += unchanged
        self.details[label] = [created, updated, unchanged]


def _upsert(model, code: str, values: dict) -> tuple[object, str]:
    """Create or correct the row with ``code``; return it and "created", "updated" or "unchanged"."""
    row = model.objects.filter(code=code).first()
    if row is None:
        return model.objects.create(code=code, **values), "created"
    changed = {name: value for name, value in values.items() if getattr(row, name) != value}
    if not changed:
        return row, "unchanged"
    for name, value in changed.items():
        setattr(row, name, value)
    row.save(update_fields=[*changed, *(["updated_at"] if hasattr(row, "updated_at") else [])])
    return row, "updated"


def _tally(outcomes: list[str]) -> tuple[int, int, int]:
    return outcomes.count("created"), outcomes.count("updated"), outcomes.count("unchanged")


def authorities_load() -> tuple[int, int, int]:
    """Create or correct the 22 county and city bureaus and 國民及學前教育署."""
    outcomes = []
    for code in COUNTIES:
        _, outcome = _upsert(Authority, code, {"name": authority_name(code), "kind": Authority.Kind.COUNTY})
        outcomes.append(outcome)
    _, outcome = _upsert(
        Authority, NATIONAL_AUTHORITY_CODE, {"name": "教育部國民及學前教育署", "kind": Authority.Kind.NATIONAL}
    )
    outcomes.append(outcome)
    return _tally(outcomes)


def subjects_load(path: Path = SUBJECTS_FIXTURE) -> tuple[int, int, int]:
    """Create or correct the 科目類別, 科目 and 子科目 listed in the JSON fixture at ``path``."""
    data = json.loads(path.read_text(encoding="utf-8"))
    outcomes = []
    for category_data in data["categories"]:
        category, outcome = _upsert(
            SubjectCategory,
            category_data["code"],
            {"name": category_data["name"], "stage": category_data["stage"], "sort_order": category_data["sort_order"]},
        )
        outcomes.append(outcome)
        for position, subject_data in enumerate(category_data["subjects"], start=1):
            subject, outcome = _upsert(
                Subject,
                subject_data["code"],
                {"name": subject_data["name"], "category": category, "parent": None, "sort_order": position * 10},
            )
            outcomes.append(outcome)
            for child_position, child_data in enumerate(subject_data.get("children", []), start=1):
                _, outcome = _upsert(
                    Subject,
                    child_data["code"],
                    {
                        "name": child_data["name"],
                        "category": category,
                        "parent": subject,
                        "sort_order": position * 10 + child_position,
                    },
                )
                outcomes.append(outcome)
    return _tally(outcomes)


def course_terms_load(path: Path = COURSE_TERMS_FIXTURE) -> tuple[int, int, int]:
    """Create or correct the course categories (類別) and tags (屬性標籤) in the JSON fixture."""
    data = json.loads(path.read_text(encoding="utf-8"))
    outcomes = []
    for model, key in ((CourseCategory, "categories"), (CourseTag, "tags")):
        for item in data[key]:
            _, outcome = _upsert(model, item["code"], {"name": item["name"], "sort_order": item["sort_order"]})
            outcomes.append(outcome)
    return _tally(outcomes)


def reference_data_load(*, actor=None) -> LoadCounts:
    """Load every kind of reference data in one transaction and audit the run if it changed anything."""
    counts = LoadCounts()
    with transaction.atomic():
        counts.add("authorities", *authorities_load())
        counts.add("subjects", *subjects_load())
        counts.add("course terms", *course_terms_load())
        if counts.created or counts.updated:
            national = Authority.objects.get(code=NATIONAL_AUTHORITY_CODE)
            audit_record(
                actor=actor,
                actor_label="" if actor else "system",
                action="reference_data.load",
                target=national,
                after={"created": counts.created, "updated": counts.updated, "details": counts.details},
            )
    return counts
