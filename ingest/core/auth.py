"""Who is calling: bearer tokens of core clients, their scopes and their rate limit."""

from __future__ import annotations


from django.conf import settings
from django.utils.translation import gettext as _
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import exceptions
from rest_framework.authentication import BaseAuthentication, get_authorization_header
from rest_framework.permissions import BasePermission
from rest_framework.throttling import BaseThrottle

from kernel.counters import seconds_left, window_count

from .models import CoreClient
from .selectors import client_for_token


class CoreTokenAuthentication(BaseAuthentication):
    """``Authorization: Bearer core_…``; ``request.auth`` is the CoreClient."""

    keyword = b"bearer"

    def authenticate(self, request):
        parts = get_authorization_header(request).split()
        if not parts or parts[0].lower() != self.keyword:
            return None
        if len(parts) != 2:
            raise exceptions.AuthenticationFailed(
                _("The Authorization header is 'Bearer <token>', with one token."), code="malformed")
        try:
            token = parts[1].decode("ascii")
        except UnicodeDecodeError:
            raise exceptions.AuthenticationFailed(
                _("The token holds characters a token never has."), code="malformed")
        client = client_for_token(token)
        if client is None:
            raise exceptions.AuthenticationFailed(_("Unknown token."), code="unknown_token")
        if client.is_revoked:
            raise exceptions.AuthenticationFailed(
                _("This client's token was revoked on %(day)s.")
                % {"day": f"{client.revoked_at:%Y-%m-%d}"}, code="revoked")
        return client.user, client

    def authenticate_header(self, request):
        return 'Bearer realm="core"'


class HasScope(BasePermission):
    """The client holds one of the view's ``required_scopes``."""

    def has_permission(self, request, view):
        client = request.auth
        if not isinstance(client, CoreClient):
            return False
        needed = view.required_scopes.get(request.method, ())
        if any(client.has_scope(s) for s in needed):
            return True
        self.message = _("This client lacks the scope for this call: needs %(needed)s, has %(has)s.") % {
            "needed": " or ".join(needed), "has": ", ".join(client.scopes) or "-"}
        return False


class ClientRateThrottle(BaseThrottle):
    """Each client's requests per minute, counted in one-minute windows in the cache."""

    def allow_request(self, request, view):
        client = request.auth
        if not isinstance(client, CoreClient):
            return True
        count, start = window_count(f"core-rate:{client.token_prefix}", 60)
        self._wait = seconds_left(start, 60)
        return count <= client.rate_limit

    def wait(self):
        return self._wait


def refused_call(ip: str) -> tuple[int, int | None]:
    """Count a call with a missing or refused token from ``ip``.

    Return how many such calls the address made in its current one-minute window, and
    the seconds to wait when that is over ``CORE_REFUSED_CALLS_PER_MINUTE`` (else None).
    """
    n, start = window_count(f"core-refused:{ip}", 60)
    if n <= settings.CORE_REFUSED_CALLS_PER_MINUTE:
        return n, None
    return n, seconds_left(start, 60)


class CoreTokenScheme(OpenApiAuthenticationExtension):
    target_class = "ingest.core.auth.CoreTokenAuthentication"
    name = "coreToken"

    def get_security_definition(self, auto_schema):
        return {"type": "http", "scheme": "bearer",
                "description": "A core client's token (manage.py core_client create)."}
