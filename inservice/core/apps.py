from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "inservice.core"
    label = "core"
    verbose_name = _("Core")

    def ready(self) -> None:
        from . import navigation  # noqa: F401 - registers this app's menu entries
