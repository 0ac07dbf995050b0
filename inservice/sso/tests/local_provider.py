"""Start, drive and stop the local OpenID Provider (provider/provider.mjs) on loopback."""

from __future__ import annotations

import base64
import json
import shutil
import subprocess
import tempfile
import time
from pathlib import Path
from urllib.parse import parse_qs, urljoin, urlsplit

import httpx
from joserfc import jwt
from joserfc.jwk import RSAKey

ROOT = Path(__file__).resolve().parents[3]
SCRIPT = Path(__file__).resolve().parent / "provider" / "provider.mjs"
CLIENT_ID = "inservice-test"
CLIENT_SECRET = "inservice-test-secret-0123456789abcdef"
START_TIMEOUT_SECONDS = 20


def node_missing_reason() -> str | None:
    if shutil.which("node") is None:
        return "node is not installed"
    if not (ROOT / "node_modules" / "oidc-provider").exists():
        return "node_modules/oidc-provider is missing"
    return None


def new_signing_key(kid: str) -> RSAKey:
    return RSAKey.generate_key(2048, parameters={"kid": kid, "use": "sig", "alg": "RS256"})


def teacher_claims(*, school: str, personid: str | None, name: str = "林小華", email: str = "teacher@example.tw", titles=None) -> dict:
    """Return the claims a teacher account carries at the identity service."""
    claims = {
        "name": name,
        "email": email,
        "email_verified": True,
        "eduinfo": {
            "schoolid": school,
            "titles": titles if titles is not None else [{"schoolid": school, "titles": ["教師", "資訊組長"]}],
        },
    }
    if personid is not None:
        claims["personid"] = personid
    return claims


class LocalProvider:
    """One running provider process; ``issuer`` is its loopback URL."""

    def __init__(self, *, redirect_uri: str, accounts: dict, key: RSAKey):
        self.redirect_uri = redirect_uri
        self.accounts = accounts
        self.key = key
        self.port = 0
        self.issuer = ""
        self._process: subprocess.Popen | None = None
        self._config_dir = tempfile.TemporaryDirectory(prefix="oidc-provider-")
        self._stderr_path = Path(self._config_dir.name) / "stderr.log"

    # --- Process -------------------------------------------------------------------

    def start(self) -> LocalProvider:
        config = {
            "port": self.port,
            "client": {
                "client_id": CLIENT_ID,
                "client_secret": CLIENT_SECRET,
                "redirect_uris": [self.redirect_uri],
            },
            "jwks": {"keys": [self.key.as_dict(private=True)]},
            "accounts": self.accounts,
        }
        config_path = Path(self._config_dir.name) / "config.json"
        config_path.write_text(json.dumps(config, ensure_ascii=False), encoding="utf-8")

        self._stderr_file = self._stderr_path.open("a", encoding="utf-8")
        self._process = subprocess.Popen(
            ["node", str(SCRIPT), str(config_path)],
            cwd=ROOT,
            stdout=subprocess.PIPE,
            # A file, not a pipe: a pipe nobody reads would block the provider once full.
            stderr=self._stderr_file,
            text=True,
        )
        line = self._process.stdout.readline()
        if not line:
            error = self._stderr_path.read_text(encoding="utf-8")
            raise RuntimeError(f"The local OpenID Provider did not start: {error[-2000:]}")
        self.issuer = json.loads(line)["issuer"]
        self.port = urlsplit(self.issuer).port
        self._wait_until_ready()
        return self

    def _wait_until_ready(self) -> None:
        deadline = time.monotonic() + START_TIMEOUT_SECONDS
        while True:
            try:
                httpx.get(self.issuer + "/.well-known/openid-configuration", timeout=2).raise_for_status()
                return
            except httpx.HTTPError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.1)

    def stop(self) -> None:
        if self._process is None:
            return
        self._process.terminate()
        try:
            self._process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self._process.kill()
            self._process.wait()
        self._process.stdout.close()
        self._stderr_file.close()
        self._process = None

    def restart_with_key(self, key: RSAKey) -> None:
        """Restart on the same port (same issuer) signing with ``key``: a key rotation."""
        self.stop()
        self.key = key
        self.start()

    def close(self) -> None:
        self.stop()
        self._config_dir.cleanup()

    # --- Test hooks ----------------------------------------------------------------

    def set_account(self, username: str, *, sub: str, claims: dict) -> None:
        self.accounts[username] = {"sub": sub, "claims": claims}
        httpx.put(f"{self.issuer}/__test/accounts/{username}", json=self.accounts[username]).raise_for_status()

    def next_token_response(self, **members) -> None:
        """Merge ``members`` into the next token response; None removes a member."""
        httpx.post(f"{self.issuer}/__test/next-token-response", json=members).raise_for_status()

    def next_userinfo(self, body: dict) -> None:
        httpx.post(f"{self.issuer}/__test/next-userinfo", json=body).raise_for_status()

    def stats(self) -> dict:
        return httpx.get(f"{self.issuer}/__test/stats").json()

    # --- Tokens built by the test --------------------------------------------------

    def id_token(self, claims: dict, *, key: RSAKey | None = None, header: dict | None = None) -> str:
        """Sign ``claims`` as an ID token with the provider's key (or ``key``)."""
        key = key or self.key
        return jwt.encode(header or {"alg": "RS256", "kid": key.kid}, claims, key)

    def id_token_claims(self, sub: str, nonce: str, /, **changes) -> dict:
        """Return valid ID-token claims for this provider; a change set to None removes the claim."""
        now = int(time.time())
        claims = {"iss": self.issuer, "sub": sub, "aud": CLIENT_ID, "iat": now, "exp": now + 600, "nonce": nonce}
        for name, value in changes.items():
            if value is None:
                claims.pop(name, None)
            else:
                claims[name] = value
        return claims

    # --- Signing in as a user --------------------------------------------------------

    def sign_in(self, authorization_url: str, username: str) -> str:
        """Follow ``authorization_url`` as a browser would, sign in as ``username``.

        Returns the redirect URI with code and state that the provider sends back.
        """
        with httpx.Client(timeout=10) as browser:
            url = authorization_url
            for _hop in range(10):
                if url.startswith(self.redirect_uri):
                    return url
                path = urlsplit(url).path
                if path.startswith("/interaction/") and not path.endswith("/login"):
                    response = browser.post(urljoin(url, path + "/login"), data={"username": username})
                else:
                    response = browser.get(url)
                if response.status_code not in (302, 303):
                    raise AssertionError(f"provider answered {response.status_code} at {path}: {response.text[:500]}")
                url = urljoin(url, response.headers["location"])
        raise AssertionError("the provider did not redirect back within 10 steps")


def query_of(url: str) -> dict[str, str]:
    return {name: values[0] for name, values in parse_qs(urlsplit(url).query).items()}


def unsigned_token(claims: dict) -> str:
    """Build an ``alg: none`` token by hand: joserfc rightly refuses to create one."""

    def encode(part: dict) -> str:
        return base64.urlsafe_b64encode(json.dumps(part).encode()).rstrip(b"=").decode()

    return f"{encode({'alg': 'none', 'typ': 'JWT'})}.{encode(claims)}."
