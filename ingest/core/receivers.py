"""Notify the core when one of its documents becomes ready or fails."""

from django.db import transaction
from django.dispatch import receiver

from catalog.models import Record
from kernel.transitions import transitioned

from .services import callbacks_for_status
from .tasks import deliver_callback


@receiver(transitioned, sender=Record, dispatch_uid="ingest.core.status_callbacks")
def notify_core(sender, instance, target, **kwargs):
    # Inside the transition's transaction: a status reached once is announced once, after commit.
    for delivery in callbacks_for_status(record=instance, status=target):
        transaction.on_commit(lambda pk=delivery.pk: deliver_callback.delay(pk))
