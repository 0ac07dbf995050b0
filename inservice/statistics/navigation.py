"""Menu entries of the statistics app."""

from django.utils.translation import gettext_lazy as _

from inservice.core.navigation import NavItem, register
from inservice.core.policy import Capability

register(NavItem(label=_("Statistics and charts"), url_name="statistics:index", capability=Capability.STATISTICS, order=80))
