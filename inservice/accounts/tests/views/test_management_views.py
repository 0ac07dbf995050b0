"""The management pages and every action URL, driven as each kind of user, including forbidden paths."""

import pytest
from django.urls import reverse

from inservice.accounts.models import BusinessAccount, Role
from inservice.accounts.services import business_account_apply
from inservice.audit.models import AuditEvent
from inservice.testing import factories

from ..conftest import reload

pytestmark = pytest.mark.django_db


def post(client, name, account, **data):
    return client.post(reverse(f"accounts:{name}", args=[account.pk]), {"next": "/", **data})


def assert_unchanged(account, *, role, status=BusinessAccount.Status.ACTIVE):
    fresh = reload(account)
    assert fresh.role == role
    assert fresh.status == status


@pytest.fixture
def pending(application_data):
    return business_account_apply(**application_data)


def test_unit_page_lists_accounts_and_pending(client, chief, operator, pending):
    client.force_login(chief.user)

    response = client.get(reverse("accounts:unit_accounts"))

    content = response.content.decode()
    assert response.status_code == 200
    assert operator.user.username in content
    assert pending.user.username in content
    assert reverse("accounts:account_approve", args=[pending.pk]) in content


def test_unit_page_in_menu_for_chief_only(client, chief, contact):
    link = f'href="{reverse("accounts:unit_accounts")}"'

    client.force_login(chief.user)
    assert link in client.get("/").content.decode()

    client.force_login(contact.user)
    assert link not in client.get("/").content.decode()


@pytest.mark.parametrize("fixture", ["contact", "operator", "authority_user"])
def test_unit_page_forbidden_to_others(client, request, fixture):
    actor = request.getfixturevalue(fixture)
    client.force_login(getattr(actor, "user", actor))

    assert client.get(reverse("accounts:unit_accounts")).status_code == 403


def test_unit_page_needs_sign_in(client):
    response = client.get(reverse("accounts:unit_accounts"))

    assert response.status_code == 302
    assert reverse("accounts:login") in response["Location"]


def test_unit_page_query_count_flat(client, chief, unit, django_assert_max_num_queries):
    for index in range(12):
        factories.make_business_account(unit=unit, role=Role.OPERATOR, username=f"op{index}")
    client.force_login(chief.user)

    with django_assert_max_num_queries(14):
        client.get(reverse("accounts:unit_accounts"))


def test_chief_approves_through_page(client, chief, pending):
    client.force_login(chief.user)

    response = post(client, "account_approve", pending)

    assert response.status_code == 302
    assert reload(pending).status == BusinessAccount.Status.ACTIVE


def test_chief_returns_through_page(client, chief, pending):
    client.force_login(chief.user)

    post(client, "account_return", pending, reason="資料有誤")

    assert reload(pending).status == BusinessAccount.Status.RETURNED


def test_return_without_reason_shows_message(client, chief, pending):
    client.force_login(chief.user)

    response = post(client, "account_return", pending, reason="")
    follow = client.get(response["Location"])

    assert reload(pending).status == BusinessAccount.Status.PENDING
    assert any("reason" in str(message).lower() or "原因" in str(message) for message in follow.context["messages"])


def test_chief_changes_role_through_page(client, chief, operator):
    client.force_login(chief.user)

    post(client, "account_change_role", operator, role=Role.CONTACT)

    assert reload(operator).role == Role.CONTACT


def test_chief_deletes_through_page(client, chief, operator):
    client.force_login(chief.user)

    post(client, "account_delete", operator, reason="離職")

    assert reload(operator).status == BusinessAccount.Status.DELETED


# --- Forbidden paths: each must return 403 or 404 and change nothing. ---------------------------


def test_hidden_field_grant_chief_forbidden(client, chief, operator):
    client.force_login(chief.user)

    response = post(client, "account_change_role", operator, role=Role.CHIEF)

    assert response.status_code == 403
    assert_unchanged(operator, role=Role.OPERATOR)


def test_own_role_change_forbidden(client, chief):
    client.force_login(chief.user)

    response = post(client, "account_change_role", chief, role=Role.CONTACT)

    assert response.status_code == 403
    assert_unchanged(chief, role=Role.CHIEF)


