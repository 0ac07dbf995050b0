"""Roaming sign-in: match the person, update their service unit, create or link their account."""

from __future__ import annotations

import enum
import logging
import secrets
from dataclasses import dataclass
from functools import partial

from django.db import IntegrityError, transaction
from django.utils import timezone

from inservice.accounts.models import User
from inservice.audit.services import audit_record
from inservice.core import identity
from inservice.organisations.models import Unit
from inservice.people.models import AccountStatus, Category, Gender, Membership, Person, Title

from .claims import RoamingClaims
from .models import SsoIdentity
from .notifications import notify_old_unit_of_roaming_move

logger = logging.getLogger(__name__)

AUDIT_ACTOR_LABEL = "sso"
USERNAME_PREFIX = "sso-"


class RefusalReason(str, enum.Enum):
    """Reason code of a refused roaming sign-in, as written to the log."""

    STUDENT = "student"
    NO_STAFF_TITLE = "no_staff_title"
    UNIT_NOT_SERVED = "unit_not_served"
    UNIT_INACTIVE = "unit_inactive"
    UNKNOWN_SCHOOL = "unknown_school"
    MISSING_SCHOOL = "missing_school"
    UNMATCHED_PERSON = "unmatched_person"
    MISSING_NAME = "missing_name"
    PERSON_CONFLICT = "person_conflict"
    ACCOUNT_DISABLED = "account_disabled"
    ACCOUNT_NOT_PERSONAL = "account_not_personal"


class RoamingRefused(Exception):
    """The person may not sign in by roaming; the view shows a page for ``reason``."""

    def __init__(self, reason: RefusalReason, *, school_code: str = ""):
        super().__init__(reason.value)
        self.reason = reason
        self.school_code = school_code


@dataclass(frozen=True)
class RoamingOutcome:
    user: User
    person: Person
    unit: Unit
    # The unit the person left at this sign-in, or None when the unit did not change.
    previous_unit: Unit | None
    person_created: bool
    account_created: bool


def roaming_sign_in(*, claims: RoamingClaims, ip_address: str | None = None) -> RoamingOutcome:
    """Apply a verified roaming sign-in to the roster and return the account to sign in.

    Raises RoamingRefused for students, schools this site does not serve,
    people who cannot be matched and accounts that may not be used.
    """
    unit = _eligible_unit(claims)

    try:
        return _apply_sign_in(claims=claims, unit=unit, ip_address=ip_address)
    except IntegrityError:
        # Two callbacks for the same new person ran at once and the other one
        # created the rows first; a second pass finds and uses them.
        logger.info("Roaming sign-in retried after a concurrent first sign-in")
        return _apply_sign_in(claims=claims, unit=unit, ip_address=ip_address)


def _eligible_unit(claims: RoamingClaims) -> Unit:
    if claims.is_student:
        raise RoamingRefused(RefusalReason.STUDENT, school_code=claims.school_code)
    if not claims.has_titles:
        raise RoamingRefused(RefusalReason.NO_STAFF_TITLE, school_code=claims.school_code)
    if not claims.school_code:
        raise RoamingRefused(RefusalReason.MISSING_SCHOOL)
    if not claims.has_k12_code_form:
        raise RoamingRefused(RefusalReason.UNIT_NOT_SERVED, school_code=claims.school_code)

    unit = Unit.objects.filter(code=claims.school_code).first()
    if unit is None:
        raise RoamingRefused(RefusalReason.UNKNOWN_SCHOOL, school_code=claims.school_code)
    if not unit.is_active:
        raise RoamingRefused(RefusalReason.UNIT_INACTIVE, school_code=claims.school_code)
    return unit


@transaction.atomic
def _apply_sign_in(*, claims: RoamingClaims, unit: Unit, ip_address: str | None) -> RoamingOutcome:
    link = (
        SsoIdentity.objects.select_for_update()
        .filter(issuer=claims.issuer, subject=claims.subject)
        .first()
    )
    person, person_created = _matched_person(claims=claims, link=link)
    _check_account_usable(person)

    status_before = person.account_status
    user, account_created = _ensure_account(person)
    audit = partial(audit_record, actor=user, actor_label=AUDIT_ACTOR_LABEL, ip_address=ip_address)
    if person_created:
        audit(action="person.create", target=person, after={"source": "sso"}, unit=unit)
    if link is None:
        link = SsoIdentity.objects.create(issuer=claims.issuer, subject=claims.subject, person=person)
        audit(action="sso.identity_link", target=link, after={"person": person.pk})
    if account_created:
        audit(
            action="account.create",
            target=user,
            after={"kind": user.kind, "person": person.pk, "roaming": True},
            unit=unit,
        )
    elif person.account_status != status_before:
        audit(
            action="person.account_status",
            target=person,
            before={"account_status": status_before},
            after={"account_status": person.account_status},
            unit=unit,
        )

    previous_unit = _move_to_unit(person=person, unit=unit, titles=claims.titles, audit=audit)

    link.last_sign_in_at = timezone.now()
    link.save(update_fields=["last_sign_in_at"])
    return RoamingOutcome(
        user=user,
        person=person,
        unit=unit,
        previous_unit=previous_unit,
        person_created=person_created,
        account_created=account_created,
    )


