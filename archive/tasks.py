"""Celery tasks of the archive app: thin wrappers around one service each."""

from celery import shared_task

from .services import audit_checkpoint_write, fixity_check_run, objects_sweep_run
from .storage import StoreUnavailable


@shared_task(acks_late=True, autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def fixity_check_task(limit: int | None = None) -> dict:
    """Re-hash stored objects; safe to run twice (it only records results)."""
    report = fixity_check_run(actor=None, limit=limit)
    return {"checked": report.checked, "missing": report.missing,
            "mismatched": report.mismatched}


@shared_task(acks_late=True, autoretry_for=(StoreUnavailable,), retry_backoff=True, max_retries=5)
def objects_sweep_task() -> dict:
    """Remove objects no row names and stale temporary files; safe to run twice."""
    return objects_sweep_run(actor=None).as_dict()


@shared_task(acks_late=True, autoretry_for=(OSError, StoreUnavailable), retry_backoff=True,
             max_retries=5)
def audit_checkpoint_task() -> dict:
    """Anchor the audit chain's head outside the database; a head that stayed is not rewritten."""
    checkpoint, appended = audit_checkpoint_write()
    return {"sequence": checkpoint.sequence if checkpoint else 0, "appended": appended}
