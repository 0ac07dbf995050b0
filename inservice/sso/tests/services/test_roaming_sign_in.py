import datetime

import pytest
from django.core import mail
from django.utils import timezone

from inservice.accounts.models import BusinessAccount, Role, User
from inservice.audit.models import AuditEvent
from inservice.core import identity
from inservice.core.policy import Capability, capabilities_of
from inservice.people.models import AccountStatus, Category, Gender, Membership, Person, Title
from inservice.sso.claims import roaming_claims_from
from inservice.sso.models import SsoIdentity
from inservice.sso.services import RefusalReason, RoamingRefused, roaming_sign_in
from inservice.testing import factories

pytestmark = pytest.mark.django_db

ISSUER = "https://sso.example.tw"


def claims_for(*, school, personid=None, sub="sub-1", name="林小華", email="t@example.tw", titles=None):
    raw = {
        "name": name,
        "email": email,
        "eduinfo": {"schoolid": school, "titles": titles if titles is not None else [["教師", "資訊組長"]]},
    }
    if personid is not None:
        raw["personid"] = personid
    return roaming_claims_from(issuer=ISSUER, subject=sub, claims=raw)


def refusal_of(claims) -> RefusalReason:
    with pytest.raises(RoamingRefused) as caught:
        roaming_sign_in(claims=claims)
    return caught.value.reason


def test_move_ends_old_membership_as_roaming(django_capture_on_commit_callbacks):
    old_unit = factories.make_unit(code="074601")
    new_unit = factories.make_unit(code="074602")
    person = factories.make_person(unit=old_unit, title=Title.SUBSTITUTE_LONG)

    with django_capture_on_commit_callbacks(execute=True):
        outcome = roaming_sign_in(claims=claims_for(school="074602", personid=person.identity_number))

    ended = Membership.objects.get(person=person, unit=old_unit)
    started = Membership.objects.get(person=person, end_date__isnull=True)
    assert outcome.previous_unit == old_unit
    assert ended.end_reason == Membership.EndReason.ROAMING
    assert ended.end_date == timezone.localdate()
    assert started.unit == new_unit
    assert started.source == Membership.Source.SSO
    assert started.title == Title.SUBSTITUTE_LONG
    assert started.start_date == timezone.localdate()


def test_move_is_audited():
    old_unit = factories.make_unit(code="074611")
    factories.make_unit(code="074612")
    person = factories.make_person(unit=old_unit)

    roaming_sign_in(claims=claims_for(school="074612", personid=person.identity_number), ip_address="127.0.0.1")

    actions = set(AuditEvent.objects.values_list("action", flat=True))
    assert {"membership.end", "membership.roaming_move", "sso.identity_link", "account.create"} <= actions
    move = AuditEvent.objects.get(action="membership.roaming_move")
    person.refresh_from_db()
    assert move.before == {"unit": old_unit.pk}
    assert move.actor == person.user
    assert move.actor_label == "sso"
    assert move.ip_address == "127.0.0.1"


def test_move_emails_old_chief_and_contact_only(django_capture_on_commit_callbacks):
    old_unit = factories.make_unit(code="074621")
    factories.make_unit(code="074622")
    chief = factories.make_business_account(unit=old_unit, role=Role.CHIEF)
    contact = factories.make_business_account(unit=old_unit, role=Role.CONTACT)
    factories.make_business_account(unit=old_unit, role=Role.OPERATOR)
    factories.make_business_account(unit=old_unit, role=Role.CONTACT, status=BusinessAccount.Status.SUSPENDED)
    person = factories.make_person(unit=old_unit, name="陳大文")

    with django_capture_on_commit_callbacks(execute=True):
        roaming_sign_in(claims=claims_for(school="074622", personid=person.identity_number))

    recipients = sorted(address for message in mail.outbox for address in message.to)
    assert recipients == sorted([chief.email, contact.email])
    body = mail.outbox[0].body
    assert "陳O文" in body
    assert "陳大文" not in body
    assert person.identity_masked in body
    assert "漫遊異動" in body


def test_move_waits_for_commit_before_emailing(django_capture_on_commit_callbacks):
    old_unit = factories.make_unit(code="074631")
    factories.make_unit(code="074632")
    factories.make_business_account(unit=old_unit, role=Role.CHIEF)
    person = factories.make_person(unit=old_unit)

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        roaming_sign_in(claims=claims_for(school="074632", personid=person.identity_number))

    assert len(callbacks) == 1
    assert mail.outbox == []


def test_same_unit_changes_no_membership(django_capture_on_commit_callbacks):
    unit = factories.make_unit(code="074641")
    factories.make_business_account(unit=unit, role=Role.CHIEF)
    person = factories.make_person(unit=unit)

    with django_capture_on_commit_callbacks(execute=True):
        outcome = roaming_sign_in(claims=claims_for(school="074641", personid=person.identity_number))

    assert outcome.previous_unit is None
    assert Membership.objects.filter(person=person).count() == 1
    assert mail.outbox == []


