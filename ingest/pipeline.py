"""The ingest pipeline: small ordered steps, each saying whether it applies, each idempotent.

A record goes through ``PREPARE`` (validate, split into pages), then every page
through ``extract_page`` (one task per page, so a long scan uses every core),
then ``FINISH`` (four-properties check, classification, identifiers, index,
status). A step that already did its work does not apply any more, so a
re-delivered task or a restarted worker does no harm.
"""

from __future__ import annotations

import datetime as dt
import io
import logging
from dataclasses import dataclass, field
from functools import cached_property

from django.conf import settings
from django.db import transaction
from django.dispatch import Signal
from django.utils import timezone
from PIL import Image, ImageOps

from archive.services import stored_object_put
from archive.storage import ObjectNotFound, object_store
from catalog import services as catalog
from catalog.models import (LinkSource, Member, Page, Record, RecordStatus, RetentionPeriod, Stage,
                            Unit, Volume)

from . import classify
from .formats import MIME, UnsupportedFormat, detect
from .models import BatchItem, FourPropertiesCheck
from .ocr import ocr_image
from .parsers import InvalidFile, open_parser

log = logging.getLogger(__name__)
# Sent when a record's pages and metadata are complete; search indexes on it.
record_ingested = Signal()
THUMBNAIL_SIZE = (256, 256)


class StepFailed(Exception):
    """A step found the record unusable; the message goes into the record's errors."""


@dataclass
class Context:
    record: Record
    errors: list[str] = field(default_factory=list)

    @cached_property
    def data(self) -> bytes:
        try:
            return object_store().get(self.record.original_sha256)
        except ObjectNotFound:
            raise StepFailed(f"the original {self.record.original_sha256} is missing from the "
                             "object store") from None

    @cached_property
    def kind(self) -> str:
        try:
            return detect(self.data[:2048])
        except UnsupportedFormat as exc:
            raise StepFailed(str(exc)) from None

    @cached_property
    def parser(self):
        try:
            return open_parser(self.kind, self.data)
        except InvalidFile as exc:
            raise StepFailed(str(exc)) from None

    @cached_property
    def metadata(self) -> dict:
        item = BatchItem.objects.filter(record=self.record).order_by("-pk").first()
        return item.metadata if item else {}


class Step:
    name = "step"

    def applies(self, ctx: Context) -> bool:
        return True

    def run(self, ctx: Context) -> None:
        raise NotImplementedError


# --- prepare ----------------------------------------------------------------------------

class Validate(Step):
    """Size and page limits, decodable content (Pillow's bomb guard, encrypted PDFs)."""

    name = "validate"

    def applies(self, ctx):
        return not ctx.record.pages.exists()

    def run(self, ctx):
        limit = settings.INGEST_MAX_FILE_MB * 1024 * 1024
        if len(ctx.data) > limit:
            raise StepFailed(f"file is {len(ctx.data)} bytes, over the {settings.INGEST_MAX_FILE_MB} MB limit")
        pages = ctx.parser.page_count()
        if pages > settings.INGEST_MAX_PAGES:
            raise StepFailed(f"{pages} pages, over the limit of {settings.INGEST_MAX_PAGES}")


class SplitPages(Step):
    """Create one Page row per page; their contents are extracted by page tasks."""

    name = "split"

    def applies(self, ctx):
        return not ctx.record.pages.exists()

    def run(self, ctx):
        count = ctx.parser.page_count()
        Page.objects.bulk_create([Page(record=ctx.record, number=n) for n in range(1, count + 1)],
                                 ignore_conflicts=True)


PREPARE: list[Step] = [Validate(), SplitPages()]


# --- pages --------------------------------------------------------------------------------

