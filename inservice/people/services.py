"""Writes to the roster: edits, account activation, transfers, registration and downloads.

Every function takes the acting user as ``actor``, checks it against the
permission policy, runs in one transaction with its audit event, and sends
e-mail only after the transaction commits.
"""

from __future__ import annotations

import datetime
import hashlib
import logging
import secrets
from collections.abc import Sequence
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from inservice.audit.services import audit_record
from inservice.core import identity
from inservice.core.masking import mask_name
from inservice.core.policy import Capability, access_person, has_capability, roster_unit
from inservice.organisations.models import Unit

from .models import (
    AccountStatus,
    ActivationLink,
    Membership,
    Person,
    PersonSubject,
    Subject,
    Title,
    UnitNotice,
)

logger = logging.getLogger(__name__)

# The end reasons a unit may choose on 離職/轉校/退休; the others are set by the system.
MANUAL_END_REASONS = (
    Membership.EndReason.LEFT,
    Membership.EndReason.TRANSFERRED,
    Membership.EndReason.RETIRED,
)
MAX_SUBJECTS = 20


class RosterError(Exception):
    """A domain rule refused the action; ``field`` names the form field it belongs to, if any."""

    def __init__(self, message, *, code: str, field: str | None = None, params: dict | None = None):
        self.message = message
        self.code = code
        self.field = field
        self.params = params or {}
        super().__init__(code)

    def __str__(self) -> str:
        return str(self.message) % self.params if self.params else str(self.message)


class NameMismatch(RosterError):
    """The identity number is on file under another name; the user must confirm the change."""


# --- Rules shared by several actions -------------------------------------------------------


def unit_allows_manual_transfer(unit: Unit) -> bool:
    """Say whether people may be moved in or out of ``unit`` by hand.

    Units whose people come from a synchronised source (全國教保資訊網,
    臺北市教師在職研習網) are changed there, never here.
    """
    from inservice.sync.policy import unit_allows_manual_transfer as sync_allows_manual_transfer

    return sync_allows_manual_transfer(unit)


def _require_manual_transfer(unit: Unit) -> None:
    if not unit_allows_manual_transfer(unit):
        raise RosterError(
            _(
                "%(unit)s receives its people from %(source)s every night, so people cannot be moved in "
                "or out by hand here. Make the change in %(source)s; it reaches this site the next morning."
            ),
            code="synced_unit",
            params={"unit": unit.name, "source": unit.get_sync_source_display()},
        )


def subjects_in_order(subject_ids: Sequence[int]) -> list[Subject]:
    """Return the active subjects for ``subject_ids`` in the given order, or raise ValidationError."""
    ids = [int(subject_id) for subject_id in subject_ids]
    if len(ids) != len(set(ids)):
        raise ValidationError(
            _("Teaching subjects: a subject is in the list twice. Choose each subject once."), code="duplicate"
        )
    if len(ids) > MAX_SUBJECTS:
        raise ValidationError(
            _("Teaching subjects: at most %(limit)d subjects can be listed. Remove some and save again."),
            code="too_many",
            params={"limit": MAX_SUBJECTS},
        )
    found = Subject.objects.filter(pk__in=ids, is_active=True).select_related("category", "parent").in_bulk()
    if len(found) != len(ids):
        raise ValidationError(
            _("Teaching subjects: a subject in the list no longer exists. Press Clear and choose again."),
            code="unknown",
        )
    return [found[subject_id] for subject_id in ids]


def _set_subjects(person: Person, subjects: Sequence[Subject]) -> None:
    person.subject_entries.all().delete()
    PersonSubject.objects.bulk_create(
        PersonSubject(person=person, subject=subject, position=position)
        for position, subject in enumerate(subjects, start=1)
    )


def _snapshot(person: Person, membership: Membership | None) -> dict:
    """Return the audited state of a person, with identity numbers masked."""
    subjects = list(
        person.subject_entries.order_by("position").values_list("subject__code", flat=True)
    )
    state = {
        "name": person.name,
        "gender": person.gender,
        "email": person.email,
        "account_status": person.account_status,
        "identity": person.identity_masked,
        "subjects": subjects,
    }
    if membership is not None:
        state.update(
            {
                "unit": membership.unit.code,
                "title": membership.title,
                "membership_id": membership.pk,
                "end_date": membership.end_date.isoformat() if membership.end_date else None,
                "end_reason": membership.end_reason,
            }
        )
    return state


def _current_membership(person: Person, *, unit: Unit | None = None) -> Membership | None:
    memberships = Membership.objects.select_for_update().select_related("unit").filter(
        person=person, end_date__isnull=True
    )
    if unit is not None:
        memberships = memberships.filter(unit=unit)
    return memberships.first()


