"""The HTTP side shared by every adapter: bearer token, timeouts, paging and feed-level checks.

A subclass supplies only what differs between sources: the first page's
request, how a page lists its records and the next page, and how one record
maps onto ``RawRecord``.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from ipaddress import ip_address
from urllib.parse import urlsplit

import httpx

from ..feed import Feed, FeedError, RawRecord

logger = logging.getLogger(__name__)

LOOPBACK_HOSTS = {"localhost"}
# A feed never has more pages than this; a source that keeps sending a next
# page beyond it is treated as broken rather than followed forever.
MAX_PAGES = 10_000


def is_loopback(host: str) -> bool:
    if host in LOOPBACK_HOSTS:
        return True
    try:
        return ip_address(host).is_loopback
    except ValueError:
        return False


class Page:
    """One parsed page: its items, the declared total, and the request for the next page."""

    def __init__(self, *, items: list, total: int, next_params: dict | None, pages_total: int = 0):
        self.items = items
        self.total = total
        self.next_params = next_params
        self.pages_total = pages_total


class Adapter:
    """Base of the source adapters. ``fetch`` returns the whole feed or raises FeedError."""

    source = ""
    path = ""

    def __init__(self, *, url: str, token: str = "", timeout: float = 30.0, page_size: int = 1000):
        self.url = url.rstrip("/")
        self.token = token
        self.timeout = timeout
        self.page_size = page_size

    # --- Source-specific parts ---------------------------------------------------

    def first_params(self) -> dict:
        raise NotImplementedError

    def parse_page(self, payload) -> Page:
        """Read one decoded JSON page; raise KeyError, TypeError or ValueError on a wrong shape."""
        raise NotImplementedError

    def map_item(self, item, position: int) -> RawRecord:
        raise NotImplementedError

    # --- Shared ------------------------------------------------------------------

    def check_address(self) -> None:
        """Reject plain HTTP except on loopback, where the fake source servers run."""
        parts = urlsplit(self.url)
        if parts.scheme == "https":
            return
        if parts.scheme == "http" and is_loopback(parts.hostname or ""):
            return
        raise FeedError("insecure", f"The feed address of {self.source} must use HTTPS.")

    def fetch(self, *, on_page: Callable[[int, int], None] | None = None) -> Feed:
        """Fetch every page. ``on_page(pages_fetched, pages_total)`` reports progress."""
        self.check_address()
        headers = {"Accept": "application/json"}
        if self.token:
            headers["Authorization"] = f"Bearer {self.token}"

        feed = Feed()
        params = self.first_params()
        # trust_env=False: proxy variables never redirect the feed elsewhere.
        with httpx.Client(timeout=self.timeout, headers=headers, trust_env=False) as client:
            while params is not None:
                if feed.pages >= MAX_PAGES:
                    raise FeedError("unparseable", f"The feed of {self.source} has more than {MAX_PAGES} pages.")
                page = self._get_page(client, params)
                if feed.pages == 0:
                    feed.declared_total = page.total
                elif page.total != feed.declared_total:
                    raise FeedError(
                        "unparseable",
                        f"The feed of {self.source} changed its total from {feed.declared_total} to {page.total} "
                        "while it was being read.",
                    )
                for item in page.items:
                    position = len(feed.records) + 1
                    try:
                        record = self.map_item(item, position)
                    except (KeyError, TypeError, ValueError, AttributeError) as error:
                        record = RawRecord(position=position, error=f"cannot read the record ({error.__class__.__name__})")
                    feed.records.append(record)
                feed.pages += 1
                if on_page is not None:
                    on_page(feed.pages, page.pages_total or feed.pages + (1 if page.next_params else 0))
                params = page.next_params

        self._check_complete(feed)
        logger.info("Fetched %s feed: %s records in %s pages", self.source, len(feed.records), feed.pages)
        return feed

    def _get_page(self, client: httpx.Client, params: dict) -> Page:
        try:
            response = client.get(self.url + self.path, params=params)
        except httpx.TimeoutException as error:
            raise FeedError("timeout", f"The source {self.source} did not respond within {self.timeout} s. Check that the source is up, then run the sync again.") from error
        except httpx.RemoteProtocolError as error:
            raise FeedError("truncated", f"The source {self.source} closed the connection mid-page.") from error
        except httpx.TransportError as error:
            raise FeedError(
                "unreachable", f"The source {self.source} could not be reached ({error.__class__.__name__})."
            ) from error

        if response.status_code in (401, 403):
            raise FeedError("unauthorised", f"The source {self.source} rejected the token (HTTP {response.status_code}).")
        if response.status_code != 200:
            raise FeedError("http_status", f"The source {self.source} returned HTTP {response.status_code}.")
        try:
            payload = json.loads(response.content)
        except (ValueError, UnicodeDecodeError) as error:
            raise FeedError("unparseable", f"A page of the {self.source} feed is not valid JSON.") from error
        try:
            page = self.parse_page(payload)
        except (KeyError, TypeError, ValueError, AttributeError) as error:
            raise FeedError(
                "unparseable", f"A page of the {self.source} feed does not follow the contract ({error!r})."
            ) from error
        if page.total < 0:
            raise FeedError("unparseable", f"The {self.source} feed declares a negative total.")
        return page

    def _check_complete(self, feed: Feed) -> None:
        if feed.declared_total == 0 and not feed.records:
            raise FeedError("empty", f"The {self.source} feed contains no records.")
        if len(feed.records) < feed.declared_total:
            raise FeedError(
                "truncated",
                f"The {self.source} feed declares {feed.declared_total} records but delivered {len(feed.records)}.",
            )
        if len(feed.records) > feed.declared_total:
            raise FeedError(
                "unparseable",
                f"The {self.source} feed declares {feed.declared_total} records but delivered {len(feed.records)}.",
            )
