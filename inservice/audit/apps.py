from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AuditConfig(AppConfig):
    name = "inservice.audit"
    label = "audit"
    verbose_name = _("Audit")

    def ready(self) -> None:
        from . import navigation  # noqa: F401 - registers this app's menu entries
