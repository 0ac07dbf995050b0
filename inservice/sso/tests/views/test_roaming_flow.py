"""The whole roaming sign-in against the local OpenID Provider: happy path and every refusal."""

import logging
import time

import pytest
from django.contrib.auth import SESSION_KEY
from django.test import Client

from inservice.people.models import Membership, Person
from inservice.sso import oidc
from inservice.sso.tests.conftest import REDIRECT_URI
from inservice.sso.tests.local_provider import (
    CLIENT_ID,
    CLIENT_SECRET,
    LocalProvider,
    new_signing_key,
    query_of,
    teacher_claims,
    unsigned_token,
)
from inservice.testing import factories

pytestmark = pytest.mark.django_db

SUB = "moe-sub-0001"


def start(client, next_url: str = "") -> str:
    response = client.get("/sso/start/" + (f"?next={next_url}" if next_url else ""))
    assert response.status_code == 302
    return response["Location"]


def finish(client, provider, authorization_url: str, username: str = "teacher"):
    callback = provider.sign_in(authorization_url, username)
    return client.get(callback.removeprefix("http://testserver"))


@pytest.fixture
def teacher(provider):
    """A roster teacher at one unit, with an account at the provider reporting another unit."""
    old_unit = factories.make_unit(code="074801", name="彰化縣立舊校國小")
    new_unit = factories.make_unit(code="074802", name="彰化縣立新校國小")
    person = factories.make_person(unit=old_unit, name="林小華")
    provider.set_account("teacher", sub=SUB, claims=teacher_claims(school="074802", personid=person.identity_number))
    return person, old_unit, new_unit


def refusal_reasons(caplog) -> list[str]:
    return [
        record.getMessage().split("reason=")[1]
        for record in caplog.records
        if record.getMessage().startswith("Roaming sign-in rejected")
    ]


# --- Happy path --------------------------------------------------------------------------


def test_authorization_request_uses_pkce_state_and_nonce(client, provider):
    params = query_of(start(client))

    assert params["code_challenge_method"] == "S256"
    assert len(params["code_challenge"]) == 43
    assert params["scope"] == "openid email profile eduinfo personid"
    assert params["response_type"] == "code"
    assert len(params["state"]) >= 22
    assert len(params["nonce"]) >= 22


def test_each_attempt_gets_fresh_state_and_nonce(client, provider):
    first = query_of(start(client))
    second = query_of(start(client))

    assert first["state"] != second["state"]
    assert first["nonce"] != second["nonce"]
    assert first["code_challenge"] != second["code_challenge"]


def test_sign_in_moves_teacher_and_signs_in(client, provider, teacher):
    person, old_unit, new_unit = teacher

    response = finish(client, provider, start(client))

    assert response.status_code == 302
    assert response["Location"] == "/sso/welcome/"
    person.refresh_from_db()
    assert client.session[SESSION_KEY] == str(person.user.pk)
    assert person.memberships.get(end_date__isnull=True).unit == new_unit
    assert person.memberships.get(unit=old_unit).end_reason == Membership.EndReason.ROAMING
    page = client.get(response["Location"]).content.decode()
    assert "彰化縣立新校國小" in page


def test_sign_in_returns_to_next(client, provider, teacher):
    response = finish(client, provider, start(client, next_url="/sso/welcome/?from=login"))

    assert response["Location"] == "/sso/welcome/?from=login"


def test_foreign_next_is_ignored(client, provider, teacher):
    response = finish(client, provider, start(client, next_url="https://elsewhere.example/"))

    assert response["Location"] == "/sso/welcome/"


def test_callback_on_fresh_instance_completes(client, provider, teacher):
    authorization_url = start(client)
    # Another app instance shares the database session but none of this process's caches.
    oidc.reset_provider_cache()

    response = finish(client, provider, authorization_url)

    assert response.status_code == 302
    assert SESSION_KEY in client.session


def test_token_issued_slightly_in_future_accepted(client, provider, teacher):
    authorization_url = start(client)
    nonce = query_of(authorization_url)["nonce"]
    now = int(time.time())
    claims = provider.id_token_claims(SUB, nonce, iat=now + 5, exp=now + 605)
    provider.next_token_response(id_token=provider.id_token(claims))

    response = finish(client, provider, authorization_url)

    assert response.status_code == 302
    assert SESSION_KEY in client.session


