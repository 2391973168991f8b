"""Reads of ingest progress for the admin and the CLI."""

from __future__ import annotations

from django.db.models import Count, Q

from django.utils.translation import gettext as _

from catalog.models import Page, Record, RecordStatus

from .models import Batch


def batch_progress(*, batch: Batch, user=None) -> dict:
    """Pages done of total, and each item's status and errors.

    With ``user``, a row of a record the user may not see (restricted, or still in
    ingest for those who only read) keeps its status and page counts but shows
    neither the file name, the record, its 档号 nor its errors: file names and
    review errors often carry a name or an ID number.
    """
    items = list(batch.items.select_related("record").order_by("pk"))
    record_ids = [i.record_id for i in items if i.record_id]
    visible = (set(record_ids) if user is None else
               set(Record.objects.visible_to(user).filter(pk__in=record_ids)
                   .values_list("pk", flat=True)))
    counts = {row["record_id"]: row for row in Page.objects.filter(record_id__in=record_ids)
              .values("record_id").annotate(total=Count("pk"),
                                            done=Count("pk", filter=Q(text_done_at__isnull=False)))}
    labels = {**dict(RecordStatus.choices), "refused": _("refused")}
    rows = []
    for item in items:
        record = item.record
        count = counts.get(item.record_id, {"total": 0, "done": 0})
        rows.append({
            "source": item.source,
            "record_id": item.record_id,
            "archive_code": record.archive_code if record else None,
            "status": "refused" if item.refused else record.status,
            "status_label": str(labels["refused" if item.refused else record.status]),
            "pages_done": count["done"], "pages_total": count["total"],
            "errors": list(item.errors) + (list(record.errors) if record else []),
        })
        if record is not None and record.pk not in visible:
            rows[-1].update(source="", record_id=None, archive_code=None, errors=[])
    # The label of an upload lists its file names: shown only when every row is.
    hidden = any(i.record_id and i.record_id not in visible for i in items)
    return {"batch": batch.pk, "label": "" if hidden else batch.label,
            "pages_done": sum(r["pages_done"] for r in rows),
            "pages_total": sum(r["pages_total"] for r in rows), "items": rows,
            "finished": all(r["status"] in {"refused", "ready", "needs_review", "failed"}
                            for r in rows)}


def review_queue(*, user):
    """The records waiting for review that ``user`` may see, oldest first."""
    return (Record.objects.visible_to(user).filter(status=RecordStatus.NEEDS_REVIEW)
            .with_plan().order_by("created_at", "pk"))
