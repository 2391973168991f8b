"""Login required everywhere, except the pages that let a person sign in; the acting user."""

from contextvars import ContextVar

from django.contrib.auth.middleware import LoginRequiredMiddleware as DjangoLoginRequired
from django.db import transaction

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
