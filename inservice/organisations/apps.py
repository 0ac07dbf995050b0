from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OrganisationsConfig(AppConfig):
    name = "inservice.organisations"
    label = "organisations"
    verbose_name = _("Organisations")

    def ready(self) -> None:
        from . import navigation  # noqa: F401 - registers this app's menu entries
