"""Fixtures for roaming sign-in: a real OpenID Provider on loopback and settings pointing at it."""

from __future__ import annotations

import pytest

from inservice.sso import oidc

from .local_provider import CLIENT_ID, CLIENT_SECRET, LocalProvider, new_signing_key, node_missing_reason

REDIRECT_URI = "http://testserver/sso/callback/"


@pytest.fixture(scope="session")
def signing_key():
    return new_signing_key("test-key-1")


@pytest.fixture(scope="session")
def session_provider(signing_key):
    reason = node_missing_reason()
    if reason:
        pytest.skip(reason)
    provider = LocalProvider(redirect_uri=REDIRECT_URI, accounts={}, key=signing_key).start()
    yield provider
    provider.close()


@pytest.fixture
def provider(session_provider, settings):
    """The shared provider, with this relying party's settings pointing at it and empty caches."""
    settings.SSO_ENABLED = True
    settings.SSO_ISSUER = session_provider.issuer
    settings.SSO_CLIENT_ID = CLIENT_ID
    settings.SSO_CLIENT_SECRET = CLIENT_SECRET
    settings.SSO_REDIRECT_URI = REDIRECT_URI
    oidc.reset_provider_cache()
    yield session_provider
    oidc.reset_provider_cache()
