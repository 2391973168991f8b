"""Who may see full ID numbers, open the nearest valid number, print copies, read the registers."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

GRANTS = {
    "view_full_id_number": ["档案管理员", "审计人员", "系统管理员"],
    "lookup_nearest_id": ["档案管理员", "系统管理员"],
    "print_certified_copy": ["窗口经办人员", "档案管理员", "系统管理员"],
    "view_useregisterentry": ["档案管理员", "审计人员", "系统管理员"],
    "view_countervisit": ["档案管理员", "审计人员", "系统管理员"],
}


def grant(apps, schema_editor):
    app_config = apps.get_app_config("archive")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for codename, groups in GRANTS.items():
        permission = Permission.objects.get(content_type__app_label="archive", codename=codename)
        for group in Group.objects.filter(name__in=groups):
            group.permissions.add(permission)


class Migration(migrations.Migration):
    dependencies = [("archive", "0003_counter_visits_and_use_register"),
                    ("search", "0002_roles_view_restricted")]
    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
