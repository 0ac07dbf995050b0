from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class HoursConfig(AppConfig):
    name = "inservice.hours"
    label = "hours"
    verbose_name = _("Hours")

    def ready(self) -> None:
        from . import navigation  # noqa: F401 - registers this app's menu entries
