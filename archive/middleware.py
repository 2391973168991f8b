"""Login required everywhere, except the pages that let a person sign in; the acting user.

Also the headers every answer carries: no caching of anything but static files, the
Content-Security-Policy, and the short idle session of counter staff.
"""

from contextvars import ContextVar

from csp.middleware import CSPMiddleware
from django.conf import settings
from django.contrib.auth.middleware import LoginRequiredMiddleware as DjangoLoginRequired
from django.db import transaction
from django.urls import reverse
from django.utils.cache import add_never_cache_headers

from .roles import ROLES

# Wagtail's own sign-in and password-reset views carry no login_not_required mark.
OPEN_URL_NAMES = {
    "wagtailadmin_login",
    "wagtailadmin_password_reset",
    "wagtailadmin_password_reset_done",
    "wagtailadmin_password_reset_confirm",
    "wagtailadmin_password_reset_complete",
    "wagtailadmin_sprite",
    "wagtailadmin_javascript_catalog",
}


class LoginRequiredMiddleware(DjangoLoginRequired):
    def process_view(self, request, view_func, view_args, view_kwargs):
        match = request.resolver_match
        name = match.url_name if match else None
        if name in OPEN_URL_NAMES or (match and match.view_name in OPEN_URL_NAMES):
            return None
        return super().process_view(request, view_func, view_args, view_kwargs)


_current_request: ContextVar = ContextVar("archive_current_request", default=None)

# The admin's user and group screens: each POST runs in one transaction, and its role and
# permission changes are written as one net event per user or group (see archive.people).
PEOPLE_ADMIN_NAMESPACES = {"wagtailusers_users", "wagtailusers_groups"}


def request_actor():
    """Return the signed-in user of the request being served, or None (the system)."""
    user = getattr(_current_request.get(), "user", None)
    return user if user is not None and user.is_authenticated else None


class RequestActorMiddleware:
    """Make the request's user the actor of changes made while serving it.

    Place it after AuthenticationMiddleware and last among those with ``process_view``.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = _current_request.set(request)
        try:
            return self.get_response(request)
        finally:
            _current_request.reset(token)

    def process_view(self, request, view_func, view_args, view_kwargs):
        match = request.resolver_match
        if request.method != "POST" or match is None or not (
                set(match.namespaces) & PEOPLE_ADMIN_NAMESPACES):
            return None
        from .people import people_changes_coalesced

        with transaction.atomic(), people_changes_coalesced():
            return view_func(request, *view_args, **view_kwargs)


# Wagtail's icon sprite and its translations of the admin's scripts: the same for everyone.
CACHEABLE_URL_NAMES = {"wagtailadmin_sprite", "wagtailadmin_javascript_catalog"}


class NoStoreMiddleware:
    """Send ``Cache-Control: no-store, private`` with every answer but static files.

    Pages and API answers carry personal data; no browser or proxy cache may keep them.
    Static files are served above this middleware (whitenoise) and keep their caching.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        match = request.resolver_match
        if match is None or match.url_name not in CACHEABLE_URL_NAMES:
            add_never_cache_headers(response)
        return response


# Pages whose third-party code needs more than the policy in settings, by URL name of the
# path prefix: Wagtail's admin and the API's docs (Swagger UI, ReDoc) set inline styles.
# No page, these included, runs inline script.
POLICY_ADDITIONS = {
    "wagtailadmin_home": {"style-src": ["'unsafe-inline'"]},
    "api-docs": {"style-src": ["'unsafe-inline'"]},
    "api-redoc": {"style-src": ["'unsafe-inline'"], "worker-src": ["'self'", "blob:"]},
}


class ContentSecurityPolicyMiddleware(CSPMiddleware):
    """django-csp's policy (settings.CONTENT_SECURITY_POLICY), plus POLICY_ADDITIONS by path."""

    def get_policy_parts(self, request, response, report_only=False):
        parts = super().get_policy_parts(request, response, report_only)
        if report_only:
            return parts
        for name, additions in POLICY_ADDITIONS.items():
            if request.path_info.startswith(reverse(name)):
                parts.update = {**(parts.update or {}), **additions}
        return parts


def counter_staff(user) -> bool:
    return (user.is_authenticated
            and user.groups.filter(name=ROLES["counter_staff"].group).exists())


class CounterSessionMiddleware:
    """End a counter clerk's session ``ARCHIVE_COUNTER_SESSION_SECONDS`` after the last request.

    Applied on the answer, so the sign-in itself sets it; saved with every answer, so
    each request starts the idle time again. Other roles keep ``SESSION_COOKIE_AGE``.
    Place it after AuthenticationMiddleware.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        session = getattr(request, "session", None)
        user = getattr(request, "user", None)
        if session is not None and user is not None and counter_staff(user):
            session.set_expiry(settings.ARCHIVE_COUNTER_SESSION_SECONDS)
        return response
