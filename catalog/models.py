"""The file plan (categories, stages, schedule versions) and the catalogue of records."""

from __future__ import annotations

import datetime as dt

from django.contrib import admin
from django.core.validators import MinValueValidator, RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from kernel import clock

from . import retention

code_chars = RegexValidator(r"^[0-9A-Za-z]+$", _("Only letters and digits."))
stage_code_chars = RegexValidator(r"^[0-9A-Za-z.]+$", _("Only letters, digits and dots."))


class Fonds(models.Model):
    """全宗: the archive of one agency; its code prefixes every 档号."""

    code = models.CharField(_("fonds code"), max_length=16, unique=True, validators=[code_chars])
    name = models.CharField(_("name"), max_length=200)

    class Meta:
        verbose_name = _("fonds")
        verbose_name_plural = _("fonds")
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class RetentionPeriod(models.Model):
    """保管期限 code: a letter standing for a number of years; no years means permanent."""

    code = models.CharField(_("retention code"), max_length=4, unique=True, validators=[code_chars])
    years = models.PositiveSmallIntegerField(_("years"), null=True, blank=True, unique=True,
                                             help_text=_("Empty means permanent."))
    name = models.CharField(_("name"), max_length=32)

    class Meta:
        verbose_name = _("retention period")
        verbose_name_plural = _("retention periods")
        ordering = [models.F("years").desc(nulls_first=True)]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"

    @property
    def is_permanent(self) -> bool:
        return self.years is None


class Category(models.Model):
    """门类 / 险种类别: GL, ZJ, YL … (per-deployment codes, unique and editable)."""

    code = models.CharField(_("category code"), max_length=8, unique=True, validators=[code_chars])
    name = models.CharField(_("name"), max_length=100)
    sort_order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("category")
        verbose_name_plural = _("categories")
        ordering = ["sort_order", "code"]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class StageQuerySet(models.QuerySet):
    def with_plan(self):
        return self.select_related("category").prefetch_related("retention_versions")


class Stage(models.Model):
    """业务环节: a business stage of a category, carrying its retention schedule."""

    category = models.ForeignKey(Category, on_delete=models.PROTECT, related_name="stages",
                                 verbose_name=_("category"))
    code = models.CharField(_("stage code"), max_length=16, unique=True, validators=[stage_code_chars])
    name = models.CharField(_("name"), max_length=200)
    scope = models.TextField(_("filing scope"), blank=True)
    sort_order = models.PositiveSmallIntegerField(_("order"), default=0)

    objects = StageQuerySet.as_manager()

    class Meta:
        verbose_name = _("business stage")
        verbose_name_plural = _("business stages")
        ordering = ["sort_order", "code"]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"

    def schedule(self) -> list[retention.ScheduleVersion]:
        return [retention.ScheduleVersion(v.years, v.effective_from)
                for v in self.retention_versions.all()]

    @admin.display(description=_("retention in force"))
    def retention_in_force(self) -> str:
        version = self.current_version()
        return "" if version is None else version.period_label()

    def current_version(self, on: dt.date | None = None) -> StageRetention | None:
        on = on or clock.today()
        versions = [v for v in self.retention_versions.all() if v.effective_from <= on]
        return max(versions, key=lambda v: v.effective_from) if versions else None


