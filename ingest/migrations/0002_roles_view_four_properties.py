"""Formerly granted the ingest views' permissions; the role matrix (archive/roles.py) does now."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("ingest", "0001_initial"),
                    ("archive", "0002_roles_and_chain_head")]
    operations = []
