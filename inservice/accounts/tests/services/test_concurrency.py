"""Races on PostgreSQL: each thread has its own database connection and transaction."""

import threading

import pytest
from django.db import connection

from inservice.accounts.errors import DuplicateBusinessAccount, LastChiefError
from inservice.accounts.models import BusinessAccount, Role
from inservice.accounts.services import business_account_apply, business_account_change_role
from inservice.testing import factories

pytestmark = [pytest.mark.postgres_only, pytest.mark.django_db(transaction=True)]

THREADS = 4


def run_in_parallel(calls):
    """Start every call at once behind a barrier; return each call's result or exception."""
    barrier = threading.Barrier(len(calls))
    outcomes = [None] * len(calls)

    def worker(index, call):
        try:
            barrier.wait()
            outcomes[index] = call()
        except Exception as error:  # noqa: BLE001 - the test inspects every outcome
            outcomes[index] = error
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=(index, call)) for index, call in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return outcomes


def test_parallel_applications_same_identity_leave_one(application_data):
    number = factories.make_identity_number()
    calls = [
        lambda index=index: business_account_apply(
            **{**application_data, "identity_number": number, "username": f"racer{index}"}
        )
        for index in range(THREADS)
    ]

    outcomes = run_in_parallel(calls)

    winners = [outcome for outcome in outcomes if isinstance(outcome, BusinessAccount)]
    losers = [outcome for outcome in outcomes if isinstance(outcome, DuplicateBusinessAccount)]
    assert len(winners) == 1
    assert len(losers) == THREADS - 1
    assert BusinessAccount.objects.filter(status=BusinessAccount.Status.PENDING).count() == 1


def test_concurrent_demotions_leave_one_chief(unit, authority_user):
    first = factories.make_business_account(unit=unit, role=Role.CHIEF, username="chief1")
    second = factories.make_business_account(unit=unit, role=Role.CHIEF, username="chief2")
    calls = [
        lambda account=account: business_account_change_role(actor=authority_user, account=account, role=Role.CONTACT)
        for account in (first, second)
    ]

    outcomes = run_in_parallel(calls)

    chiefs = BusinessAccount.objects.filter(unit=unit, role=Role.CHIEF, status=BusinessAccount.Status.ACTIVE)
    assert chiefs.count() == 1
    assert sum(isinstance(outcome, LastChiefError) for outcome in outcomes) == 1
    assert sum(isinstance(outcome, BusinessAccount) for outcome in outcomes) == 1
