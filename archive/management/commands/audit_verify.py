"""Verify the audit trail's hash chain; exit 1 naming the first broken event."""

import sys

from django.core.management.base import BaseCommand

from archive.audit import audit_chain_verify


class Command(BaseCommand):
    help = "Verify the tamper-evident audit trail."

    def handle(self, *args, **options):
        report = audit_chain_verify()
        if report.ok:
            self.stdout.write(f"audit trail intact: {report.checked} event(s) verified")
            return
        self.stderr.write(f"audit trail BROKEN at event #{report.broken_sequence}"
                          f"{f' (row id {report.broken_id})' if report.broken_id else ''}: "
                          f"{report.reason}; {report.checked} event(s) before it verified")
        sys.exit(1)
