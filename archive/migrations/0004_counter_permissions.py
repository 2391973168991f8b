"""Formerly granted the counter's permissions; the role matrix (archive/roles.py) does now."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("archive", "0003_counter_visits_and_use_register"),
                    ("search", "0002_roles_view_restricted")]
    operations = []
