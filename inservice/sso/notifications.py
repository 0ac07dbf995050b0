"""Telling a unit that one of its people moved away through a roaming sign-in."""

from __future__ import annotations

import logging

from django.conf import settings
from django.core.mail import send_mail
from django.utils import translation
from django.utils.translation import gettext as _

from inservice.accounts.models import BusinessAccount, Role
from inservice.core.masking import mask_name
from inservice.core.roc import roc_long
from inservice.organisations.models import Unit
from inservice.people.models import Membership

logger = logging.getLogger(__name__)

NOTIFIED_ROLES = (Role.CHIEF, Role.CONTACT)


def notify_old_unit_of_roaming_move(*, ended: Membership, new_unit: Unit) -> int:
    """E-mail the old unit's active 總負責人 and 連絡人 that ``ended`` closed by roaming.

    Each recipient gets their own message, in the site's default language,
    with the person's name and identity number masked. Returns how many
    messages were sent.
    """
    recipients = list(
        BusinessAccount.objects.filter(
            unit_id=ended.unit_id,
            role__in=NOTIFIED_ROLES,
            status=BusinessAccount.Status.ACTIVE,
            user__is_active=True,
        )
        .exclude(email="")
        .order_by("pk")
        .values_list("email", flat=True)
    )
    if not recipients:
        logger.info("Roaming move not e-mailed: unit %s has no active chief or contact", ended.unit_id)
        return 0

    person = ended.person
    with translation.override(settings.LANGUAGE_CODE):
        subject = _("Roaming sign-in moved a teacher out of %(unit)s") % {"unit": ended.unit.name}
        body = _(
            "%(name)s (identity number %(identity)s) signed in through the MOE education identity "
            "service on %(date)s. That service lists %(new_unit)s (%(new_code)s) as their school, so "
            "their membership at %(unit)s ended with the reason “roaming change” and a membership at "
            "%(new_unit)s started.\n\n"
            "If the move is wrong, the teacher should correct their school at https://www.sso.edu.tw "
            "(Account management → Update personal data), and the school should update the county's "
            "school records. Service desk: %(phone)s"
        ) % {
            "name": mask_name(person.name),
            "identity": person.identity_masked,
            "date": roc_long(ended.end_date),
            "new_unit": new_unit.name,
            "new_code": new_unit.code,
            "unit": ended.unit.name,
            "phone": settings.SUPPORT_PHONE,
        }

    for address in recipients:
        send_mail(subject, body, None, [address])
    logger.info("Roaming move e-mailed: membership %s, %s recipients", ended.pk, len(recipients))
    return len(recipients)
