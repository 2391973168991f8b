"""Remove stored objects no row names, past the grace period, and what killed writes left."""

import json
import sys

from django.conf import settings
from django.core.management.base import BaseCommand

from archive.services import objects_sweep_run
from archive.storage import StoreUnavailable


class Command(BaseCommand):
    help = ("Remove stored objects no record, page or batch item names, put more than "
            "ARCHIVE_SWEEP_GRACE_HOURS ago, temporary files older than a day and empty batches.")

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="list what would go, remove nothing")
        parser.add_argument("--json", action="store_true")

    def handle(self, *args, **options):
        try:
            report = objects_sweep_run(actor=None, dry_run=options["dry_run"])
        except StoreUnavailable as exc:
            self.stderr.write(f"object store unavailable: {exc}")
            sys.exit(2)
        if options["json"]:
            self.stdout.write(json.dumps(report.as_dict()))
            return
        verb = "WOULD REMOVE" if report.dry_run else "REMOVED"
        for item in report.removed:
            self.stdout.write(f"{verb} {item.kind}  {item.name}  {item.size} bytes")
        objects = report.of("object")
        self.stdout.write(
            f"{len(objects)} object(s) {'would be ' if report.dry_run else ''}removed "
            f"({sum(item.size for item in objects)} bytes), "
            f"{len(report.removed) - len(objects)} other(s); kept {report.kept_referenced} named "
            f"and {report.kept_young} put within {settings.ARCHIVE_SWEEP_GRACE_HOURS} h")
