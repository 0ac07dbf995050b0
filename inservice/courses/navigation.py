"""Menu entries of 研習課程."""

from django.utils.translation import gettext_lazy as _

from inservice.core.navigation import NavItem, register
from inservice.core.policy import Capability

register(
    NavItem(label=_("Course registration"), url_name="courses:create", capability=Capability.COURSE_CREATE, order=30),
    NavItem(label=_("Course management"), url_name="courses:manage", capability=Capability.COURSE_MANAGE, order=31),
    NavItem(label=_("Course search"), url_name="courses:search", capability=Capability.SIGNED_IN, order=60),
    NavItem(label=_("My enrolments"), url_name="courses:my_enrolments", capability=Capability.TEACHER_SELF, order=61),
)