class StageRetention(models.Model):
    """One version of a stage's retention, in force from ``effective_from``.

    Versions are never edited once written: a change of retention is a new
    version, so records already filed keep what they were given.
    """

    stage = models.ForeignKey(Stage, on_delete=models.CASCADE, related_name="retention_versions",
                              verbose_name=_("business stage"))
    years = models.PositiveSmallIntegerField(_("years"), null=True, blank=True,
                                             help_text=_("Empty means permanent."))
    effective_from = models.DateField(_("effective from"))
    basis = models.CharField(_("basis"), max_length=300, blank=True)
    note = models.CharField(_("note"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("retention schedule version")
        verbose_name_plural = _("retention schedule versions")
        ordering = ["stage__code", "effective_from"]
        constraints = [
            models.UniqueConstraint(fields=["stage", "effective_from"],
                                    name="stage_retention_unique_date"),
        ]

    def __str__(self) -> str:
        return f"{self.stage.code} {self.period_label()} ({self.effective_from})"

    @admin.display(description=_("retention"))
    def period_label(self) -> str:
        return retention.period_label(self.years)


class Member(models.Model):
    """参保人: identified by the citizen ID number, which is also the SS number."""

    id_number = models.CharField(_("citizen ID number"), max_length=18, unique=True)
    # Blank when the member was found by number in a scanned record.
    name = models.CharField(_("name"), max_length=100, blank=True)

    class Meta:
        verbose_name = _("member")
        verbose_name_plural = _("members")
        ordering = ["id_number"]

    def __str__(self) -> str:
        return f"{self.name} {self.id_number}"


class Unit(models.Model):
    """参保单位: an insured employer or organisation."""

    name = models.CharField(_("name"), max_length=200, blank=True)
    credit_code = models.CharField(_("unified social credit code"), max_length=18, unique=True,
                                   null=True, blank=True)
    org_code = models.CharField(_("organisation code"), max_length=9, blank=True, db_index=True)
    computer_code = models.CharField(_("tax computer code"), max_length=32, blank=True, db_index=True)
    ss_code = models.CharField(_("social insurance unit code"), max_length=32, blank=True,
                               db_index=True)

    class Meta:
        verbose_name = _("insured unit")
        verbose_name_plural = _("insured units")
        ordering = ["name"]

    def __str__(self) -> str:
        return f"{self.name} {self.credit_code or self.org_code}".strip()

    @property
    def codes(self) -> list[str]:
        """Every code the unit is known by (credit, organisation, tax computer, SS unit code)."""
        return [code for code in (self.credit_code, self.org_code, self.computer_code,
                                  self.ss_code) if code]


class Volume(models.Model):
    """案卷: records of one year and stage bound together, numbered within them."""

    fonds = models.ForeignKey(Fonds, on_delete=models.PROTECT, verbose_name=_("fonds"))
    year = models.PositiveSmallIntegerField(_("year"), validators=[MinValueValidator(1900)])
    stage = models.ForeignKey(Stage, on_delete=models.PROTECT, verbose_name=_("business stage"))
    category = models.ForeignKey(Category, on_delete=models.PROTECT, verbose_name=_("category"))
    retention = models.ForeignKey(RetentionPeriod, on_delete=models.PROTECT,
                                  verbose_name=_("retention"))
    number = models.PositiveIntegerField(_("volume number"), validators=[MinValueValidator(1)])
    title = models.CharField(_("title"), max_length=300)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("volume")
        verbose_name_plural = _("volumes")
        ordering = ["fonds__code", "-year", "stage__code", "number"]
        constraints = [
            models.UniqueConstraint(fields=["fonds", "year", "stage", "retention", "number"],
                                    name="volume_unique_number"),
        ]

    def __str__(self) -> str:
        return f"{self.year}-{self.stage.code}-{self.number} {self.title}"


class RecordStatus(models.TextChoices):
    RECEIVED = "received", _("received")
    PROCESSING = "processing", _("processing")
    NEEDS_REVIEW = "needs_review", _("needs review")
    READY = "ready", _("ready")
    FAILED = "failed", _("failed")
    DESTROYED = "destroyed", _("destroyed")


class Sensitivity(models.TextChoices):
    """Who may see a record: everyone with catalogue access, or only roles allowed restricted files."""

    NORMAL = "normal", _("normal")
    RESTRICTED = "restricted", _("restricted")


def visible_values(user) -> dict[str, list[str]]:
    """Return the sensitivity and status values of the records ``user`` may see.

    Restricted records need ``view_restricted_record``; records not (yet) in the
    holdings — in ingest, in review, failed — need ``change_record``; destroyed
    records stay visible as tombstones. The record admin and search both apply this.
    """
    sensitivity = (list(Sensitivity.values) if user.has_perm("catalog.view_restricted_record")
                   else [Sensitivity.NORMAL.value])
    status = (list(RecordStatus.values) if user.has_perm("catalog.change_record")
              else [RecordStatus.READY.value, RecordStatus.DESTROYED.value])
    return {"sensitivity": sensitivity, "status": status}


class RecordQuerySet(models.QuerySet):
    def in_volume(self):
        return self.filter(volume__isnull=False)

    def filed_alone(self):
        return self.filter(volume__isnull=True)

    def not_destroyed(self):
        return self.exclude(status=RecordStatus.DESTROYED)

    def due_for_appraisal(self, as_of: dt.date):
        """Records whose minimum period has run out by ``as_of`` and still exist."""
        return self.not_destroyed().filter(appraisal_due_on__lte=as_of)

    def with_plan(self):
        return self.select_related("fonds", "category", "stage", "retention", "volume")

    def visible_to(self, user):
        """Records ``user`` may see (see ``visible_values``)."""
        allowed = visible_values(user)
        return self.filter(sensitivity__in=allowed["sensitivity"], status__in=allowed["status"])


class Record(models.Model):
    """件: one record, filed inside a volume or on its own.

    The 档号 is stored as its components, copied at filing time (``code_*``),
    so a later edit of a category or fonds code never changes a code already
    written on a folder; ``archive_code`` is their rendering and is unique.
    """

    fonds = models.ForeignKey(Fonds, on_delete=models.PROTECT, verbose_name=_("fonds"))
    year = models.PositiveSmallIntegerField(_("year"), validators=[MinValueValidator(1900)])
    category = models.ForeignKey(Category, on_delete=models.PROTECT, null=True, blank=True,
                                 verbose_name=_("category"))
    stage = models.ForeignKey(Stage, on_delete=models.PROTECT, null=True, blank=True,
                              verbose_name=_("business stage"))
    retention = models.ForeignKey(RetentionPeriod, on_delete=models.PROTECT, null=True, blank=True,
                                  verbose_name=_("retention"))
    volume = models.ForeignKey(Volume, on_delete=models.PROTECT, null=True, blank=True,
                               related_name="records", verbose_name=_("volume"))
    title = models.CharField(_("title"), max_length=500)
    formed_on = models.DateField(_("formation date"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=16, choices=RecordStatus.choices,
                              default=RecordStatus.READY, db_index=True)
    appraisal_due_on = models.DateField(_("due for appraisal on"), null=True, blank=True,
                                        db_index=True, help_text=_("Empty when permanent."))
    sensitivity = models.CharField(_("sensitivity"), max_length=16, choices=Sensitivity.choices,
                                   default=Sensitivity.NORMAL, db_index=True)

    code_fonds = models.CharField(_("档号: fonds"), max_length=16, blank=True)
    code_category = models.CharField(_("档号: category"), max_length=8, blank=True)
    code_stage = models.CharField(_("档号: stage"), max_length=16, blank=True)
    code_retention = models.CharField(_("档号: retention"), max_length=4, blank=True)
    volume_number = models.PositiveIntegerField(_("volume number"), null=True, blank=True)
    item_number = models.PositiveIntegerField(_("item number"), null=True, blank=True)
    page_start = models.PositiveIntegerField(_("first page"), null=True, blank=True)
    page_end = models.PositiveIntegerField(_("last page"), null=True, blank=True)
    archive_code = models.CharField(_("archive code (档号)"), max_length=120, unique=True,
                                    null=True, blank=True,
                                    help_text=_("Given when the record is filed."))
    source_name = models.CharField(_("source file"), max_length=500, blank=True)
    original_sha256 = models.CharField(_("original SHA-256"), max_length=64, blank=True,
                                       db_index=True)
    classification_confidence = models.FloatField(_("classification confidence"), null=True,
                                                  blank=True)
    errors = models.JSONField(_("errors"), default=list, blank=True)
    # What the pages say, read at ingest (ingest/extract.py): title, formed_on, stage,
    # members, units, each with a confidence; the officer confirms them in review.
    suggestions = models.JSONField(_("suggestions"), default=dict, blank=True)

    members = models.ManyToManyField(Member, through="RecordMember", related_name="records",
                                     verbose_name=_("members"))
    units = models.ManyToManyField(Unit, through="RecordUnit", related_name="records",
                                   verbose_name=_("units"))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = RecordQuerySet.as_manager()

    # Fields naming stored objects: the object sweep keeps what they name (archive/references.py).
    OBJECT_REFERENCES = ("original_sha256",)

    # What search indexes of a record, carried by each of its pages (search/documents.py
    # reads this): index field -> (kind, attribute path). "text" is analysed for Chinese,
    # "keyword" matches exactly (IDs, codes), "int" and "date" filter and sort. A path
    # through a to-many relation gives every related value.
    SEARCH_FIELDS = {
        "archive_code": ("keyword", "archive_code"),
        # A code the record had before it was re-filed still finds it (RecordCodeAlias).
        "former_codes": ("keyword", "code_aliases.archive_code"),
        "title": ("text", "title"),
        "year": ("int", "year"),
        "formed_on": ("date", "formed_on"),
        "fonds": ("keyword", "fonds.code"),
        "category": ("keyword", "category.code"),
        "stage": ("keyword", "stage.code"),
        "retention": ("keyword", "retention.code"),
        "status": ("keyword", "status"),
        "sensitivity": ("keyword", "sensitivity"),
        "member_ids": ("keyword", "members.id_number"),
        "member_names": ("text", "members.name"),
        "unit_codes": ("keyword", "units.codes"),
        "unit_names": ("text", "units.name"),
    }

    class Meta:
        verbose_name = _("record")
        verbose_name_plural = _("records")
        ordering = ["-year", "archive_code"]
        indexes = [models.Index(fields=["year", "category", "stage"])]
        permissions = [("view_restricted_record", _("Can view restricted records")),
                       ("destroy_record", _("Can destroy a record under a destruction register"))]

    def __str__(self) -> str:
        return f"{self.archive_code or self.source_name or '#' + str(self.pk)} {self.title}"

    @property
    def is_filed(self) -> bool:
        return bool(self.archive_code)


class Page(models.Model):
    """One page of a record; its image lives in the object store under its SHA-256."""

    record = models.ForeignKey(Record, on_delete=models.CASCADE, related_name="pages",
                               verbose_name=_("record"))
    number = models.PositiveIntegerField(_("page number"), validators=[MinValueValidator(1)])
    # Indexed for the object sweep, which looks up which of a batch of objects rows name.
    object_sha256 = models.CharField(_("image SHA-256"), max_length=64, blank=True, db_index=True)
    thumbnail_sha256 = models.CharField(_("thumbnail SHA-256"), max_length=64, blank=True,
                                        db_index=True)
    width = models.PositiveIntegerField(_("width (px)"), null=True, blank=True)
    height = models.PositiveIntegerField(_("height (px)"), null=True, blank=True)
    dpi = models.PositiveIntegerField(_("resolution (dpi)"), null=True, blank=True)
    text = models.TextField(_("text"), blank=True)
    text_source = models.CharField(_("text source"), max_length=16, blank=True,
                                   help_text=_("ocr or pdf_text"))
    words = models.JSONField(_("word boxes"), default=list, blank=True)
    raw_ocr = models.TextField(_("raw OCR output"), blank=True)
    confidence = models.FloatField(_("OCR confidence"), null=True, blank=True)
    text_done_at = models.DateTimeField(_("text done at"), null=True, blank=True)

    OBJECT_REFERENCES = ("object_sha256", "thumbnail_sha256")

    # The page's own searchable fields; the record's SEARCH_FIELDS come along.
    SEARCH_FIELDS = {
        "page_number": ("int", "number"),
        "text": ("text", "text"),
    }

    class Meta:
        verbose_name = _("page")
        verbose_name_plural = _("pages")
        ordering = ["record", "number"]
        constraints = [models.UniqueConstraint(fields=["record", "number"], name="page_unique_number")]

    def __str__(self) -> str:
        return f"{self.record.archive_code} p.{self.number}"


class LinkSource(models.TextChoices):
    MANUAL = "manual", _("entered by an officer")
    SUGGESTED = "suggested", _("suggested from the text")


class RecordMember(models.Model):
    record = models.ForeignKey(Record, on_delete=models.CASCADE, verbose_name=_("record"))
    member = models.ForeignKey(Member, on_delete=models.PROTECT, verbose_name=_("member"))
    source = models.CharField(_("source"), max_length=16, choices=LinkSource.choices,
                              default=LinkSource.MANUAL)

    class Meta:
        verbose_name = _("record–member link")
        verbose_name_plural = _("record–member links")
        constraints = [models.UniqueConstraint(fields=["record", "member"], name="record_member_once")]


class RecordUnit(models.Model):
    record = models.ForeignKey(Record, on_delete=models.CASCADE, verbose_name=_("record"))
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, verbose_name=_("unit"))
    source = models.CharField(_("source"), max_length=16, choices=LinkSource.choices,
                              default=LinkSource.MANUAL)

    class Meta:
        verbose_name = _("record–unit link")
        verbose_name_plural = _("record–unit links")
        constraints = [models.UniqueConstraint(fields=["record", "unit"], name="record_unit_once")]


class RecordCodeAlias(models.Model):
    """A 档号 a record was known by before it was re-filed: it still finds the record.

    Written when a correction gives the record a new code, never edited or deleted, so a
    code once written on a folder or a certified copy resolves for as long as the record.
    """

    record = models.ForeignKey(Record, on_delete=models.PROTECT, related_name="code_aliases",
                               verbose_name=_("record"))
    archive_code = models.CharField(_("former archive code (档号)"), max_length=120, unique=True)
    replaced_at = models.DateTimeField(_("replaced at"), auto_now_add=True)
    reason = models.CharField(_("reason"), max_length=300)

    class Meta:
        verbose_name = _("former archive code")
        verbose_name_plural = _("former archive codes")
        ordering = ["record", "replaced_at"]

    def __str__(self) -> str:
        return self.archive_code
