"""State machines as data: a ``Workflow`` of declared ``Transition``s.

Every state change of every model goes through ``Workflow.apply``: it locks the
row, refuses a wrong source state or a missing permission with a
``TransitionRefused`` naming the rule, sets the fields, saves only what changed
and announces the change on ``transitioned`` — the audit trail (``archive``)
writes the event with the acting user, and other apps listen there too (search
re-indexes a record, the core intake notifies its client).

``actor=None`` is the system itself (a worker, a migration): permissions are
checked for people, not for the archive's own steps.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from django.db import models, transaction
from django.dispatch import Signal
from django.utils.translation import gettext as _

from .errors import DomainError

# Sent after a transition is saved, inside its transaction, with: instance, workflow,
# transition, source, target, actor, details (a JSON-able dict). ``sender`` is the model.
transitioned = Signal()

_WORKFLOWS: list[Workflow] = []


class TransitionRefused(DomainError):
    """A transition the object's state or the actor's permissions do not allow."""


Guard = Callable[[models.Model, dict], None]


@dataclass(frozen=True)
class Transition:
    """One declared move: from any of ``sources`` to ``target``.

    ``permission`` ("app_label.codename") is what a person needs to take it;
    ``guard`` may refuse with a ``DomainError`` on the locked row and the fields
    given; ``label`` is what screens and the audit listing call it.
    """

    name: str
    sources: tuple[str, ...]
    target: str
    permission: str | None = None
    label: str = ""
    guard: Guard | None = field(default=None, compare=False)


class Workflow:
    """The declared transitions of one model's ``state_field``."""

    def __init__(self, *, model: type[models.Model], transitions: Iterable[Transition],
                 state_field: str = "status"):
        self.model = model
        self.state_field = state_field
        self.transitions = {t.name: t for t in transitions}
        field_names = {f.name for f in model._meta.concrete_fields}
        if state_field not in field_names:
            raise TypeError(f"{model._meta.label} has no field {state_field!r}")
        self._auto_now = [f.name for f in model._meta.concrete_fields
                          if getattr(f, "auto_now", False)]
        self._field_names = field_names
        _WORKFLOWS.append(self)

    def __repr__(self) -> str:
        return f"<Workflow {self.model._meta.label}.{self.state_field}>"

    def get(self, name: str) -> Transition:
        try:
            return self.transitions[name]
        except KeyError:
            raise TransitionRefused(
                _("%(model)s has no transition %(name)r") % {
                    "model": self.model._meta.verbose_name, "name": name},
                field=self.state_field, rule="unknown_transition") from None

    def allows(self, transition: Transition, actor) -> bool:
        """Return whether ``actor`` holds the transition's permission."""
        return actor is None or transition.permission is None or actor.has_perm(
            transition.permission)

    def available(self, obj: models.Model, actor) -> list[Transition]:
        """List the transitions ``actor`` may take now, in declaration order (for buttons)."""
        state = getattr(obj, self.state_field)
        found = []
        for transition in self.transitions.values():
            if state not in transition.sources or not self.allows(transition, actor):
                continue
            if transition.guard is not None:
                try:
                    transition.guard(obj, {})
                except DomainError:
                    continue
            found.append(transition)
        return found

    @transaction.atomic
    def apply(self, obj: models.Model, name: str, *, actor, details: dict | None = None,
              **fields) -> models.Model:
        """Take transition ``name`` on ``obj``'s row and return the saved row.

        The row is locked first (``select_for_update``), so two concurrent
        applies on one row run one after the other and the second sees the
        first's state. ``fields`` are set with the state; ``details`` go into
        the announcement (and so the audit event) beside from/to.
        """
        transition = self.get(name)
        unknown = set(fields) - self._field_names
        if unknown:
            raise TypeError(f"{self.model._meta.label} has no field(s) {sorted(unknown)}")
        label = transition.label or transition.name
        if not self.allows(transition, actor):
            raise TransitionRefused(
                _("%(action)s needs the permission %(permission)s") % {
                    "action": label, "permission": transition.permission},
                field=self.state_field, rule="permission")
        row = self.model._default_manager.select_for_update().get(pk=obj.pk)
        source = getattr(row, self.state_field)
        if source not in transition.sources:
            raise TransitionRefused(
                _("%(action)s is allowed from %(sources)s only; %(object)s is %(state)s") % {
                    "action": label, "sources": ", ".join(transition.sources),
                    "object": self.model._meta.verbose_name, "state": source},
                field=self.state_field, rule="transition")
        if transition.guard is not None:
            transition.guard(row, fields)
        values = {self.state_field: transition.target, **fields}
        for target in (row, obj):
            for key, value in values.items():
                setattr(target, key, value)
        row.save(update_fields=[*values, *self._auto_now])
        for name_ in self._auto_now:
            setattr(obj, name_, getattr(row, name_))
        transitioned.send(sender=self.model, instance=row, workflow=self, transition=transition,
                          source=source, target=transition.target, actor=actor,
                          details={"from": source, "to": transition.target, **(details or {})})
        return row


def workflows() -> list[Workflow]:
    """Every workflow declared so far (the audit vocabulary reads their labels)."""
    return list(_WORKFLOWS)
