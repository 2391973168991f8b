"""Print the file plan, export it to XLSX, or load a revised plan from CSV."""

from __future__ import annotations

import datetime as dt
import json

from django.core.management.base import BaseCommand, CommandError

from catalog.errors import CatalogError
from catalog.fileplan import ORDER_3_EFFECTIVE
from catalog.selectors import file_plan
from catalog.services import fileplan_load
from kernel.exports import row_safe

HEADERS = ["门类代码", "门类", "业务环节代码", "业务环节", "归档范围", "保管期限代码", "保管期限(年)",
           "依据", "生效日期"]


class Command(BaseCommand):
    help = "Show the file plan (categories, stages, scope, retention, basis)."

    def add_arguments(self, parser):
        out = parser.add_mutually_exclusive_group()
        out.add_argument("--json", action="store_true", help="print JSON")
        out.add_argument("--xlsx", metavar="FILE", help="write an Excel workbook")
        out.add_argument("--load", metavar="CSV", help="load a revised plan from CSV")
        parser.add_argument("--effective-from", type=dt.date.fromisoformat,
                            default=ORDER_3_EFFECTIVE,
                            help="with --load: date rows without a dated basis take effect")

    def handle(self, *args, **options):
        if options["load"]:
            try:
                changes = fileplan_load(actor=None, path=options["load"],
                                        default_effective_from=options["effective_from"])
            except (CatalogError, OSError) as exc:
                raise CommandError(f"file plan not loaded, nothing changed: {exc}") from None
            self.stdout.write(
                f"categories created {changes.categories_created}, stages created "
                f"{changes.stages_created}, updated {changes.stages_updated}, schedule versions "
                f"added {changes.versions_created}")
            return
        plan = file_plan()
        if options["json"]:
            stages = [s for c in plan for s in c["stages"]]
            self.stdout.write(json.dumps({"categories": plan, "category_count": len(plan),
                                          "stage_count": len(stages)},
                                         ensure_ascii=False, indent=2))
        elif options["xlsx"]:
            self._write_xlsx(plan, options["xlsx"])
            self.stdout.write(f"written {options['xlsx']}")
        else:
            for category in plan:
                self.stdout.write(f"{category['code']}  {category['name']}")
                for s in category["stages"]:
                    years = "永久" if s["permanent"] else f"{s['retention_years']}年"
                    self.stdout.write(f"  {s['code']:<8} {s['retention_code']:<2} {years:<5} {s['name']}")

    def _write_xlsx(self, plan: list[dict], path: str) -> None:
        from openpyxl import Workbook
        from openpyxl.styles import Alignment, Font

        book = Workbook()
        sheet = book.active
        sheet.title = "归档范围与保管期限"
        sheet.append(HEADERS)
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        for category in plan:
            for s in category["stages"]:
                sheet.append(row_safe([
                    category["code"], category["name"], s["code"], s["name"], s["scope"],
                    s["retention_code"], "永久" if s["permanent"] else s["retention_years"],
                    s["basis"], s["effective_from"]]))
        for column, width in zip("ABCDEFGHI", [8, 18, 12, 30, 60, 10, 10, 40, 12], strict=True):
            sheet.column_dimensions[column].width = width
        for row in sheet.iter_rows(min_row=2, min_col=5, max_col=5):
            row[0].alignment = Alignment(wrap_text=True, vertical="top")
        sheet.freeze_panes = "A2"
        try:
            book.save(path)
        except OSError as exc:
            raise CommandError(f"cannot write {path}: {exc.strerror}") from None
