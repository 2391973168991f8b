"""Refuse deleting what the law keeps permanently: destruction registers and their rows.

PROTECT keeps a register with rows, and the record it is filed as, from being
deleted through a relation; this refuses the row itself, whichever way the
delete comes (an instance, a queryset, a cascade from elsewhere).
"""

from __future__ import annotations

from django.db.models.signals import pre_delete
from django.dispatch import receiver
from django.utils.translation import gettext as _

from .errors import RetentionError
from .models import DestructionItem, DestructionRegister


@receiver(pre_delete, sender=DestructionRegister, dispatch_uid="register_never_deleted")
@receiver(pre_delete, sender=DestructionItem, dispatch_uid="register_item_never_deleted")
def refuse_register_delete(sender, instance, **kwargs):
    raise RetentionError(_("destruction registers are kept permanently and are never deleted"),
                         rule="never_deleted")
