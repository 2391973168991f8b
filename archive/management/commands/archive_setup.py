"""Prepare a new installation: a fonds and a first administrator, printed once."""

from __future__ import annotations

import secrets

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand

from archive.roles import group_name
from catalog.models import Fonds
from catalog.services import fonds_create


class Command(BaseCommand):
    help = "Create the fonds and a first administrator if the archive has none."

    def add_arguments(self, parser):
        parser.add_argument("--fonds-code", default="0001")
        parser.add_argument("--fonds-name", default="社会保险经办机构")
        parser.add_argument("--username", default="admin")

    def handle(self, *args, **options):
        if not Fonds.objects.exists():
            fonds = fonds_create(actor=None, code=options["fonds_code"], name=options["fonds_name"])
            self.stdout.write(f"fonds {fonds} created")
        User = get_user_model()
        if User.objects.filter(is_superuser=True).exists():
            self.stdout.write("an administrator exists already; sign in with that account")
            return
        password = secrets.token_urlsafe(12)
        user = User.objects.create_superuser(username=options["username"], password=password)
        user.groups.add(Group.objects.get(name=group_name("administrator")))
        self.stdout.write(f"administrator created: user {user.username}  password {password}")
