"""Screens of 研習課程: public search and course page, registration, management and enrolment."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from inservice.audit.services import client_ip
from inservice.core.policy import Capability, capability_required, has_capability, public_view

from . import selectors, services
from .forms import (
    CourseForm,
    CourseSearchForm,
    EnrolmentDecisionForm,
    SessionFormSet,
    TransitionForm,
    course_form_with_more_rows,
    session_initial,
)
from .models import CourseState, Enrolment, EnrolmentStatus

PAGE_SIZE = 20
SESSION_PREFIX = "sessions"


# --- Public -----------------------------------------------------------------------------------


@public_view
def course_search(request):
    form = CourseSearchForm(request.GET or None, county_choices=selectors.county_choices())
    courses = selectors.course_search()
    if form.is_bound and form.is_valid():
        courses = selectors.course_search(**form.cleaned_data)
    elif form.is_bound:
        courses = courses.none()

    page = Paginator(courses, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "courses/search.html", {"form": form, "page": page, "query": query.urlencode()})


@public_view
def course_detail(request, code: str):
    course = selectors.public_course(code=code)
    context = {
        "course": course,
        "counts": selectors.enrolment_counts(course=course),
        "target": selectors.course_target_summary(course),
    }

    person = getattr(request.user, "person", None) if request.user.is_authenticated else None
    if person is not None and has_capability(request.user, Capability.TEACHER_SELF):
        context["enrolment"] = Enrolment.objects.filter(course=course, person=person).first()
        context["target_problem"] = services.enrolment_target_problem(course=course, person=person)
        context["is_teacher"] = True
    return render(request, "courses/detail.html", context)


# --- Teachers ---------------------------------------------------------------------------------


@capability_required(Capability.TEACHER_SELF)
@require_POST
def course_enrol(request, code: str):
    course = selectors.public_course(code=code)
    try:
        enrolment = services.enrolment_create(actor=request.user, course=course, ip_address=client_ip(request))
    except services.CourseError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _enrolment_message(enrolment.status))
    return redirect("courses:detail", code=course.code)


def _enrolment_message(status: str) -> str:
    if status == EnrolmentStatus.ADMITTED:
        return _("You are admitted. An admission notice for your school has been sent to your e-mail address.")
    if status == EnrolmentStatus.WAITLISTED:
        return _("The course is full, so you are on the waiting list. You will be admitted if a place frees up.")
    return _("Your enrolment has been received. The organiser will decide on admission.")


@capability_required(Capability.TEACHER_SELF)
@require_POST
def enrolment_cancel(request, enrolment_id: int):
    enrolment = get_object_or_404(Enrolment.objects.select_related("course"), pk=enrolment_id, person=request.user.person)
    try:
        services.enrolment_cancel(actor=request.user, enrolment=enrolment, ip_address=client_ip(request))
    except services.CourseError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Your enrolment in %(code)s is cancelled.") % {"code": enrolment.course.code})
    return redirect("courses:my_enrolments")


@capability_required(Capability.TEACHER_SELF)
def my_enrolments(request):
    enrolments = selectors.person_enrolments(person=request.user.person)
    page = Paginator(enrolments, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {"page": page, "cancellable_states": sorted(services.CANCELLABLE_COURSE_STATES)}
    return render(request, "courses/my_enrolments.html", context)


# --- Organisers -------------------------------------------------------------------------------


def _course_forms(request, *, initial=None, sessions_initial=None):
    county_choices = selectors.county_choices()
    if request.method != "POST":
        return (
            CourseForm(initial=initial, county_choices=county_choices),
            SessionFormSet(initial=sessions_initial, prefix=SESSION_PREFIX),
        )
    if "add_rows" in request.POST:
        return course_form_with_more_rows(request.POST, county_choices=county_choices, prefix=SESSION_PREFIX)
    return CourseForm(request.POST, county_choices=county_choices), SessionFormSet(request.POST, prefix=SESSION_PREFIX)


def _render_course_form(request, form, formset, *, course=None):
    return render(request, "courses/form.html", {"form": form, "formset": formset, "course": course})


@capability_required(Capability.COURSE_CREATE)
def course_create(request):
    form, formset = _course_forms(request)
    if request.method != "POST" or "add_rows" in request.POST:
        return _render_course_form(request, form, formset)
    if not (form.is_valid() and formset.is_valid()):
        return _render_course_form(request, form, formset)

    try:
        course = services.course_create(
            actor=request.user, data=form.to_input(), sessions=formset.to_inputs(), ip_address=client_ip(request)
        )
    except services.CourseError as error:
        form.add_error(None, error.message)
        return _render_course_form(request, form, formset)
    messages.success(
        request, _("The course is registered as a draft with course code %(code)s.") % {"code": course.code}
    )
    return redirect("courses:manage_detail", course_id=course.pk)


@capability_required(Capability.COURSE_MANAGE)
def course_manage_list(request):
    state = request.GET.get("state", "")
    if state not in CourseState.values:
        state = ""
    page = Paginator(selectors.unit_courses(actor=request.user, state=state), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    context = {"page": page, "state": state, "states": CourseState.choices, "query": f"state={state}" if state else ""}
    return render(request, "courses/manage_list.html", context)


@capability_required(Capability.COURSE_MANAGE)
def course_manage_detail(request, course_id: int):
    course = selectors.access_course(request.user, course_id)
    enrolments = list(selectors.course_enrolments(course=course))
    return render(
        request,
        "courses/manage_detail.html",
        {
            "course": course,
            "enrolments": enrolments,
            "counts": selectors.enrolment_counts(course=course),
            "target": selectors.course_target_summary(course),
            "transitions": [(state, CourseState(state).label) for state in services.allowed_transitions(course)],
            "decision_form": EnrolmentDecisionForm(enrolment_ids=[item.pk for item in enrolments]),
            "editable": course.state in services.EDITABLE_STATES,
        },
    )


@capability_required(Capability.COURSE_MANAGE)
def course_edit(request, course_id: int):
    course = selectors.access_course(request.user, course_id)
    if course.state not in services.EDITABLE_STATES:
        messages.error(request, _("This course can no longer be changed."))
        return redirect("courses:manage_detail", course_id=course.pk)

    form, formset = _course_forms(
        request, initial=CourseForm.initial_for(course), sessions_initial=session_initial(course)
    )
    if request.method != "POST" or "add_rows" in request.POST:
        return _render_course_form(request, form, formset, course=course)
    if not (form.is_valid() and formset.is_valid()):
        return _render_course_form(request, form, formset, course=course)

    try:
        services.course_update(
            actor=request.user,
            course=course,
            data=form.to_input(),
            sessions=formset.to_inputs(),
            ip_address=client_ip(request),
        )
    except services.CourseError as error:
        form.add_error(None, error.message)
        return _render_course_form(request, form, formset, course=course)
    messages.success(request, _("The course %(code)s is saved.") % {"code": course.code})
    return redirect("courses:manage_detail", course_id=course.pk)


@capability_required(Capability.COURSE_MANAGE)
@require_POST
def course_transition(request, course_id: int):
    course = selectors.access_course(request.user, course_id)
    form = TransitionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose one of the state buttons on this page."))
        return redirect("courses:manage_detail", course_id=course.pk)

    try:
        course = services.course_transition(
            actor=request.user, course=course, to_state=form.cleaned_data["to_state"], ip_address=client_ip(request)
        )
    except services.CourseError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request,
            _("The course %(code)s is now “%(state)s”.") % {"code": course.code, "state": course.get_state_display()},
        )
    return redirect("courses:manage_detail", course_id=course.pk)


@capability_required(Capability.COURSE_MANAGE)
@require_POST
def enrolment_decide(request, course_id: int):
    course = selectors.access_course(request.user, course_id)
    enrolment_ids = list(course.enrolments.values_list("pk", flat=True))
    form = EnrolmentDecisionForm(request.POST, enrolment_ids=enrolment_ids)
    if not form.is_valid():
        messages.error(request, _("Select teachers from the list and choose an action, then try again."))
        return redirect("courses:manage_detail", course_id=course.pk)

    try:
        changed = services.enrolment_decide(
            actor=request.user,
            course=course,
            enrolment_ids=form.cleaned_data["enrolments"],
            decision=form.cleaned_data["decision"],
            ip_address=client_ip(request),
        )
    except services.CourseError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("%(count)s enrolments updated.") % {"count": changed})
    return redirect(reverse("courses:manage_detail", kwargs={"course_id": course.pk}) + "#enrolments")