def test_other_unit_account_is_404(client, chief, other_unit):
    stranger = factories.make_business_account(unit=other_unit, role=Role.OPERATOR, username="stranger")
    client.force_login(chief.user)

    for name, data in [
        ("account_change_role", {"role": Role.CONTACT}),
        ("account_delete", {"reason": "x"}),
        ("account_enable", {}),
        ("account_approve", {}),
        ("account_return", {"reason": "x"}),
    ]:
        assert post(client, name, stranger, **data).status_code == 404, name
    assert_unchanged(stranger, role=Role.OPERATOR)


def test_chief_cannot_touch_peer_chief(client, chief, unit):
    peer = factories.make_business_account(unit=unit, role=Role.CHIEF, username="chief2")
    client.force_login(chief.user)

    assert post(client, "account_change_role", peer, role=Role.CONTACT).status_code == 403
    assert post(client, "account_delete", peer, reason="x").status_code == 403
    assert_unchanged(peer, role=Role.CHIEF)


@pytest.mark.parametrize("fixture", ["contact", "operator"])
def test_lower_roles_cannot_act(client, request, fixture, chief, pending):
    actor = request.getfixturevalue(fixture)
    client.force_login(actor.user)

    assert post(client, "account_change_role", chief, role=Role.OPERATOR).status_code == 404
    assert post(client, "account_delete", chief, reason="x").status_code == 404
    assert post(client, "account_approve", pending).status_code == 404
    assert_unchanged(chief, role=Role.CHIEF)
    assert_unchanged(pending, role=Role.OPERATOR, status=BusinessAccount.Status.PENDING)


def test_chief_cannot_suspend(client, chief, operator):
    client.force_login(chief.user)

    assert post(client, "account_suspend", operator, reason="x").status_code == 403
    assert_unchanged(operator, role=Role.OPERATOR)


def test_get_on_action_not_allowed(client, chief, operator):
    client.force_login(chief.user)

    response = client.get(reverse("accounts:account_delete", args=[operator.pk]))

    assert response.status_code == 405
    assert_unchanged(operator, role=Role.OPERATOR)


def test_anonymous_post_redirects_to_sign_in(client, operator):
    response = post(client, "account_delete", operator, reason="x")

    assert response.status_code == 302
    assert_unchanged(operator, role=Role.OPERATOR)


def test_foreign_authority_gets_404(client, chief, foreign_unit):
    stranger = factories.make_authority_user(foreign_unit.authority, username="stranger")
    client.force_login(stranger)

    assert post(client, "account_change_role", chief, role=Role.CONTACT).status_code == 404
    assert_unchanged(chief, role=Role.CHIEF)


def test_offsite_next_is_ignored(client, chief, operator):
    client.force_login(chief.user)

    response = client.post(
        reverse("accounts:account_change_role", args=[operator.pk]), {"role": Role.CONTACT, "next": "https://example.com/"}
    )

    assert response["Location"] == reverse("core:home")


# --- Authority and system pages --------------------------------------------------------------------


def test_authority_page_lists_pending_chief_and_orphan_units(client, authority_user, application_data, other_unit):
    chief_application = business_account_apply(**{**application_data, "role": Role.CHIEF})
    client.force_login(authority_user)

    response = client.get(reverse("accounts:authority_accounts"))

    content = response.content.decode()
    assert response.status_code == 200
    assert [row["account"] for row in response.context["pending_rows"]] == [chief_application]
    assert other_unit.name in content
    assert reverse("accounts:account_approve", args=[chief_application.pk]) in content


def test_authority_approves_chief_through_page(client, authority_user, application_data):
    chief_application = business_account_apply(**{**application_data, "role": Role.CHIEF})
    client.force_login(authority_user)

    post(client, "account_approve", chief_application)

    assert reload(chief_application).status == BusinessAccount.Status.ACTIVE


def test_authority_cannot_delete_last_chief_through_page(client, authority_user, chief):
    client.force_login(authority_user)

    response = post(client, "account_delete", chief, reason="離職")
    follow = client.get(response["Location"])

    assert_unchanged(chief, role=Role.CHIEF)
    assert any(message.level_tag == "error" for message in follow.context["messages"])


def test_authority_search_filters_by_unit(client, authority_user, chief, other_unit):
    stranger = factories.make_business_account(unit=other_unit, role=Role.CHIEF, username="other")
    client.force_login(authority_user)

    response = client.get(reverse("accounts:authority_accounts"), {"query": "大同"})

    assert [row["account"] for row in response.context["rows"]] == [stranger]


