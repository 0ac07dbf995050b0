from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse_lazy
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_POST

from inservice.audit.services import client_ip
from inservice.core.policy import Capability, active_business_account, capability_required, public_view

from . import grants, selectors, services
from .errors import AccountError, DuplicateBusinessAccount
from .forms import (
    AccountSearchForm,
    ApplicationForm,
    RoleForm,
    SignInForm,
    StatusLookupForm,
    UnitSearchForm,
)
from .models import BusinessAccount, Role, User

ACCOUNTS_PER_PAGE = 50
UNIT_CHOICES_SHOWN = 50
# A system administrator's scope is every unit, so the list of units without a chief is capped.
UNITS_WITHOUT_CHIEF_SHOWN = 200

sign_in = public_view(
    sensitive_post_parameters("password")(
        auth_views.LoginView.as_view(
            template_name="accounts/login.html", authentication_form=SignInForm, redirect_authenticated_user=True
        )
    )
)
sign_out = public_view(auth_views.LogoutView.as_view())


# --- Application (public) ---------------------------------------------------------------------


@public_view
@sensitive_post_parameters("password", "password_confirm", "identity_number")
def apply(request):
    """Show the application form (申請) with its unit search, and send a valid application."""
    unit_query = (request.POST.get("unit_query") or request.GET.get("unit_query") or "").strip()
    search_form = UnitSearchForm(initial={"unit_query": unit_query})
    if request.method == "POST":
        form = ApplicationForm(request.POST, unit_query=unit_query)
        if form.is_valid():
            data = form.cleaned_data
            try:
                account = services.business_account_apply(
                    unit=data["unit"],
                    role=data["role"],
                    name=data["name"],
                    identity_number=data["identity_number"],
                    email=data["email"],
                    phone=data["phone"],
                    username=data["username"],
                    password=data["password"],
                    ip_address=client_ip(request),
                )
            except DuplicateBusinessAccount as error:
                form.add_error("identity_number", error.message)
            except ValidationError as error:
                form.add_error(None, error)
            else:
                request.session["application_reference"] = account.reference
                return redirect("accounts:apply_submitted")
    else:
        form = ApplicationForm(unit_query=unit_query)

    units = list(form.fields["unit"].queryset[: UNIT_CHOICES_SHOWN + 1])
    form.fields["unit"].queryset = form.fields["unit"].queryset.filter(pk__in=[unit.pk for unit in units[:UNIT_CHOICES_SHOWN]])
    context = {
        "form": form,
        "search_form": search_form,
        "unit_query": unit_query,
        "unit_count": len(units),
        "too_many_units": len(units) > UNIT_CHOICES_SHOWN,
    }
    return render(request, "accounts/apply.html", context)


@public_view
def apply_submitted(request):
    reference = request.session.get("application_reference")
    if not reference:
        return redirect("accounts:apply")
    return render(request, "accounts/apply_submitted.html", {"reference": reference})


@public_view
def application_status(request):
    """Show an application's state to its applicant, when both the reference and the username match."""
    form = StatusLookupForm(request.POST or None)
    account = None
    looked_up = False
    if request.method == "POST" and form.is_valid():
        looked_up = True
        account = selectors.application_status(
            reference=form.cleaned_data["reference"], username=form.cleaned_data["username"]
        )
    return render(
        request, "accounts/application_status.html", {"form": form, "account": account, "looked_up": looked_up}
    )


# --- Management pages -----------------------------------------------------------------------------


def _rows(actor, accounts):
    """Pair each account with what ``actor`` may do to it, from the grant table."""
    rows = []
    for account in accounts:
        grantable = grants.roles_grantable(actor, account.unit)
        manageable = account.role in grantable
        is_admin = grants.level_over_unit(actor, account.unit) == grants.Level.SYSTEM_ADMIN
        rows.append(
            {
                "account": account,
                "may_decide": manageable and account.status == BusinessAccount.Status.PENDING,
                "may_change_role": manageable and account.status != BusinessAccount.Status.PENDING,
                "role_choices": [(value, label) for value, label in Role.choices if value in grantable],
                "may_delete": manageable,
                "may_enable": (manageable and account.status == BusinessAccount.Status.DISABLED)
                or (is_admin and account.status == BusinessAccount.Status.SUSPENDED),
                "may_suspend": is_admin and account.status != BusinessAccount.Status.SUSPENDED,
            }
        )
    return rows


