"""Periodic jobs of 研習課程."""

from celery import shared_task

from .services import course_close_expired


@shared_task
def close_expired_enrolment() -> int:
    """Close enrolment of every open course whose enrolment window has ended."""
    return course_close_expired()
