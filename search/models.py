"""The indexing outbox: catalogue writes leave a row here in their own transaction."""

import uuid

from django.db import models
from django.utils.translation import gettext_lazy as _


class IndexQueue(models.Model):
    """A record whose search documents must be rewritten (or removed).

    Written in the same transaction as the catalogue change, so a search outage
    or a lost task never loses the change: the row stays until the index has it.
    ``token`` changes on every enqueue, so a change made while the indexer works
    is not cleared by it.
    """

    record_id = models.BigIntegerField(_("record"), unique=True)
    token = models.UUIDField(default=uuid.uuid4)
    queued_at = models.DateTimeField(_("queued at"), auto_now=True)
    attempts = models.PositiveIntegerField(_("attempts"), default=0)
    last_error = models.TextField(_("last error"), blank=True)

    class Meta:
        verbose_name = _("pending index update")
        verbose_name_plural = _("pending index updates")
        ordering = ["queued_at"]
