from django import template
from django.conf import settings

register = template.Library()


@register.simple_tag
def sso_enabled() -> bool:
    """Tell templates whether roaming sign-in is switched on (SSO_ENABLED)."""
    return bool(settings.SSO_ENABLED)
