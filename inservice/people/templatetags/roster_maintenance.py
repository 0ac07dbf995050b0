from django import template

from inservice.people.services import unit_allows_manual_transfer

register = template.Library()


@register.filter
def allows_manual_transfer(unit) -> bool:
    """True when people may be moved in or out of ``unit`` by hand (it is not synced)."""
    return unit_allows_manual_transfer(unit)


@register.filter
def picker_label(subject) -> str:
    """Format a subject as the picker's 選擇科目 lists it: a sub-subject after its parent."""
    return f"{subject.parent.name} {subject.name}" if subject.parent_id else subject.name
