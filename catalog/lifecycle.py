"""The record lifecycle as declared transitions (see ``kernel.transitions``).

received → processing → (needs_review →) ready → destroyed, with failed
reachable from any step before ready and processing again from failed.
Services in ``catalog.services`` are the only callers.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from kernel.transitions import Transition, Workflow

from .errors import CatalogError
from .models import Record, RecordStatus as S


def _filed(record: Record, fields: dict) -> None:
    if not record.is_filed:
        raise CatalogError(_("a record must be filed (have its 档号) before it is ready"),
                           field="archive_code", rule="not_filed")


RECORD_LIFECYCLE = Workflow(model=Record, transitions=[
    Transition("process", (S.RECEIVED, S.PROCESSING, S.FAILED), S.PROCESSING,
               permission="catalog.change_record", label=_("start processing")),
    Transition("review", (S.PROCESSING,), S.NEEDS_REVIEW,
               permission="catalog.change_record", label=_("hold for review")),
    Transition("ready", (S.PROCESSING, S.NEEDS_REVIEW), S.READY,
               permission="catalog.change_record", label=_("take into the holdings"),
               guard=_filed),
    Transition("fail", (S.RECEIVED, S.PROCESSING, S.NEEDS_REVIEW), S.FAILED,
               permission="catalog.change_record", label=_("mark failed")),
    Transition("destroy", (S.READY,), S.DESTROYED,
               permission="catalog.destroy_record", label=_("destroy")),
])
