"""Roaming sign-in through the MOE education identity service."""

from __future__ import annotations

import logging
import re

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from inservice.audit.services import client_ip
from inservice.core.policy import Capability, capability_required, public_view

from . import oidc
from .attempts import attempt_create, attempt_take
from .claims import roaming_claims_from
from .messages import DATA_REFUSALS, PROBLEMS, REFUSALS
from .selectors import current_membership_of_user
from .services import RoamingRefused, roaming_sign_in

logger = logging.getLogger(__name__)

# Error codes from the provider are logged only if they look like OAuth error codes.
OAUTH_ERROR_CODE = re.compile(r"^[a-z_]{1,64}$")
MODEL_BACKEND = "django.contrib.auth.backends.ModelBackend"


def _require_enabled() -> None:
    if not settings.SSO_ENABLED:
        raise Http404("Roaming sign-in is switched off.")


def _safe_next(request, candidate: str | None) -> str:
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return ""


def _log_refusal(reason: str) -> None:
    # The reason code only: never the name, identity number, e-mail, subject or tokens.
    logger.warning("Roaming sign-in rejected: reason=%s", reason)


def _problem(request, kind: str, *, next_url: str = "", status: int):
    heading, explanation = PROBLEMS[kind]
    context = {"heading": heading, "explanation": explanation, "next_url": next_url}
    return render(request, "sso/problem.html", context, status=status)


@public_view
@never_cache
@require_GET
def sign_in_start(request):
    """Start an attempt and send the browser to the identity service."""
    _require_enabled()
    next_url = _safe_next(request, request.GET.get("next"))
    attempt = attempt_create(request.session, next_url=next_url)

    try:
        url = oidc.authorization_url(attempt)
    except oidc.ProviderError as error:
        attempt_take(request.session, attempt.state)
        logger.warning("Roaming sign-in could not start: reason=%s", error.reason)
        return _problem(request, "unavailable", next_url=next_url, status=503)
    return redirect(url)


@public_view
@never_cache
@require_GET
def sign_in_callback(request):
    """Finish an attempt: verify the provider's response, update the roster, sign the teacher in."""
    _require_enabled()
    attempt = attempt_take(request.session, request.GET.get("state", ""))
    if attempt is None:
        _log_refusal("unknown_state")
        return _problem(request, "restart", status=400)

    provider_error = request.GET.get("error")
    if provider_error:
        code = provider_error if OAUTH_ERROR_CODE.match(provider_error) else "unrecognised"
        _log_refusal(f"provider_error_{code}")
        kind = "cancelled" if code in {"access_denied", "login_required", "interaction_required"} else "failed"
        return _problem(request, kind, next_url=attempt.next_url, status=400)
    if not request.GET.get("code"):
        _log_refusal("missing_code")
        return _problem(request, "failed", next_url=attempt.next_url, status=400)

    try:
        verified = oidc.complete_sign_in(code=request.GET["code"], attempt=attempt)
    except oidc.VerificationFailed as error:
        _log_refusal(error.reason)
        return _problem(request, "failed", next_url=attempt.next_url, status=400)
    except oidc.ProviderError as error:
        _log_refusal(error.reason)
        return _problem(request, "unavailable", next_url=attempt.next_url, status=503)

    claims = roaming_claims_from(issuer=verified.issuer, subject=verified.subject, claims=verified.claims)
    try:
        outcome = roaming_sign_in(claims=claims, ip_address=client_ip(request))
    except RoamingRefused as refusal:
        _log_refusal(refusal.reason.value)
        return _refused(request, refusal)

    login(request, outcome.user, backend=MODEL_BACKEND)
    logger.info("Roaming sign-in completed: user %s, unit %s", outcome.user.pk, outcome.unit.pk)
    if outcome.previous_unit is not None:
        messages.success(
            request,
            _("Your service school was updated from %(old)s to %(new)s.")
            % {"old": outcome.previous_unit.name, "new": outcome.unit.name},
        )
    else:
        messages.success(request, _("Signed in. Your service school: %(unit)s.") % {"unit": outcome.unit.name})
    return redirect(attempt.next_url or reverse("sso:welcome"))


def _refused(request, refusal: RoamingRefused):
    heading, explanation = REFUSALS[refusal.reason]
    context = {
        "heading": heading,
        "explanation": explanation % {"code": refusal.school_code},
        "show_data_help": refusal.reason in DATA_REFUSALS,
    }
    return render(request, "sso/refused.html", context, status=403)


@capability_required(Capability.TEACHER_SELF)
def welcome(request):
    """Show the teacher their service school as the last roaming sign-in left it."""
    membership = current_membership_of_user(request.user)
    return render(request, "sso/welcome.html", {"membership": membership})