def test_unknown_person_created_at_unit():
    unit = factories.make_unit(code="074651")
    number = factories.make_identity_number(second="1")

    outcome = roaming_sign_in(claims=claims_for(school="074651", personid=number, name="黃志明", email="h@example.tw"))

    person = Person.objects.get(identity_hash=identity.lookup_hash(number))
    assert outcome.person_created
    assert person.name == "黃志明"
    assert person.email == "h@example.tw"
    assert person.gender == Gender.MALE
    membership = person.memberships.get()
    assert membership.unit == unit
    assert membership.source == Membership.Source.SSO
    assert membership.title == Title.OTHER
    assert membership.category == Category.TEACHER


def test_new_person_takes_roster_title_from_eduinfo():
    factories.make_unit(code="074652")
    number = factories.make_identity_number(second="2")

    outcome = roaming_sign_in(claims=claims_for(school="074652", personid=number, titles=[["教師", "主任"]]))

    assert outcome.person.gender == Gender.FEMALE
    assert outcome.person.memberships.get().title == Title.DIRECTOR


def test_new_account_counts_as_roaming():
    unit = factories.make_unit(code="074661")
    person = factories.make_person(unit=unit)

    outcome = roaming_sign_in(claims=claims_for(school="074661", personid=person.identity_number))

    person.refresh_from_db()
    assert outcome.account_created
    assert person.user == outcome.user
    assert person.account_status == AccountStatus.ACTIVE
    assert person.is_roaming
    assert outcome.user.kind == User.Kind.TEACHER
    assert not outcome.user.has_usable_password()


def test_existing_account_is_linked_not_replaced():
    unit = factories.make_unit(code="074671")
    user = factories.make_user(kind=User.Kind.TEACHER)
    person = factories.make_person(unit=unit, account_status=AccountStatus.ACTIVE)
    person.user = user
    person.save()

    outcome = roaming_sign_in(claims=claims_for(school="074671", personid=person.identity_number))

    person.refresh_from_db()
    assert outcome.user == user
    assert not outcome.account_created
    assert not person.is_roaming
    assert User.objects.count() == 1


def test_second_sign_in_matches_issuer_and_subject():
    factories.make_unit(code="074681")
    number = factories.make_identity_number()
    first = roaming_sign_in(claims=claims_for(school="074681", personid=number, sub="sub-81"))

    second = roaming_sign_in(claims=claims_for(school="074681", personid=None, sub="sub-81"))

    assert second.person == first.person
    assert second.user == first.user
    assert SsoIdentity.objects.get().last_sign_in_at is not None


def test_same_subject_of_other_issuer_is_not_matched():
    factories.make_unit(code="074682")
    roaming_sign_in(claims=claims_for(school="074682", personid=factories.make_identity_number(), sub="shared"))
    other = roaming_claims_from(
        issuer="https://other.example.tw",
        subject="shared",
        claims={"eduinfo": {"schoolid": "074682", "titles": [["教師"]]}},
    )

    assert refusal_of(other) == RefusalReason.UNMATCHED_PERSON


def test_changed_personid_for_linked_subject_refused():
    factories.make_unit(code="074683")
    roaming_sign_in(claims=claims_for(school="074683", personid=factories.make_identity_number(), sub="sub-83"))

    claims = claims_for(school="074683", personid=factories.make_identity_number(), sub="sub-83")

    assert refusal_of(claims) == RefusalReason.PERSON_CONFLICT


def test_email_never_matches_a_person():
    unit = factories.make_unit(code="074691")
    same_email = factories.make_person(unit=unit, email="shared@example.tw")
    number = factories.make_identity_number()

    outcome = roaming_sign_in(claims=claims_for(school="074691", personid=number, email="shared@example.tw"))

    assert outcome.person != same_email
    assert outcome.person_created
    same_email.refresh_from_db()
    assert same_email.user is None


def test_business_account_with_same_number_untouched():
    unit = factories.make_unit(code="074701")
    number = factories.make_identity_number()
    business = factories.make_business_account(unit=unit, role=Role.CHIEF, number=number)

    outcome = roaming_sign_in(claims=claims_for(school="074701", personid=number))

    assert outcome.user != business.user
    assert outcome.user.kind == User.Kind.TEACHER
    assert Capability.UNIT_ROSTER not in capabilities_of(outcome.user)
    assert Capability.UNIT_BUSINESS_ACCOUNTS not in capabilities_of(outcome.user)
    business.refresh_from_db()
    assert business.status == BusinessAccount.Status.ACTIVE


