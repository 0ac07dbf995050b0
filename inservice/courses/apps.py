from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoursesConfig(AppConfig):
    name = "inservice.courses"
    label = "courses"
    verbose_name = _("Courses")

    def ready(self) -> None:
        from . import navigation  # noqa: F401 - registers this app's menu entries
