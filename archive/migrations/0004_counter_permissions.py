"""Who may see full ID numbers, open the nearest valid number, print copies, read the registers."""

from django.db import migrations

from archive import roles

GRANTS = {
    "view_full_id_number": ["档案管理员", "审计人员", "系统管理员"],
    "lookup_nearest_id": ["档案管理员", "系统管理员"],
    "print_certified_copy": ["窗口经办人员", "档案管理员", "系统管理员"],
    "view_useregisterentry": ["档案管理员", "审计人员", "系统管理员"],
    "view_countervisit": ["档案管理员", "审计人员", "系统管理员"],
}


def grant(apps, schema_editor):
    roles.grant(apps, "archive", GRANTS)


class Migration(migrations.Migration):
    dependencies = [("archive", "0003_counter_visits_and_use_register"),
                    ("search", "0002_roles_view_restricted")]
    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
