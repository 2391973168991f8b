"""Check citizen ID numbers, credit codes and organisation codes; exit 1 if any is invalid."""

from __future__ import annotations

import json
import sys

from django.core.management.base import BaseCommand

from catalog.identifiers import KIND_LABELS, check_any


class Command(BaseCommand):
    help = "Check identifiers (公民身份号码, 统一社会信用代码, 组织机构代码) and say why one fails."

    def add_arguments(self, parser):
        parser.add_argument("values", nargs="+", metavar="VALUE")
        parser.add_argument("--json", action="store_true", help="one JSON object per value")

    def handle(self, *args, **options):
        results = [check_any(v) for v in options["values"]]
        for r in results:
            if options["json"]:
                self.stdout.write(json.dumps(r.as_dict(), ensure_ascii=False))
            elif r.valid:
                self.stdout.write(f"{r.value}\t{KIND_LABELS[r.kind]}\t有效 valid")
            else:
                self.stdout.write(f"{r.value}\t{KIND_LABELS[r.kind]}\t无效 invalid [{r.rule}] {r.message}")
        if not all(r.valid for r in results):
            sys.exit(1)
