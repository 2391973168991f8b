"""Give a user whose password is lost a new one, printed once (for a lost administrator)."""

from __future__ import annotations

import secrets

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from archive import lockout


class Command(BaseCommand):
    help = ("Set a new random password for USERNAME, print it once and lift the sign-in "
            "lockout; the change is audited (user_update, password_changed).")

    def add_arguments(self, parser):
        parser.add_argument("username")

    def handle(self, *args, **options):
        User = get_user_model()
        try:
            user = User.objects.get(**{User.USERNAME_FIELD: options["username"]})
        except User.DoesNotExist:
            raise CommandError(f"no user named {options['username']!r}") from None
        if not user.is_active:
            raise CommandError(f"{user.get_username()} is deactivated: reactivate the account "
                               "in the admin first (another administrator), then reset")
        password = secrets.token_urlsafe(12)
        user.set_password(password)
        user.save(update_fields=["password"])
        # Counters shared through CACHE_URL are cleared; a process's own memory expires them.
        lockout.record_success(user.get_username())
        self.stdout.write(f"new password for {user.get_username()}: {password}  "
                          "(shown once; change it after signing in)")
