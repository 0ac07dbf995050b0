from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class StatisticsConfig(AppConfig):
    name = "inservice.statistics"
    label = "statistics"
    verbose_name = _("Statistics")

    def ready(self) -> None:
        from . import navigation  # noqa: F401 - registers this app's menu entries
