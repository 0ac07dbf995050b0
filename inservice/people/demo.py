"""Deterministic demo rosters and demo accounts for development and demonstrations.

``demo_roster_specs`` draws every name, identity number, title and subject from a random
generator seeded with the seed and the unit code, so the same arguments always give the same
people. Nothing here is real: identity numbers are synthetic (they only pass the check digit)
and e-mail addresses use the reserved ``.example`` domain.
"""

from __future__ import annotations

import datetime
import random
from dataclasses import dataclass, field

from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils import timezone

from inservice.accounts.models import BusinessAccount, Role, User
from inservice.audit.services import audit_record
from inservice.core import identity
from inservice.organisations.models import Stage, Unit
from inservice.people.models import (
    AccountStatus,
    Category,
    Gender,
    Membership,
    Person,
    PersonSubject,
    Subject,
    Title,
)

DEMO_PASSWORD = "inservice-demo-2025"
DEFAULT_SEED = 20250901
DEFAULT_PEOPLE = 80
EMAIL_DOMAIN = "school.example"

CHIEF_USERNAME = "demo-chief"
CONTACT_USERNAME = "demo-contact"
OPERATOR_USERNAME = "demo-operator"
AUTHORITY_USERNAME = "demo-authority"
ADMIN_USERNAME = "demo-admin"
BUSINESS_USERNAMES = {Role.CHIEF: CHIEF_USERNAME, Role.CONTACT: CONTACT_USERNAME, Role.OPERATOR: OPERATOR_USERNAME}

# Common single-character surnames, roughly in order of frequency in Taiwan (more weight first).
SURNAMES = (
    "陳林黃張李王吳劉蔡楊許鄭謝郭洪曾邱廖賴周徐蘇葉莊呂江何蕭羅高簡朱鍾施游詹沈彭胡余盧潘顏梁趙"
    "柯翁魏方孫戴范宋鄧杜侯曹薛傅丁溫紀蔣藍連唐馬董石卓程姚康馮古姜湯汪白田涂鄒巫尤鐘龔嚴韓黎袁童陸金"
)
COMPOUND_SURNAMES = ("歐陽", "司馬", "張簡", "范姜", "上官", "諸葛", "司徒", "東方")
MALE_GIVEN = "志明家豪俊傑建宏承恩冠宇宗翰柏翰彥廷威廷哲瑋子軒宇軒品睿信宏文彬國華政達振宇明哲耀中育成士賢"
FEMALE_GIVEN = "淑芬雅婷怡君佩君美玲惠雯欣怡雅惠詩涵佳穎宜蓁思妤筱涵婉婷靜宜心怡郁婷雅琪佳蓉秀蘭麗華曉雯"
# Indigenous names are written as given name, middle dot, family or father's name.
INDIGENOUS_GIVEN_MALE = ("瓦旦", "尤道", "馬耀", "比令", "伊凡", "達卡", "烏杜", "古拿", "哈勇", "巴萬")
INDIGENOUS_GIVEN_FEMALE = ("巴奈", "拉娃", "撒韻", "吉娃斯", "莎韻", "蘇瑪", "阿布娪", "伊婉", "慕娃", "雅外")
INDIGENOUS_FAMILY = ("尤幹", "諾幹", "達利", "阿給", "瑪撒", "吉拉", "卡造", "谷木", "法拉", "那威", "巴萬", "撒韻")
FOREIGN_GIVEN_MALE = ("James", "Michael", "Daniel", "Thomas", "Lucas", "Noah", "Mateo", "Oliver", "Ethan", "Liam")
FOREIGN_GIVEN_FEMALE = ("Emily", "Sarah", "Laura", "Olivia", "Hannah", "Chloe", "Amelia", "Grace", "Sophie", "Julia")
FOREIGN_FAMILY = ("Smith", "Johnson", "Brown", "García", "Müller", "Nguyen", "O'Brien", "Dubois", "Rossi", "Kowalski", "van der Berg", "Wilson")
# First letters of national IDs by county of registration (a few common ones suffice here).
ID_LETTERS = "ABFHNEDKLMPQTUVWXYZ"

OFFICES = ("教務處", "學務處", "總務處", "輔導室")
SECTIONS = ("註冊組", "教學組", "資訊組", "訓育組", "生教組", "體育組", "衛生組", "事務組", "出納組", "輔導組", "資料組")


@dataclass
class PersonSpec:
    """One generated roster entry, before it is written."""

    index: int
    name: str
    gender: str
    number: str
    title: str
    category: str
    teaching_stage: str
    position_note: str
    email: str
    account_status: str
    is_roaming: bool
    subject_codes: list[str] = field(default_factory=list)
    is_foreign: bool = False


