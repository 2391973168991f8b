"""The retention workflows as declared transitions (see ``kernel.transitions``).

hold: active → released.
appraisal batch: draft → submitted (items frozen, opinions open) → closed (decided).
destruction register: draft → submitted (frozen) → approved → filed (备案) →
executing → executed → closed; a refusal sends a submitted register back to draft.

Transition names are the audit trail's actions, so they carry their workflow's
prefix. Who may take a step beyond the permission (the author never approves, a
supervisor is never the executor) is checked by ``retention.services`` before it
applies the transition, because those rules need the acting user.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from kernel.transitions import Transition, Workflow

from .models import AppraisalBatch, DestructionRegister, Hold
from .models import BatchState as B
from .models import HoldState as H
from .models import RegisterState as R

HOLD_LIFECYCLE = Workflow(model=Hold, state_field="state", transitions=[
    Transition("hold_release", (H.ACTIVE,), H.RELEASED, permission="retention.release_hold",
               label=_("release hold")),
])

BATCH_LIFECYCLE = Workflow(model=AppraisalBatch, state_field="state", transitions=[
    Transition("appraisal_submit", (B.DRAFT,), B.SUBMITTED,
               permission="retention.open_appraisal", label=_("submit for appraisal")),
    Transition("appraisal_close", (B.SUBMITTED,), B.CLOSED,
               permission="retention.open_appraisal", label=_("close appraisal")),
])

REGISTER_LIFECYCLE = Workflow(model=DestructionRegister, state_field="state", transitions=[
    Transition("register_submit", (R.DRAFT,), R.SUBMITTED,
               permission="retention.prepare_destruction", label=_("submit register")),
    Transition("register_refuse", (R.SUBMITTED,), R.DRAFT,
               permission="retention.approve_destruction", label=_("refuse register")),
    Transition("register_approve", (R.SUBMITTED,), R.APPROVED,
               permission="retention.approve_destruction", label=_("approve register")),
    Transition("register_file", (R.APPROVED,), R.FILED,
               permission="retention.prepare_destruction",
               label=_("file register with the HRSS department")),
    Transition("register_execute", (R.FILED,), R.EXECUTING,
               permission="retention.execute_destruction", label=_("start destruction")),
    Transition("register_executed", (R.EXECUTING,), R.EXECUTED,
               permission="retention.execute_destruction", label=_("finish destruction")),
    Transition("register_close", (R.EXECUTED,), R.CLOSED,
               permission="retention.prepare_destruction", label=_("close register")),
])
