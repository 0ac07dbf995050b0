from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SsoConfig(AppConfig):
    name = "inservice.sso"
    label = "sso"
    verbose_name = _("Roaming sign-in")

    def ready(self) -> None:
        from . import navigation  # noqa: F401 - registers this app's menu entries
