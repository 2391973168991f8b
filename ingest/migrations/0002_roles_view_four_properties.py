"""Let the roles that read the catalogue read four-properties checks and batches too."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

READERS = ["档案管理员", "审计人员", "系统管理员", "鉴定小组成员"]


def grant(apps, schema_editor):
    app_config = apps.get_app_config("ingest")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    perms = Permission.objects.filter(content_type__app_label="ingest",
                                      codename__in=["view_fourpropertiescheck", "view_batch"])
    for group in Group.objects.filter(name__in=READERS):
        group.permissions.add(*perms)


class Migration(migrations.Migration):
    dependencies = [("ingest", "0001_initial"),
                    ("archive", "0002_roles_and_chain_head")]
    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
