"""The role matrix: the one place that says which group (role) holds which permission.

``roles_sync()`` applies it after every ``migrate`` (a ``post_migrate`` receiver connected
in ``ArchiveConfig.ready``): each role's group is created if missing and given exactly the
permissions below, extra ones removed; Wagtail's starter groups are deleted. A permission
named here that does not exist stops the migration with its name. Migrations never create
groups or grant permissions.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass

from django.apps import apps as global_apps
from django.core.exceptions import ImproperlyConfigured
from django.db import DEFAULT_DB_ALIAS, transaction

CATALOG_MODELS = ("fonds", "category", "stage", "stageretention", "retentionperiod", "volume",
                  "record", "page", "member", "unit", "recordmember", "recordunit")


def _perms(app: str, actions: tuple[str, ...], models: tuple[str, ...]) -> frozenset[str]:
    return frozenset(f"{app}.{action}_{model}" for action in actions for model in models)


# Permissions as "app_label.codename", in bundles the roles share.
ADMIN_SHELL = frozenset({
    "wagtailadmin.access_admin",
    # Wagtail's own migrations gave these to every group with admin access; kept as they were
    # (the image and document menus are hidden, archive/wagtail_hooks.py).
    "wagtailimages.choose_image", "wagtaildocs.choose_document"})
READ_CATALOGUE = _perms("catalog", ("view",), CATALOG_MODELS)
EDIT_CATALOGUE = _perms("catalog", ("add", "change", "view"), CATALOG_MODELS)
MANAGE_CATALOGUE = _perms("catalog", ("add", "change", "view", "delete"), CATALOG_MODELS)
READ_RESTRICTED = frozenset({"catalog.view_restricted_record"})
DESTROY_RECORD = frozenset({"catalog.destroy_record"})
READ_INTAKE = frozenset({"ingest.view_batch", "ingest.view_fourpropertiescheck"})
READ_CORE_INTAKE = frozenset({"ingest.view_businesstype", "ingest.view_coreclient",
                              "ingest.view_coredocument", "ingest.view_callbackdelivery"})
EDIT_CORE_MAPPING = frozenset({"ingest.add_businesstype", "ingest.change_businesstype"})
READ_STORAGE = frozenset({"archive.view_storedobject"})
READ_TRAIL = frozenset({"archive.view_auditevent", "archive.verify_auditevent"})
READ_USE = frozenset({"archive.view_full_id_number", "archive.view_useregisterentry",
                      "archive.view_countervisit"})
NEAREST_ID = frozenset({"archive.lookup_nearest_id"})
CERTIFIED_COPY = frozenset({"archive.print_certified_copy"})
MANAGE_PEOPLE = _perms("auth", ("add", "change", "view"), ("user", "group"))
HOLDS = frozenset({"retention.place_hold", "retention.release_hold"})
REGISTERS = frozenset({"retention.view_registers"})
# The audit trail of the records a role appraises, approves or sees destroyed.
RECORD_HISTORY = frozenset({"retention.view_record_history"})
# The retention workflows' listings (holds, appraisal batches, destruction registers).
RETENTION_LISTS = frozenset({"retention.view_hold", "retention.view_appraisalbatch",
                             "retention.view_destructionregister"})
RUN_RETENTION = frozenset({"retention.open_appraisal", "retention.prepare_destruction",
                           "retention.execute_destruction"})


@dataclass(frozen=True)
class Role:
    group: str
    permissions: frozenset[str]


ROLES: dict[str, Role] = {
    "archive_officer": Role("档案管理员", ADMIN_SHELL | EDIT_CATALOGUE | READ_RESTRICTED
                            | DESTROY_RECORD | READ_INTAKE | READ_CORE_INTAKE | EDIT_CORE_MAPPING
                            | READ_STORAGE | READ_USE | NEAREST_ID | CERTIFIED_COPY
                            | RUN_RETENTION | HOLDS | REGISTERS | RECORD_HISTORY | RETENTION_LISTS),
    "counter_staff": Role("窗口经办人员", ADMIN_SHELL | READ_CATALOGUE | CERTIFIED_COPY),
    "auditor": Role("审计人员", ADMIN_SHELL | READ_CATALOGUE | READ_RESTRICTED | READ_INTAKE
                    | READ_CORE_INTAKE | READ_STORAGE | READ_TRAIL | READ_USE | REGISTERS
                    | RECORD_HISTORY | RETENTION_LISTS),
    "appraisal_member": Role("鉴定小组成员", ADMIN_SHELL | READ_CATALOGUE | READ_RESTRICTED
                             | READ_INTAKE | RECORD_HISTORY
                             | {"retention.give_appraisal_opinion",
                                "retention.view_appraisalbatch"}),
    "approver": Role("审批人", ADMIN_SHELL | READ_CATALOGUE | READ_RESTRICTED | RECORD_HISTORY
                     | {"retention.approve_destruction", "retention.view_appraisalbatch",
                        "retention.view_destructionregister"}),
    "destruction_supervisor": Role("监销人", ADMIN_SHELL | READ_CATALOGUE | READ_RESTRICTED
                                   | RECORD_HISTORY | {"retention.supervise_destruction",
                                                      "retention.view_destructionregister"}),
    "administrator": Role("系统管理员", ADMIN_SHELL | MANAGE_CATALOGUE | READ_RESTRICTED
                          | DESTROY_RECORD | READ_INTAKE | READ_CORE_INTAKE | EDIT_CORE_MAPPING
                          | READ_STORAGE | READ_TRAIL | READ_USE | NEAREST_ID | CERTIFIED_COPY
                          | MANAGE_PEOPLE | HOLDS | REGISTERS | RECORD_HISTORY
                          | RETENTION_LISTS),
}

# Groups Wagtail's migrations create for a CMS; the archive has no use for them.
RETIRED_GROUPS = ("Editors", "Moderators")


def group_name(role: str) -> str:
    """Return the name of ``role``'s group."""
    return ROLES[role].group