@capability_required(Capability.UNIT_BUSINESS_ACCOUNTS)
def unit_accounts(request):
    """List the unit's business accounts and pending applications for its 總負責人 (本單位業務帳號管理)."""
    unit = active_business_account(request.user).unit
    accounts = selectors.unit_business_accounts(actor=request.user, unit=unit)
    pending = selectors.pending_applications(actor=request.user)
    context = {
        "unit": unit,
        "rows": _rows(request.user, accounts.exclude(status=BusinessAccount.Status.PENDING)),
        "pending_rows": _rows(request.user, pending),
        "next": request.get_full_path(),
    }
    return render(request, "accounts/unit_accounts.html", context)


@capability_required(Capability.AUTHORITY_CHIEFS)
def authority_accounts(request):
    """List an authority's pending applications, its units without a chief and its units' accounts."""
    search = AccountSearchForm(request.GET or None)
    accounts = selectors.business_accounts_in_scope(request.user).filter(
        status__in=selectors.CURRENT_STATUSES
    ).exclude(status=BusinessAccount.Status.PENDING)
    query = search.cleaned_data.get("query", "").strip() if search.is_valid() else ""
    if query:
        accounts = accounts.filter(
            Q(user__username__iexact=query) | Q(unit__code__istartswith=query) | Q(unit__name__icontains=query)
        )
    page = Paginator(accounts, ACCOUNTS_PER_PAGE).get_page(request.GET.get("page"))
    units_without_chief = selectors.units_without_active_chief(actor=request.user)
    context = {
        "search": search,
        "query": query,
        "page": page,
        "rows": _rows(request.user, page.object_list),
        "pending_rows": _rows(request.user, selectors.pending_applications(actor=request.user)),
        "units_without_chief": units_without_chief[:UNITS_WITHOUT_CHIEF_SHOWN],
        "units_without_chief_count": units_without_chief.count(),
        "units_without_chief_shown": UNITS_WITHOUT_CHIEF_SHOWN,
        "next": request.get_full_path(),
    }
    return render(request, "accounts/authority_accounts.html", context)


@capability_required(Capability.SYSTEM_ADMIN)
def system_accounts(request):
    """Find any account by username, for a system administrator to suspend or delete it with a reason."""
    search = AccountSearchForm(request.GET or None)
    query = search.cleaned_data.get("query", "").strip() if search.is_valid() else ""
    users = []
    if query:
        users = list(
            User.objects.filter(username__iexact=query)
            .exclude(kind=User.Kind.BUSINESS)
            .select_related("authority")
            .order_by("pk")
        )
    accounts = selectors.business_accounts_in_scope(request.user).filter(user__username__iexact=query) if query else []
    context = {
        "search": search,
        "query": query,
        "users": users,
        "rows": _rows(request.user, accounts),
        "next": request.get_full_path(),
    }
    return render(request, "accounts/system_accounts.html", context)


# --- Actions on one account (POST only) --------------------------------------------------------------


def _back(request):
    target = request.POST.get("next", "")
    if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        return redirect(target)
    return redirect("core:home")


def _run(request, action, success_message: str):
    """Call one service and redirect back. Domain and field errors become messages, and PermissionDenied a 403."""
    try:
        action()
    except AccountError as error:
        messages.error(request, error.message)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(request, success_message)
    return _back(request)


# Any signed-in user may reach these URLs, but the account is fetched through
# the scoped queryset (404 outside the actor's units) and every service checks
# the grant table (403), so the capability here only rules out anonymous users.


@require_POST
@capability_required(Capability.SIGNED_IN)
def account_approve(request, pk: int):
    account = selectors.access_business_account(request.user, pk)
    return _run(
        request,
        lambda: services.business_account_approve(actor=request.user, account=account, ip_address=client_ip(request)),
        _("The application of %(username)s is approved.") % {"username": account.user.username},
    )


@require_POST
@capability_required(Capability.SIGNED_IN)
def account_return(request, pk: int):
    account = selectors.access_business_account(request.user, pk)
    reason = request.POST.get("reason", "")
    return _run(
        request,
        lambda: services.business_account_return(
            actor=request.user, account=account, reason=reason, ip_address=client_ip(request)
        ),
        _("The application of %(username)s is returned.") % {"username": account.user.username},
    )


