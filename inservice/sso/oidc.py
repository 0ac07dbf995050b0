"""The OpenID Connect relying party for the MOE education identity service.

Authorization-code flow with PKCE (S256). Authlib's OAuth2Client builds the
authorization URL and exchanges the code. joserfc verifies the ID token's
RS256 signature with the issuer's JWKS, and authlib's ``CodeIDToken``
checks its claims. The discovery document and the JWKS are cached per
process; an ID token signed with an unknown ``kid`` makes the JWKS be read
again once, so a key rotation at the provider needs no restart here.
"""

from __future__ import annotations

import logging
import threading
import time
from dataclasses import dataclass

import httpx
from authlib.integrations.base_client.errors import OAuthError
from authlib.integrations.httpx_client import OAuth2Client
from authlib.oidc.core import CodeIDToken
from django.conf import settings
from joserfc import jws, jwt
from joserfc.errors import BadSignatureError, ClaimError, DecodeError, InvalidKeyIdError, JoseError
from joserfc.jwk import KeySet

from .attempts import PendingAttempt

logger = logging.getLogger(__name__)

# The only signature algorithm accepted on ID tokens; "none" and HMAC never pass.
ID_TOKEN_ALGORITHM = "RS256"
DISCOVERY_PATH = "/.well-known/openid-configuration"


class ProviderError(Exception):
    """The provider could not be reached or returned an unusable response.

    ``reason`` is a short code for the log; it never carries personal data.
    """

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


class VerificationFailed(Exception):
    """The provider's response failed a relying-party check (signature, claims, state)."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class VerifiedSignIn:
    """Claims of a completed sign-in: the ID token's, overlaid with UserInfo's."""

    issuer: str
    subject: str
    claims: dict


# --- Cached provider documents -------------------------------------------------------

_cache_lock = threading.Lock()
_metadata_cache: dict[str, tuple[float, dict]] = {}
_jwks_cache: dict[str, KeySet] = {}


def reset_provider_cache() -> None:
    """Forget every cached discovery document and JWKS (tests, or after a settings change)."""
    with _cache_lock:
        _metadata_cache.clear()
        _jwks_cache.clear()


def _http_client() -> httpx.Client:
    return httpx.Client(timeout=settings.SSO_HTTP_TIMEOUT_SECONDS, follow_redirects=False)


def _get_json(url: str, *, reason: str, headers: dict | None = None) -> dict:
    try:
        with _http_client() as client:
            response = client.get(url, headers=headers)
    except httpx.HTTPError as error:
        logger.warning("Identity service request failed: reason=%s error=%s", reason, type(error).__name__)
        raise ProviderError(f"{reason}_unreachable") from error
    if response.status_code != 200:
        logger.warning("Identity service returned HTTP %s: reason=%s", response.status_code, reason)
        raise ProviderError(f"{reason}_http_{response.status_code}")
    try:
        document = response.json()
    except ValueError as error:
        raise ProviderError(f"{reason}_not_json") from error
    if not isinstance(document, dict):
        raise ProviderError(f"{reason}_not_object")
    return document


def provider_metadata() -> dict:
    """Return the issuer's discovery document, cached for SSO_DISCOVERY_CACHE_SECONDS."""
    issuer = settings.SSO_ISSUER
    with _cache_lock:
        cached = _metadata_cache.get(issuer)
    if cached and time.monotonic() - cached[0] < settings.SSO_DISCOVERY_CACHE_SECONDS:
        return cached[1]

    metadata = _get_json(issuer.rstrip("/") + DISCOVERY_PATH, reason="discovery")
    if metadata.get("issuer") != issuer:
        # OpenID Connect Discovery 1.0 §4.3: the document must name the issuer it was read from.
        raise ProviderError("discovery_issuer_mismatch")
    for endpoint in ("authorization_endpoint", "token_endpoint", "userinfo_endpoint", "jwks_uri"):
        if not metadata.get(endpoint):
            raise ProviderError(f"discovery_missing_{endpoint}")

    with _cache_lock:
        _metadata_cache[issuer] = (time.monotonic(), metadata)
    return metadata


def _key_set(*, refresh: bool = False) -> KeySet:
    issuer = settings.SSO_ISSUER
    with _cache_lock:
        cached = _jwks_cache.get(issuer)
    if cached is not None and not refresh:
        return cached

    document = _get_json(provider_metadata()["jwks_uri"], reason="jwks")
    try:
        keys = KeySet.import_key_set(document)
    except (JoseError, ValueError, KeyError, TypeError) as error:
        raise ProviderError("jwks_invalid") from error

    with _cache_lock:
        _jwks_cache[issuer] = keys
    return keys


# --- The flow --------------------------------------------------------------------------


