"""Prepare a new installation: a fonds and a first administrator, printed once."""

from __future__ import annotations

import secrets

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from archive.roles import group_name
from catalog.models import Fonds
from catalog.services import fonds_create, fonds_update
from kernel.errors import DomainError
from search.backends.base import search_backend
from search.services import search_rebuild

# What a fonds is called until the agency names its own: no certified copy should carry it.
DEFAULT_FONDS = ("0001", "社会保险经办机构")


class Command(BaseCommand):
    help = ("Create the fonds and a first administrator if the archive has none; name the "
            "fonds (ARCHIVE_FONDS_CODE, ARCHIVE_FONDS_NAME) while it is still the default.")

    def add_arguments(self, parser):
        parser.add_argument("--fonds-code", help="fonds code (default: ARCHIVE_FONDS_CODE or "
                                                 f"{DEFAULT_FONDS[0]})")
        parser.add_argument("--fonds-name", help="fonds name (default: ARCHIVE_FONDS_NAME or "
                                                 f"{DEFAULT_FONDS[1]})")
        parser.add_argument("--username", default="admin")

    def handle(self, *args, **options):
        code = options["fonds_code"] or settings.ARCHIVE_FONDS_CODE
        name = options["fonds_name"] or settings.ARCHIVE_FONDS_NAME
        try:
            self._fonds(code, name)
        except (DomainError, ValidationError) as exc:
            message = getattr(exc, "message", exc)
            raise CommandError(f"fonds {code or ''} {name or ''}: {message}") from None
        self._search_index()
        User = get_user_model()
        if User.objects.filter(is_superuser=True).exists():
            self.stdout.write("an administrator exists already; sign in with that account "
                              "(lost its password? manage.py password_reset USERNAME)")
            return
        password = secrets.token_urlsafe(12)
        user = User.objects.create_superuser(username=options["username"], password=password)
        user.groups.add(Group.objects.get(name=group_name("administrator")))
        self.stdout.write(f"administrator created: user {user.username}  password {password}")

    def _search_index(self) -> None:
        """Rebuild the search index when it lacks a field the models declare since it was built.

        Without it the embedded index refuses to open after an upgrade and the counter
        finds nothing; the rebuild reads the catalogue, so nothing is lost.
        """
        if search_backend().is_current():
            return
        counts = search_rebuild(actor=None)
        self.stdout.write(f"search index rebuilt for this version: {counts['record']} records, "
                          f"{counts['page']} pages")

    def _fonds(self, code: str | None, name: str | None) -> None:
        """Create the first fonds, or name the default one; say so while it is the default."""
        if not Fonds.objects.exists():
            fonds = fonds_create(actor=None, code=code or DEFAULT_FONDS[0],
                                 name=name or DEFAULT_FONDS[1])
            self.stdout.write(f"fonds {fonds} created")
        fonds = Fonds.objects.order_by("pk").first()
        is_default = (fonds.code, fonds.name) == DEFAULT_FONDS
        if (code or name) and is_default and Fonds.objects.count() == 1:
            # Only the placeholder is renamed here (audited as a fonds update by the system);
            # an agency's own fonds is changed in the admin (全宗), never by a start script.
            fonds = fonds_update(actor=None, fonds=fonds, code=code or fonds.code,
                                 name=name or fonds.name)
            self.stdout.write(f"fonds renamed: {fonds}")
        elif is_default:
            self.stdout.write(
                f"NOTE: the fonds is still the default «{fonds}», printed on every 档号 and "
                "certified copy. Name yours once: ARCHIVE_FONDS_CODE=0211 "
                "ARCHIVE_FONDS_NAME=某市社会保险事业管理中心 scripts/run, or manage.py "
                "archive_setup --fonds-code 0211 --fonds-name 某市社会保险事业管理中心 "
                "(audited as a fonds update).")
