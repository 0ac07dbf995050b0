"""Production settings refuse to load with roaming on and its settings incomplete."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]
COMPLETE = {
    "SSO_ENABLED": "true",
    "SSO_ISSUER": "https://sso.example.tw",
    "SSO_CLIENT_ID": "client",
    "SSO_CLIENT_SECRET": "secret",
    "SSO_REDIRECT_URI": "https://inservice.example.tw/sso/callback/",
    "SUPPORT_PHONE": "04-22220507",
}


def load_production(**overrides) -> subprocess.CompletedProcess:
    environment = {
        "PATH": os.environ.get("PATH", ""),
        "DJANGO_SECRET_KEY": "production-test-secret",
        "IDENTITY_ENCRYPTION_KEY": "dGVzdC1vbmx5LWlkZW50aXR5LWtleS0zMi1ieXRlcyE=",
        "IDENTITY_HASH_KEY": "production-test-hash-key",
        **COMPLETE,
    }
    for name, value in overrides.items():
        if value is None:
            environment.pop(name, None)
        else:
            environment[name] = value
    return subprocess.run(
        [sys.executable, "-c", "import config.settings.production"],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_complete_settings_load():
    result = load_production()

    assert result.returncode == 0, result.stderr


@pytest.mark.parametrize("name", ["SSO_ISSUER", "SSO_CLIENT_ID", "SSO_CLIENT_SECRET", "SSO_REDIRECT_URI", "SUPPORT_PHONE"])
def test_missing_setting_refused(name):
    result = load_production(**{name: ""})

    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert name in result.stderr


def test_plain_http_issuer_refused():
    result = load_production(SSO_ISSUER="http://sso.example.tw")

    assert result.returncode != 0
    assert "SSO_ISSUER must start with https://" in result.stderr


def test_incomplete_settings_allowed_when_disabled():
    result = load_production(SSO_ENABLED="false", SSO_ISSUER="", SSO_CLIENT_SECRET="")

    assert result.returncode == 0, result.stderr
