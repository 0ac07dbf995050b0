"""Menu entries of the roster."""

from django.utils.translation import gettext_lazy as _

from inservice.core.navigation import NavItem, register
from inservice.core.policy import Capability

# Order 45 keeps the permission matrix's order: courses and data upload, business accounts (40),
# this page, statistics (80).
register(
    NavItem(label=_("Unit teacher accounts"), url_name="people:roster", capability=Capability.UNIT_ROSTER, order=45)
)

# Roster maintenance: 教師資料登錄 beside the list, and the teachers' own 修改個人基本資料.
register(
    NavItem(
        label=_("Register teacher data"), url_name="people:person_register", capability=Capability.UNIT_ROSTER, order=41
    ),
    NavItem(label=_("Update my basic data"), url_name="people:own_profile", capability=Capability.TEACHER_SELF, order=20),
)
