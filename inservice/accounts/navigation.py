"""Menu entries of this app."""

from django.utils.translation import gettext_lazy as _

from inservice.core.navigation import NavItem, register
from inservice.core.policy import Capability

register(
    NavItem(_("Unit business accounts"), "accounts:unit_accounts", Capability.UNIT_BUSINESS_ACCOUNTS, order=40),
    NavItem(_("Business accounts of my units"), "accounts:authority_accounts", Capability.AUTHORITY_CHIEFS, order=40),
    NavItem(_("Suspend or delete accounts"), "accounts:system_accounts", Capability.SYSTEM_ADMIN, order=90),
    # Every active business account has COURSE_CREATE, so this entry reaches each holder.
    NavItem(_("My business account"), "accounts:my_business_account", Capability.COURSE_CREATE, order=95),
)
