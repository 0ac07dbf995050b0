"""Fake source servers for development, the demo and tests, one per feed contract.

``FakeSourceServer`` serves a list of ``FakePerson`` in the format of the
kindergarten or Taipei contract (docs/feeds/) on 127.0.0.1, with bearer-token
checking and paging, and can inject a fault into its answers:

* ``empty``: a valid feed with no records;
* ``truncated``: pages stop early although the declared total is larger;
* ``cut``: the body of the second page ends mid-way and the connection closes;
* ``unparseable``: pages are HTML instead of JSON;
* ``unreachable``: nothing listens on the server's address any more;
* ``slow``: each page waits ``delay`` seconds before it is sent;
* ``bad_record``: the record at ``bad_position`` has a wrong identity check digit;
* ``server_error``: every page is HTTP 500.
"""

from __future__ import annotations

import datetime
import json
import random
import threading
import time
from dataclasses import dataclass, replace
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit
from zoneinfo import ZoneInfo

from inservice.core import identity

TAIPEI = ZoneInfo("Asia/Taipei")
FAULTS = ("empty", "truncated", "cut", "unparseable", "unreachable", "slow", "bad_record", "server_error")
AREA_LETTERS = "ABCDEFGHJKLMNPQRSTUVXYWZIO"
SURNAMES = "陳林黃張李王吳劉蔡楊許鄭謝洪郭邱曾廖賴徐周葉蘇莊呂江何蕭羅高潘簡朱鍾彭游詹胡施沈余盧梁趙顏柯翁魏孫戴"
GIVEN = "怡君淑芬雅婷志明家豪俊傑美玲建宏淑惠佩珊宗翰冠宇欣怡承恩柏翰思妤宜蓁子晴品妍語彤"
KINDERGARTEN_TITLES = ("幼兒園教師", "教保員", "助理教保員", "園長", "護理師")
TAIPEI_TITLES = ("合格專任教師", "代理教師", "組長", "主任", "兼任教師")


@dataclass
class FakePerson:
    """One person as a source lists them, in the engine's own terms."""

    identity_number: str
    name: str
    gender: str
    title: str
    unit_code: str
    employed: bool = True
    pending: bool = False
    changed_at: datetime.datetime = datetime.datetime(2025, 8, 1, 9, 0, tzinfo=TAIPEI)


