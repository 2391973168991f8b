"""The ingest pipeline: small ordered steps, each saying whether it applies, each idempotent.

A record goes through ``PREPARE`` (validate, split into pages), then every page
through ``extract_page`` (one task per page, so a long scan uses every core),
then ``FINISH`` (four-properties check, classification, identifiers, index,
status). A step that already did its work does not apply any more, so a
re-delivered task or a restarted worker does no harm.
"""

from __future__ import annotations

import datetime as dt
import logging
from abc import ABC, abstractmethod
from dataclasses import dataclass, field
from functools import cached_property

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from PIL import Image

from archive.audit import audit_batch
from archive.services import stored_object_put
from archive.storage import ObjectNotFound, object_store
from catalog import services as catalog
from catalog.models import LinkSource, Page, Record, RecordStatus, RetentionPeriod, Stage, Volume

from . import classify, extract, page_images
from .formats import MIME
from .models import BatchItem, FourPropertiesCheck
from .ocr import OcrError
from .parsers import InvalidFile
from .preflight import FileRefused, Preflight, file_preflight, ingest_max_bytes

log = logging.getLogger(__name__)


class StepFailed(Exception):
    """A step found the record unusable; the message goes into the record's errors."""


@dataclass
class Context:
    record: Record
    errors: list[str] = field(default_factory=list)
    validating: bool = False  # set by Validate: check every page of the original

    @cached_property
    def data(self) -> bytes:
        try:
            return object_store().get(self.record.original_sha256)
        except ObjectNotFound:
            raise StepFailed(_("the original %(sha)s is missing from the object store")
                             % {"sha": self.record.original_sha256}) from None

    @cached_property
    def checked(self) -> Preflight:
        """The original checked against the ingest limits, and opened.

        Every page is decoded or measured once, by ``Validate``; a page task opens the
        file without decoding the other pages again (each page is checked as it renders).
        """
        try:
            return file_preflight(source=self.data, name=self.record.source_name,
                                  max_bytes=ingest_max_bytes(),
                                  max_pages=settings.INGEST_MAX_PAGES,
                                  check_pages=self.validating)
        except FileRefused as exc:
            raise StepFailed(exc.message) from None

    @property
    def kind(self) -> str:
        return self.checked.kind

    @property
    def parser(self):
        return self.checked.parser

    @cached_property
    def metadata(self) -> dict:
        item = BatchItem.objects.filter(record=self.record).order_by("-pk").first()
        return item.metadata if item else {}


class Step(ABC):
    """One small piece of the pipeline; ``applies`` says whether it still has work to do."""

    name = "step"

    def applies(self, ctx: Context) -> bool:
        return True

    @abstractmethod
    def run(self, ctx: Context) -> None:
        """Do the step's work or raise ``StepFailed``."""


# --- prepare ----------------------------------------------------------------------------

class Validate(Step):
    """Size and page limits, decodable content (Pillow's bomb guard, encrypted PDFs)."""

    name = "validate"

    def applies(self, ctx):
        return not ctx.record.pages.exists()

    def run(self, ctx):
        ctx.validating = True  # the first step: the original is opened here
        ctx.checked  # noqa: B018 - the preflight raises StepFailed for an unusable file


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
    """Normalise one page, store its image and thumbnail, and get its text (once).

    OCR starts as soon as the page's encoded image is known and runs while the
    images are hashed and stored; the page row is written in one update, by the
    first delivery only (a re-delivered task finds the text done and stores nothing).
    """
    page = Page.objects.select_related("record").get(pk=page_id)
    if page.text_done_at is not None:
        return page
    ctx = Context(page.record)
    uploaded = page_images.as_uploaded(ctx.data, ctx.kind, ctx.parser.page_count())
    if uploaded is not None:
        updates = _extract_uploaded(ctx, uploaded)
    else:
        updates = _extract_rendered(ctx, page.number)
    updates["text_done_at"] = timezone.now()
    if Page.objects.filter(pk=page.pk, text_done_at__isnull=True).update(**updates):
        for name, value in updates.items():
            setattr(page, name, value)
    else:  # another delivery of this page finished first: its row stands
        page.refresh_from_db()
    return page


def _extract_uploaded(ctx: Context, image: Image.Image) -> dict:
    """The original is the page: OCR it as uploaded while its thumbnail is made."""
    dpi = image.info.get("dpi", (None,))[0]
    updates: dict = {"dpi": int(dpi) if dpi else None, "width": image.width,
                     "height": image.height, "object_sha256": ctx.record.original_sha256}
    with page_images.ocr_started(ctx.data, f".{ctx.kind}", updates["dpi"]) as ocr:
        try:
            thumb = page_images.thumbnail_of_uploaded(image)
        except (OSError, SyntaxError, ValueError, EOFError) as exc:
            raise StepFailed(_("page %(page)d of the image does not decode: %(why)s")
                             % {"page": 1, "why": exc}) from None
        updates["thumbnail_sha256"] = _store(thumb)
        updates.update(_ocr_fields(ocr()))
    return updates