@dataclass
class DemoReport:
    units: list[str] = field(default_factory=list)
    people_created: int = 0
    people_existing: int = 0
    users_created: int = 0
    accounts_created: int = 0


def _rng_for(seed: int, unit_code: str) -> random.Random:
    # A string seed is hashed with SHA-512 by ``random``, so results do not depend on PYTHONHASHSEED.
    return random.Random(f"{seed}:{unit_code}")


def make_number(rng: random.Random, *, gender: str, kind: identity.IdentityKind) -> str:
    """Return a synthetic identity number of ``kind`` with a correct check digit."""
    letter = rng.choice(ID_LETTERS)
    male = gender == Gender.MALE
    if kind == identity.IdentityKind.NATIONAL:
        second = "1" if male else "2"
    elif kind == identity.IdentityKind.RESIDENT_OLD:
        second = rng.choice("AC") if male else rng.choice("BD")
    else:
        second = "8" if male else "9"
    body = f"{letter}{second}{rng.randrange(10**7):07d}"
    return body + identity.compute_check_digit(body)


def make_name(rng: random.Random, gender: str, style: str) -> str:
    """Return a name in ``style``: "two" (two characters), "three", "compound", "indigenous" or "foreign"."""
    male = gender == Gender.MALE
    if style == "foreign":
        given = rng.choice(FOREIGN_GIVEN_MALE if male else FOREIGN_GIVEN_FEMALE)
        return f"{given} {rng.choice(FOREIGN_FAMILY)}"
    if style == "indigenous":
        given = rng.choice(INDIGENOUS_GIVEN_MALE if male else INDIGENOUS_GIVEN_FEMALE)
        return f"{given}·{rng.choice(INDIGENOUS_FAMILY)}"
    pool = MALE_GIVEN if male else FEMALE_GIVEN
    surname = rng.choice(COMPOUND_SURNAMES) if style == "compound" else rng.choice(SURNAMES)
    if style == "two":
        return surname + rng.choice(pool)
    return surname + rng.choice(pool) + rng.choice(pool)


def _name_style(rng: random.Random) -> str:
    roll = rng.random()
    if roll < 0.06:
        return "two"
    if roll < 0.10:
        return "compound"
    if roll < 0.14:
        return "indigenous"
    return "three"


def _teaching_stages(unit: Unit) -> list[str]:
    stages = [stage for stage in unit.stage_list if stage != Stage.SPECIAL] or unit.stage_list
    return stages or [Stage.ELEMENTARY]


def _subjects_by_stage() -> dict[str, list[Subject]]:
    """Return leaf subjects (those without children) per stage, in taxonomy order."""
    by_stage: dict[str, list[Subject]] = {}
    subjects = Subject.objects.filter(is_active=True).select_related("category").prefetch_related("children")
    for subject in subjects.order_by("category__sort_order", "sort_order", "pk"):
        if subject.children.exists():
            continue
        by_stage.setdefault(subject.category.stage, []).append(subject)
    return by_stage