def _oauth_client(**extra) -> OAuth2Client:
    return OAuth2Client(
        client_id=settings.SSO_CLIENT_ID,
        client_secret=settings.SSO_CLIENT_SECRET,
        token_endpoint_auth_method=settings.SSO_TOKEN_ENDPOINT_AUTH_METHOD,
        scope=settings.SSO_SCOPES,
        redirect_uri=settings.SSO_REDIRECT_URI,
        code_challenge_method="S256",
        timeout=settings.SSO_HTTP_TIMEOUT_SECONDS,
        follow_redirects=False,
        **extra,
    )


def authorization_url(attempt: PendingAttempt) -> str:
    """Return the provider URL that starts ``attempt``, with its state, nonce and PKCE challenge."""
    metadata = provider_metadata()
    with _oauth_client() as client:
        url, _state = client.create_authorization_url(
            metadata["authorization_endpoint"],
            state=attempt.state,
            code_verifier=attempt.code_verifier,
            nonce=attempt.nonce,
        )
    return url


def complete_sign_in(*, code: str, attempt: PendingAttempt) -> VerifiedSignIn:
    """Exchange ``code`` for tokens, verify the ID token, and read UserInfo.

    Raises VerificationFailed when a check fails and ProviderError when the
    provider cannot be used.
    """
    metadata = provider_metadata()
    try:
        with _oauth_client() as client:
            token = client.fetch_token(
                metadata["token_endpoint"],
                grant_type="authorization_code",
                code=code,
                code_verifier=attempt.code_verifier,
            )
    except OAuthError as error:
        # The provider rejected the code, e.g. invalid_grant for a replayed or expired code.
        raise VerificationFailed(f"token_error_{error.error}") from error
    except httpx.HTTPError as error:
        logger.warning("Identity service token request failed: error=%s", type(error).__name__)
        raise ProviderError("token_unreachable") from error
    except ValueError as error:
        # The token endpoint returned a body that is not JSON.
        raise ProviderError("token_not_json") from error

    id_token = token.get("id_token")
    access_token = token.get("access_token")
    if not isinstance(id_token, str) or not isinstance(access_token, str) or not id_token or not access_token:
        raise VerificationFailed("token_response_incomplete")
    id_claims = verify_id_token(id_token, nonce=attempt.nonce, access_token=access_token)

    userinfo = _get_json(
        metadata["userinfo_endpoint"], reason="userinfo", headers={"Authorization": f"Bearer {access_token}"}
    )
    # OpenID Connect Core 1.0 §5.3.2: UserInfo must be about the ID token's subject.
    if userinfo.get("sub") != id_claims["sub"]:
        raise VerificationFailed("userinfo_subject_mismatch")

    return VerifiedSignIn(issuer=id_claims["iss"], subject=id_claims["sub"], claims={**id_claims, **userinfo})


def verify_id_token(raw: str, *, nonce: str, access_token: str | None = None) -> dict:
    """Check the ID token's signature and claims; return its claims or raise VerificationFailed."""
    try:
        header = jws.extract_compact(raw.encode("ascii")).headers()
    except (DecodeError, ValueError, UnicodeError) as error:
        raise VerificationFailed("id_token_malformed") from error
    if header.get("alg") != ID_TOKEN_ALGORITHM:
        raise VerificationFailed("id_token_algorithm_not_allowed")

    keys = _key_set()
    kid = header.get("kid")
    if kid is not None and not _has_kid(keys, kid):
        # The provider may have rotated its keys since the JWKS was cached: read it once more.
        keys = _key_set(refresh=True)
        if not _has_kid(keys, kid):
            raise VerificationFailed("id_token_unknown_key")

    try:
        token = jwt.decode(raw, keys, algorithms=[ID_TOKEN_ALGORITHM])
    except BadSignatureError as error:
        raise VerificationFailed("id_token_bad_signature") from error
    except InvalidKeyIdError as error:
        raise VerificationFailed("id_token_unknown_key") from error
    except JoseError as error:
        raise VerificationFailed(f"id_token_{error.error}") from error

    claims = CodeIDToken(
        token.claims,
        token.header,
        options={
            "iss": {"essential": True, "value": settings.SSO_ISSUER},
            "aud": {"essential": True, "value": settings.SSO_CLIENT_ID},
            "sub": {"essential": True},
            "exp": {"essential": True},
            "iat": {"essential": True},
            "nonce": {"essential": True, "value": nonce},
        },
        params={"nonce": nonce, "client_id": settings.SSO_CLIENT_ID, "access_token": access_token},
    )
    try:
        claims.validate(leeway=settings.SSO_CLOCK_LEEWAY_SECONDS)
    except ClaimError as error:
        raise VerificationFailed(f"id_token_{error.error}_{error.claim}") from error
    except JoseError as error:
        raise VerificationFailed(f"id_token_{error.error}") from error
    if not isinstance(claims.get("sub"), str) or not claims["sub"]:
        raise VerificationFailed("id_token_invalid_claim_sub")
    return dict(claims)


def _has_kid(keys: KeySet, kid: str) -> bool:
    try:
        keys.get_by_kid(kid)
    except (InvalidKeyIdError, ValueError):
        return False
    return True