def _send_later(subject: str, template: str, context: dict, recipients: Sequence[str]) -> None:
    """Render in the site's default language and send once the transaction commits."""
    if not recipients:
        return
    with translation.override(settings.LANGUAGE_CODE):
        body = render_to_string(template, context)
        subject_text = str(subject)

    def send():
        for address in recipients:
            send_mail(subject_text, body, settings.DEFAULT_FROM_EMAIL, [address])

    transaction.on_commit(send)


# --- 編輯帳號個人資料 and 修改個人基本資料 ---------------------------------------------------------


def person_update(
    *,
    actor,
    person_id: int,
    name: str,
    title: str,
    email: str,
    subject_ids: Sequence[int],
    ip_address: str | None = None,
) -> Person:
    """編輯帳號個人資料: a unit manager changes a person's name, title, e-mail and subjects."""
    unit = roster_unit(actor)
    subjects = subjects_in_order(subject_ids)

    with transaction.atomic():
        person = Person.objects.select_for_update().get(pk=access_person(actor, person_id).pk)
        membership = _current_membership(person, unit=unit)
        before = _snapshot(person, membership)

        person.name = name.strip()
        person.email = email.strip()
        person.save(update_fields=["name", "email", "updated_at"])
        membership.title = title
        membership.save(update_fields=["title", "updated_at"])
        _set_subjects(person, subjects)

        audit_record(
            actor=actor,
            action="person.update",
            target=person,
            before=before,
            after=_snapshot(person, membership),
            unit=unit,
            ip_address=ip_address,
        )
    logger.info("person %s updated by user %s", person.pk, actor.pk)
    return person


def person_update_own(*, actor, title: str, subject_ids: Sequence[int], ip_address: str | None = None) -> Person:
    """修改個人基本資料: a teacher updates their own title and this semester's subjects."""
    if not has_capability(actor, Capability.TEACHER_SELF):
        raise PermissionDenied
    if title not in Title.values:
        raise ValidationError(_("Title: choose one of the titles in the list."), code="invalid_title")
    subjects = subjects_in_order(subject_ids)

    with transaction.atomic():
        person = Person.objects.select_for_update().get(pk=actor.person.pk)
        membership = _current_membership(person)
        if membership is None:
            raise RosterError(
                _("You are not on any school's roster at the moment, so there is no title to update. "
                  "Ask your school to register you with 教師資料登錄."),
                code="no_membership",
            )
        before = _snapshot(person, membership)

        membership.title = title
        membership.save(update_fields=["title", "updated_at"])
        _set_subjects(person, subjects)

        audit_record(
            actor=actor,
            action="person.update_own",
            target=person,
            before=before,
            after=_snapshot(person, membership),
            unit=membership.unit,
            ip_address=ip_address,
        )
    return person


# --- 啟用教師帳號 -----------------------------------------------------------------------------------


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def person_activate(*, actor, person_id: int, ip_address: str | None = None) -> ActivationLink:
    """啟用教師帳號: create the teacher's personal account and e-mail a one-time set-password link.

    Sending again voids every earlier unused link of the person.
    """
    unit = roster_unit(actor)
    User = get_user_model()

    with transaction.atomic():
        person = Person.objects.select_for_update().get(pk=access_person(actor, person_id).pk)
        if not person.email:
            raise RosterError(
                _("The account cannot be activated without an e-mail address. Add the teacher's e-mail "
                  "with 編輯帳號個人資料 first."),
                code="no_email",
                field="email",
            )
        if person.account_status == AccountStatus.DISABLED:
            raise RosterError(
                _("This account is disabled. Ask the system administrator to enable it again."),
                code="disabled",
            )
        user = person.user
        if user is not None and user.has_usable_password():
            raise RosterError(
                _("The teacher has already set a password and can sign in. Nothing was sent."),
                code="already_active",
            )
        before = {"user_id": user.pk if user else None}

        if user is None:
            username = person.email.strip().lower()
            if User.objects.filter(username__iexact=username).exists():
                raise RosterError(
                    _("Another account already uses the e-mail address %(email)s as its username. "
                      "Check the teacher's e-mail address, or ask the system administrator."),
                    code="username_taken",
                    field="email",
                    params={"email": username},
                )
            user = User(username=username, kind=User.Kind.TEACHER, email=person.email, display_name=person.name)
            user.set_unusable_password()
            user.save()
            person.user = user
            person.save(update_fields=["user", "updated_at"])

        now = timezone.now()
        voided = ActivationLink.objects.filter(person=person, used_at__isnull=True, voided_at__isnull=True).update(
            voided_at=now
        )
        token = secrets.token_urlsafe(32)
        link = ActivationLink.objects.create(
            person=person,
            user=user,
            token_hash=_token_hash(token),
            created_by=actor,
            expires_at=now + datetime.timedelta(hours=settings.ACCOUNT_ACTIVATION_LINK_HOURS),
        )

        audit_record(
            actor=actor,
            action="person.activation_sent",
            target=person,
            before=before,
            after={"user_id": user.pk, "link_id": link.pk, "voided_links": voided, "expires_at": link.expires_at.isoformat()},
            unit=unit,
            ip_address=ip_address,
        )
        _send_later(
            _("[Inservice] Set the password of your teacher account"),
            "people/email/activation.txt",
            {
                "username": user.username,
                "url": settings.SITE_URL.rstrip("/") + reverse("people:set_password", args=[token]),
                "hours": settings.ACCOUNT_ACTIVATION_LINK_HOURS,
                "unit": unit,
            },
            [person.email],
        )
    logger.info("activation link %s sent for person %s (%s earlier voided)", link.pk, person.pk, voided)
    link.token = token  # Only for the caller (tests); never stored or logged.
    return link


