import base64

from django.contrib.sessions.backends.db import SessionStore

from inservice.sso.attempts import MAX_PENDING_ATTEMPTS, attempt_create, attempt_take


def decoded_bits(value: str) -> int:
    return len(base64.urlsafe_b64decode(value + "=" * (-len(value) % 4))) * 8


def test_state_and_nonce_have_at_least_128_bits():
    attempt = attempt_create({}, next_url="")

    assert decoded_bits(attempt.state) >= 128
    assert decoded_bits(attempt.nonce) >= 128
    assert 43 <= len(attempt.code_verifier) <= 128


def test_attempt_taken_once():
    session = {}
    attempt = attempt_create(session, next_url="/here/")

    assert attempt_take(session, attempt.state) == attempt
    assert attempt_take(session, attempt.state) is None


def test_unknown_or_empty_state_returns_none():
    session = {}
    attempt_create(session, next_url="")

    assert attempt_take(session, "unknown") is None
    assert attempt_take(session, "") is None


def test_oldest_attempt_dropped_beyond_limit():
    session = {}
    attempts = [attempt_create(session, next_url=str(number)) for number in range(MAX_PENDING_ATTEMPTS + 1)]

    assert attempt_take(session, attempts[0].state) is None
    assert attempt_take(session, attempts[-1].state) == attempts[-1]
    assert attempt_take(session, attempts[1].state) == attempts[1]


def test_expired_attempt_returns_none(settings):
    session = {}
    attempt = attempt_create(session, next_url="")
    settings.SSO_ATTEMPT_MAX_AGE_SECONDS = -1

    assert attempt_take(session, attempt.state) is None


def test_attempts_survive_database_session(db):
    session = SessionStore()
    attempt = attempt_create(session, next_url="/x/")
    session.save()

    reloaded = SessionStore(session_key=session.session_key)

    assert attempt_take(reloaded, attempt.state) == attempt
