"""Reads of ingest progress for the admin and the CLI."""

from __future__ import annotations

from django.db.models import Count, Q

from django.utils.translation import gettext as _

from catalog.models import Page, RecordStatus

from .models import Batch


def batch_progress(*, batch: Batch) -> dict:
    """Pages done of total, and each item's status and errors."""
    items = list(batch.items.select_related("record").order_by("pk"))
    record_ids = [i.record_id for i in items if i.record_id]
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
    return {"batch": batch.pk, "pages_done": sum(r["pages_done"] for r in rows),
            "pages_total": sum(r["pages_total"] for r in rows), "items": rows,
            "finished": all(r["status"] in {"refused", "ready", "needs_review", "failed"}
                            for r in rows)}
