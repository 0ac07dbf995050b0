"""Every course URL declares who may use it, as the permission policy requires."""

import pytest

from inservice.core.policy import Capability
from inservice.courses import urls

EXPECTED = {
    "search": "public",
    "detail": "public",
    "create": Capability.COURSE_CREATE,
    "manage": Capability.COURSE_MANAGE,
    "manage_detail": Capability.COURSE_MANAGE,
    "edit": Capability.COURSE_MANAGE,
    "transition": Capability.COURSE_MANAGE,
    "decide": Capability.COURSE_MANAGE,
    "my_enrolments": Capability.TEACHER_SELF,
    "cancel": Capability.TEACHER_SELF,
    "enrol": Capability.TEACHER_SELF,
}


def declared(view):
    if getattr(view, "is_public", False):
        return "public"
    return getattr(view, "required_capability", None)


@pytest.mark.parametrize("pattern", urls.urlpatterns, ids=lambda pattern: pattern.name)
def test_view_declares_access(pattern):
    assert declared(pattern.callback) == EXPECTED[pattern.name]


def test_every_url_listed():
    assert {pattern.name for pattern in urls.urlpatterns} == set(EXPECTED)