def activation_link_use(*, token: str, password: str, ip_address: str | None = None):
    """Set the first password through a one-time link; the link is then spent. Returns the user."""
    with transaction.atomic():
        link = (
            ActivationLink.objects.select_for_update()
            .select_related("user", "person")
            .filter(token_hash=_token_hash(token))
            .first()
        )
        if link is None or link.used_at or link.voided_at or link.expires_at <= timezone.now():
            raise RosterError(
                _("This link is no longer valid: it was used already, replaced by a newer one, or has "
                  "expired. Ask your school to send a new one with 啟用教師帳號."),
                code="link_invalid",
            )
        user = link.user
        user.set_password(password)
        user.is_active = True
        user.save(update_fields=["password", "is_active"])
        link.used_at = timezone.now()
        link.save(update_fields=["used_at"])
        person = link.person
        before = {"account_status": person.account_status}
        person.account_status = AccountStatus.ACTIVE
        person.save(update_fields=["account_status", "updated_at"])

        membership = Membership.objects.filter(person=person, end_date__isnull=True).select_related("unit").first()
        audit_record(
            actor=user,
            action="person.account_activated",
            target=person,
            before=before,
            after={"account_status": person.account_status, "link_id": link.pk},
            unit=membership.unit if membership else None,
            ip_address=ip_address,
        )
    return user


# --- 離職 / 轉校 / 退休 ---------------------------------------------------------------------------


def membership_end(
    *, actor, person_id: int, reason: str, end_date: datetime.date, ip_address: str | None = None
) -> Membership:
    """離職/轉校/退休: end the person's membership at the actor's unit; person and history remain."""
    unit = roster_unit(actor)
    _require_manual_transfer(unit)
    if reason not in MANUAL_END_REASONS:
        raise RosterError(
            _("Reason: choose 離職, 轉校 or 退休."), code="invalid_reason", field="reason"
        )

    with transaction.atomic():
        person = Person.objects.select_for_update().get(pk=access_person(actor, person_id).pk)
        membership = _current_membership(person, unit=unit)
        if end_date < membership.start_date:
            raise RosterError(
                _("End date: %(date)s is before the teacher started at this school. Enter a later date."),
                code="before_start",
                field="end_date",
                params={"date": end_date.isoformat()},
            )
        if end_date > timezone.localdate():
            raise RosterError(
                _("End date: the date cannot be in the future. Come back on the last day or enter today."),
                code="future",
                field="end_date",
            )
        before = _snapshot(person, membership)

        membership.end_date = end_date
        membership.end_reason = reason
        membership.save(update_fields=["end_date", "end_reason", "updated_at"])

        audit_record(
            actor=actor,
            action="membership.end",
            target=person,
            before=before,
            after=_snapshot(person, membership),
            unit=unit,
            ip_address=ip_address,
        )
    return membership


# --- 教師資料登錄 (新進教師轉入) ----------------------------------------------------------------------


@dataclass(frozen=True)
class Registration:
    person: Person
    membership: Membership
    created: bool
    previous_unit: Unit | None


