"""A small fictional unit directory for machines without the MOE directory files.

The names contain 示範 so they are easy to tell from real schools, and none of the codes
appears in the MOE directory files of school years 109–114.

The set covers each authority rule. It has county units and a 臺北市 unit (synced from the
臺北市 network). It has a kindergarten with a branch campus (synced from 全國教保資訊網).
Its 國立 senior high school and its 私立 vocational school outside the six municipalities both
belong to 國民及學前教育署.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction

from inservice.audit.services import audit_record
from inservice.organisations.models import Authority, Stage, Unit

from .directory import _merge_stages, _sync_source_for, derive_authority_code
from .reference import COUNTIES, county_of_area

FICTIONAL_KIND = "fictional"


@dataclass(frozen=True)
class FictionalUnit:
    code: str
    name: str
    stages: frozenset[str]
    district: str
    address: str
    phone: str


FICTIONAL_UNITS = (
    FictionalUnit("074901", "彰化縣立示範國小", frozenset({Stage.ELEMENTARY}), "彰化市", "彰化縣彰化市示範路1號", "(04)7000001"),
    FictionalUnit("074902", "彰化縣立示範國中", frozenset({Stage.JUNIOR_HIGH}), "員林市", "彰化縣員林市示範路2號", "(04)8000002"),
    FictionalUnit("074X91", "彰化縣立示範幼兒園", frozenset({Stage.KINDERGARTEN}), "鹿港鎮", "彰化縣鹿港鎮示範路3號", "(04)7000003"),
    FictionalUnit("074X91-01", "彰化縣立示範幼兒園海濱分班", frozenset({Stage.KINDERGARTEN}), "鹿港鎮", "彰化縣鹿港鎮海濱路4號", "(04)7000004"),
    FictionalUnit("014901", "新北市立示範國小", frozenset({Stage.ELEMENTARY}), "板橋區", "新北市板橋區示範路5號", "(02)29000005"),
    FictionalUnit("354901", "臺北市立示範國小", frozenset({Stage.ELEMENTARY}), "中山區", "臺北市中山區示範路6號", "(02)25000006"),
    FictionalUnit("070399", "國立示範高級中學", frozenset({Stage.SENIOR_HIGH}), "彰化市", "彰化縣彰化市示範路7號", "(04)7000007"),
    FictionalUnit("071399", "私立示範高級商工職業學校", frozenset({Stage.VOCATIONAL}), "和美鎮", "彰化縣和美鎮示範路8號", "(04)7000008"),
)


def fictional_directory_build(*, actor=None) -> tuple[int, int]:
    """Create the fictional units that do not exist yet; return (created, already there)."""
    authorities = {authority.code: authority for authority in Authority.objects.all()}
    if not authorities:
        raise ValueError("no authorities exist yet: run `manage.py load_reference_data` first.")
    created = existing = 0
    with transaction.atomic():
        for item in FICTIONAL_UNITS:
            if Unit.objects.filter(code=item.code).exists():
                existing += 1
                continue
            county_code = county_of_area(item.code[:2])
            unit = Unit.objects.create(
                code=item.code,
                name=item.name,
                authority=authorities[derive_authority_code(item.code, county_code=county_code, stages=set(item.stages))],
                county_code=county_code,
                county_name=COUNTIES[county_code],
                district=item.district,
                stages=_merge_stages("", set(item.stages)),
                ownership=Unit.Ownership.PRIVATE if item.code[2] == "1" else Unit.Ownership.PUBLIC,
                address=item.address,
                phone=item.phone,
                sync_source=_sync_source_for(item.code, set(item.stages)),
                directory_kind=FICTIONAL_KIND,
            )
            audit_record(
                actor=actor,
                actor_label="" if actor else "system",
                action="unit.fictional_add",
                target=unit,
                unit=unit,
                after={"code": unit.code},
            )
            created += 1
    return created, existing
