"""Every URL needs a signed-in user, except the few public pages listed here.

The test resolves the whole URLconf, so a view added anywhere is checked
without anyone remembering to add it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

pytestmark = pytest.mark.django_db

# Views anyone may open without signing in, each with the reason it is public.
PUBLIC_URL_NAMES = {
    "core:home",  # the landing page; it only links to sign-in for anonymous visitors
    "core:privacy",  # the personal-data notice must be readable before signing in
    "accounts:login",  # the sign-in form itself
    "accounts:logout",  # signing out must work even from an expired session
    "set_language",  # the language switch is on every page, signed in or not
    "accounts:apply",  # a business-account application comes from someone with no account yet
    "accounts:apply_submitted",  # the confirmation shown to that applicant
    "accounts:application_status",  # the applicant checks progress with a reference and username
    "accounts:password_reset",  # someone who forgot the password cannot sign in to reset it
    "accounts:password_reset_sent",
    "accounts:password_reset_confirm",  # the e-mailed one-time link, also used to set a first password
    "accounts:password_reset_complete",
    "courses:search",  # 研習課程查詢: anyone may look for courses before signing in
    "courses:detail",  # one course's public page, linked from the search
    "sso:start",  # roaming sign-in begins before there is a session
    "sso:callback",  # the identity service returns the browser here, still without a session
    "people:set_password",  # the e-mailed one-time link: the teacher has no password yet
}

# Django's admin guards each of its views with AdminSite.admin_view (staff
# sign-in), so its patterns are checked by requesting its index instead.
ADMIN_NAMESPACE = "admin"

# Sample values for path converters, so patterns with arguments can be requested.
CONVERTER_SAMPLES = {
    "int": "1",
    "str": "sample",
    "slug": "sample",
    "uuid": "00000000-0000-0000-0000-000000000001",
    "path": "sample/path",
}
PARAMETER = re.compile(r"<(?:(?P<converter>\w+):)?(?P<name>\w+)>")


@dataclass(frozen=True)
class Route:
    path: str
    name: str
    view: object


def _walk(patterns, prefix: str = "", namespace: str = ""):
    for entry in patterns:
        if isinstance(entry, URLResolver):
            inner = ":".join(part for part in (namespace, entry.namespace) if part)
            yield from _walk(entry.url_patterns, prefix + str(entry.pattern), inner)
        elif isinstance(entry, URLPattern):
            name = f"{namespace}:{entry.name}" if namespace and entry.name else (entry.name or "")
            yield Route(path=prefix + str(entry.pattern), name=name, view=entry.callback)


# Candidates for a regular-expression group; the first that the group matches is used.
REGEX_SAMPLES = ["1", "sample", *("1" * length for length in range(2, 13))]
REGEX_GROUP = re.compile(r"\(\?P<(?P<name>\w+)>(?P<pattern>[^()]*)\)")


def _regex_sample(match: re.Match) -> str:
    for candidate in REGEX_SAMPLES:
        if re.fullmatch(match.group("pattern"), candidate):
            return candidate
    raise AssertionError(f"no sample value matches the URL group {match.group(0)}; add one to REGEX_SAMPLES")


def _sample_path(route: str) -> str:
    """Return a requestable path for a route, filling each parameter with a sample value."""

    def fill(match: re.Match) -> str:
        return CONVERTER_SAMPLES[match.group("converter") or "str"]

    # A re_path() route contributes ^…$ and named groups in the middle of the joined path.
    route = PARAMETER.sub(fill, REGEX_GROUP.sub(_regex_sample, route))
    return "/" + route.replace("^", "").replace("$", "")


def _is_admin(route: Route) -> bool:
    return route.name.split(":")[0] == ADMIN_NAMESPACE or route.path.startswith("admin/")


# Static and media serving are mounted only with DEBUG on, which the test settings keep off.
ROUTES = [route for route in _walk(get_resolver().url_patterns) if not _is_admin(route)]


def test_url_walk_found_routes():
    names = {route.name for route in ROUTES}

    assert "people:roster" in names
    assert "accounts:login" in names


@pytest.mark.parametrize("route", ROUTES, ids=lambda route: route.name or route.path)
def test_view_declares_capability_or_public(route):
    capability = getattr(route.view, "required_capability", None)
    is_public = getattr(route.view, "is_public", False)

    assert capability is not None or is_public, (
        f"{route.path} declares neither capability_required(...) nor public_view"
    )
    assert capability is None or not is_public, f"{route.path} declares a capability and public_view"


@pytest.mark.parametrize("route", ROUTES, ids=lambda route: route.name or route.path)
def test_public_views_are_the_allow_list(route):
    is_public = getattr(route.view, "is_public", False)

    assert is_public == (route.name in PUBLIC_URL_NAMES), (
        f"{route.name or route.path}: public_view and PUBLIC_URL_NAMES disagree; "
        "add a public page to the list with a comment saying why it is public"
    )


@pytest.mark.parametrize(
    "route",
    [route for route in ROUTES if not getattr(route.view, "is_public", False)],
    ids=lambda route: route.name or route.path,
)
def test_anonymous_request_goes_to_sign_in(client, route):
    path = _sample_path(route.path)
    sign_in = reverse("accounts:login")

    response = client.get(path)
    if response.status_code == 405:
        response = client.post(path)

    assert response.status_code == 302, f"{path} answered {response.status_code} to an anonymous user"
    assert response.url.startswith(f"{sign_in}?next="), f"{path} redirected to {response.url}"


def test_admin_needs_staff_sign_in(client):
    response = client.get(reverse("admin:index"))

    assert response.status_code == 302
    assert response.url.startswith(reverse("admin:login"))


def test_every_capability_in_use_has_access_pair_tests():
    from tests.test_capability_pairs import CASES

    in_use = {route.view.required_capability for route in ROUTES if hasattr(route.view, "required_capability")}
    covered = {case.capability for case in CASES}

    assert in_use - covered == set(), "add a with/without and in/out-of-scope case to tests/test_capability_pairs.py"

