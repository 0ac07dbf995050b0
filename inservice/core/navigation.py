"""The menu: each app registers its entries here, and each user sees those they may use.

An entry names the capability it needs, so the menu can never offer a
function that the policy would deny.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.urls import NoReverseMatch, reverse

from .policy import Capability, capabilities_of


@dataclass(frozen=True)
class NavItem:
    label: str
    url_name: str
    capability: Capability
    order: int = 100


_ITEMS: dict[str, NavItem] = {}


def register(*items: NavItem) -> None:
    for item in items:
        _ITEMS[item.url_name] = item


def items_for(user) -> list[dict]:
    """Return the menu entries ``user`` may use, each with its resolved URL."""
    capabilities = capabilities_of(user)
    visible = []
    for item in sorted(_ITEMS.values(), key=lambda entry: (entry.order, entry.url_name)):
        if item.capability not in capabilities:
            continue
        try:
            url = reverse(item.url_name)
        except NoReverseMatch:
            continue
        visible.append({"label": item.label, "url": url, "url_name": item.url_name})
    return visible