class RoleMatrixError(ImproperlyConfigured):
    """The matrix names a permission that no installed model declares."""


def _permissions(Permission, using: str) -> dict[str, int]:
    """Return every permission's id by "app_label.codename"; fail on one the matrix lacks."""
    found = {f"{app}.{codename}": pk for pk, app, codename in
             Permission.objects.using(using).values_list("pk", "content_type__app_label",
                                                         "codename")}
    missing = sorted((name, code) for code, role in ROLES.items() for name in role.permissions
                     if name not in found)
    if missing:
        names = ", ".join(f"{name} (role {code})" for name, code in missing)
        raise RoleMatrixError(f"the role matrix (archive/roles.py) names permissions that do "
                              f"not exist: {names}")
    return found


def roles_sync(*, using: str = DEFAULT_DB_ALIAS) -> dict[str, object]:
    """Make the groups hold exactly the matrix; return what changed (empty when nothing did).

    The changes are one ``roles_sync`` audit event, unless the trail is still empty (a new
    database starts from the matrix). The per-change audit receivers stay quiet meanwhile.
    """
    from .people import people_audit_suppressed

    Group = global_apps.get_model("auth", "Group")
    Permission = global_apps.get_model("auth", "Permission")
    created, added, removed = [], {}, {}
    with transaction.atomic(using=using), people_audit_suppressed():
        ids = _permissions(Permission, using)
        names = {pk: name for name, pk in ids.items()}
        for role in ROLES.values():
            group, new = Group.objects.using(using).get_or_create(name=role.group)
            have = set(group.permissions.values_list("pk", flat=True))
            want = {ids[name] for name in role.permissions}
            if new:
                created.append(role.group)
            if have - want:
                group.permissions.remove(*(have - want))
                removed[role.group] = sorted(names[pk] for pk in have - want)
            if want - have:
                group.permissions.add(*(want - have))
                added[role.group] = sorted(names[pk] for pk in want - have)
        retired = Group.objects.using(using).filter(name__in=RETIRED_GROUPS)
        deleted = sorted(retired.values_list("name", flat=True))
        retired.delete()
        changes = {key: value for key, value in (("created", created), ("added", added),
                                                 ("removed", removed), ("deleted", deleted))
                   if value}
        if changes:
            _audit_sync(changes, using)
    return changes


def _audit_sync(changes: dict, using: str) -> None:
    from .audit import audit_log
    from .models import AuditEvent

    # A new (or flushed) database starts from the matrix: there is no change to report yet.
    if AuditEvent.objects.using(using).exists():
        audit_log(actor=None, action="roles_sync", **changes)


def sync_after_migrate(sender, *, using=DEFAULT_DB_ALIAS, verbosity=1, apps=global_apps,
                       stdout=None, **kwargs) -> None:
    """After ``migrate``: make every app's permissions, then apply the matrix (once per run).

    Django sends ``post_migrate`` once per app; this acts on the last, after every earlier
    app's handlers. It makes the permissions of all apps first, since Django's own handler
    may not have run yet for the last one.
    """
    from django.contrib.auth.management import create_permissions

    configs = [config for config in global_apps.get_app_configs()
               if config.models_module is not None]
    if not configs or sender is not configs[-1]:
        return
    for config in configs:
        create_permissions(config, verbosity=0, interactive=False, using=using, apps=apps)
    changes = roles_sync(using=using)
    if changes and verbosity >= 1:
        (stdout or sys.stdout).write(f"  Applied the role matrix ({', '.join(changes)}).\n")