def _title_plan(count: int, kindergarten: bool) -> list[tuple[str, str, str]]:
    """Return (title, category, position note) for each roster index, most senior first."""
    if kindergarten:
        plan = [(Title.KG_DIRECTOR, Category.TEACHER, "")]
        for index in range(1, count):
            roll = index % 10
            if roll in (1, 4, 7):
                plan.append((Title.EDUCARE, Category.TEACHER, ""))
            elif roll == 9:
                plan.append((Title.ASSISTANT_EDUCARE, Category.TEACHER, ""))
            elif roll == 5 and index > 5:
                plan.append((Title.STAFF, Category.STAFF, "行政"))
            else:
                plan.append((Title.KG_TEACHER, Category.TEACHER, ""))
        return plan[:count]
    plan = [(Title.PRINCIPAL, Category.TEACHER, "")]
    directors = max(1, min(len(OFFICES), count // 15))
    plan += [(Title.DIRECTOR, Category.TEACHER, OFFICES[i]) for i in range(directors)]
    chiefs = max(1, min(len(SECTIONS), count // 8))
    plan += [(Title.SECTION_CHIEF, Category.TEACHER, SECTIONS[i]) for i in range(chiefs)]
    index = 0
    while len(plan) < count:
        index += 1
        if index % 11 == 0:
            plan.append((Title.STAFF, Category.STAFF, "幹事"))
        elif index % 29 == 0:
            plan.append((Title.NURSE, Category.STAFF, "健康中心"))
        elif index % 7 == 0:
            plan.append((Title.SUBSTITUTE_LONG, Category.TEACHER, ""))
        elif index % 31 == 0:
            plan.append((Title.SUBSTITUTE_SHORT, Category.TEACHER, ""))
        elif index % 37 == 0:
            plan.append((Title.PART_TIME, Category.TEACHER, ""))
        elif index % 41 == 0:
            plan.append((Title.INTERN, Category.TEACHER, ""))
        else:
            plan.append((Title.QUALIFIED, Category.TEACHER, ""))
    return plan[:count]


def demo_roster_specs(unit: Unit, *, people: int, seed: int) -> list[PersonSpec]:
    """Return the deterministic roster for ``unit``: same unit, count and seed, same people."""
    rng = _rng_for(seed, unit.code)
    subjects = _subjects_by_stage()
    stages = _teaching_stages(unit)
    kindergarten = stages == [Stage.KINDERGARTEN]
    specs: list[PersonSpec] = []
    seen_numbers: set[str] = set()
    for index, (title, category, note) in enumerate(_title_plan(people, kindergarten), start=1):
        gender = Gender.FEMALE if rng.random() < 0.7 else Gender.MALE
        foreign = category == Category.TEACHER and title == Title.QUALIFIED and rng.random() < 0.05
        if foreign:
            kind = rng.choice((identity.IdentityKind.RESIDENT_OLD, identity.IdentityKind.RESIDENT_NEW))
            name = make_name(rng, gender, "foreign")
        else:
            kind = identity.IdentityKind.NATIONAL
            name = make_name(rng, gender, _name_style(rng))
        number = make_number(rng, gender=gender, kind=kind)
        while number in seen_numbers:
            number = make_number(rng, gender=gender, kind=kind)
        seen_numbers.add(number)

        stage = rng.choice(stages) if category == Category.TEACHER else ""
        codes: list[str] = []
        if category == Category.TEACHER:
            pool = subjects.get(stage, [])
            if foreign:
                pool = [subject for subject in pool if subject.name in ("英語文", "應用英語科")] or pool
            if pool:
                count = min(len(pool), rng.choice((1, 1, 1, 2, 2, 3)))
                codes = [subject.code for subject in rng.sample(pool, count)]

        roll = rng.random()
        if index == 1 or roll < 0.55:
            status, roaming = AccountStatus.ACTIVE, rng.random() < 0.2
        elif roll < 0.93:
            status, roaming = AccountStatus.PENDING, False
        else:
            status, roaming = AccountStatus.DISABLED, False
        email = "" if status == AccountStatus.PENDING and rng.random() < 0.3 else f"t{index:03d}.{unit.code.lower()}@{EMAIL_DOMAIN}"
        specs.append(
            PersonSpec(
                index=index,
                name=name,
                gender=gender,
                number=number,
                title=title,
                category=category,
                teaching_stage=stage,
                position_note=note,
                email=email,
                account_status=status,
                is_roaming=roaming,
                subject_codes=codes,
                is_foreign=foreign,
            )
        )
    return specs


def teacher_username(unit: Unit, index: int) -> str:
    return f"t{unit.code.lower()}-{index:03d}"


def _write_person(spec: PersonSpec, unit: Unit, password_hash: str, subjects: dict[str, Subject], report: DemoReport):
    lookup = identity.lookup_hash(spec.number)
    person = Person.objects.filter(identity_hash=lookup).first()
    if person is not None:
        report.people_existing += 1
        return person
    person = Person(
        name=spec.name,
        gender=spec.gender,
        email=spec.email,
        account_status=spec.account_status,
        is_roaming=spec.is_roaming,
    )
    person.set_identity_number(spec.number)
    if spec.account_status != AccountStatus.PENDING:
        user, created = User.objects.get_or_create(
            username=teacher_username(unit, spec.index),
            defaults={
                "kind": User.Kind.TEACHER,
                "display_name": spec.name,
                "email": spec.email,
                "password": password_hash,
                "is_active": spec.account_status == AccountStatus.ACTIVE,
            },
        )
        report.users_created += int(created)
        person.user = user
    person.save()
    Membership.objects.create(
        person=person,
        unit=unit,
        title=spec.title,
        category=spec.category,
        teaching_stage=spec.teaching_stage,
        position_note=spec.position_note,
        start_date=datetime.date(2025 - spec.index % 20, 8, 1),
        source=Membership.Source.MANUAL,
    )
    PersonSubject.objects.bulk_create(
        PersonSubject(person=person, subject=subjects[code], position=position)
        for position, code in enumerate(spec.subject_codes, start=1)
        if code in subjects
    )
    report.people_created += 1
    return person


def _ensure_business_account(role: str, unit: Unit, spec: PersonSpec, password_hash: str, report: DemoReport) -> None:
    username = BUSINESS_USERNAMES[role]
    if User.objects.filter(username=username).exists():
        return
    user = User.objects.create(
        username=username, kind=User.Kind.BUSINESS, display_name=spec.name, email=spec.email, password=password_hash
    )
    account = BusinessAccount.objects.create(
        user=user,
        unit=unit,
        role=role,
        status=BusinessAccount.Status.ACTIVE,
        decided_at=timezone.now(),
        name=spec.name,
        identity_encrypted=identity.encrypt(spec.number),
        identity_hash=identity.lookup_hash(spec.number),
        identity_masked=identity.mask(spec.number),
        email=spec.email or f"{username}@{EMAIL_DOMAIN}",
        phone=unit.phone[:32],
    )
    audit_record(actor=None, actor_label="system", action="business_account.demo_create", target=account, unit=unit)
    report.accounts_created += 1


def demo_data_build(*, actor=None, units: list[Unit], people: int = DEFAULT_PEOPLE, seed: int = DEFAULT_SEED) -> DemoReport:
    """Write the demo roster of each unit, business accounts at the first, and the shared demo logins.

    Idempotent: people are found by identity number and accounts by username, and existing
    ones are left as they are.
    """
    if not Subject.objects.exists():
        raise ValueError("the subject taxonomy is empty: run `manage.py load_reference_data` first.")
    report = DemoReport()
    password_hash = make_password(DEMO_PASSWORD)
    subjects = {subject.code: subject for subject in Subject.objects.all()}
    with transaction.atomic():
        for position, unit in enumerate(units):
            specs = demo_roster_specs(unit, people=people, seed=seed)
            for spec in specs:
                _write_person(spec, unit, password_hash, subjects, report)
            report.units.append(unit.code)
            if position == 0:
                # The 總負責人 is the unit's first 主任, the others are 組長 or teachers.
                candidates = [spec for spec in specs if spec.title in (Title.DIRECTOR, Title.SECTION_CHIEF, Title.KG_DIRECTOR)]
                candidates += [spec for spec in specs if spec not in candidates]
                for role, spec in zip((Role.CHIEF, Role.CONTACT, Role.OPERATOR), candidates, strict=False):
                    _ensure_business_account(role, unit, spec, password_hash, report)
                _ensure_user(
                    AUTHORITY_USERNAME, password_hash, report,
                    kind=User.Kind.AUTHORITY, authority=unit.authority, display_name=unit.authority.name,
                )
        _ensure_user(
            ADMIN_USERNAME, password_hash, report,
            kind=User.Kind.ADMIN, is_staff=True, is_superuser=True, display_name="系統管理者",
        )
        if report.people_created or report.accounts_created or report.users_created:
            audit_record(
                actor=actor,
                actor_label="" if actor else "system",
                action="demo_data.build",
                target=units[0],
                unit=units[0],
                after={"units": report.units, "people_created": report.people_created, "seed": seed},
            )
    return report


def _ensure_user(username: str, password_hash: str, report: DemoReport, **values) -> None:
    _, created = User.objects.get_or_create(username=username, defaults={"password": password_hash, **values})
    report.users_created += int(created)


def demo_logins() -> list[dict]:
    """Return the demo sign-in accounts that exist, with role and unit, for printing."""
    rows = []
    for role, username in BUSINESS_USERNAMES.items():
        account = BusinessAccount.objects.select_related("unit").filter(user__username=username).first()
        if account:
            rows.append({"username": username, "role": str(Role(role).label), "unit": f"{account.unit.name} ({account.unit.code})"})
    authority_user = User.objects.select_related("authority").filter(username=AUTHORITY_USERNAME).first()
    if authority_user:
        rows.append({"username": AUTHORITY_USERNAME, "role": str(User.Kind.AUTHORITY.label), "unit": authority_user.authority.name})
    if User.objects.filter(username=ADMIN_USERNAME).exists():
        rows.append({"username": ADMIN_USERNAME, "role": str(User.Kind.ADMIN.label), "unit": ""})
    chief = BusinessAccount.objects.filter(user__username=CHIEF_USERNAME).first()
    teachers = Person.objects.filter(
        user__isnull=False, user__is_active=True, user__kind=User.Kind.TEACHER, is_roaming=False
    ).select_related("user")
    if chief is not None:
        teachers = teachers.filter(memberships__unit_id=chief.unit_id, memberships__end_date__isnull=True)
    teacher = teachers.order_by("user__username").first()
    if teacher:
        membership = teacher.memberships.filter(end_date__isnull=True).select_related("unit").first()
        unit_label = f"{membership.unit.name} ({membership.unit.code})" if membership else ""
        rows.append({"username": teacher.user.username, "role": str(User.Kind.TEACHER.label), "unit": unit_label})
    for row in rows:
        row["password"] = DEMO_PASSWORD
    return rows
