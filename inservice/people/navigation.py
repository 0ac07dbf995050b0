"""Menu entries of the roster."""

from django.utils.translation import gettext_lazy as _

from inservice.core.navigation import NavItem, register
from inservice.core.policy import Capability

# Order 40 keeps the permission matrix's order: courses, business accounts, this, statistics.
register(
    NavItem(label=_("Unit teacher accounts"), url_name="people:roster", capability=Capability.UNIT_ROSTER, order=40)
)
