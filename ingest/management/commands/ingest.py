"""Take files, folders and ZIP archives into the archive, optionally with a manifest."""

from __future__ import annotations

import json
import sys
import time

from celery import current_app
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _
from tqdm import tqdm

from catalog.models import Page, Record, RecordStatus, Stage
from ingest.inline import process_records
from ingest.manifest import ManifestError, read_manifest
from ingest.services import Source, batch_create, collect_sources, file_ingest
from search.services import index_records_now

DONE = {RecordStatus.READY, RecordStatus.NEEDS_REVIEW, RecordStatus.FAILED}


class Command(BaseCommand):
    help = "Ingest scans and PDFs: files, folders, ZIP archives."

    def add_arguments(self, parser):
        parser.add_argument("paths", nargs="+", metavar="PATH")
        parser.add_argument("--manifest", help="CSV or XLSX with metadata per file")
        parser.add_argument("--category", help="category code for every file")
        parser.add_argument("--stage", help="stage code for every file")
        parser.add_argument("--year", type=int, help="year for every file")
        parser.add_argument("--fonds", help="fonds code (default: the first fonds)")
        parser.add_argument("--wait", action="store_true",
                            help="process now and wait until every record is done")
        parser.add_argument("--processes", type=int, default=0,
                            help="with --wait: processes for OCR (default: one per core)")
        parser.add_argument("--json", action="store_true", help="one JSON object per record")
        parser.add_argument("--with-text", action="store_true", help="add pages_text to JSON")

    def handle(self, *args, **options):
        common = self._common(options)
        manifest = {}
        if options["manifest"]:
            try:
                manifest = read_manifest(options["manifest"])
            except ManifestError as exc:
                raise CommandError(str(exc)) from None
        batch = batch_create(actor=None, source="cli", label=" ".join(options["paths"])[:300])
        # With --wait and a worker listening, the worker does the work; else this command does.
        inline = options["wait"] and not _workers_running()
        items = []
        seen = set()
        for source in collect_sources(options["paths"]):
            row = manifest.get(source.name) or manifest.get(source.name.rsplit("/", 1)[-1])
            if row is not None:
                seen.add(row.file)
            metadata = {**common, **(row.metadata if row else {})}
            items.append(file_ingest(actor=None, batch=batch, source=source, metadata=metadata,
                                     errors=row.errors if row else None,
                                     queue=not inline))
        for name, row in manifest.items():
            if name not in seen:
                items.append(file_ingest(actor=None, batch=batch, source=_missing(name),
                                         metadata=row.metadata))
        record_ids = [i.record_id for i in items if i.record_id]
        crash = None
        if inline:
            crash = self._process_here(record_ids, options["processes"] or None)
        elif options["wait"]:
            _wait_for_workers(record_ids)
        failed = []
        for item in items:
            row = self._row(item, options["with_text"])
            if row["status"] in {"refused", RecordStatus.FAILED} \
                    or (options["wait"] and row["status"] not in DONE):
                failed.append(row)
            if options["json"]:
                self.stdout.write(json.dumps(row, ensure_ascii=False))
            else:
                errors = "; ".join(row["errors"])
                self.stdout.write(f"{row['status']:<12} {row['archive_code'] or '-':<28} "
                                  f"{row['source']}{'  ' + errors if errors else ''}")
        if failed or crash:
            self._report_failures(failed, crash)
            sys.exit(1)

    def _process_here(self, record_ids: list[int], processes: int | None) -> BaseException | None:
        """Process and index the records in this command (no worker); return what crashed it."""
        total = Page.objects.filter(record_id__in=record_ids).count()
        bar = tqdm(total=total or None, unit="页", disable=not sys.stderr.isatty(),
                   file=sys.stderr, desc="OCR")
        crash = None
        try:
            process_records(record_ids, processes=processes,
                            on_page=lambda page_id: bar.update(1))
        except Exception as exc:  # noqa: BLE001 - a crashed pool: report what did not finish
            crash = exc
        finally:
            bar.close()
        # The finish queued the records for indexing, but no worker runs the queue:
        # index them here, or they stay ready yet unsearchable.
        if not index_records_now(record_ids):
            self.stderr.write("search index unavailable: the records stay queued for indexing "
                              "(manage.py search_rebuild, or start a worker)")
        return crash

    def _report_failures(self, failed: list[dict], crash: BaseException | None) -> None:
        """Name each record that did not end well, with its errors, on stderr."""
        if crash is not None:
            self.stderr.write(f"processing stopped: {type(crash).__name__}: {crash}")
        self.stderr.write(f"{len(failed)} of the files did not become records ready to use:")
        for row in failed:
            errors = "; ".join(row["errors"]) or "(no error recorded)"
            self.stderr.write(f"  {row['status']:<12} {row['source']}  {errors}")

    def _common(self, options) -> dict:
        common = {}
        if options["stage"]:
            stage = Stage.objects.select_related("category").filter(code=options["stage"]).first()
            if stage is None:
                raise CommandError(f"--stage {options['stage']}: unknown stage code")
            if options["category"] and stage.category.code != options["category"]:
                raise CommandError(f"--stage {stage.code} belongs to category {stage.category.code}")
            common["stage"] = stage.code
        elif options["category"]:
            raise CommandError("--category needs --stage: a record is filed under a stage")
        if options["year"]:
            common["year"] = options["year"]
        if options["fonds"]:
            common["fonds"] = options["fonds"]
        return common

    def _row(self, item, with_text: bool) -> dict:
        row = {"id": item.record_id, "source": item.source, "archive_code": None,
               "status": "refused" if item.refused else None, "pages": 0, "category": None,
               "stage": None, "retention": None, "errors": list(item.errors)}
        if item.record_id:
            record = Record.objects.with_plan().get(pk=item.record_id)
            pages = list(record.pages.order_by("number"))
            row.update(archive_code=record.archive_code, status=record.status, pages=len(pages),
                       category=record.category.code if record.category else None,
                       stage=record.stage.code if record.stage else None,
                       retention=record.retention.code if record.retention else None,
                       errors=list(record.errors))
            if with_text:
                row["pages_text"] = [p.text for p in pages]
        return row


def _workers_running() -> bool:
    try:
        return bool(current_app.control.ping(timeout=1.0))
    except Exception:  # a broker without broadcast (the file broker) cannot be asked
        return False


def _wait_for_workers(record_ids: list[int]) -> None:
    bar = tqdm(total=len(record_ids), unit="件", disable=not sys.stderr.isatty(), file=sys.stderr)
    done = 0
    while True:
        now = Record.objects.filter(pk__in=record_ids, status__in=DONE).count()
        bar.update(now - done)
        done = now
        if done >= len(record_ids):
            break
        time.sleep(1)
    bar.close()


def _missing(name: str) -> Source:
    return Source(name, None, _("%(name)s: listed in the manifest but not found among the files") % {"name": name})
