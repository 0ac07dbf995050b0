from django.core.paginator import Paginator
from django.shortcuts import render

from inservice.core.policy import Capability, capability_required, roster_unit

from . import selectors
from .forms import RosterFilterForm


@capability_required(Capability.UNIT_ROSTER)
def roster_list(request):
    """Show 本單位教師帳號管理: the unit's people with figures, search, subject filter and pages."""
    unit = roster_unit(request.user)
    form = RosterFilterForm(request.GET, subject_choices=selectors.subject_filter_choices(unit=unit))

    people = selectors.roster_people(
        actor=request.user, name_query=form.value_of("q"), subject_ids=form.value_of("subjects")
    )
    page = Paginator(people, form.value_of("per_page")).get_page(request.GET.get("page"))

    context = {
        "unit": unit,
        "form": form,
        "subject_groups": form.fields["subjects"].choices,
        "selected_subjects": form.value_of("subjects"),
        "figures": selectors.roster_figures(actor=request.user),
        "page": page,
        "page_range": page.paginator.get_elided_page_range(page.number, on_each_side=2, on_ends=1),
        "is_filtered": bool(form.value_of("q") or form.value_of("subjects")),
        # Carried to 檢視資料 so its back link returns to the same search and page.
        "list_query": request.GET.urlencode(),
    }
    return render(request, "people/roster_list.html", context)


@capability_required(Capability.UNIT_ROSTER)
def person_detail(request, person_id: int):
    """Show 檢視資料 for one person of the unit's roster. Anyone else is a 404."""
    person = selectors.roster_person(actor=request.user, person_id=person_id)
    membership = person.current_memberships[0]

    context = {"person": person, "membership": membership, "subject_entries": person.subject_entries.all()}
    return render(request, "people/person_detail.html", context)