def _extract_rendered(ctx: Context, number: int) -> dict:
    """Decode (or render) the page, normalise and encode it; OCR it unless it has a text layer."""
    try:
        content = ctx.parser.page(number - 1)
    except InvalidFile as exc:
        raise StepFailed(str(exc)) from None
    updates: dict = {"dpi": content.dpi}
    has_text = bool(content.text.strip())
    if content.image is None:  # nothing to show: only a text layer
        return updates | _text_layer_fields(content)
    image, _unchanged = page_images.normalise(content.image)
    encoded = page_images.png(image)
    updates.update(width=image.width, height=image.height)
    with page_images.ocr_started(None if has_text else encoded, ".png", content.dpi) as ocr:
        updates["object_sha256"] = _store(encoded)
        updates["thumbnail_sha256"] = _store(page_images.thumbnail(image))
        updates.update(_text_layer_fields(content) if ocr is None else _ocr_fields(ocr()))
    return updates


def _text_layer_fields(content) -> dict:
    return {"text": content.text.strip(), "words": content.words, "text_source": "pdf_text",
            "confidence": 100.0, "raw_ocr": ""}


def _ocr_fields(result) -> dict:
    return {"text": result.text, "words": result.words, "text_source": "ocr",
            "confidence": result.confidence, "raw_ocr": result.raw}


def extract_page_or_fail(page_id: int) -> Page | None:
    """Extract a page; a page that cannot be read fails its record (and None is returned)."""
    try:
        return extract_page(page_id)
    except StepFailed as exc:
        fail_record(Page.objects.get(pk=page_id).record_id, str(exc))
    except OcrError as exc:  # no engine, a timeout, an unreadable image: one clear error
        fail_record(Page.objects.get(pk=page_id).record_id, exc.message)
    return None


def _store(data: bytes) -> str:
    return stored_object_put(actor=None, data=data, content_type="image/png", derived=True).sha256


# --- finish -------------------------------------------------------------------------------

class FourProperties(Step):
    """四性检测 at archiving: fixity, metadata, format, page count, type; stored per record."""

    name = "four_properties"

    def run(self, ctx):
        record = ctx.record
        items = []

        def item(prop: str, name: str, ok: bool, code: str, **params):
            # Stored as a code and its parameters: each reader sees it in their own language.
            entry = {"property": prop, "item": name, "passed": ok, "code": code, "params": params}
            entry["detail"] = FourPropertiesCheck.item_text(entry)[1]
            items.append(entry)

        stored = object_store().rehash(record.original_sha256)
        if stored == record.original_sha256:
            item("authenticity", "fixity", True, "sha256_verified", sha256=stored)
        else:
            item("authenticity", "fixity", False, "sha256_mismatch", stored=stored)
        missing = [n for n in ("title", "fonds", "year") if not getattr(record, n)]
        item("integrity", "required_metadata", not missing,
             "metadata_missing" if missing else "metadata_present", **(
                 {"fields": missing} if missing else {}))
        # Pages were counted from the file when it was split; each must have been extracted.
        pages = list(record.pages.order_by("number"))
        numbers = [p.number for p in pages]
        complete = numbers == list(range(1, len(pages) + 1)) and all(p.text_done_at for p in pages)
        done = sum(1 for p in pages if p.text_done_at)
        item("integrity", "page_count", bool(pages) and complete, "pages_extracted", done=done,
             total=len(pages))
        item("usability", "format_valid", bool(pages) and complete, "pages_rendered",
             kind=ctx.kind.upper())
        item("security", "file_type_allowed", ctx.kind in MIME, "file_type",
             kind=ctx.kind.upper())
        passed = all(i["passed"] for i in items)
        FourPropertiesCheck.objects.update_or_create(record=record,
                                                     defaults={"passed": passed, "items": items})
        if not passed:
            raise StepFailed(_("four-properties check failed: ") + "; ".join(
                "{}: {}".format(*FourPropertiesCheck.item_text(i)) for i in items
                if not i["passed"]))


def _extraction(ctx: Context) -> extract.Extraction:
    """What the record's pages say (read once per run of the finishing steps)."""
    if getattr(ctx, "_extraction", None) is None:
        pages = ctx.record.pages.order_by("number").values_list("text", "words")
        ctx._extraction = extract.extract(pages)
    return ctx._extraction


def _sure(confidence: float) -> bool:
    return confidence >= settings.INGEST_EXTRACT_THRESHOLD


