"""Batches of files coming in, and the four-properties check of each record."""

from __future__ import annotations

from django.conf import settings
from django.contrib import admin
from django.db import models
from django.utils.html import format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _

from catalog.models import Record

# The core intake's models live in their own module; Django finds them through this one.
from .core.models import BusinessType, CallbackDelivery, CoreClient, CoreDocument  # noqa: F401


class Batch(models.Model):
    """Files handed in together (an upload, a folder, a ZIP, an API call)."""

    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True,
                                   blank=True, related_name="+", verbose_name=_("created by"))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    source = models.CharField(_("source"), max_length=16, default="cli")
    label = models.CharField(_("label"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("ingest batch")
        verbose_name_plural = _("ingest batches")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"#{self.pk} {self.label}"


class BatchItem(models.Model):
    """One file of a batch: the record it became, or why it was refused."""

    batch = models.ForeignKey(Batch, on_delete=models.CASCADE, related_name="items",
                              verbose_name=_("batch"))
    source = models.CharField(_("source file"), max_length=500)
    original_sha256 = models.CharField(_("original SHA-256"), max_length=64, blank=True,
                                       db_index=True)
    record = models.ForeignKey(Record, on_delete=models.SET_NULL, null=True, blank=True,
                               related_name="batch_items", verbose_name=_("record"))
    refused = models.BooleanField(_("refused"), default=False)
    errors = models.JSONField(_("errors"), default=list, blank=True)
    metadata = models.JSONField(_("metadata"), default=dict, blank=True)

    # A refused file's original is kept too: the object sweep keeps what this names.
    OBJECT_REFERENCES = ("original_sha256",)

    class Meta:
        verbose_name = _("batch item")
        verbose_name_plural = _("batch items")
        ordering = ["batch", "pk"]


class FourPropertiesCheck(models.Model):
    """四性检测 (DA/T 70) of a record at archiving: each item's outcome and the verdict."""

    record = models.OneToOneField(Record, on_delete=models.CASCADE, related_name="four_properties",
                                  verbose_name=_("record"))
    checked_at = models.DateTimeField(_("checked at"), auto_now=True)
    passed = models.BooleanField(_("passed"))
    items = models.JSONField(_("items"), default=list)

    PROPERTY_NAMES = {"authenticity": _("authenticity"), "integrity": _("integrity"),
                      "usability": _("usability"), "security": _("security")}
    ITEM_NAMES = {"fixity": _("fixity"), "required_metadata": _("required metadata"),
                  "page_count": _("page count"), "format_valid": _("format valid"),
                  "file_type_allowed": _("file type allowed")}
    # What each item found, by code; the parameters are stored beside the code (``params``).
    DETAILS = {
        "sha256_verified": _("SHA-256 %(sha256)s re-verified"),
        "sha256_mismatch": _("the stored object hashes to %(stored)s"),
        "metadata_present": _("title, fonds and year present"),
        "metadata_missing": _("missing: %(fields)s"),
        "pages_extracted": _("%(done)d of %(total)d pages extracted"),
        "pages_rendered": _("%(kind)s: every page opened and rendered"),
        "file_type": _("%(kind)s file"),
    }
    FIELD_NAMES = {"title": _("title"), "fonds": _("fonds"), "year": _("year")}

    class Meta:
        verbose_name = _("four-properties check")
        verbose_name_plural = _("four-properties checks")

    def __str__(self) -> str:
        return f"{self.record} — {self.outcome(self.passed)}"

    @staticmethod
    def outcome(passed: bool) -> str:
        return str(_("passed") if passed else _("not passed"))

    @classmethod
    def item_text(cls, item: dict) -> tuple[str, str]:
        """Return an item's name and what it found, in the reader's language."""
        name = str(cls.ITEM_NAMES.get(item["item"], item["item"]))
        code, params = item.get("code"), dict(item.get("params") or {})
        if code not in cls.DETAILS:
            return name, item.get("detail", "")  # rows written before the codes were stored
        if "fields" in params:
            params["fields"] = "、".join(str(cls.FIELD_NAMES.get(f, f)) for f in params["fields"])
        return name, str(cls.DETAILS[code]) % params

    @admin.display(description=_("items"))
    def report(self):
        """Each item on a line: property, item, outcome and what was found."""
        return format_html_join(
            mark_safe("<br>"), "{} · {}：{} — {}",
            ((self.PROPERTY_NAMES.get(i["property"], i["property"]), *self._named(i))
             for i in self.items))

    def _named(self, item: dict) -> tuple[str, str, str]:
        name, detail = self.item_text(item)
        return name, self.outcome(item["passed"]), detail
