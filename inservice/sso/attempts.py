"""Pending sign-in attempts, kept in the server-side session and keyed by ``state``.

Several attempts may wait at once (two tabs signing in), each with its own
state, nonce, PKCE verifier and the page to return to. The callback takes
its attempt out of the session, so a state works once.
"""

from __future__ import annotations

import secrets
import time
from dataclasses import asdict, dataclass

from django.conf import settings

SESSION_KEY = "sso_attempts"
# 32 random bytes: 256 bits for state and nonce, and a 43-character PKCE verifier.
RANDOM_BYTES = 32
# Attempts kept per session; starting one more drops the oldest.
MAX_PENDING_ATTEMPTS = 5


@dataclass(frozen=True)
class PendingAttempt:
    state: str
    nonce: str
    code_verifier: str
    next_url: str
    created_at: float


def attempt_create(session, *, next_url: str) -> PendingAttempt:
    """Start a new attempt with fresh random values and store it in ``session``."""
    attempt = PendingAttempt(
        state=secrets.token_urlsafe(RANDOM_BYTES),
        nonce=secrets.token_urlsafe(RANDOM_BYTES),
        code_verifier=secrets.token_urlsafe(RANDOM_BYTES),
        next_url=next_url,
        created_at=time.time(),
    )

    pending = _live_attempts(session)
    pending[attempt.state] = asdict(attempt)
    while len(pending) > MAX_PENDING_ATTEMPTS:
        oldest = min(pending, key=lambda state: pending[state]["created_at"])
        del pending[oldest]
    session[SESSION_KEY] = pending
    return attempt


def attempt_take(session, state: str) -> PendingAttempt | None:
    """Remove and return the attempt started with ``state``, or None if unknown or expired."""
    pending = _live_attempts(session)
    stored = pending.pop(state, None) if state else None
    session[SESSION_KEY] = pending
    if stored is None:
        return None
    return PendingAttempt(**stored)


def _live_attempts(session) -> dict:
    oldest_allowed = time.time() - settings.SSO_ATTEMPT_MAX_AGE_SECONDS
    stored = session.get(SESSION_KEY) or {}
    return {state: value for state, value in stored.items() if value.get("created_at", 0) >= oldest_allowed}