class LinkIdentifiers(Step):
    """Link the members and units named in the manifest and those found in the text, give
    them the names read beside their numbers, and keep what the pages say on the record."""

    name = "identifiers"

    def run(self, ctx):
        record, meta = ctx.record, ctx.metadata
        found = _extraction(ctx)
        text = "\n".join(record.pages.values_list("text", flat=True))
        citizens, credits = classify.find_identifiers(text)
        read_members = {m["id_number"]: m for m in found.members}
        read_units = {u["credit_code"]: u for u in found.units}
        given_members, given_units = meta.get("member_ids", []), meta.get("unit_codes", [])
        for number in dict.fromkeys([*given_members, *read_members, *citizens]):
            source = LinkSource.MANUAL if number in given_members else LinkSource.SUGGESTED
            reading = read_members.get(number, {})
            name = reading.get("name", "") if _sure(reading.get("confidence", 0.0)) else ""
            member = catalog.member_get_or_create(actor=None, id_number=number, name=name)
            if name and not member.name:
                member = catalog.member_name_fill(actor=None, member=member, name=name)
            catalog.record_link_member(actor=None, record=record, member=member, source=source)
        for code in dict.fromkeys([*given_units, *read_units, *credits]):
            source = LinkSource.MANUAL if code in given_units else LinkSource.SUGGESTED
            reading = read_units.get(code, {})
            name = reading.get("name", "") if _sure(reading.get("confidence", 0.0)) else ""
            unit = catalog.unit_get_or_create(actor=None, credit_code=code, name=name)
            if name and not unit.name:
                unit = catalog.unit_name_fill(actor=None, unit=unit, name=name)
            catalog.record_link_unit(actor=None, record=record, unit=unit, source=source)
        title = found.title[0] if found.title and _sure(found.title[1]) and not meta.get("title") else None
        catalog.record_suggestions_set(actor=None, record=record, suggestions=found.suggestions,
                                       title=title)
        record.refresh_from_db()


class Classify(Step):
    """File the record: from the manifest when given, else by what its pages say."""

    name = "classify"

    def applies(self, ctx):
        return not ctx.record.is_filed

    def run(self, ctx):
        record, meta = ctx.record, ctx.metadata
        found = _extraction(ctx)
        read_date = found.formed_on if found.formed_on and _sure(found.formed_on[1]) else None
        formed_on = _date(meta.get("date")) or record.formed_on or (read_date and read_date[0])
        if meta.get("stage"):
            stage_code, confidence = meta["stage"], 1.0
        else:
            stage_code, confidence = found.stage or (None, 0.0)
            Record.objects.filter(pk=record.pk).update(classification_confidence=confidence)
            if stage_code is None or confidence < settings.INGEST_CLASSIFY_THRESHOLD:
                ctx.errors.append(_("classification uncertain (suggested %(stage)s, confidence %(confidence).2f)")
                                  % {"stage": stage_code or "—", "confidence": confidence})
                return
        if formed_on is None:
            if found.formed_on:
                ctx.errors.append(_("formation date uncertain (read %(date)s, confidence %(confidence).2f)")
                                  % {"date": found.formed_on[0].isoformat(),
                                     "confidence": found.formed_on[1]})
            else:
                ctx.errors.append(_("no formation date given or found in the text (stage %(stage)s)")
                                  % {"stage": stage_code})
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


# Indexing needs no step: the record's move to ready or review is announced, and search
# queues it there.
FINISH: list[Step] = [FourProperties(), LinkIdentifiers(), Classify()]


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
        catalog.record_transition(actor=None, record=record, transition="process", errors=[])
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
    """Run the finishing steps once every page has its text; idempotent.

    The steps' audit events (links, suggestions, filing, the move to ready) are
    chained together when the transaction ends: one append, not one per event.
    """
    with transaction.atomic(), audit_batch():
        record = Record.objects.select_for_update().get(pk=record_id)
        if record.status != RecordStatus.PROCESSING or not pages_done(record_id):
            return record
        try:
            ctx = run_steps(record_id, FINISH)
        except StepFailed as exc:
            return fail_record(record_id, str(exc))
        to = "ready" if ctx.record.is_filed and not ctx.errors else "review"
        return catalog.record_transition(actor=None, record=ctx.record, transition=to,
                                         errors=ctx.errors)


@transaction.atomic
def fail_record(record_id: int, reason: str) -> Record:
    # Locked: two pages of one record failing at once (no OCR engine) must not both fail it.
    record = Record.objects.select_for_update().get(pk=record_id)
    if record.status == RecordStatus.FAILED:  # another page failed it first: keep that error
        return record
    log.warning("record %s failed: %s", record_id, reason)
    if record.status == RecordStatus.RECEIVED:
        record = catalog.record_transition(actor=None, record=record, transition="process")
    return catalog.record_transition(actor=None, record=record, transition="fail",
                                     errors=[reason])
