"""The units a statistics request covers: the actor's scope, optionally narrowed by the request."""

from __future__ import annotations

from dataclasses import dataclass

from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from inservice.core import roc
from inservice.core.policy import Capability, has_capability, units_in_scope
from inservice.organisations.models import Authority

# School years offered in the year picker, counting back from the current one.
YEARS_OFFERED = 5


@dataclass
class StatisticsScope:
    units: object  # Unit queryset
    label: str
    school_year: int
    calendar_year: int
    unit_code: str
    authority_code: str
    is_national: bool
    many_units: bool
    authorities: list


def resolve_scope(request) -> StatisticsScope:
    """Resolve the units and years of a request within the actor's scope, raising Http404 outside it."""
    user = request.user
    units = units_in_scope(user)
    is_admin = has_capability(user, Capability.SYSTEM_ADMIN)
    today = timezone.localdate()
    current = roc.school_year_of(today)

    school_year = _int_param(request, "school_year", current)
    if not current - YEARS_OFFERED < school_year <= current:
        school_year = current
    calendar_year = roc.school_year_bounds(school_year)[1].year if school_year != current else today.year

    authority_code = request.GET.get("authority", "").strip() if is_admin else ""
    unit_code = request.GET.get("unit", "").strip()
    if is_admin:
        label = _("Nationwide")
    elif user.kind == "authority":
        label = user.authority.name
    else:
        first = units.first()
        label = first.name if first else ""

    if authority_code:
        authority = Authority.objects.filter(code=authority_code).first()
        if authority is None:
            raise Http404
        units = units.filter(authority=authority)
        label = authority.name
    if unit_code:
        unit = units.filter(code=unit_code).first()
        if unit is None:
            raise Http404
        units = units.filter(pk=unit.pk)
        label = unit.name

    return StatisticsScope(
        units=units,
        label=label,
        school_year=school_year,
        calendar_year=calendar_year,
        unit_code=unit_code,
        authority_code=authority_code,
        is_national=is_admin and not authority_code and not unit_code,
        many_units=is_admin or user.kind == "authority",
        authorities=list(Authority.objects.order_by("code")) if is_admin else [],
    )


def _int_param(request, name: str, default: int) -> int:
    try:
        return int(request.GET.get(name, default))
    except (TypeError, ValueError):
        return default


def school_years_offered() -> list[int]:
    current = roc.school_year_of(timezone.localdate())
    return [current - offset for offset in range(YEARS_OFFERED)]
