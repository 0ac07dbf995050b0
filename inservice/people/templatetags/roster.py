from django import template

from inservice.core.masking import mask_name

register = template.Library()


@register.filter
def masked_name(name) -> str:
    """Mask a person's name for screens that list people (謝志威 → 謝O威)."""
    return mask_name(name)
