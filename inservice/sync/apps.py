from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SyncConfig(AppConfig):
    name = "inservice.sync"
    label = "sync"
    verbose_name = _("Synchronisation")

    def ready(self) -> None:
        from . import navigation  # noqa: F401 - registers this app's menu entries