@require_POST
@capability_required(Capability.SIGNED_IN)
def account_change_role(request, pk: int):
    account = selectors.access_business_account(request.user, pk)
    form = RoleForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose one of the listed roles."))
        return _back(request)
    role = form.cleaned_data["role"]
    return _run(
        request,
        lambda: services.business_account_change_role(
            actor=request.user, account=account, role=role, ip_address=client_ip(request)
        ),
        _("The role of %(username)s is now %(role)s.") % {"username": account.user.username, "role": Role(role).label},
    )


@require_POST
@capability_required(Capability.SIGNED_IN)
def account_delete(request, pk: int):
    account = selectors.access_business_account(request.user, pk)
    reason = request.POST.get("reason", "")
    return _run(
        request,
        lambda: services.business_account_delete(
            actor=request.user, account=account, reason=reason, ip_address=client_ip(request)
        ),
        _("The business account %(username)s is deleted.") % {"username": account.user.username},
    )


@require_POST
@capability_required(Capability.SIGNED_IN)
def account_enable(request, pk: int):
    account = selectors.access_business_account(request.user, pk)
    return _run(
        request,
        lambda: services.business_account_enable(actor=request.user, account=account, ip_address=client_ip(request)),
        _("The business account %(username)s is enabled.") % {"username": account.user.username},
    )


@require_POST
@capability_required(Capability.SYSTEM_ADMIN)
def account_suspend(request, pk: int):
    account = selectors.access_business_account(request.user, pk)
    reason = request.POST.get("reason", "")
    return _run(
        request,
        lambda: services.business_account_suspend(
            actor=request.user, account=account, reason=reason, ip_address=client_ip(request)
        ),
        _("The business account %(username)s is suspended.") % {"username": account.user.username},
    )


@require_POST
@capability_required(Capability.SYSTEM_ADMIN)
def user_suspend(request, pk: int):
    try:
        user = User.objects.exclude(kind=User.Kind.BUSINESS).get(pk=pk)
    except User.DoesNotExist:
        raise Http404 from None
    reason = request.POST.get("reason", "")
    return _run(
        request,
        lambda: services.user_suspend(actor=request.user, user=user, reason=reason, ip_address=client_ip(request)),
        _("The account %(username)s is suspended.") % {"username": user.username},
    )


# --- The holder's own account -------------------------------------------------------------------------------


@capability_required(Capability.SIGNED_IN)
def my_business_account(request):
    """Show the holder's own business account, and delete it on request when they leave the unit."""
    account = active_business_account(request.user)
    if account is None:
        raise Http404
    if request.method == "POST":
        try:
            services.business_account_delete(actor=request.user, account=account, ip_address=client_ip(request))
        except AccountError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("Your business account is deleted. You may apply again at your new unit."))
            return redirect("core:home")
    blocking = selectors.courses_blocking_deletion(account)
    return render(request, "accounts/my_business_account.html", {"account": account, "blocking": blocking})


# --- Passwords -------------------------------------------------------------------------------------------------

password_reset = public_view(
    auth_views.PasswordResetView.as_view(
        template_name="accounts/password_reset.html",
        email_template_name="accounts/email/password_reset.txt",
        subject_template_name="accounts/email/password_reset_subject.txt",
        success_url=reverse_lazy("accounts:password_reset_sent"),
    )
)
password_reset_sent = public_view(auth_views.PasswordResetDoneView.as_view(template_name="accounts/password_reset_sent.html"))
password_reset_confirm = public_view(
    sensitive_post_parameters("new_password1", "new_password2")(
        auth_views.PasswordResetConfirmView.as_view(
            template_name="accounts/password_reset_confirm.html",
            success_url=reverse_lazy("accounts:password_reset_complete"),
        )
    )
)
password_reset_complete = public_view(
    auth_views.PasswordResetCompleteView.as_view(template_name="accounts/password_reset_complete.html")
)
password_change = capability_required(Capability.SIGNED_IN)(
    sensitive_post_parameters("old_password", "new_password1", "new_password2")(
        auth_views.PasswordChangeView.as_view(
            template_name="accounts/password_change.html", success_url=reverse_lazy("accounts:password_change_done")
        )
    )
)
password_change_done = capability_required(Capability.SIGNED_IN)(
    auth_views.PasswordChangeDoneView.as_view(template_name="accounts/password_change_done.html")
)

