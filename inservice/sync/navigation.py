"""Menu entries of the sync app."""

from django.utils.translation import gettext_lazy as _

from inservice.core.navigation import NavItem, register
from inservice.core.policy import Capability

register(NavItem(label=_("Synchronisation"), url_name="sync:run_list", capability=Capability.SYSTEM_ADMIN, order=80))
