"""Start the pipeline when a person sends a record back to processing (a retry)."""

from django.db import transaction
from django.dispatch import receiver

from catalog.models import Record
from kernel.transitions import transitioned

from .tasks import process_record


@receiver(transitioned, sender=Record, dispatch_uid="ingest.retry_on_process")
def queue_retry(sender, instance, transition, actor, **kwargs):
    # The pipeline takes "process" itself as the system (actor None) while it already runs.
    if transition.name == "process" and actor is not None:
        transaction.on_commit(lambda pk=instance.pk: process_record.delay(pk))
