"""Response headers every page carries."""

from django.conf import settings


class ContentSecurityPolicyMiddleware:
    """Send a strict Content-Security-Policy: scripts and styles from this site only."""

    policy = (
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
        "form-action 'self'; frame-ancestors 'none'; base-uri 'self'; object-src 'none'"
    )

    def __init__(self, get_response):
        self.get_response = get_response
        self.extra_form_action = " ".join(getattr(settings, "CSP_FORM_ACTION_EXTRA", []))

    def __call__(self, request):
        response = self.get_response(request)
        policy = self.policy
        if self.extra_form_action:
            policy = policy.replace("form-action 'self'", f"form-action 'self' {self.extra_form_action}")
        response.headers.setdefault("Content-Security-Policy", policy)
        return response
