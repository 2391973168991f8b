"""Seed the core's business types (the roles' permissions come from archive/roles.py)."""

from django.db import migrations

# (code, document name, stage) in the order the core's menus list them.
SEED = [
    ("unit_registration", "社会保险登记表", "GL01"),
    ("unit_registration_change", "社会保险变更登记表", "GL01"),
    ("member_increase_decrease", "参保人员增减登记表", "GL02"),
    ("member_change", "参保人员变更登记表", "GL02"),
    ("contribution_declaration", "社会保险费申报表", "ZJ03"),
    ("contribution_declaration_detail", "社会保险费申报明细表", "ZJ03"),
    ("base_verification", "缴费基数核定表", "ZJ01"),
    ("collection_verification", "社会保险费征收核定表", "ZJ01"),
    ("collection_notice", "核定征收通知书", "ZJ01"),
    ("policy_backpay_approval", "政策性补缴审批表", "ZJ01"),
    ("backpay_notice", "补缴通知书", "ZJ05"),
    ("backpay_deadline_notice", "限期补缴通知书", "ZJ05"),
    ("payment_certificate", "缴费证明", "ZJ06"),
    ("audit_notice", "稽核通知书", "JH01"),
    ("audit_report", "稽核报告", "JH01"),
]


def seed(apps, schema_editor):
    Stage = apps.get_model("catalog", "Stage")
    BusinessType = apps.get_model("ingest", "BusinessType")
    stages = {s.code: s for s in Stage.objects.filter(code__in={row[2] for row in SEED})}
    for order, (code, name, stage_code) in enumerate(SEED, start=1):
        stage = stages.get(stage_code)
        if stage is None:  # a deployment that renamed its stages maps them in the admin
            continue
        BusinessType.objects.get_or_create(code=code, defaults={
            "name": name, "stage": stage, "sort_order": order})


class Migration(migrations.Migration):
    dependencies = [("ingest", "0003_core_intake"), ("catalog", "0002_seed_file_plan"),
                    ("archive", "0004_counter_permissions")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