# --- Relying-party checks -----------------------------------------------------------------


def _other_key_same_kid(provider):
    return new_signing_key(provider.key.kid)


FAULTS = {
    "bad_signature": (lambda p, c: p.id_token(c, key=_other_key_same_kid(p)), {}, "id_token_bad_signature"),
    "alg_none": (lambda p, c: unsigned_token(c), {}, "id_token_algorithm_not_allowed"),
    "wrong_issuer": (None, {"iss": "http://127.0.0.1:9/"}, "id_token_invalid_claim_iss"),
    "wrong_audience": (None, {"aud": "another-client"}, "id_token_invalid_claim_aud"),
    "missing_audience": (None, {"aud": None}, "id_token_missing_claim_aud"),
    "missing_sub": (None, {"sub": None}, "id_token_missing_claim_sub"),
    "missing_iat": (None, {"iat": None}, "id_token_missing_claim_iat"),
    "expired": (None, {"iat": int(time.time()) - 900, "exp": int(time.time()) - 120}, "id_token_expired_token_exp"),
    "wrong_nonce": (None, {"nonce": "not-the-nonce-of-this-attempt"}, "id_token_invalid_claim_nonce"),
    "missing_nonce": (None, {"nonce": None}, "id_token_missing_claim_nonce"),
}


@pytest.mark.parametrize("fault", FAULTS)
def test_faulty_id_token_refused(client, provider, teacher, caplog, fault):
    build, changes, reason = FAULTS[fault]
    person, old_unit, _new_unit = teacher
    authorization_url = start(client)
    nonce = query_of(authorization_url)["nonce"]
    claims = provider.id_token_claims(SUB, nonce, **changes)
    provider.next_token_response(id_token=(build or (lambda p, c: p.id_token(c)))(provider, claims))

    with caplog.at_level(logging.INFO):
        response = finish(client, provider, authorization_url)

    assert response.status_code == 400
    assert "無法驗證這次登入" in response.content.decode()
    assert SESSION_KEY not in client.session
    assert refusal_reasons(caplog) == [reason]
    assert person.memberships.get(end_date__isnull=True).unit == old_unit


def test_missing_id_token_refused(client, provider, teacher, caplog):
    authorization_url = start(client)
    provider.next_token_response(id_token=None)

    with caplog.at_level(logging.INFO):
        response = finish(client, provider, authorization_url)

    assert response.status_code == 400
    assert refusal_reasons(caplog) == ["token_response_incomplete"]


def test_userinfo_subject_mismatch_refused(client, provider, teacher, caplog):
    person, *_units = teacher
    authorization_url = start(client)
    provider.next_userinfo({"sub": "someone-else", **teacher_claims(school="074802", personid=person.identity_number)})

    with caplog.at_level(logging.INFO):
        response = finish(client, provider, authorization_url)

    assert response.status_code == 400
    assert SESSION_KEY not in client.session
    assert refusal_reasons(caplog) == ["userinfo_subject_mismatch"]


def test_mismatched_state_refused_without_token_request(client, provider, teacher, caplog):
    authorization_url = start(client)
    callback = provider.sign_in(authorization_url, "teacher")
    tokens_before = provider.stats()["token"]
    forged = callback.replace(query_of(callback)["state"], "a-state-this-session-never-started")

    with caplog.at_level(logging.INFO):
        response = client.get(forged.removeprefix("http://testserver"))

    assert response.status_code == 400
    assert "請重新登入" in response.content.decode()
    assert SESSION_KEY not in client.session
    assert provider.stats()["token"] == tokens_before
    assert refusal_reasons(caplog) == ["unknown_state"]


def test_state_works_only_once(client, provider, teacher):
    callback = provider.sign_in(start(client), "teacher")
    path = callback.removeprefix("http://testserver")
    client.get(path)
    client.post("/accounts/logout/")

    response = client.get(path)

    assert response.status_code == 400
    assert "請重新登入" in response.content.decode()


