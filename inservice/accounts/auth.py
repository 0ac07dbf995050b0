"""Sign-in helpers."""


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
