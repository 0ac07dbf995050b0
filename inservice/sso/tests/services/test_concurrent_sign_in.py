import threading

import pytest
from django.db import connection

from inservice.people.models import Membership, Person
from inservice.sso.claims import roaming_claims_from
from inservice.sso.models import SsoIdentity
from inservice.sso.services import roaming_sign_in
from inservice.testing import factories

THREADS = 4


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
def test_simultaneous_first_sign_ins_create_one_person():
    factories.make_unit(code="074781")
    number = factories.make_identity_number()
    claims = roaming_claims_from(
        issuer="https://sso.example.tw",
        subject="sub-concurrent",
        claims={"name": "林小華", "personid": number, "eduinfo": {"schoolid": "074781", "titles": [["教師"]]}},
    )
    barrier = threading.Barrier(THREADS)
    users, errors = [], []

    def sign_in():
        try:
            barrier.wait()
            users.append(roaming_sign_in(claims=claims).user.pk)
        except Exception as error:  # noqa: BLE001 - collected and asserted below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=sign_in) for _ in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    assert len(set(users)) == 1
    assert Person.objects.count() == 1
    assert SsoIdentity.objects.count() == 1
    assert Membership.objects.filter(end_date__isnull=True).count() == 1