def test_state_from_another_browser_refused(client, provider, teacher):
    callback = provider.sign_in(start(client), "teacher")

    response = Client().get(callback.removeprefix("http://testserver"))

    assert response.status_code == 400
    assert Person.objects.get(pk=teacher[0].pk).user is None


def test_expired_attempt_asks_to_sign_in_again(client, provider, teacher, settings):
    authorization_url = start(client)
    settings.SSO_ATTEMPT_MAX_AGE_SECONDS = -1

    response = finish(client, provider, authorization_url)

    assert response.status_code == 400
    assert "請重新登入" in response.content.decode()


def test_provider_error_shows_cancelled_page(client, provider, caplog):
    state = query_of(start(client))["state"]

    with caplog.at_level(logging.INFO):
        response = client.get(f"/sso/callback/?state={state}&error=access_denied")

    assert response.status_code == 400
    assert "登入已取消" in response.content.decode()
    assert refusal_reasons(caplog) == ["provider_error_access_denied"]


def test_unreachable_provider_shows_unavailable_page(client, provider, settings):
    settings.SSO_ISSUER = "http://127.0.0.1:9"

    response = client.get("/sso/start/")

    assert response.status_code == 503
    assert "教育體系身分認證服務目前無法使用" in response.content.decode()


# --- Two tabs ---------------------------------------------------------------------------------


def test_two_tabs_each_land_where_they_started(client, provider, teacher):
    first_tab = start(client, next_url="/?tab=1")
    second_tab = start(client, next_url="/sso/welcome/?tab=2")

    second = finish(client, provider, second_tab)
    first = finish(client, provider, first_tab)

    assert second["Location"] == "/sso/welcome/?tab=2"
    assert first["Location"] == "/?tab=1"
    assert SESSION_KEY in client.session


def test_oldest_of_many_tabs_gets_friendly_page(client, provider, teacher):
    oldest = start(client)
    for _tab in range(5):
        start(client)

    response = finish(client, provider, oldest)

    assert response.status_code == 400
    assert "請重新登入" in response.content.decode()


# --- Keys ------------------------------------------------------------------------------------


@pytest.fixture
def rotating_provider(settings):
    """A provider of its own, so restarting it with a new key leaves the shared one alone."""
    own = LocalProvider(redirect_uri=REDIRECT_URI, accounts={}, key=new_signing_key("rotation-1")).start()
    settings.SSO_ENABLED = True
    settings.SSO_ISSUER = own.issuer
    settings.SSO_CLIENT_ID = CLIENT_ID
    settings.SSO_CLIENT_SECRET = CLIENT_SECRET
    settings.SSO_REDIRECT_URI = REDIRECT_URI
    oidc.reset_provider_cache()
    yield own
    own.close()
    oidc.reset_provider_cache()


def test_key_rotation_accepted_after_one_jwks_refetch(client, rotating_provider):
    unit = factories.make_unit(code="074811")
    person = factories.make_person(unit=unit)
    rotating_provider.set_account("teacher", sub=SUB, claims=teacher_claims(school=unit.code, personid=person.identity_number))
    finish(client, rotating_provider, start(client))
    client.post("/accounts/logout/")

    rotating_provider.restart_with_key(new_signing_key("rotation-2"))
    rotating_provider.set_account("teacher", sub=SUB, claims=teacher_claims(school=unit.code, personid=person.identity_number))
    response = finish(client, rotating_provider, start(client))

    assert response.status_code == 302
    assert SESSION_KEY in client.session
    assert rotating_provider.stats()["jwks"] == 1


def test_unknown_kid_refetched_once_then_refused(client, provider, teacher, caplog):
    authorization_url = start(client)
    nonce = query_of(authorization_url)["nonce"]
    stranger = new_signing_key("kid-nobody-published")
    provider.next_token_response(id_token=provider.id_token(provider.id_token_claims(SUB, nonce), key=stranger))
    jwks_before = provider.stats()["jwks"]

    with caplog.at_level(logging.INFO):
        response = finish(client, provider, authorization_url)

    assert response.status_code == 400
    assert provider.stats()["jwks"] - jwks_before == 2
    assert refusal_reasons(caplog) == ["id_token_unknown_key"]


