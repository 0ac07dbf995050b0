from django.conf import settings

from . import navigation as nav


def navigation(request):
    """Add the current user's menu entries and the support phone number to every page."""
    items = nav.items_for(request.user) if hasattr(request, "user") else []
    return {"nav_items": items, "support_phone": settings.SUPPORT_PHONE}
