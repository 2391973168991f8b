"""Audit every change to users, groups (roles) and their permissions in the hash-chained trail.

Receivers of the user model's and ``auth.Group``'s saves and deletes and of the
``groups``, ``user_permissions`` and ``permissions`` relations write the events; the
actor is the signed-in user of the request being served (``archive.middleware``), or the
system outside requests. A relation change is written as its net effect: each call's own,
or, inside ``people_changes_coalesced()`` (the admin's user and group screens), one event
per user or group for the whole block. A password is never recorded, only that it changed.
"""

from __future__ import annotations

from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from functools import cache

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_delete, pre_save

from .audit import audit_log
from .middleware import request_actor

_suppressed: ContextVar[bool] = ContextVar("people_audit_suppressed", default=False)
# While coalescing: (through model, owner pk) → the owner's related pks before the block.
_coalesced: ContextVar[dict | None] = ContextVar("people_audit_coalesced", default=None)

# Never compared field by field: the password (only "changed" is told) and sign-in stamps.
UNTRACKED = {"password", "last_login"}


@contextmanager
def people_audit_suppressed():
    """Write no per-change events inside (the role sync writes its own one)."""
    token = _suppressed.set(True)
    try:
        yield
    finally:
        _suppressed.reset(token)


@contextmanager
def people_changes_coalesced():
    """Write the relation changes made inside as one net event per user or group, at the end."""
    if _coalesced.get() is not None:
        yield
        return
    token = _coalesced.set({})
    try:
        yield
        _flush(_coalesced.get())
    finally:
        _coalesced.reset(token)


def _quiet(instance=None) -> bool:
    # Rows loaded from a fixture or a test database's serialized copy are not changes.
    return _suppressed.get() or getattr(instance, "_people_audit_raw", False)


# --- users ------------------------------------------------------------------------------


def _tracked_fields(model, update_fields) -> list[str]:
    names = [f.attname for f in model._meta.concrete_fields if not f.primary_key
             and f.attname != "last_login"]
    return [n for n in names if update_fields is None or n in update_fields]


def user_before_save(sender, instance, raw=False, update_fields=None, **kwargs):
    if raw:
        instance._people_audit_raw = True
    if _quiet(instance) or instance._state.adding:
        return
    fields = _tracked_fields(sender, update_fields)
    instance._people_before = fields and sender._default_manager.filter(
        pk=instance.pk).values(*fields).first()


def user_saved(sender, instance, created, raw=False, **kwargs):
    if _quiet(instance):
        return
    actor = request_actor()
    if created:
        audit_log(actor=actor, action="user_create", obj=instance,
                  username=instance.get_username(), is_staff=instance.is_staff,
                  is_superuser=instance.is_superuser, is_active=instance.is_active)
        return
    before = instance.__dict__.pop("_people_before", None) or {}
    changes = {name: {"old": old, "new": getattr(instance, name)} for name, old in before.items()
               if name not in UNTRACKED and old != getattr(instance, name)}
    active = changes.pop("is_active", None)
    if active is not None:
        audit_log(actor=actor, action="user_reactivate" if active["new"] else "user_deactivate",
                  obj=instance, username=instance.get_username())
    details: dict = {"changes": changes} if changes else {}
    if "password" in before and before["password"] != instance.password:
        # set_password() leaves the new password aside until saved; a hash that changed
        # without it was upgraded at sign-in or written directly.
        key = "password_changed" if getattr(instance, "_password", None) else "password_rehashed"
        details[key] = True
    if "is_superuser" in changes:
        details["superuser"] = "granted" if changes["is_superuser"]["new"] else "revoked"
    if details:
        audit_log(actor=actor, action="user_update", obj=instance,
                  username=instance.get_username(), **details)


def user_before_delete(sender, instance, **kwargs):
    if not _quiet(instance):
        instance._people_groups = sorted(instance.groups.values_list("name", flat=True))


def user_deleted(sender, instance, **kwargs):
    if not _quiet(instance):
        audit_log(actor=request_actor(), action="user_delete", obj=instance,
                  username=instance.get_username(),
                  groups=instance.__dict__.pop("_people_groups", []))


# --- groups -----------------------------------------------------------------------------


def group_before_save(sender, instance, raw=False, **kwargs):
    if raw:
        instance._people_audit_raw = True
    if not _quiet(instance) and not instance._state.adding:
        instance._people_old_name = (sender._default_manager.filter(pk=instance.pk)
                                     .values_list("name", flat=True).first())


def group_saved(sender, instance, created, **kwargs):
    if _quiet(instance):
        return
    if created:
        audit_log(actor=request_actor(), action="group_create", obj=instance, name=instance.name)
        return
    old = instance.__dict__.pop("_people_old_name", None)
    if old is not None and old != instance.name:
        audit_log(actor=request_actor(), action="group_update", obj=instance,
                  name={"old": old, "new": instance.name})


