"""Register, list and revoke the systems allowed to call the core intake API."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from ingest.core.models import CoreClient
from ingest.core.services import CoreError, core_client_create, core_client_revoke


class Command(BaseCommand):
    help = ("core_client create NAME --scopes push,read [--rate-limit N] [--callback-url URL] | "
            "core_client revoke NAME | core_client list")

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        create = sub.add_parser("create", help="register a client and print its token once")
        create.add_argument("name")
        create.add_argument("--scopes", default="push,read",
                            help="comma-separated: push (documents), read (links)")
        create.add_argument("--rate-limit", type=int, default=600, help="requests per minute")
        create.add_argument("--callback-url", default="",
                            help="where ready/failed notifications are POSTed")
        revoke = sub.add_parser("revoke", help="revoke a client's token at once")
        revoke.add_argument("name")
        sub.add_parser("list", help="list clients and their state")

    def handle(self, *args, action, **options):
        try:
            getattr(self, f"_{action}")(**options)
        except CoreError as exc:
            raise CommandError(exc.described()) from None

    def _create(self, *, name, scopes, rate_limit, callback_url, **_):
        client, token = core_client_create(
            actor=None, name=name, scopes=[s.strip() for s in scopes.split(",") if s.strip()],
            rate_limit=rate_limit, callback_url=callback_url)
        self.stdout.write(f"client {client.name}: scopes {','.join(client.scopes)}, "
                          f"{client.rate_limit} requests/minute")
        self.stdout.write("token (shown once, store it now; the archive keeps only its hash):")
        self.stdout.write(token)
        if client.callback_secret:
            self.stdout.write("callback signing secret (HMAC-SHA256 of 'timestamp.body'):")
            self.stdout.write(client.callback_secret)

    def _revoke(self, *, name, **_):
        client = CoreClient.objects.filter(name=name).first()
        if client is None:
            raise CommandError(f"no client named {name}")
        core_client_revoke(actor=None, client=client)
        self.stdout.write(f"client {name} revoked: its token is refused from now on")

    def _list(self, **_):
        for client in CoreClient.objects.all():
            state = f"revoked {client.revoked_at:%Y-%m-%d %H:%M}" if client.is_revoked else "active"
            self.stdout.write(f"{client.name}\t{','.join(client.scopes)}\t{client.rate_limit}/min\t"
                              f"{state}\t{client.callback_url or '-'}")
