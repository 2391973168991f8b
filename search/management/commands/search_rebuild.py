"""Rebuild the search index from the database."""

from django.core.management.base import BaseCommand, CommandError

from search.backends.base import SearchUnavailable
from search.services import search_rebuild


class Command(BaseCommand):
    help = "Rebuild the search index from the catalogue; searches use the old index until done."

    def handle(self, *args, **opts):
        try:
            counts = search_rebuild(actor=None)
        except SearchUnavailable as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(f"indexed {counts['record']} records, {counts['page']} pages")
