"""Formerly let roles see restricted records; the role matrix (archive/roles.py) does now."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("search", "0001_initial"),
                    ("catalog", "0005_record_sensitivity"),
                    ("archive", "0002_roles_and_chain_head")]
    operations = []
