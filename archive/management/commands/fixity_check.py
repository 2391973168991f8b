"""Re-hash stored objects and report those missing or changed; exit 1 if any."""

import json
import sys

from django.core.management.base import BaseCommand

from archive.services import fixity_check_run
from archive.storage import StoreUnavailable


class Command(BaseCommand):
    help = "Re-hash stored objects and report mismatches."

    def add_arguments(self, parser):
        parser.add_argument("--limit", type=int, help="check at most this many objects")
        parser.add_argument("--json", action="store_true")

    def handle(self, *args, **options):
        try:
            report = fixity_check_run(actor=None, limit=options["limit"])
        except StoreUnavailable as exc:
            self.stderr.write(f"object store unavailable: {exc}")
            sys.exit(2)
        if options["json"]:
            self.stdout.write(json.dumps({"checked": report.checked, "missing": report.missing,
                                          "mismatched": report.mismatched}))
        else:
            for sha in report.missing:
                self.stdout.write(f"MISSING   {sha}")
            for row in report.mismatched:
                self.stdout.write(f"MISMATCH  {row['sha256']} now hashes to {row['actual']}")
            self.stdout.write(f"{report.checked} object(s) checked, {len(report.missing)} missing, "
                              f"{len(report.mismatched)} mismatched")
        if not report.ok:
            sys.exit(1)
