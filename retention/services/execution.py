"""Supervised execution of a filed destruction register (order No. 3 art. 12).

``destruction_execute`` is the moment of the witnessed destruction: the executor
names the method and the place, two distinct supervisors (监销人) confirm it with
their own passwords, the register becomes ``executing`` and each listed item is
queued. Each item is then destroyed on its own (``retention.services.items``),
on a worker or in the calling command, and the register becomes ``executed`` once
no item is left queued. ``destruction_resume`` queues again what a crash left.

Methods: shredding, pulping and incineration are how the paper originals are
destroyed; deletion is the method of a register of born-digital records. Whatever
the method, the electronic copies (originals, page images, thumbnails) are deleted.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from django.contrib.auth import authenticate
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from kernel.names import person_name

from ..errors import RetentionError
from ..models import (
    DestructionItem,
    DestructionMethod,
    DestructionRegister,
    DestructionSupervision,
    ItemState,
    RegisterState,
)
from ..workflows import REGISTER_LIFECYCLE

SUPERVISE = "retention.supervise_destruction"
EXECUTE = "retention.execute_destruction"
OPEN_STATES = (ItemState.LISTED, ItemState.QUEUED)


def _check_supervisors(*, actor, register: DestructionRegister,
                       supervisors: Sequence[tuple[object, str]]) -> list:
    """Return the two supervisors once every rule holds; refuse the first broken one.

    The rules that need no password come first, so a refused pairing never
    counts as a failed sign-in of the person named.
    """
    if len(supervisors) != 2:
        raise RetentionError(_("a destruction is witnessed by exactly two supervisors"),
                             field="supervisors", rule="two_supervisors")
    users = []
    for number, (user, _password) in enumerate(supervisors, start=1):
        field = f"supervisor_{number}"
        if user is None:
            raise RetentionError(_("name supervisor %(n)d") % {"n": number}, field=field,
                                 rule="required")
        users.append(user)
    if users[0].pk == users[1].pk:
        raise RetentionError(
            _("the two supervisors must be different people; %(name)s is named twice")
            % {"name": person_name(users[0])}, field="supervisor_2", rule="supervisors_distinct")
    for number, user in enumerate(users, start=1):
        field, name = f"supervisor_{number}", person_name(user)
        if user.pk == actor.pk:
            raise RetentionError(_("%(name)s executes this destruction and cannot also supervise "
                                   "it") % {"name": name}, field=field, rule="supervisor_is_executor")
        if user.pk == register.approved_by_id:
            raise RetentionError(_("%(name)s approved this register and cannot supervise its "
                                   "destruction") % {"name": name}, field=field,
                                 rule="approver_cannot_supervise")
        if not user.is_active or not user.has_perm(SUPERVISE):
            raise RetentionError(_("%(name)s is not a destruction supervisor") % {"name": name},
                                 field=field, rule="supervisor_permission")
    for number, (user, password) in enumerate(supervisors, start=1):
        confirmed = authenticate(None, username=user.get_username(), password=password or "")
        if confirmed is None or confirmed.pk != user.pk:
            raise RetentionError(_("the password of supervisor %(name)s is not correct")
                                 % {"name": person_name(user)}, field=f"supervisor_{number}",
                                 rule="supervisor_password")
    return users


def _queue_items(item_ids: list[int]) -> None:
    from ..tasks import destruction_item_task

    for item_id in item_ids:
        destruction_item_task.delay(item_id)


@transaction.atomic
def destruction_execute(*, actor, register: DestructionRegister, method: str, place: str,
                        supervisors: Sequence[tuple[object, str]],
                        queue: bool = True) -> DestructionRegister:
    """Start the destruction of a filed register, witnessed by two supervisors.

    ``supervisors`` are two (user, password) pairs: each supervisor confirms
    with their own password. Writes the supervisions, records method, place,
    executor and time, takes ``register_execute``, queues every listed item and
    (``queue``) sends one task per item once committed; without ``queue`` the
    caller runs the items itself (``manage.py destruction execute --wait``).
    """
    if actor is None or not actor.has_perm(EXECUTE):
        raise RetentionError(_("executing a destruction needs the permission %(perm)s")
                             % {"perm": EXECUTE}, field="executed_by", rule="permission")
    register = DestructionRegister.objects.select_for_update().get(pk=register.pk)
    if register.state != RegisterState.FILED:
        raise RetentionError(
            _("register %(number)s is %(state)s: only an approved register filed with the HRSS "
              "department is executed") % {"number": register.number,
                                           "state": register.get_state_display()},
            field="register", rule="not_filed")
    if method not in DestructionMethod.values:
        raise RetentionError(_("unknown method of destruction %(method)r; known: %(known)s")
                             % {"method": method, "known": ", ".join(DestructionMethod.values)},
                             field="method", rule="method")
    place = (place or "").strip()
    if not place:
        raise RetentionError(_("give the place of destruction"), field="place", rule="required")
    users = _check_supervisors(actor=actor, register=register, supervisors=supervisors)
    for user in users:
        DestructionSupervision.objects.create(register=register, supervisor=user)
    now = timezone.now()
    with translation.override("zh-hans"):
        method_name = str(DestructionMethod(method).label)
    register = REGISTER_LIFECYCLE.apply(
        register, "register_execute", actor=actor,
        details={"method": method, "method_name": method_name, "place": place,
                 "supervisors": [person_name(u) for u in users],
                 "supervisor_ids": [u.pk for u in users], "executed_at": now.isoformat()},
        method=method, place=place, executed_by=actor, executed_at=now)
    listed = list(register.items.filter(state=ItemState.LISTED).values_list("pk", flat=True))
    DestructionItem.objects.filter(pk__in=listed).update(state=ItemState.QUEUED)
    if not listed:
        register_finish(register=register)
    elif queue:
        transaction.on_commit(lambda: _queue_items(listed), robust=True)
    return register


@transaction.atomic
def register_finish(*, register: DestructionRegister) -> bool:
    """Take ``register_executed`` once no item of an executing register is left to do."""
    register = DestructionRegister.objects.select_for_update().get(pk=register.pk)
    if register.state != RegisterState.EXECUTING:
        return False
    if register.items.filter(state__in=OPEN_STATES).exists():
        return False
    counts = {state: register.items.filter(state=state).count()
              for state in (ItemState.DESTROYED, ItemState.SKIPPED)}
    REGISTER_LIFECYCLE.apply(register, "register_executed", actor=None,
                             details={"destroyed": counts[ItemState.DESTROYED],
                                      "skipped": counts[ItemState.SKIPPED]})
    return True


def destruction_resume(*, queue: Callable[[list[int]], None] | None = None) -> int:
    """Queue again the items executing registers still have queued; return how many.

    Run every few minutes by beat and by ``manage.py destruction resume``: an
    item whose worker was killed or whose retries ran out is taken up again (its
    execution is idempotent), and a register whose items are all done is finished.
    """
    ids = list(DestructionItem.objects.filter(
        register__state=RegisterState.EXECUTING, state__in=OPEN_STATES)
        .order_by("register_id", "serial").values_list("pk", flat=True))
    DestructionItem.objects.filter(pk__in=ids, state=ItemState.LISTED).update(
        state=ItemState.QUEUED)
    (queue or _queue_items)(ids)
    for register in DestructionRegister.objects.filter(state=RegisterState.EXECUTING):
        register_finish(register=register)
    return len(ids)
