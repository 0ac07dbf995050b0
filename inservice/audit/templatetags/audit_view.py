import json

from django import template

register = template.Library()


@register.filter
def action_label(action: str, labels: dict) -> str:
    return labels.get(action, action)


@register.filter
def changed_fields(event) -> list[tuple[str, str, str]]:
    """(field, before, after) for each key of the event, values as compact JSON text."""
    keys = list(dict.fromkeys([*event.before.keys(), *event.after.keys()]))

    def show(values: dict, key: str) -> str:
        if key not in values:
            return ""
        value = values[key]
        return value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)

    return [(key, show(event.before, key), show(event.after, key)) for key in keys]
