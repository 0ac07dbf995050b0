"""Celery tasks of the sync app; they only call services."""

from __future__ import annotations

import logging
import threading

from celery import shared_task
from django.conf import settings
from django.db import connection

from . import services

logger = logging.getLogger(__name__)


@shared_task(name="inservice.sync.tasks.sync_scheduled_run")
def sync_scheduled_run(source: str) -> int | None:
    run = services.sync_scheduled(source=source)
    return run.pk if run else None


@shared_task(name="inservice.sync.tasks.sync_run_execute")
def sync_run_execute_task(run_id: int) -> str:
    return services.sync_run_execute(run_id=run_id).status


def _execute_in_thread(run_id: int) -> None:
    try:
        services.sync_run_execute(run_id=run_id)
    except Exception:
        # The thread has no caller to report to: log, so the run page's state is explained.
        logger.exception("Sync run %s failed in its background thread", run_id)
    finally:
        connection.close()


def enqueue_run(run_id: int) -> None:
    """Hand a run to the worker; without a broker, run it in this process."""
    if settings.CELERY_TASK_ALWAYS_EAGER and settings.SYNC_EAGER_IN_THREAD:
        threading.Thread(target=_execute_in_thread, args=(run_id,), name=f"sync-run-{run_id}", daemon=True).start()
        return
    sync_run_execute_task.delay(run_id)