def extract_page(page_id: int) -> Page:
    """Normalise one page, store its image and thumbnail, and get its text (once)."""
    page = Page.objects.select_related("record").get(pk=page_id)
    if page.text_done_at is not None:
        return page
    ctx = Context(page.record)
    content = ctx.parser.page(page.number - 1)
    updates: dict = {"dpi": content.dpi}
    if content.image is not None:
        image = _normalise(content.image)
        updates.update(width=image.width, height=image.height)
        updates["object_sha256"] = _store_png(image)
        thumb = image.copy()
        thumb.thumbnail(THUMBNAIL_SIZE)
        updates["thumbnail_sha256"] = _store_png(thumb)
    if content.text.strip():
        updates.update(text=content.text.strip(), words=content.words, text_source="pdf_text",
                       confidence=100.0, raw_ocr="")
    else:
        result = ocr_image(_normalise(content.image))
        updates.update(text=result.text, words=result.words, text_source="ocr",
                       confidence=result.confidence, raw_ocr=result.raw)
    updates["text_done_at"] = timezone.now()
    Page.objects.filter(pk=page.pk, text_done_at__isnull=True).update(**updates)
    page.refresh_from_db()
    return page


def _normalise(image: Image.Image) -> Image.Image:
    image = ImageOps.exif_transpose(image)
    return image if image.mode == "L" else image.convert("L")


def _store_png(image: Image.Image) -> str:
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", optimize=False)
    return stored_object_put(actor=None, data=buffer.getvalue(), content_type="image/png").sha256


# --- finish -------------------------------------------------------------------------------

class FourProperties(Step):
    """四性检测 at archiving: fixity, metadata, format, page count, type; stored per record."""

    name = "four_properties"

    def run(self, ctx):
        record = ctx.record
        items = []

        def item(prop: str, name: str, ok: bool, detail: str = ""):
            items.append({"property": prop, "item": name, "passed": ok, "detail": detail})

        stored = object_store().rehash(record.original_sha256)
        item("authenticity", "fixity", stored == record.original_sha256,
             f"SHA-256 {record.original_sha256} re-verified" if stored == record.original_sha256
             else f"stored object hashes to {stored}")
        missing = [n for n in ("title", "fonds", "year") if not getattr(record, n)]
        item("integrity", "required_metadata", not missing,
             "missing: " + ", ".join(missing) if missing else "title, fonds, year present")
        pages = list(record.pages.all())
        expected = ctx.parser.page_count()
        complete = len(pages) == expected and all(p.text_done_at for p in pages)
        item("integrity", "page_count", complete, f"{len(pages)} of {expected} pages processed")
        item("usability", "format_valid", True, f"{ctx.kind} opens and renders")
        item("security", "file_type_allowed", ctx.kind in MIME, MIME.get(ctx.kind, ctx.kind))
        passed = all(i["passed"] for i in items)
        FourPropertiesCheck.objects.update_or_create(record=record,
                                                     defaults={"passed": passed, "items": items})
        if not passed:
            raise StepFailed("four-properties check failed: " + "; ".join(
                f"{i['item']}: {i['detail']}" for i in items if not i["passed"]))


class LinkIdentifiers(Step):
    """Link the members and units named in the manifest, and those found in the text."""

    name = "identifiers"

    def run(self, ctx):
        record, meta = ctx.record, ctx.metadata
        text = "\n".join(record.pages.values_list("text", flat=True))
        citizens, credits = classify.find_identifiers(text)
        for number in meta.get("member_ids", []):
            member = Member.objects.filter(id_number=number).first() or catalog.member_create(
                actor=None, id_number=number, name="")
            catalog.record_link_member(actor=None, record=record, member=member)
        for number in citizens:
            member = Member.objects.filter(id_number=number).first()
            if member is None:
                member = catalog.member_create(actor=None, id_number=number, name="")
            catalog.record_link_member(actor=None, record=record, member=member,
                                       source=LinkSource.SUGGESTED)
        for code in [*meta.get("unit_codes", []), *credits]:
            unit = Unit.objects.filter(credit_code=code).first() or catalog.unit_create(
                actor=None, name="", credit_code=code)
            source = LinkSource.MANUAL if code in meta.get("unit_codes", []) else LinkSource.SUGGESTED
            catalog.record_link_unit(actor=None, record=record, unit=unit, source=source)


