"""Reads of the roster. Every function starts from the policy's scoped querysets."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass

from django.db.models import Count, Prefetch, Q, QuerySet
from django.shortcuts import get_object_or_404

from inservice.core.policy import people_in_scope
from inservice.organisations.models import Unit

from .models import AccountStatus, Category, Membership, Person, PersonSubject, Subject


@dataclass(frozen=True)
class RosterFigures:
    """Header figures of 本單位教師帳號管理. ``applied`` includes roaming accounts."""

    total: int
    applied: int
    applied_teachers: int
    applied_staff: int
    pending: int
    disabled: int


def roster_figures(*, actor) -> RosterFigures:
    """Count the people of the actor's unit by account status, in one query."""
    active = Q(person__account_status=AccountStatus.ACTIVE)
    counts = Membership.objects.filter(person__in=people_in_scope(actor), end_date__isnull=True).aggregate(
        total=Count("pk"),
        applied=Count("pk", filter=active),
        applied_teachers=Count("pk", filter=active & Q(category=Category.TEACHER)),
        applied_staff=Count("pk", filter=active & Q(category=Category.STAFF)),
        pending=Count("pk", filter=Q(person__account_status=AccountStatus.PENDING)),
        disabled=Count("pk", filter=Q(person__account_status=AccountStatus.DISABLED)),
    )
    return RosterFigures(**counts)


def roster_people(*, actor, name_query: str = "", subject_ids: Collection[int] = ()) -> QuerySet[Person]:
    """Return the actor's roster, filtered by a partial name and by any of ``subject_ids``.

    A chosen subject also matches its sub-subjects, so 本土語文 finds the
    teachers of 閩南語文. The ordering ends in the primary key, so pages never
    overlap.
    """
    # The list never needs the identity number, so its cipher text stays in the database.
    people = people_in_scope(actor).select_related("user").defer("identity_encrypted", "identity_hash")

    if name_query:
        people = people.filter(name__icontains=name_query)
    if subject_ids:
        teaching = PersonSubject.objects.filter(
            Q(subject_id__in=subject_ids) | Q(subject__parent_id__in=subject_ids)
        ).values("person_id")
        people = people.filter(pk__in=teaching)

    return people.order_by("name", "pk")


def roster_person(*, actor, person_id: int) -> Person:
    """Fetch one person of the actor's roster for 檢視資料, or raise Http404.

    The person carries ``current_memberships`` (a list of one) and
    ``subject_entries`` in the teacher's own order.
    """
    people = people_in_scope(actor).prefetch_related(
        Prefetch(
            "memberships",
            queryset=Membership.objects.filter(end_date__isnull=True).select_related("unit"),
            to_attr="current_memberships",
        ),
        Prefetch(
            "subject_entries",
            queryset=PersonSubject.objects.select_related("subject__category", "subject__parent").order_by(
                "position", "pk"
            ),
        ),
    )
    return get_object_or_404(people, pk=person_id)


def subject_filter_choices(*, unit: Unit) -> list[tuple[str, list[tuple[int, str]]]]:
    """Return the active subjects grouped by 科目類別, the unit's own stages first.

    Each group is ``(category name, [(subject id, label), …])``. A
    sub-subject's label starts with its parent's name.
    """
    subjects = Subject.objects.filter(is_active=True).select_related("category", "parent")
    own_stages = set(unit.stage_list)

    groups: dict[int, tuple[tuple[int, int, int], str, list[tuple[int, str]]]] = {}
    for subject in subjects:
        category = subject.category
        if category.pk not in groups:
            rank = 0 if category.stage in own_stages else 1
            groups[category.pk] = ((rank, category.sort_order, category.pk), category.name, [])
        label = f"{subject.parent.name} {subject.name}" if subject.parent_id else subject.name
        groups[category.pk][2].append((subject.pk, label))

    ordered = sorted(groups.values(), key=lambda group: group[0])
    return [(name, choices) for _key, name, choices in ordered]
