"""Notify the core when one of its documents becomes ready or fails."""

from django.dispatch import receiver

from catalog.models import Record
from catalog.signals import catalog_changed

from .services import callbacks_for_status


@receiver(catalog_changed, sender=Record, dispatch_uid="ingest.core.status_callbacks")
def notify_core(sender, instance, action, actor, details, **kwargs):
    if action == "status":
        callbacks_for_status(record=instance, status=details.get("to"))
