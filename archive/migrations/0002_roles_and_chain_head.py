"""Create the audit chain's head row.

This migration also created the role groups once; the role matrix (archive/roles.py),
applied after every migrate, does that now.
"""

from django.db import migrations


def create_head(apps, schema_editor):
    apps.get_model("archive", "AuditChainHead").objects.get_or_create(pk=1)


class Migration(migrations.Migration):
    dependencies = [
        ("archive", "0001_initial"),
        ("catalog", "0002_seed_file_plan"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("wagtailadmin", "0001_create_admin_access_permissions"),
    ]
    operations = [
        migrations.RunPython(create_head, migrations.RunPython.noop),
    ]