def group_before_delete(sender, instance, **kwargs):
    if not _quiet(instance):
        User = get_user_model()
        instance._people_members = sorted(
            User._default_manager.filter(groups=instance).values_list(User.USERNAME_FIELD,
                                                                      flat=True))
        instance._people_permissions = _labels(Permission, instance.permissions.values_list(
            "pk", flat=True))


def group_deleted(sender, instance, **kwargs):
    if not _quiet(instance):
        audit_log(actor=request_actor(), action="group_delete", obj=instance, name=instance.name,
                  users=instance.__dict__.pop("_people_members", []),
                  permissions=instance.__dict__.pop("_people_permissions", []))


# --- relations: a user's groups and permissions, a group's permissions -------------------


@dataclass(frozen=True)
class Relation:
    """One many-to-many relation whose changes are events about its owner."""

    owner: type
    target: type
    source_field: str  # the through model's field naming the owner
    target_field: str
    action: str

    @classmethod
    def of(cls, owner, field_name: str, action: str) -> Relation:
        field = owner._meta.get_field(field_name)
        return cls(owner, field.related_model, field.m2m_field_name(),
                   field.m2m_reverse_field_name(), action)


@cache
def _relations() -> dict:
    User = get_user_model()
    return {User.groups.through: Relation.of(User, "groups", "user_groups"),
            User.user_permissions.through: Relation.of(User, "user_permissions",
                                                       "user_permissions"),
            Group.permissions.through: Relation.of(Group, "permissions", "group_permissions")}


def _labels(model, pks) -> list[str]:
    if model is Permission:
        rows = Permission.objects.filter(pk__in=pks).values_list("content_type__app_label",
                                                                 "codename")
        return sorted(f"{app}.{codename}" for app, codename in rows)
    return sorted(model._default_manager.filter(pk__in=pks).values_list("name", flat=True))


def _linked(through, relation: Relation, owner_pk) -> set:
    return set(through.objects.filter(**{f"{relation.source_field}_id": owner_pk})
               .values_list(f"{relation.target_field}_id", flat=True))


def relation_changed(sender, instance, action, reverse, pk_set, **kwargs):
    if _quiet(instance):
        return
    relation = _relations()[sender]
    phase, _, verb = action.partition("_")
    store = _coalesced.get()
    if store is None:  # not coalescing: this call's own change
        store = instance.__dict__.setdefault("_people_relations", {})
    if phase == "pre":
        if not reverse:
            owners = [instance.pk]
        elif verb == "clear":
            owners = sender.objects.filter(**{f"{relation.target_field}_id": instance.pk}
                                           ).values_list(f"{relation.source_field}_id", flat=True)
        else:
            owners = pk_set or ()
        for owner_pk in owners:
            store.setdefault((sender, owner_pk), _linked(sender, relation, owner_pk))
    elif _coalesced.get() is None:
        _flush(instance.__dict__.pop("_people_relations", {}))


def _flush(store: dict) -> None:
    relations = _relations()
    actor = request_actor()
    for (through, owner_pk), before in store.items():
        relation = relations[through]
        after = _linked(through, relation, owner_pk)
        if before == after:
            continue
        owner = relation.owner._default_manager.filter(pk=owner_pk).first()
        if owner is None:  # deleted meanwhile: its delete event tells what it held
            continue
        audit_log(actor=actor, action=relation.action, obj=owner,
                  added=_labels(relation.target, after - before),
                  removed=_labels(relation.target, before - after))


# --- the admin's bulk "set active state", which updates rows without saving them ----------


def _before_bulk_action(request, action_type, objects, action):
    if action_type == "set_active_state" and action.model is get_user_model():
        action._people_active = {user.pk: user.is_active for user in objects}


def _after_bulk_action(request, action_type, objects, action):
    before = getattr(action, "_people_active", None)
    if not before or _quiet():
        return
    for user in action.model._default_manager.filter(pk__in=before).order_by("pk"):
        if user.is_active != before[user.pk]:
            audit_log(actor=request_actor(), obj=user, username=user.get_username(),
                      action="user_reactivate" if user.is_active else "user_deactivate")


_hooks_registered = False


def connect() -> None:
    """Connect the receivers (from ``ArchiveConfig.ready``)."""
    User = get_user_model()
    for signal, receiver, sender in (
            (pre_save, user_before_save, User), (post_save, user_saved, User),
            (pre_delete, user_before_delete, User), (post_delete, user_deleted, User),
            (pre_save, group_before_save, Group), (post_save, group_saved, Group),
            (pre_delete, group_before_delete, Group), (post_delete, group_deleted, Group)):
        signal.connect(receiver, sender=sender, dispatch_uid=f"archive.people.{receiver.__name__}")
    for through in _relations():
        m2m_changed.connect(relation_changed, sender=through,
                            dispatch_uid=f"archive.people.relation.{through._meta.label}")
    global _hooks_registered
    if not _hooks_registered:  # Wagtail's hook registry has no dispatch_uid
        from wagtail import hooks

        hooks.register("before_bulk_action", _before_bulk_action)
        hooks.register("after_bulk_action", _after_bulk_action)
        _hooks_registered = True