def _matched_person(*, claims: RoamingClaims, link: SsoIdentity | None) -> tuple[Person, bool]:
    """Return the person for this sign-in and whether it was created now.

    An existing (issuer, subject) link decides; otherwise the identity
    number from ``personid`` finds the roster person. E-mail never matches.
    """
    number_hash = identity.lookup_hash(claims.identity_number) if claims.identity_number else ""

    if link is not None:
        person = Person.objects.select_for_update().get(pk=link.person_id)
        if number_hash and number_hash != person.identity_hash:
            # The service now reports another identity number for this subject.
            raise RoamingRefused(RefusalReason.PERSON_CONFLICT, school_code=claims.school_code)
        return person, False

    if not number_hash:
        raise RoamingRefused(RefusalReason.UNMATCHED_PERSON, school_code=claims.school_code)
    person = Person.objects.select_for_update().filter(identity_hash=number_hash).first()
    if person is not None:
        return person, False

    if not claims.name:
        raise RoamingRefused(RefusalReason.MISSING_NAME, school_code=claims.school_code)
    person = Person(name=claims.name, gender=_gender_of(claims.identity_number), email=claims.email)
    person.set_identity_number(claims.identity_number)
    person.save()
    return person, True


def _check_account_usable(person: Person) -> None:
    if person.account_status == AccountStatus.DISABLED:
        raise RoamingRefused(RefusalReason.ACCOUNT_DISABLED)
    user = person.user
    if user is None:
        return
    if user.kind != User.Kind.TEACHER:
        # Roaming signs in personal accounts only, never a business, authority or admin account.
        raise RoamingRefused(RefusalReason.ACCOUNT_NOT_PERSONAL)
    if not user.is_active:
        raise RoamingRefused(RefusalReason.ACCOUNT_DISABLED)


def _ensure_account(person: Person) -> tuple[User, bool]:
    """Return the person's personal account, creating it (帳號漫遊) if there is none."""
    if person.user is not None:
        if person.account_status != AccountStatus.ACTIVE:
            person.account_status = AccountStatus.ACTIVE
            person.save(update_fields=["account_status", "updated_at"])
        return person.user, False

    user = User(username=_new_username(), kind=User.Kind.TEACHER, display_name=person.name, email=person.email)
    # Roaming accounts sign in through the identity service only, until a password is set.
    user.set_unusable_password()
    user.save()

    person.user = user
    person.account_status = AccountStatus.ACTIVE
    person.is_roaming = True
    person.save(update_fields=["user", "account_status", "is_roaming", "updated_at"])
    return user, True


def _new_username() -> str:
    while True:
        candidate = f"{USERNAME_PREFIX}{secrets.token_hex(5)}"
        if not User.objects.filter(username=candidate).exists():
            return candidate


def _move_to_unit(*, person: Person, unit: Unit, titles: tuple[tuple[str, ...], ...], audit) -> Unit | None:
    """Make ``unit`` the person's current unit; return the unit left, if any."""
    current = (
        Membership.objects.select_for_update()
        .select_related("unit")
        .filter(person=person, end_date__isnull=True)
        .first()
    )
    if current is not None and current.unit_id == unit.pk:
        return None

    today = timezone.localdate()
    if current is not None:
        # A membership dated to start in the future ends on its start day.
        current.end_date = max(today, current.start_date)
        current.end_reason = Membership.EndReason.ROAMING
        current.save(update_fields=["end_date", "end_reason", "updated_at"])
        audit(
            action="membership.end",
            target=current,
            before={"end_date": None},
            after={"end_date": current.end_date.isoformat(), "end_reason": current.end_reason},
            unit=current.unit,
        )

    title, category = _title_for(previous=current, titles=titles)
    started = Membership.objects.create(
        person=person,
        unit=unit,
        title=title,
        category=category,
        teaching_stage=current.teaching_stage if current is not None else "",
        start_date=today,
        source=Membership.Source.SSO,
    )
    audit(
        action="membership.roaming_move",
        target=started,
        before={"unit": current.unit_id if current is not None else None},
        after={"unit": unit.pk, "source": started.source},
        unit=unit,
    )

    if current is None:
        return None
    transaction.on_commit(partial(notify_old_unit_of_roaming_move, ended=current, new_unit=unit))
    return current.unit


def _title_for(*, previous: Membership | None, titles: tuple[tuple[str, ...], ...]) -> tuple[str, str]:
    """Return the 職稱 and category of the new membership.

    A move keeps what the person had. A first membership takes the first
    eduinfo title that is also a roster 職稱 (校長, 主任, 教保員, …), else 其他.
    """
    if previous is not None:
        return previous.title, previous.category
    for entry in titles:
        for value in entry:
            if value in Title.values:
                category = Category.STAFF if value == Title.STAFF else Category.TEACHER
                return value, category
    return Title.OTHER, Category.TEACHER


def _gender_of(number: str) -> str:
    """Read the gender that national IDs and new resident numbers encode in their second character."""
    second = number[1]
    if second in "18":
        return Gender.MALE
    if second in "29":
        return Gender.FEMALE
    return Gender.OTHER
