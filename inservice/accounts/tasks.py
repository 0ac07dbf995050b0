"""Scheduled jobs of business accounts (declared in CELERY_BEAT_SCHEDULE)."""

from celery import shared_task

from .services import business_accounts_disable_inactive


@shared_task(name="inservice.accounts.tasks.disable_inactive_business_accounts")
def disable_inactive_business_accounts() -> int:
    """Disable business accounts unused for BUSINESS_ACCOUNT_INACTIVE_DAYS days; return how many."""
    return business_accounts_disable_inactive()
