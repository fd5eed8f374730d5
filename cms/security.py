"""Response headers Django does not set itself: the Content Security Policy, by path, and
Permissions-Policy.

django-csp writes the header from settings.CONTENT_SECURITY_POLICY (the public policy: no
script at all); the admin and the markdownx endpoints get settings.CSP_ADMIN_DIRECTIVES
instead (same-origin script files only), chosen here by path, as django-csp suggests by
overriding get_policy_parts. Django's own SecurityMiddleware sets HSTS, nosniff,
Referrer-Policy and Cross-Origin-Opener-Policy; XFrameOptionsMiddleware sets X-Frame-Options.
"""

from csp.middleware import CSPMiddleware
from django.conf import settings


class PathCSPMiddleware(CSPMiddleware):
    """django-csp's middleware with the admin's policy on admin paths, plus Permissions-Policy."""

    def __init__(self, get_response):
        super().__init__(get_response)
        self.admin_prefixes = ("/" + settings.ADMIN_PATH, "/markdownx/")

    def get_policy_parts(self, request, response, report_only=False):
        parts = super().get_policy_parts(request, response, report_only)
        admin = request.path_info.startswith(self.admin_prefixes)
        if admin and not report_only and parts.config is None:
            parts.config = settings.CSP_ADMIN_DIRECTIVES
        return parts

    def process_response(self, request, response):
        response = super().process_response(request, response)
        response.headers.setdefault("Permissions-Policy", settings.PERMISSIONS_POLICY)
        return response
