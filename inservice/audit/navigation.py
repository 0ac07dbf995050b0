"""Menu entries of the audit viewer."""

from django.utils.translation import gettext_lazy as _

from inservice.core.navigation import NavItem, register
from inservice.core.policy import Capability

register(
    NavItem(label=_("Audit log"), url_name="audit:events", capability=Capability.SYSTEM_ADMIN, order=90),
    NavItem(label=_("Unit audit log"), url_name="audit:unit_events", capability=Capability.UNIT_ROSTER, order=45),
)
