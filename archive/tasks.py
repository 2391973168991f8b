"""Celery tasks of the archive app: thin wrappers around one service each."""

from celery import shared_task

from .services import fixity_check_run


@shared_task(acks_late=True, autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def fixity_check_task(limit: int | None = None) -> dict:
    """Re-hash stored objects; safe to run twice (it only records results)."""
    report = fixity_check_run(actor=None, limit=limit)
    return {"checked": report.checked, "missing": report.missing,
            "mismatched": report.mismatched}
