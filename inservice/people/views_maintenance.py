"""Roster maintenance screens: edit, activate, transfer out, register, notices and self-service."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.forms import SetPasswordForm
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.debug import sensitive_post_parameters, sensitive_variables
from django.views.decorators.http import require_POST

from inservice.audit.services import client_ip
from inservice.core.masking import mask_name
from inservice.core.policy import Capability, capability_required, public_view, roster_unit

from . import selectors, services
from . import selectors_maintenance
from .forms_maintenance import MembershipEndForm, OwnProfileForm, PersonEditForm, RegisterForm, SubjectPicker


def _add_service_error(form, error: services.RosterError) -> None:
    form.add_error(error.field if error.field in form.fields else None, str(error))


def _picker_error(picker: SubjectPicker, error: ValidationError) -> None:
    picker.error = " ".join(error.messages)


@capability_required(Capability.UNIT_ROSTER)
def person_edit(request, person_id: int):
    """編輯帳號個人資料 with the subject picker; 取消 goes back to 檢視資料 without saving."""
    person = selectors.roster_person(actor=request.user, person_id=person_id)
    membership = person.current_memberships[0]

    if request.method != "POST":
        form = PersonEditForm(initial={"name": person.name, "title": membership.title, "email": person.email})
        picker = SubjectPicker(initial_ids=[entry.subject_id for entry in person.subject_entries.all()])
    else:
        form = PersonEditForm(request.POST)
        picker = SubjectPicker(request.POST)
        if not picker.is_round_trip and _save_edit(request, form, picker, person):
            messages.success(request, _("The teacher's data was updated."))
            return redirect("people:person_detail", person_id=person.pk)

    context = {"person": person, "membership": membership, "form": form, "picker": picker}
    return render(request, "people/person_edit.html", context)


def _save_edit(request, form, picker, person) -> bool:
    form_ok = form.is_valid()
    try:
        picker.clean()
    except ValidationError as error:
        _picker_error(picker, error)
        return False
    if not form_ok:
        return False
    try:
        services.person_update(
            actor=request.user,
            person_id=person.pk,
            name=form.cleaned_data["name"],
            title=form.cleaned_data["title"],
            email=form.cleaned_data["email"],
            subject_ids=picker.ids,
            ip_address=client_ip(request),
        )
    except ValidationError as error:
        _picker_error(picker, error)
        return False
    return True


@capability_required(Capability.UNIT_ROSTER)
@require_POST
def person_activate(request, person_id: int):
    """啟用教師帳號: create the account and e-mail the one-time link (again voids the earlier one)."""
    try:
        services.person_activate(actor=request.user, person_id=person_id, ip_address=client_ip(request))
    except services.RosterError as error:
        messages.error(request, str(error))
    else:
        messages.success(
            request,
            _("The account was created and a link to set the password was e-mailed to the teacher. "
              "Any link sent before no longer works."),
        )
    return redirect("people:person_detail", person_id=person_id)


@public_view
@sensitive_variables("token")
@sensitive_post_parameters("new_password1", "new_password2")
def set_password(request, token: str):
    """Show the page behind the e-mailed one-time link: the teacher sets a password, then signs in."""
    link = selectors_maintenance.activation_link_valid(token=token)
    if link is None:
        return render(request, "people/set_password_invalid.html", status=410)

    form = SetPasswordForm(link.user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.activation_link_use(
                token=token, password=form.cleaned_data["new_password1"], ip_address=client_ip(request)
            )
        except services.RosterError:
            return render(request, "people/set_password_invalid.html", status=410)
        messages.success(request, _("Your password is set. Sign in with your username and the new password."))
        return redirect("accounts:login")
    return render(request, "people/set_password.html", {"form": form, "username": link.user.username})


@capability_required(Capability.UNIT_ROSTER)
def membership_end(request, person_id: int):
    """離職/轉校/退休: a confirmation page, then the membership ends with the chosen reason."""
    person = selectors.roster_person(actor=request.user, person_id=person_id)
    membership = person.current_memberships[0]
    allowed = services.unit_allows_manual_transfer(membership.unit)

    form = MembershipEndForm(request.POST or None)
    if request.method == "POST" and allowed and form.is_valid():
        try:
            services.membership_end(
                actor=request.user,
                person_id=person.pk,
                reason=form.cleaned_data["reason"],
                end_date=form.cleaned_data["end_date"],
                ip_address=client_ip(request),
            )
        except services.RosterError as error:
            _add_service_error(form, error)
        else:
            messages.success(
                request,
                _("%(name)s has left the unit's roster. Their data and history are kept.")
                % {"name": mask_name(person.name)},
            )
            return redirect("people:roster")

    context = {"person": person, "membership": membership, "form": form, "allowed": allowed}
    return render(request, "people/membership_end.html", context)


@capability_required(Capability.UNIT_ROSTER)
def person_register(request):
    """教師資料登錄 (新進教師轉入): move an existing person here or add a new one 待申請."""
    unit = roster_unit(request.user)
    allowed = services.unit_allows_manual_transfer(unit)
    name_mismatch = False

    if request.method != "POST":
        form = RegisterForm()
        picker = SubjectPicker()
    else:
        form = RegisterForm(request.POST)
        picker = SubjectPicker(request.POST)
        if allowed and not picker.is_round_trip:
            result, name_mismatch = _register(request, form, picker)
            if result is not None:
                if result.created:
                    message = _("%(name)s was added to the roster with the status Not yet applied.")
                else:
                    message = _("%(name)s was moved to this unit; the previous unit has been notified.")
                messages.success(request, message % {"name": mask_name(result.person.name)})
                return redirect("people:person_detail", person_id=result.person.pk)

    context = {"unit": unit, "form": form, "picker": picker, "allowed": allowed, "name_mismatch": name_mismatch}
    return render(request, "people/person_register.html", context)


def _register(request, form, picker):
    form_ok = form.is_valid()
    try:
        picker.clean()
    except ValidationError as error:
        _picker_error(picker, error)
        return None, False
    if not form_ok:
        return None, False
    data = form.cleaned_data
    try:
        result = services.person_register(
            actor=request.user,
            identity_number=data["identity_number"],
            name=data["name"],
            gender=data["gender"],
            title=data["title"],
            email=data["email"],
            subject_ids=picker.ids,
            name_confirmed=data["name_confirmed"],
            ip_address=client_ip(request),
        )
    except services.NameMismatch as error:
        _add_service_error(form, error)
        return None, True
    except services.RosterError as error:
        _add_service_error(form, error)
        return None, False
    return result, False


@capability_required(Capability.UNIT_ROSTER)
def unit_notices(request):
    """Notices to the unit, such as teachers another unit has registered."""
    unit = roster_unit(request.user)
    notices = selectors_maintenance.unit_notices_list(unit=unit)
    page = Paginator(notices, 20).get_page(request.GET.get("page"))
    return render(request, "people/unit_notices.html", {"unit": unit, "page": page})


@capability_required(Capability.TEACHER_SELF)
def own_profile(request):
    """修改個人基本資料: the signed-in teacher's own data; 職稱 and 任教科目 can be changed."""
    person = selectors_maintenance.own_person(actor=request.user)
    membership = person.current_memberships[0] if person.current_memberships else None

    if request.method != "POST":
        form = OwnProfileForm(initial={"title": membership.title if membership else None})
        picker = SubjectPicker(initial_ids=[entry.subject_id for entry in person.subject_entries.all()])
    else:
        form = OwnProfileForm(request.POST)
        picker = SubjectPicker(request.POST)
        if not picker.is_round_trip and membership is not None and _save_own(request, form, picker):
            messages.success(request, _("Your data was updated. Thank you."))
            return redirect("people:own_profile")

    context = {"person": person, "membership": membership, "form": form, "picker": picker}
    return render(request, "people/own_profile.html", context)


def _save_own(request, form, picker) -> bool:
    form_ok = form.is_valid()
    try:
        picker.clean()
    except ValidationError as error:
        _picker_error(picker, error)
        return False
    if not form_ok:
        return False
    try:
        services.person_update_own(
            actor=request.user,
            title=form.cleaned_data["title"],
            subject_ids=picker.ids,
            ip_address=client_ip(request),
        )
    except services.RosterError as error:
        _add_service_error(form, error)
        return False
    return True