def test_person_linked_to_business_user_refused():
    unit = factories.make_unit(code="074702")
    business = factories.make_business_account(unit=unit)
    person = factories.make_person(unit=unit, account_status=AccountStatus.ACTIVE)
    person.user = business.user
    person.save()

    assert refusal_of(claims_for(school="074702", personid=person.identity_number)) == RefusalReason.ACCOUNT_NOT_PERSONAL


def test_disabled_person_refused():
    unit = factories.make_unit(code="074711")
    person = factories.make_person(unit=unit, account_status=AccountStatus.DISABLED)

    assert refusal_of(claims_for(school="074711", personid=person.identity_number)) == RefusalReason.ACCOUNT_DISABLED


def test_inactive_user_refused():
    unit = factories.make_unit(code="074712")
    person = factories.make_person(unit=unit, account_status=AccountStatus.ACTIVE)
    person.user = factories.make_user(is_active=False)
    person.save()

    assert refusal_of(claims_for(school="074712", personid=person.identity_number)) == RefusalReason.ACCOUNT_DISABLED


def test_refusal_leaves_roster_unchanged():
    old_unit = factories.make_unit(code="074713")
    factories.make_unit(code="074714")
    person = factories.make_person(unit=old_unit, account_status=AccountStatus.DISABLED)

    refusal_of(claims_for(school="074714", personid=person.identity_number))

    assert person.memberships.get().end_date is None
    assert not SsoIdentity.objects.exists()
    assert not AuditEvent.objects.exists()


@pytest.mark.parametrize(
    ("titles", "reason"),
    [
        ([["學生"]], RefusalReason.STUDENT),
        ([{"schoolid": "074721", "titles": ["學生"]}], RefusalReason.STUDENT),
        ([], RefusalReason.NO_STAFF_TITLE),
        ([[]], RefusalReason.NO_STAFF_TITLE),
    ],
)
def test_title_refusals(titles, reason):
    factories.make_unit(code="074721")

    claims = claims_for(school="074721", personid=factories.make_identity_number(), titles=titles)

    assert refusal_of(claims) == reason


def test_teacher_studying_elsewhere_accepted():
    factories.make_unit(code="074722")
    titles = [{"schoolid": "074722", "titles": ["教師"]}, {"schoolid": "0015", "titles": ["學生"]}]

    outcome = roaming_sign_in(claims=claims_for(school="074722", personid=factories.make_identity_number(), titles=titles))

    assert outcome.unit.code == "074722"


@pytest.mark.parametrize(
    ("school", "reason"),
    [
        ("", RefusalReason.MISSING_SCHOOL),
        ("0015", RefusalReason.UNIT_NOT_SERVED),
        ("074799", RefusalReason.UNKNOWN_SCHOOL),
        ("074731", RefusalReason.UNIT_INACTIVE),
    ],
)
def test_school_refusals(school, reason):
    factories.make_unit(code="074731", is_active=False)

    assert refusal_of(claims_for(school=school, personid=factories.make_identity_number())) == reason


def test_kindergarten_branch_accepted():
    factories.make_unit(code="074741-01", stages="KG")

    outcome = roaming_sign_in(claims=claims_for(school="074741-01", personid=factories.make_identity_number()))

    assert outcome.unit.code == "074741-01"


@pytest.mark.parametrize("personid", [None, "", "A123456788", "not-a-number"])
def test_missing_or_invalid_personid_unmatched(personid):
    factories.make_unit(code="074751")

    assert refusal_of(claims_for(school="074751", personid=personid)) == RefusalReason.UNMATCHED_PERSON


def test_new_person_without_name_refused():
    factories.make_unit(code="074752")

    claims = claims_for(school="074752", personid=factories.make_identity_number(), name="")

    assert refusal_of(claims) == RefusalReason.MISSING_NAME


def test_person_without_current_membership_joins_unit():
    old_unit = factories.make_unit(code="074761")
    new_unit = factories.make_unit(code="074762")
    person = factories.make_person(unit=old_unit)
    Membership.objects.filter(person=person).update(
        end_date=datetime.date(2025, 1, 31), end_reason=Membership.EndReason.RETIRED
    )

    outcome = roaming_sign_in(claims=claims_for(school="074762", personid=person.identity_number))

    assert outcome.previous_unit is None
    assert person.memberships.get(end_date__isnull=True).unit == new_unit
    assert person.memberships.get(unit=old_unit).end_reason == Membership.EndReason.RETIRED


def test_pending_status_with_account_activated_and_audited():
    unit = factories.make_unit(code="074771")
    person = factories.make_person(unit=unit, account_status=AccountStatus.PENDING)
    person.user = factories.make_user(kind=User.Kind.TEACHER)
    person.save()

    roaming_sign_in(claims=claims_for(school="074771", personid=person.identity_number))

    person.refresh_from_db()
    assert person.account_status == AccountStatus.ACTIVE
    event = AuditEvent.objects.get(action="person.account_status")
    assert event.before == {"account_status": "pending"}
    assert event.after == {"account_status": "active"}
