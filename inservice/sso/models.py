"""Identities at the MOE education identity service, linked to roster people."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from inservice.people.models import Person


class SsoIdentity(models.Model):
    """One (issuer, subject) pair of the identity service and the roster person it signs in as.

    Roaming sign-ins are matched on this pair only. The identity number links
    a new pair to a person at its first sign-in, and the e-mail address is never used.
    """

    issuer = models.CharField(_("issuer"), max_length=255)
    subject = models.CharField(_("subject"), max_length=255)
    person = models.ForeignKey(
        Person, on_delete=models.CASCADE, related_name="sso_identities", verbose_name=_("person")
    )
    created_at = models.DateTimeField(_("linked at"), auto_now_add=True)
    last_sign_in_at = models.DateTimeField(_("last roaming sign-in"), null=True, blank=True)

    class Meta:
        ordering = ["issuer", "subject", "pk"]
        verbose_name = _("identity service account")
        verbose_name_plural = _("identity service accounts")
        constraints = [
            models.UniqueConstraint(fields=["issuer", "subject"], name="sso_identity_unique_subject"),
        ]

    def __str__(self) -> str:
        return f"SsoIdentity {self.pk} (person {self.person_id})"
