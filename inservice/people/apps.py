from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PeopleConfig(AppConfig):
    name = "inservice.people"
    label = "people"
    verbose_name = _("Roster")

    def ready(self) -> None:
        from . import navigation  # noqa: F401 - registers this app's menu entries
