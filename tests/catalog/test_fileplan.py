"""The national file plan as loaded by migration, its command, and refusal of bad CSV rows."""

import json
import shutil
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from catalog.errors import FilePlanError
from catalog.fileplan import SEED_FILE
from catalog.models import Category, Stage, StageRetention
from catalog.services import fileplan_load

pytestmark = pytest.mark.django_db


def test_migration_loads_nine_categories_and_118_stages():
    assert list(Category.objects.values_list("code", flat=True)) == [
        "GL", "ZJ", "YL", "YB", "SB", "GS", "SY", "TJ", "JH"]
    assert Stage.objects.count() == 118


def test_fileplan_json_lists_9_categories_and_118_unique_stage_codes():
    out = StringIO()
    call_command("fileplan", "--json", stdout=out)
    plan = json.loads(out.getvalue())
    codes = [s["code"] for c in plan["categories"] for s in c["stages"]]
    assert len(plan["categories"]) == 9
    assert len(codes) == 118 == len(set(codes))
    gl01 = plan["categories"][0]["stages"][0]
    assert (gl01["code"], gl01["retention_code"], gl01["permanent"]) == ("GL01", "Y", True)


def test_accounting_stages_carry_the_2009_period_as_an_older_version():
    voucher = Stage.objects.get(code="ZJ02.01")
    history = list(voucher.retention_versions.order_by("effective_from").values_list(
        "years", "effective_from"))
    assert [(y, d.isoformat()) for y, d in history] == [(15, "2009-09-01"), (30, "2016-01-01")]


def test_fileplan_xlsx_writes_one_row_per_stage(tmp_path):
    from openpyxl import load_workbook
    target = tmp_path / "plan.xlsx"
    call_command("fileplan", "--xlsx", str(target), stdout=StringIO())
    sheet = load_workbook(target).active
    assert sheet.max_row == 119
    assert sheet["C2"].value == "GL01"


def test_reloading_the_seed_plan_changes_nothing():
    before = StageRetention.objects.count()
    changes = fileplan_load(actor=None, path=SEED_FILE)
    assert (changes.stages_created, changes.versions_created) == (0, 0)
    assert StageRetention.objects.count() == before


def _plan_with(tmp_path, line: str):
    path = tmp_path / "plan.csv"
    shutil.copy(SEED_FILE, path)
    with open(path, "a", encoding="utf-8") as handle:
        handle.write(line + "\n")
    return path


@pytest.mark.parametrize("line, field, rule", [
    ("GL,社会保险管理类,GL10,新环节,范围,Q,,依据,", "retention_code", "unknown_code"),
    ("GL,社会保险管理类,GL10,新环节,范围,F,30,依据,", "retention_years", "code_mismatch"),
    ("GL,社会保险管理类,ZJ99,新环节,范围,F,10,依据,", "stage_code", "category_prefix"),
    ("GL,社会保险管理类,GL01,重复,范围,Y,,依据,", "stage_code", "duplicate"),
    ("GL,另一个名字,GL10,新环节,范围,F,10,依据,", "category_name", "conflict"),
    ("GL,社会保险管理类,,新环节,范围,F,10,依据,", "stage_code", "required"),
])
def test_a_row_that_does_not_fit_the_plan_is_refused_and_nothing_is_written(tmp_path, line, field,
                                                                             rule):
    path = _plan_with(tmp_path, "XX,新门类,XX01,先写入的行,范围,F,10,依据,\n" + line)
    with pytest.raises(FilePlanError) as exc:
        fileplan_load(actor=None, path=path)
    assert (exc.value.field, exc.value.rule, exc.value.line) == (field, rule, 121)
    assert not Category.objects.filter(code="XX").exists()
    assert not Stage.objects.filter(code="GL10").exists()


def test_fileplan_load_command_reports_the_error_and_changes_nothing(tmp_path):
    path = _plan_with(tmp_path, "GL,社会保险管理类,GL10,新环节,范围,Q,,依据,")
    with pytest.raises(CommandError, match="retention_code.*unknown retention code 'Q'"):
        call_command("fileplan", "--load", str(path))
    assert not Stage.objects.filter(code="GL10").exists()


def test_a_new_stage_loaded_from_csv_gets_its_first_version(tmp_path):
    path = _plan_with(tmp_path, "GL,社会保险管理类,GL10,新环节,范围,F,10,依据,")
    changes = fileplan_load(actor=None, path=path)
    assert (changes.stages_created, changes.versions_created) == (1, 1)
    assert Stage.objects.get(code="GL10").retention_versions.get().years == 10


FORMULA_NAME = '=HYPERLINK("http://x","y")'


def test_fileplan_xlsx_writes_a_stage_name_that_looks_like_a_formula_as_text(tmp_path):
    import datetime as dt

    from openpyxl import load_workbook

    from catalog.services import stage_create
    stage_create(actor=None, category=Category.objects.get(code="GL"), code="GL10",
                 name=FORMULA_NAME, years=10, effective_from=dt.date(2020, 1, 1),
                 scope="+SUM(1,2)", basis="@cmd")
    target = tmp_path / "plan.xlsx"
    call_command("fileplan", "--xlsx", str(target), stdout=StringIO())
    sheet = load_workbook(target).active
    row = next(r for r in sheet.iter_rows(min_row=2) if r[2].value == "GL10")
    for cell, original in ((row[3], FORMULA_NAME), (row[4], "+SUM(1,2)"), (row[7], "@cmd")):
        assert cell.data_type == "s"
        assert cell.value == "'" + original
