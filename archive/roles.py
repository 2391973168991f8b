"""The roles of the archive, created as groups by migration with their permissions."""

from __future__ import annotations

CATALOG_MODELS = ["fonds", "category", "stage", "stageretention", "retentionperiod", "volume",
                  "record", "page", "member", "unit", "recordmember", "recordunit"]
ADMIN_ACCESS = ("wagtailadmin", "access_admin")


def _perms(app: str, actions: list[str], models: list[str]) -> list[tuple[str, str]]:
    return [(app, f"{action}_{model}") for action in actions for model in models]


_VIEW_CATALOG = _perms("catalog", ["view"], CATALOG_MODELS)

# code → (group name, permissions as (app_label, codename)).
ROLES: dict[str, tuple[str, list[tuple[str, str]]]] = {
    "archive_officer": ("档案管理员", [ADMIN_ACCESS, *_perms("catalog", ["add", "change", "view"],
                                                           CATALOG_MODELS),
                                       ("archive", "view_storedobject")]),
    "counter_staff": ("窗口经办人员", [ADMIN_ACCESS, *_VIEW_CATALOG]),
    "auditor": ("审计人员", [ADMIN_ACCESS, *_VIEW_CATALOG, ("archive", "view_auditevent"),
                         ("archive", "verify_auditevent"), ("archive", "view_storedobject")]),
    "appraisal_member": ("鉴定小组成员", [ADMIN_ACCESS, *_VIEW_CATALOG]),
    "approver": ("审批人", [ADMIN_ACCESS, *_VIEW_CATALOG]),
    "destruction_supervisor": ("监销人", [ADMIN_ACCESS, *_VIEW_CATALOG]),
    "administrator": ("系统管理员", [
        ADMIN_ACCESS, *_perms("catalog", ["add", "change", "view", "delete"], CATALOG_MODELS),
        ("archive", "view_auditevent"), ("archive", "verify_auditevent"),
        ("archive", "view_storedobject"),
        *_perms("auth", ["add", "change", "view"], ["user", "group"])]),
}


# Added by archive migration 0004: full ID numbers, nearest-ID lookup, certified copies and the
# use register (see GRANTS there).
# Added later by the ingest app's own migration: view_fourpropertiescheck, view_batch for
# officers, auditors, appraisal members and administrators. Added by the search app's
# migration: catalog.view_restricted_record for every role except counter staff.


def group_name(role: str) -> str:
    return ROLES[role][0]


def grant(apps, app_label: str, grants: dict[str, list[str]]) -> None:
    """In a data migration: make ``app_label``'s permissions and give each to the named groups."""
    from django.contrib.auth.management import create_permissions

    app_config = apps.get_app_config(app_label)
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for codename, groups in grants.items():
        permission = Permission.objects.get(content_type__app_label=app_label, codename=codename)
        for group in Group.objects.filter(name__in=groups):
            group.permissions.add(permission)
