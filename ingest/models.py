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

    PROPERTY_NAMES = {"authenticity": "真实性", "integrity": "完整性", "usability": "可用性",
                      "security": "安全性"}

    class Meta:
        verbose_name = _("four-properties check")
        verbose_name_plural = _("four-properties checks")

    def __str__(self) -> str:
        return f"{self.record} — {'通过' if self.passed else '未通过'}"

    @admin.display(description=_("items"))
    def report(self):
        """Each item on a line: property, item, outcome and what was found."""
        return format_html_join(
            mark_safe("<br>"), "{} · {}：{} — {}",
            ((self.PROPERTY_NAMES.get(i["property"], i["property"]), i["item"],
              "通过" if i["passed"] else "未通过", i["detail"]) for i in self.items))
