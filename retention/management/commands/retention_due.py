"""List the records whose minimum retention has run out by a date (due for appraisal).

As the due list: records in the holdings, not under a hold and not already taken
up by an appraisal (``retention.selectors.due_records``); ``--all`` lists those too.
"""

from __future__ import annotations

import datetime as dt
import json

from django.core.management.base import BaseCommand, CommandError

from catalog.models import Record

from ...selectors import due_records


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise CommandError(f"--as-of {text!r}: expected a date as YYYY-MM-DD") from None


class Command(BaseCommand):
    help = "Records due for appraisal on a date (their retention period has ended)."

    def add_arguments(self, parser):
        parser.add_argument("--as-of", required=True, help="YYYY-MM-DD")
        parser.add_argument("--json", action="store_true", help="one JSON object per record")
        parser.add_argument("--all", action="store_true",
                            help="also held and batched records, and those not yet ready")

    def handle(self, *args, **options):
        as_of = _date(options["as_of"])
        due = (Record.objects.due_for_appraisal(as_of) if options["all"]
               else due_records(as_of=as_of))
        records = due.with_plan().order_by(
            "appraisal_due_on", "archive_code")
        count = 0
        for record in records.iterator(chunk_size=1000):
            count += 1
            row = {"id": record.pk, "archive_code": record.archive_code, "title": record.title,
                   "formed_on": record.formed_on.isoformat(), "category": record.category.code,
                   "stage": record.stage.code, "retention": record.retention.code,
                   "due_on": record.appraisal_due_on.isoformat(), "status": record.status}
            if options["json"]:
                self.stdout.write(json.dumps(row, ensure_ascii=False))
            else:
                self.stdout.write(f"{row['due_on']}  {row['archive_code']}  {row['title']}")
        if not options["json"]:
            self.stdout.write(f"{count} record(s) due for appraisal as of {as_of}")
