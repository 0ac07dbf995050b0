"""Adapters: the only code that reads a source's feed format. Pick one with ``adapter_for``."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.utils.module_loading import import_string

from .base import Adapter


def source_settings(source: str) -> dict:
    try:
        return settings.SYNC_SOURCES[source]
    except KeyError:
        raise ImproperlyConfigured(f"SYNC_SOURCES has no source named {source!r}.") from None


def adapter_for(source: str) -> Adapter:
    config = source_settings(source)
    adapter_class = import_string(config["adapter"])
    return adapter_class(
        url=config["url"],
        token=config.get("token", ""),
        timeout=float(config.get("timeout", settings.SYNC_HTTP_TIMEOUT)),
        page_size=int(config.get("page_size", 1000)),
    )
