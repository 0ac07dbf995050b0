"""Production settings: every secret must come from the environment."""

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403
from .base import env

DEBUG = False


def _required(name: str) -> str:
    value = env(name, default="")
    if not value:
        raise ImproperlyConfigured(
            f"The environment variable {name} is required in production and is not set."
        )
    return value


SECRET_KEY = _required("DJANGO_SECRET_KEY")
IDENTITY_ENCRYPTION_KEY = _required("IDENTITY_ENCRYPTION_KEY")
IDENTITY_HASH_KEY = _required("IDENTITY_HASH_KEY")

# Roaming sign-in needs its whole provider registration before it can start.
if SSO_ENABLED:  # noqa: F405
    _sso_required = {
        "SSO_ISSUER": SSO_ISSUER,  # noqa: F405
        "SSO_CLIENT_ID": SSO_CLIENT_ID,  # noqa: F405
        "SSO_CLIENT_SECRET": SSO_CLIENT_SECRET,  # noqa: F405
        "SSO_REDIRECT_URI": SSO_REDIRECT_URI,  # noqa: F405
        "SUPPORT_PHONE": SUPPORT_PHONE,  # noqa: F405
    }
    _sso_missing = [name for name, value in _sso_required.items() if not value]
    if _sso_missing:
        raise ImproperlyConfigured(
            "SSO_ENABLED is true but these settings are empty: "
            f"{', '.join(_sso_missing)}. Set them in the environment or set SSO_ENABLED=false."
        )
    _sso_plain_http = [name for name in ("SSO_ISSUER", "SSO_REDIRECT_URI") if not _sso_required[name].startswith("https://")]
    if _sso_plain_http:
        raise ImproperlyConfigured(
            f"{', '.join(_sso_plain_http)} must start with https:// in production."
        )

EMAIL_BACKEND = env("EMAIL_BACKEND", default="django.core.mail.backends.smtp.EmailBackend")
EMAIL_HOST = env("EMAIL_HOST", default="localhost")
EMAIL_PORT = env.int("EMAIL_PORT", default=25)
EMAIL_USE_TLS = env.bool("EMAIL_USE_TLS", default=True)
EMAIL_HOST_USER = env("EMAIL_HOST_USER", default="")
EMAIL_HOST_PASSWORD = env("EMAIL_HOST_PASSWORD", default="")

SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SECURE_SSL_REDIRECT = env.bool("DJANGO_SECURE_SSL_REDIRECT", default=True)
SECURE_HSTS_SECONDS = env.int("DJANGO_SECURE_HSTS_SECONDS", default=31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
