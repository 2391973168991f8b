"""Load the national file plan (9 categories, 118 stages) and the retention codes."""

from django.db import migrations

from catalog.fileplan import DEFAULT_RETENTION_CODES, SEED_FILE, apply_plan, read_plan


def seed(apps, schema_editor):
    RetentionPeriod = apps.get_model("catalog", "RetentionPeriod")
    for code, (years, name) in DEFAULT_RETENTION_CODES.items():
        RetentionPeriod.objects.get_or_create(code=code, defaults={"years": years, "name": name})
    plan = read_plan(SEED_FILE, retention_codes={c: y for c, (y, _) in DEFAULT_RETENTION_CODES.items()})
    apply_plan(plan, Category=apps.get_model("catalog", "Category"),
               Stage=apps.get_model("catalog", "Stage"),
               StageRetention=apps.get_model("catalog", "StageRetention"))


class Migration(migrations.Migration):
    dependencies = [("catalog", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
