"""Queue index updates for every catalogue change and every finished ingest."""

from django.dispatch import receiver

from catalog.models import Member, Record, Unit
from catalog.signals import catalog_changed
from ingest.pipeline import record_ingested

from .services import index_enqueue


@receiver(catalog_changed, dispatch_uid="search.catalog_changed")
def queue_catalog_change(sender, instance, action, **kwargs):
    if isinstance(instance, Record):
        index_enqueue(record_ids=[instance.pk])
    elif isinstance(instance, (Member, Unit)) and instance.pk:
        index_enqueue(record_ids=instance.records.values_list("pk", flat=True))


@receiver(record_ingested, dispatch_uid="search.record_ingested")
def queue_ingested(sender, record, **kwargs):
    index_enqueue(record_ids=[record.pk])
