"""Start the pipeline when a person sends a record back to processing (a retry); sweep
the empty batches of killed uploads along with custody's objects."""

from django.db import transaction
from django.dispatch import receiver

from archive.signals import objects_sweeping
from catalog.models import Record
from kernel.transitions import transitioned

from . import services
from .tasks import process_record


@receiver(transitioned, sender=Record, dispatch_uid="ingest.retry_on_process")
def queue_retry(sender, instance, transition, actor, **kwargs):
    # The pipeline takes "process" itself as the system (actor None) while it already runs.
    if transition.name == "process" and actor is not None:
        transaction.on_commit(lambda pk=instance.pk: process_record.delay(pk))


@receiver(objects_sweeping, dispatch_uid="ingest.sweep_empty_batches")
def sweep_empty_batches(sender, before, dry_run, actor, **kwargs):
    return services.empty_batches_sweep(actor=actor, before=before, dry_run=dry_run)
