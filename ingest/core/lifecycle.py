"""A callback delivery's states as declared transitions: pending → delivered | gave up.

Only the archive's workers take them (``actor=None``); each is audited under
its name.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from kernel.transitions import Transition, Workflow

from .models import CallbackDelivery, DeliveryState as S

CALLBACK_LIFECYCLE = Workflow(model=CallbackDelivery, state_field="state", transitions=[
    Transition("core_callback_delivered", (S.PENDING,), S.DELIVERED,
               label=_("callback delivered")),
    Transition("core_callback_gave_up", (S.PENDING,), S.GAVE_UP, label=_("callback given up")),
])
