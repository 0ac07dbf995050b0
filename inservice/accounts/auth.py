"""Sign-in helpers: the username and client address that django-axes counts failures by."""

from django.conf import settings


def axes_username(request, credentials=None) -> str:
    """Return the username django-axes counts failures by: trimmed and lower-cased.

    Normalising stops an attacker from dodging the lockout with "Admin" and
    "admin " as separate counters.
    """
    raw = ""
    if credentials:
        raw = credentials.get("username", "")
    elif request is not None and hasattr(request, "POST"):
        raw = request.POST.get("username", "")
    return (raw or "").strip().lower()


def client_ip_address(request) -> str | None:
    """Return the client's address, trusting X-Forwarded-For only as far as ``TRUSTED_PROXY_COUNT`` proxies.

    Each trusted proxy appends the address it received the request from, so
    with N trusted proxies the client is the N-th entry from the right. Entries
    further left were written by the client and could be anything. A request
    with fewer entries than N did not pass through all the proxies, so its
    connecting address is used instead.
    """
    if request is None:
        return None
    remote = request.META.get("REMOTE_ADDR") or None
    proxies = settings.TRUSTED_PROXY_COUNT
    if proxies <= 0:
        return remote
    forwarded = [entry.strip() for entry in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if entry.strip()]
    if len(forwarded) < proxies:
        return remote
    return forwarded[-proxies]
