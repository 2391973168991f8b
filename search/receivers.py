"""Queue index updates for every catalogue change and every record transition; index a
sensitivity change at once on commit (the queue keeps it if the engine is down)."""

from django.db import transaction
from django.dispatch import receiver

from catalog.models import Member, Record, Unit
from catalog.signals import catalog_changed
from kernel.transitions import transitioned

from .services import index_enqueue, index_records_now
from .tasks import index_pending_task


def _queue(record_ids) -> None:
    index_enqueue(record_ids=record_ids, schedule=index_pending_task.delay)


@receiver(catalog_changed, dispatch_uid="search.catalog_changed")
def queue_catalog_change(sender, instance, action, **kwargs):
    if isinstance(instance, Record):
        _queue([instance.pk])
        if action == "sensitivity":
            # Who may find it changed: index it on commit rather than wait for a worker.
            pk = instance.pk
            transaction.on_commit(lambda: index_records_now([pk]), robust=True)
    elif isinstance(instance, (Member, Unit)) and instance.pk and action != "create":
        # A member or unit just registered has no records yet.
        _queue(instance.records.values_list("pk", flat=True))


@receiver(transitioned, sender=Record, dispatch_uid="search.record_transitioned")
def queue_record_transition(sender, instance, **kwargs):
    # A finished ingest (ready, review) and a destruction (out of the index) arrive here.
    _queue([instance.pk])