def test_authority_page_query_count_flat(client, authority_user, unit, other_unit, django_assert_max_num_queries):
    for index in range(12):
        factories.make_business_account(unit=unit if index % 2 else other_unit, role=Role.OPERATOR, username=f"op{index}")
    client.force_login(authority_user)

    with django_assert_max_num_queries(14):
        client.get(reverse("accounts:authority_accounts"))


def test_authority_page_forbidden_to_chief(client, chief):
    client.force_login(chief.user)

    assert client.get(reverse("accounts:authority_accounts")).status_code == 403


def test_system_page_finds_and_suspends(client, admin_user, operator):
    client.force_login(admin_user)

    response = client.get(reverse("accounts:system_accounts"), {"query": "operator"})
    assert [row["account"] for row in response.context["rows"]] == [operator]
    post(client, "account_suspend", operator, reason="帳號非本人使用")

    assert reload(operator).status == BusinessAccount.Status.SUSPENDED
    assert AuditEvent.objects.filter(action="business_account.suspend").exists()


def test_system_page_suspends_teacher(client, admin_user):
    teacher = factories.make_user("teacher1")
    client.force_login(admin_user)

    client.post(reverse("accounts:user_suspend", args=[teacher.pk]), {"reason": "冒用", "next": "/"})

    teacher.refresh_from_db()
    assert teacher.is_active is False


def test_system_page_forbidden_to_authority(client, authority_user):
    client.force_login(authority_user)

    assert client.get(reverse("accounts:system_accounts")).status_code == 403


# --- The holder's page -----------------------------------------------------------------------------


def test_holder_deletes_own_account(client, operator):
    client.force_login(operator.user)

    response = client.post(reverse("accounts:my_business_account"))

    assert response.status_code == 302
    assert reload(operator).status == BusinessAccount.Status.DELETED


def test_last_chief_cannot_delete_own_account(client, chief):
    client.force_login(chief.user)

    response = client.post(reverse("accounts:my_business_account"))

    assert response.status_code == 200
    assert reload(chief).status == BusinessAccount.Status.ACTIVE
    assert any(message.level_tag == "error" for message in response.context["messages"])


def test_my_account_is_404_for_teacher(client):
    client.force_login(factories.make_user("teacher1"))

    assert client.get(reverse("accounts:my_business_account")).status_code == 404


def test_system_admin_deletes_through_page(client, admin_user, chief):
    client.force_login(admin_user)

    post(client, "account_delete", chief, reason="帳號非本人使用")

    assert reload(chief).status == BusinessAccount.Status.DELETED


def test_user_suspend_forbidden_to_authority(client, authority_user):
    teacher = factories.make_user("teacher1")
    client.force_login(authority_user)

    response = client.post(reverse("accounts:user_suspend", args=[teacher.pk]), {"reason": "冒用", "next": "/"})

    teacher.refresh_from_db()
    assert response.status_code == 403
    assert teacher.is_active is True


def test_chief_reenables_disabled_through_page(client, chief, operator):
    operator.status = BusinessAccount.Status.DISABLED
    operator.save()
    operator.user.is_active = False
    operator.user.save()
    client.force_login(chief.user)

    post(client, "account_enable", operator)

    fresh = reload(operator)
    assert fresh.status == BusinessAccount.Status.ACTIVE
    assert fresh.user.is_active is True


# --- Django admin ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "url_name",
    [
        "admin:accounts_user_changelist",
        "admin:accounts_businessaccount_changelist",
        "admin:organisations_unit_changelist",
        "admin:organisations_authority_changelist",
    ],
)
def test_admin_lists_open_for_superuser(client, admin_user, chief, url_name):
    client.force_login(admin_user)

    assert client.get(reverse(url_name)).status_code == 200


def test_admin_cannot_edit_business_account(client, admin_user, chief):
    client.force_login(admin_user)
    url = reverse("admin:accounts_businessaccount_change", args=[chief.pk])

    response = client.post(url, {"role": Role.OPERATOR, "user": admin_user.pk})

    assert response.status_code == 403
    assert_unchanged(chief, role=Role.CHIEF)
