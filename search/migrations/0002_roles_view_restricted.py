"""Let every role but counter staff see restricted records."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

READERS = ["档案管理员", "审计人员", "鉴定小组成员", "审批人", "监销人", "系统管理员"]


def grant(apps, schema_editor):
    app_config = apps.get_app_config("catalog")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    permission = Permission.objects.get(content_type__app_label="catalog",
                                        codename="view_restricted_record")
    for group in Group.objects.filter(name__in=READERS):
        group.permissions.add(permission)


class Migration(migrations.Migration):
    dependencies = [("search", "0001_initial"),
                    ("catalog", "0005_record_sensitivity"),
                    ("archive", "0002_roles_and_chain_head")]
    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
