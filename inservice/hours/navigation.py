"""Menu entries of the hours app."""

from django.utils.translation import gettext_lazy as _

from inservice.core.navigation import NavItem, register
from inservice.core.policy import Capability

register(
    NavItem(label=_("Data upload"), url_name="hours:courses", capability=Capability.COURSE_MANAGE, order=32),
    NavItem(label=_("My training record"), url_name="hours:mine", capability=Capability.TEACHER_SELF, order=30),
)
