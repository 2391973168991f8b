"""The register as an archival record (item 6) and its audited exports.

``register_archive`` files the register's PDF, signatures page included, as a
permanent (Y) record of its fonds: the PDF goes into the object store under its
SHA-256 (so fixity checks it like any original), the catalogue gets a record
through its services, and the register names it in ``filed_record``. It runs at
close and is idempotent: a register already filed gives its record back.
"""

from __future__ import annotations

import hashlib

from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext as _

from archive.audit import audit_log
from archive.services import stored_object_put
from catalog import services as catalog
from catalog.models import Record, RetentionPeriod, Stage
from kernel import clock

from ..errors import RetentionError
from ..models import DestructionRegister, RegisterState
from ..reports.register import PDF_CONTENT_TYPE, XLSX_CONTENT_TYPE, register_pdf, register_xlsx
from ..reports.register_content import is_accounting_record

# Order No. 79: every insurance category has its own 会计档案销毁清册 stage (XXnn.10).
ACCOUNTING_REGISTER_STAGE_NAME = "会计档案销毁清册"
DEFAULT_REGISTER_STAGE = "JH03"  # 内部控制材料: the agency's own control of its holdings


def register_stage(register: DestructionRegister) -> Stage:
    """Return the stage a register's PDF is filed under.

    An accounting register goes to the 会计档案销毁清册 stage of the category most
    of its accounting records belong to; any other to
    ``ARCHIVE_DESTRUCTION_REGISTER_STAGE`` (default JH03).
    """
    if register.is_accounting:
        counts: dict[int, int] = {}
        for item in register.items.select_related("record__stage").prefetch_related(
                "record__stage__retention_versions"):
            if is_accounting_record(item.record):
                counts[item.record.category_id] = counts.get(item.record.category_id, 0) + 1
        for category_id in sorted(counts, key=lambda c: (-counts[c], c)):
            found = Stage.objects.filter(category_id=category_id,
                                         name=ACCOUNTING_REGISTER_STAGE_NAME).first()
            if found is not None:
                return found
    code = getattr(settings, "ARCHIVE_DESTRUCTION_REGISTER_STAGE", "") or DEFAULT_REGISTER_STAGE
    found = Stage.objects.filter(code=code).first()
    if found is None:
        raise RetentionError(_("the stage %(code)s for destruction registers does not exist")
                             % {"code": code}, field="stage", rule="no_register_stage")
    return found


@transaction.atomic
def register_archive(*, actor, register: DestructionRegister) -> Record:
    """File the executed register's PDF as a permanent record of its fonds (idempotent)."""
    register = DestructionRegister.objects.select_for_update().select_related(
        "fonds", "batch").get(pk=register.pk)
    if register.filed_record_id is not None:
        return register.filed_record
    if register.state not in (RegisterState.EXECUTED, RegisterState.CLOSED):
        raise RetentionError(_("register %(number)s is filed as a record once it is executed")
                             % {"number": register.number}, field="state",
                             rule="not_executed")
    pdf = register_pdf(register)
    stored = stored_object_put(actor=actor, data=pdf, content_type=PDF_CONTENT_TYPE)
    today = clock.today()
    record, _created = catalog.record_receive(
        actor=actor, fonds=register.fonds, original_sha256=stored.sha256,
        title=f"{register.fonds.name}档案销毁清册（{register.number}）",
        source_name=f"{register.number}.pdf", formed_on=today)
    if not record.is_filed:
        record = catalog.record_file(actor=actor, record=record, stage=register_stage(register),
                                     formed_on=today,
                                     retention=RetentionPeriod.objects.filter(
                                         years__isnull=True).order_by("pk").first())
    if record.status != "ready":
        record = catalog.record_transition(actor=actor, record=record, transition="process")
        record = catalog.record_transition(actor=actor, record=record, transition="ready")
    DestructionRegister.objects.filter(pk=register.pk).update(filed_record=record)
    register.filed_record = record
    audit_log(actor=actor, action="register_archive", obj=register, record_id=record.pk,
              archive_code=record.archive_code, sha256=stored.sha256, size=stored.size)
    return record


FORMATS = {"pdf": (register_pdf, PDF_CONTENT_TYPE), "xlsx": (register_xlsx, XLSX_CONTENT_TYPE)}


def register_export(*, actor, register: DestructionRegister, fmt: str) -> tuple[bytes, str, str]:
    """Render the register as ``fmt`` (pdf or xlsx) and audit it with the file's SHA-256.

    Returns (data, content type, file name).
    """
    if fmt not in FORMATS:
        raise RetentionError(_("unknown format %(fmt)s") % {"fmt": fmt}, field="format",
                             rule="format")
    render, content_type = FORMATS[fmt]
    data = render(register)
    audit_log(actor=actor, action="register_export", obj=register, format=fmt,
              sha256=hashlib.sha256(data).hexdigest(), size=len(data),
              content_sha256=register.content_sha256)
    return data, content_type, f"{register.number}.{fmt}"