# --- Refusal pages --------------------------------------------------------------------------


REFUSALS = {
    "student": ({"titles": [{"schoolid": "074802", "titles": ["學生"]}]}, "student", "帳號漫遊登入僅供教師使用"),
    "unknown_school": ({"school": "074899"}, "unknown_school", "074899"),
    "not_k12": ({"school": "0015"}, "unit_not_served", "您的學校不在本網服務範圍"),
    "inactive": ({"school": "074803"}, "unit_inactive", "已非使用中的學校"),
    "no_personid": ({"personid": None}, "unmatched_person", "無法比對到您的教師資料"),
}


@pytest.mark.parametrize("case", REFUSALS)
def test_refusal_page_and_log(client, provider, caplog, case):
    changes, reason, text = REFUSALS[case]
    factories.make_unit(code="074802")
    factories.make_unit(code="074803", is_active=False)
    number = factories.make_identity_number()
    claims = teacher_claims(
        school=changes.get("school", "074802"),
        personid=changes.get("personid", number),
        name="王美麗",
        email="wang@example.tw",
        titles=changes.get("titles"),
    )
    provider.set_account("teacher", sub=SUB, claims=claims)

    with caplog.at_level(logging.DEBUG):
        response = finish(client, provider, start(client))

    page = response.content.decode()
    assert response.status_code == 403
    assert text in page
    assert "www.sso.edu.tw" in page
    assert "〔帳號管理〕中〔更新個人資料〕" in page
    assert "縣市內教務系統" in page
    assert "(02) 7712-9098" in page
    assert SESSION_KEY not in client.session
    assert refusal_reasons(caplog) == [reason]
    logged = "\n".join(record.getMessage() for record in caplog.records)
    for personal in (number, "王美麗", "wang@example.tw", SUB):
        assert personal not in logged


def test_refusal_page_in_english(client, provider):
    factories.make_unit(code="074802")
    provider.set_account("teacher", sub=SUB, claims=teacher_claims(school="074898", personid=factories.make_identity_number()))

    callback = provider.sign_in(start(client), "teacher")
    response = client.get(callback.removeprefix("http://testserver"), HTTP_ACCEPT_LANGUAGE="en")

    page = response.content.decode()
    assert "Unknown school code" in page
    assert "Update personal data" in page
    assert "call the service desk: (02) 7712-9098" in page


# --- Switched off -------------------------------------------------------------------------------


def test_switched_off_returns_404(client, settings):
    settings.SSO_ENABLED = False

    assert client.get("/sso/start/").status_code == 404
    assert client.get("/sso/callback/?state=x&code=y").status_code == 404


def test_welcome_needs_teacher_account(client):
    user = factories.make_admin()
    client.force_login(user)

    assert client.get("/sso/welcome/").status_code == 403


def test_welcome_needs_sign_in(client):
    response = client.get("/sso/welcome/")

    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


# --- Codes -------------------------------------------------------------------------------------


def test_code_of_other_attempt_fails_pkce(client, provider, teacher, caplog):
    first_callback = provider.sign_in(start(client), "teacher")
    second_callback = provider.sign_in(start(client), "teacher")
    swapped = second_callback.replace(query_of(second_callback)["code"], query_of(first_callback)["code"])

    with caplog.at_level(logging.INFO):
        response = client.get(swapped.removeprefix("http://testserver"))

    assert response.status_code == 400
    assert SESSION_KEY not in client.session
    assert refusal_reasons(caplog) == ["token_error_invalid_grant"]


def test_replayed_code_refused(client, provider, teacher, caplog):
    used_callback = provider.sign_in(start(client), "teacher")
    client.get(used_callback.removeprefix("http://testserver"))
    client.post("/accounts/logout/")
    fresh_callback = provider.sign_in(start(client), "teacher")
    replayed = fresh_callback.replace(query_of(fresh_callback)["code"], query_of(used_callback)["code"])

    with caplog.at_level(logging.INFO):
        response = client.get(replayed.removeprefix("http://testserver"))

    assert response.status_code == 400
    assert SESSION_KEY not in client.session
    assert refusal_reasons(caplog) == ["token_error_invalid_grant"]