def identity_number_for(index: int) -> str:
    """Return a valid national ID that is unique for each ``index`` below 2.6 × 10^8."""
    letter = AREA_LETTERS[index // 10_000_000 % len(AREA_LETTERS)]
    second = "1" if index % 2 == 0 else "2"
    body = f"{letter}{second}{index % 10_000_000:07d}"
    return body + identity.compute_check_digit(body)


def generate_people(
    count: int,
    unit_codes: list[str],
    *,
    source: str = "kindergarten",
    seed: int = 1,
    first_index: int = 0,
    pending_share: float = 0.0,
) -> list[FakePerson]:
    """Generate ``count`` people spread over ``unit_codes``, reproducible for a given seed."""
    if not unit_codes:
        raise ValueError("generate_people needs at least one unit code.")
    rng = random.Random(seed)
    titles = KINDERGARTEN_TITLES if source == "kindergarten" else TAIPEI_TITLES
    people = []
    for offset in range(count):
        index = first_index + offset
        number = identity_number_for(index)
        people.append(
            FakePerson(
                identity_number=number,
                name=rng.choice(SURNAMES) + rng.choice(GIVEN) + rng.choice(GIVEN),
                gender="M" if number[1] == "1" else "F",
                title=rng.choice(titles),
                unit_code=unit_codes[offset % len(unit_codes)],
                pending=rng.random() < pending_share,
                changed_at=datetime.datetime(2025, 8, 1, 9, 0, tzinfo=TAIPEI)
                + datetime.timedelta(minutes=offset % 100_000),
            )
        )
    return people


def copy_people(people: list[FakePerson]) -> list[FakePerson]:
    return [replace(person) for person in people]


def _wrong_check_digit(number: str) -> str:
    return number[:-1] + str((int(number[-1]) + 1) % 10)


def _kindergarten_item(person: FakePerson) -> dict:
    return {
        "idno": person.identity_number,
        "name": person.name,
        "sex": "1" if person.gender == "M" else "2",
        "job_title": person.title,
        "kindergarten_code": person.unit_code,
        "work_status": "在職" if person.employed else "離職",
        "audit_status": "異動待審" if person.pending else "已審核",
        "modified_at": person.changed_at.astimezone(TAIPEI).isoformat(timespec="seconds"),
    }


def _taipei_item(person: FakePerson) -> dict:
    moment = person.changed_at.astimezone(TAIPEI)
    return {
        "personal_id": person.identity_number,
        "full_name": person.name,
        "gender": person.gender,
        "title": person.title,
        "school_code": person.unit_code,
        "employment": "active" if person.employed else "left",
        "review": "pending" if person.pending else "approved",
        "changed_at": f"{moment.year - 1911:03d}/{moment:%m/%d %H:%M:%S}",
    }


class FakeSourceServer:
    """A feed server on 127.0.0.1 for one contract; use it as a context manager or start()/stop()."""

    def __init__(
        self,
        source: str,
        people: list[FakePerson] | None = None,
        *,
        token: str = "fake-token",
        port: int = 0,
        fault: str | None = None,
        delay: float = 0.0,
        bad_position: int = 1,
    ):
        if source not in ("kindergarten", "taipei"):
            raise ValueError(f"No fake server for source {source!r}.")
        self.source = source
        self.people = people or []
        self.token = token
        self.fault = fault
        self.delay = delay
        self.bad_position = bad_position
        self.requests = 0
        self._port = port
        self._httpd: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    # --- Life cycle ---------------------------------------------------------------

    def start(self) -> FakeSourceServer:
        self._httpd = ThreadingHTTPServer(("127.0.0.1", self._port), self._handler_class())
        self._httpd.daemon_threads = True
        self._port = self._httpd.server_address[1]
        self._thread = threading.Thread(target=self._httpd.serve_forever, name=f"fake-{self.source}", daemon=True)
        self._thread.start()
        if self.fault == "unreachable":
            self.stop()
        return self

    def stop(self) -> None:
        if self._httpd is not None:
            self._httpd.shutdown()
            self._httpd.server_close()
            self._httpd = None

    def __enter__(self) -> FakeSourceServer:
        return self.start()

    def __exit__(self, *exc_info) -> None:
        self.stop()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._port}"

    def settings_entry(self, **extra) -> dict:
        """Return a SYNC_SOURCES entry that points the source's adapter at this server."""
        adapters = {
            "kindergarten": "inservice.sync.adapters.kindergarten.KindergartenAdapter",
            "taipei": "inservice.sync.adapters.taipei.TaipeiAdapter",
        }
        entry = {"adapter": adapters[self.source], "url": self.url, "token": self.token, "hour": 2, "minute": 0}
        entry.update(extra)
        return entry

    # --- Pages ----------------------------------------------------------------------

    def _listed(self) -> list[FakePerson]:
        return [] if self.fault == "empty" else self.people

    def _item(self, person: FakePerson, position: int) -> dict:
        item = _kindergarten_item(person) if self.source == "kindergarten" else _taipei_item(person)
        if self.fault == "bad_record" and position == self.bad_position:
            key = "idno" if self.source == "kindergarten" else "personal_id"
            item[key] = _wrong_check_digit(item[key])
        return item

    def page(self, query: dict[str, str]) -> tuple[dict, int]:
        """Build one page for a query; returns the payload and the page number (1-based)."""
        listed = self._listed()
        total = len(listed)
        if self.source == "kindergarten":
            size = max(1, min(int(query.get("limit", 1000)), 5000))
            offset = int(query.get("cursor", "0") or 0)
            chunk = listed[offset : offset + size]
            end = offset + len(chunk)
            number = offset // size + 1
            next_cursor = str(end) if end < total else None
            if self.fault == "truncated" and end >= total // 2:
                next_cursor = None
            payload = {
                "total": total,
                "data": [self._item(p, offset + i + 1) for i, p in enumerate(chunk)],
                "next_cursor": next_cursor,
            }
            return payload, number

        size = max(1, min(int(query.get("per_page", 500)), 5000))
        number = max(1, int(query.get("page", 1)))
        pages = max(1, -(-total // size))
        offset = (number - 1) * size
        chunk = listed[offset : offset + size]
        served_pages = pages
        if self.fault == "truncated":
            served_pages = max(1, pages // 2)
        payload = {
            "meta": {"total": total, "page": number, "per_page": size, "pages": served_pages},
            "teachers": [self._item(p, offset + i + 1) for i, p in enumerate(chunk)],
        }
        return payload, number

    def _handler_class(self):
        server = self
        expected_path = "/api/v1/staff" if self.source == "kindergarten" else "/feed/teachers"

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, format, *args):  # noqa: A002 - the base class's name
                return

            def _send(self, status: int, body: bytes, content_type: str, *, length: int | None = None) -> None:
                self.send_response(status)
                self.send_header("Content-Type", content_type)
                self.send_header("Content-Length", str(length if length is not None else len(body)))
                self.end_headers()
                self.wfile.write(body)

            def do_GET(self):  # noqa: N802 - the base class's name
                server.requests += 1
                parts = urlsplit(self.path)
                if parts.path != expected_path:
                    self._send(404, b'{"error": "not found"}', "application/json")
                    return
                if self.headers.get("Authorization") != f"Bearer {server.token}":
                    self._send(401, b'{"error": "invalid token"}', "application/json")
                    return
                if server.fault == "slow" and server.delay:
                    time.sleep(server.delay)
                if server.fault == "server_error":
                    self._send(500, b'{"error": "internal"}', "application/json")
                    return
                if server.fault == "unparseable":
                    self._send(200, b"<html><body>Maintenance</body></html>", "text/html")
                    return
                query = {key: values[0] for key, values in parse_qs(parts.query).items()}
                try:
                    payload, number = server.page(query)
                except ValueError:
                    self._send(400, b'{"error": "bad paging parameters"}', "application/json")
                    return
                body = json.dumps(payload, ensure_ascii=False).encode("utf-8")
                if server.fault == "cut":
                    self._send(200, body[: len(body) // 2], "application/json", length=len(body))
                    self.close_connection = True
                    return
                self._send(200, body, "application/json; charset=utf-8")

        return Handler