def person_register(
    *,
    actor,
    identity_number: str,
    name: str,
    gender: str,
    title: str,
    email: str,
    subject_ids: Sequence[int] = (),
    name_confirmed: bool = False,
    ip_address: str | None = None,
) -> Registration:
    """教師資料登錄: move an existing person to the actor's unit, or add a new person 待申請.

    Two units registering the same new number at once end with one person:
    the unique look-up hash makes the second insert fail, and that request
    then carries on as a move of the person the first one created.
    """
    unit = roster_unit(actor)
    _require_manual_transfer(unit)
    number = identity.validate(identity_number)
    subjects = subjects_in_order(subject_ids)
    name = name.strip()
    email = email.strip()
    today = timezone.localdate()

    with transaction.atomic():
        number_hash = identity.lookup_hash(number)
        person = Person.objects.select_for_update().filter(identity_hash=number_hash).first()
        created = False
        if person is None:
            person = Person(name=name, gender=gender, email=email, account_status=AccountStatus.PENDING)
            person.set_identity_number(number)
            try:
                with transaction.atomic():
                    person.save()
                created = True
            except IntegrityError:
                # Another unit registered the same number a moment ago.
                person = Person.objects.select_for_update().get(identity_hash=number_hash)

        previous = None if created else _current_membership(person)
        if not created:
            if previous is not None and previous.unit_id == unit.pk:
                raise RosterError(
                    _("This teacher is already on your unit's roster. Use 檢視資料 to change their data."),
                    code="already_here",
                    field="identity_number",
                )
            if previous is not None:
                _require_manual_transfer(previous.unit)
            if person.name != name and not name_confirmed:
                raise NameMismatch(
                    _("This identity number is on file under the name %(stored)s, not %(entered)s. Check "
                      "the name; if the person changed their name, tick the confirmation and register again."),
                    code="name_mismatch",
                    field="name",
                    params={"stored": mask_name(person.name), "entered": mask_name(name)},
                )
        before = {} if created else _snapshot(person, previous)

        if not created:
            person.name = name
            person.gender = gender
            if email:
                person.email = email
            person.save(update_fields=["name", "gender", "email", "updated_at"])
        if previous is not None:
            previous.end_date = max(today, previous.start_date)
            previous.end_reason = Membership.EndReason.MOVED_IN_ELSEWHERE
            previous.save(update_fields=["end_date", "end_reason", "updated_at"])
        membership = Membership.objects.create(
            person=person, unit=unit, title=title, start_date=today, source=Membership.Source.MANUAL
        )
        if subjects or created:
            _set_subjects(person, subjects)

        audit_record(
            actor=actor,
            action="person.register_new" if created else "person.register_move",
            target=person,
            before=before,
            after=_snapshot(person, membership),
            unit=unit,
            ip_address=ip_address,
        )
        if previous is not None:
            unit_notify_person_left(
                person=person,
                old_unit=previous.unit,
                new_unit=unit,
                reason=Membership.EndReason.MOVED_IN_ELSEWHERE,
                actor=actor,
                ip_address=ip_address,
            )
    logger.info("person %s registered at unit %s (created=%s)", person.pk, unit.pk, created)
    return Registration(person=person, membership=membership, created=created, previous_unit=previous.unit if previous else None)


def unit_notify_person_left(
    *,
    person: Person,
    old_unit: Unit,
    new_unit: Unit | None,
    reason: str,
    actor=None,
    actor_label: str = "",
    ip_address: str | None = None,
) -> UnitNotice:
    """Tell ``old_unit``'s managers that ``person`` now serves elsewhere.

    Writes an in-app notice and e-mails the unit's active 總負責人 and
    連絡人 after the transaction commits. Roaming sign-in can call this too.
    """
    from inservice.accounts.models import BusinessAccount, Role

    with transaction.atomic():
        notice = UnitNotice.objects.create(
            unit=old_unit, kind=UnitNotice.Kind.PERSON_LEFT, person=person, other_unit=new_unit, reason=reason
        )
        audit_record(
            actor=actor,
            actor_label=actor_label,
            action="unit.notified_person_left",
            target=notice,
            after={"person_id": person.pk, "new_unit": new_unit.code if new_unit else None, "reason": reason},
            unit=old_unit,
            ip_address=ip_address,
        )
        recipients = list(
            BusinessAccount.objects.filter(
                unit=old_unit,
                role__in=[Role.CHIEF, Role.CONTACT],
                status=BusinessAccount.Status.ACTIVE,
                user__is_active=True,
            )
            .order_by("pk")
            .values_list("email", flat=True)
        )
        _send_later(
            _("[Inservice] A teacher of your unit now serves at another unit"),
            "people/email/person_left.txt",
            {
                "person_name": mask_name(person.name),
                "identity": person.identity_masked,
                "old_unit": old_unit,
                "new_unit": new_unit,
                "reason": Membership.EndReason(reason).label,
                "url": settings.SITE_URL.rstrip("/") + reverse("people:notices"),
            },
            recipients,
        )
    return notice


# --- 資料下載 --------------------------------------------------------------------------------------


def roster_download_record(
    *, actor, file_format: str, filters: dict, row_count: int, ip_address: str | None = None
) -> None:
    """Audit one roster download with its format, the filters applied and the number of rows."""
    unit = roster_unit(actor)
    with transaction.atomic():
        audit_record(
            actor=actor,
            action="roster.download",
            target=unit,
            after={"format": file_format, "filters": filters, "rows": row_count},
            unit=unit,
            ip_address=ip_address,
        )
