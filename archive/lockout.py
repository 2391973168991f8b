"""Refuse sign-ins after repeated failures, per username and per address, counted in the cache.

Counters live in Django's cache (Redis in production, so every process shares them): a
window opens at a key's first failure and lasts ``LOGIN_FAILURE_WINDOW_SECONDS``. At
``LOGIN_FAILURES_PER_USERNAME`` failures the username is locked, at ``LOGIN_FAILURES_PER_IP``
the address, each for ``LOGIN_LOCKOUT_SECONDS``; while locked even the right password is
refused. A successful sign-in clears the username's counter (not the address's: one valid
account must not reset the count of guesses made against the others).
"""

from __future__ import annotations

import hashlib

from django.conf import settings
from django.contrib.auth.backends import ModelBackend
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms.auth import LoginForm

from kernel.counters import window_count
from kernel.http import client_address

PREFIX = "lockout:"


def _key(kind: str, value: str) -> str:
    return f"{PREFIX}{kind}:{hashlib.sha256(value.encode()).hexdigest()[:32]}"


def locked(username: str | None, ip: str) -> bool:
    keys = [_key("locked-ip", ip)] + ([_key("locked-user", username)] if username else [])
    return bool(cache.get_many(keys))


def record_failure(username: str, ip: str) -> list[tuple[str, dict]]:
    """Count one failed sign-in; return the audit events it warrants as (action, details).

    The first failure of a username is an event, and so is each lockout, which counts the
    failures before it; while locked, one event per ``AUDIT_REPEATS_EVERY`` further failures.
    Past the address's threshold nothing else is written, so the trail cannot be flooded.
    """
    window, lockout = settings.LOGIN_FAILURE_WINDOW_SECONDS, settings.LOGIN_LOCKOUT_SECONDS
    per_user, per_ip = settings.LOGIN_FAILURES_PER_USERNAME, settings.LOGIN_FAILURES_PER_IP
    every = settings.AUDIT_REPEATS_EVERY
    n_user, _start = window_count(_key("user", username), window)
    n_ip, _start = window_count(_key("ip", ip), window)
    events = []
    if n_user >= per_user and cache.add(_key("locked-user", username), 1, timeout=lockout):
        events.append(("login_locked", {"scope": "username", "failures": n_user,
                                        "minutes": lockout // 60}))
    if n_ip >= per_ip and cache.add(_key("locked-ip", ip), 1, timeout=lockout):
        events.append(("login_locked", {"scope": "address", "failures": n_ip,
                                        "minutes": lockout // 60}))
    if events:
        return events
    if n_ip > per_ip:
        if (n_ip - per_ip) % every == 0:
            events.append(("login_locked", {"scope": "address", "failures": n_ip}))
    elif n_user > per_user:
        if (n_user - per_user) % every == 0:
            events.append(("login_locked", {"scope": "username", "failures": n_user}))
    elif n_user == 1:
        events.append(("login_failed", {}))
    return events


def record_success(username: str) -> None:
    cache.delete_many([_key("user", username), _key("user", username) + ":start"])


class LockoutBackend(ModelBackend):
    """Django's model backend, refusing every password while the username or address is locked."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        if username is None:
            username = kwargs.get(self._username_field())
        if locked(username, client_address(request)):
            raise PermissionDenied("locked out")  # authenticate() stops and signals the failure
        return super().authenticate(request, username=username, password=password, **kwargs)

    @staticmethod
    def _username_field() -> str:
        from django.contrib.auth import get_user_model
        return get_user_model().USERNAME_FIELD


class LockoutLoginForm(LoginForm):
    """Wagtail's sign-in form, saying so when the account or address is locked."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Wagtail's password field has no label: Django would show the field name, in English.
        self.fields["password"].label = _("Password")

    def clean(self):
        try:
            return super().clean()
        except ValidationError:
            if locked(self.cleaned_data.get("username"), client_address(self.request)):
                raise ValidationError(
                    _("Too many failed sign-ins: this account or address is locked for "
                      "%(minutes)d minutes. Try again later or ask an administrator."),
                    code="locked", params={"minutes": max(1, settings.LOGIN_LOCKOUT_SECONDS // 60)})
            raise