class Classify(Step):
    """File the record: from the manifest when given, else suggested from its text."""

    name = "classify"

    def applies(self, ctx):
        return not ctx.record.is_filed

    def run(self, ctx):
        record, meta = ctx.record, ctx.metadata
        text = "\n".join(record.pages.values_list("text", flat=True))
        formed_on = _date(meta.get("date")) or record.formed_on or classify.find_date(text)
        if meta.get("stage"):
            stage_code, confidence = meta["stage"], 1.0
        else:
            suggestion = classify.suggest_stage(text)
            stage_code, confidence = suggestion.stage_code, suggestion.confidence
            Record.objects.filter(pk=record.pk).update(classification_confidence=confidence)
            if stage_code is None or confidence < settings.INGEST_CLASSIFY_THRESHOLD:
                ctx.errors.append(f"classification uncertain (suggested {stage_code or 'none'}, "
                                  f"confidence {confidence:.2f})")
                return
        if formed_on is None:
            ctx.errors.append(f"no formation date given or found in the text (stage {stage_code})")
            return
        stage = Stage.objects.with_plan().get(code=stage_code)
        volume = None
        if meta.get("volume"):
            volume = Volume.objects.filter(fonds=record.fonds, year=meta.get("year") or formed_on.year,
                                           stage=stage, number=int(meta["volume"])).first()
        retention = (RetentionPeriod.objects.get(code=meta["retention"])
                     if meta.get("retention") else None)
        catalog.record_file(actor=None, record=record, stage=stage, formed_on=formed_on,
                            volume=volume, year=meta.get("year"), retention=retention,
                            page_start=1 if volume else None, confidence=confidence)
        record.refresh_from_db()


class Index(Step):
    """Hand the record to search indexing (the search issue provides the indexer)."""

    name = "index"

    def run(self, ctx):
        record_ingested.send(sender=Record, record=ctx.record)


FINISH: list[Step] = [FourProperties(), LinkIdentifiers(), Classify(), Index()]


def _date(value) -> dt.date | None:
    if not value:
        return None
    return value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value))


# --- runners ------------------------------------------------------------------------------

def run_steps(record_id: int, steps: list[Step]) -> Context:
    ctx = Context(Record.objects.select_related("fonds").get(pk=record_id))
    for step in steps:
        if step.applies(ctx):
            step.run(ctx)
    return ctx


def prepare_record(record_id: int) -> list[int]:
    """Validate and split; return the pages still waiting for their text."""
    record = Record.objects.get(pk=record_id)
    if record.status in (RecordStatus.READY, RecordStatus.NEEDS_REVIEW, RecordStatus.DESTROYED):
        return []
    if record.status != RecordStatus.PROCESSING:
        catalog.record_status_change(actor=None, record=record, to=RecordStatus.PROCESSING,
                                     errors=[])
    try:
        run_steps(record_id, PREPARE)
    except StepFailed as exc:
        fail_record(record_id, str(exc))
        return []
    return list(Page.objects.filter(record_id=record_id, text_done_at__isnull=True)
                .order_by("number").values_list("pk", flat=True))


def pages_done(record_id: int) -> bool:
    pages = Page.objects.filter(record_id=record_id)
    return pages.exists() and not pages.filter(text_done_at__isnull=True).exists()


def finish_record(record_id: int) -> Record:
    """Run the finishing steps once every page has its text; idempotent."""
    with transaction.atomic():
        record = Record.objects.select_for_update().get(pk=record_id)
        if record.status != RecordStatus.PROCESSING or not pages_done(record_id):
            return record
        try:
            ctx = run_steps(record_id, FINISH)
        except StepFailed as exc:
            return fail_record(record_id, str(exc))
        to = RecordStatus.READY if ctx.record.is_filed and not ctx.errors else RecordStatus.NEEDS_REVIEW
        return catalog.record_status_change(actor=None, record=ctx.record, to=to, errors=ctx.errors)


def fail_record(record_id: int, reason: str) -> Record:
    log.warning("record %s failed: %s", record_id, reason)
    record = Record.objects.get(pk=record_id)
    if record.status == RecordStatus.RECEIVED:
        record = catalog.record_status_change(actor=None, record=record, to=RecordStatus.PROCESSING)
    return catalog.record_status_change(actor=None, record=record, to=RecordStatus.FAILED,
                                        errors=[reason])
