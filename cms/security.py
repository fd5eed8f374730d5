"""Response headers Django does not set itself, and the client address for login lockout.

Public pages get a policy that runs no script at all (they need none); the admin and the
markdownx endpoints get one that runs only same-origin script files. Django's own
SecurityMiddleware sets HSTS, nosniff, Referrer-Policy and Cross-Origin-Opener-Policy;
XFrameOptionsMiddleware sets X-Frame-Options.
"""

from django.conf import settings


class SecurityHeadersMiddleware:
    """Add Content-Security-Policy (by path) and Permissions-Policy to every response."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.admin_prefixes = ("/" + settings.ADMIN_PATH, "/markdownx/")

    def __call__(self, request):
        response = self.get_response(request)
        if request.path_info.startswith(self.admin_prefixes):
            policy = settings.CSP_ADMIN
        else:
            policy = settings.CSP_PUBLIC
        response.headers.setdefault("Content-Security-Policy", policy)
        response.headers.setdefault("Permissions-Policy", settings.PERMISSIONS_POLICY)
        return response
