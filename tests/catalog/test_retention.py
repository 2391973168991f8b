"""Retention arithmetic, the longer-of rule, and schedule versions that never rewrite records."""

import datetime as dt

import pytest

from catalog import retention as rules
from catalog.errors import RetentionError
from catalog.models import Record
from catalog.services import stage_retention_change
from tests.catalog import factories


def test_five_year_record_formed_mid_2009_expires_end_of_2014_and_is_due_2015():
    assert rules.expires_on(dt.date(2009, 6, 15), 5) == dt.date(2014, 12, 31)
    assert rules.appraisal_due_on(dt.date(2009, 6, 15), 5) == dt.date(2015, 1, 1)


def test_a_record_formed_on_new_years_eve_counts_from_the_next_january():
    assert rules.appraisal_due_on(dt.date(2009, 12, 31), 5) == dt.date(2015, 1, 1)
    assert rules.appraisal_due_on(dt.date(2010, 1, 1), 5) == dt.date(2016, 1, 1)


def test_permanent_never_expires():
    assert rules.expires_on(dt.date(2009, 6, 15), None) is None
    assert rules.appraisal_due_on(dt.date(2009, 6, 15), None) is None


def test_longest_prefers_permanent_over_any_number():
    assert rules.longest([5, 30, 10]) == 30
    assert rules.longest([100, None, 5]) is None


def test_when_two_versions_apply_the_longer_governs():
    versions = [rules.ScheduleVersion(15, dt.date(2009, 9, 1)),
                rules.ScheduleVersion(30, dt.date(2016, 1, 1))]
    # Formed under the 2009 rule, the 2016 longer period still binds it.
    assert rules.governing_years(versions, dt.date(2012, 3, 1)) == 30


def test_a_later_shorter_version_never_cuts_older_records():
    versions = [rules.ScheduleVersion(30, dt.date(2009, 9, 1)),
                rules.ScheduleVersion(10, dt.date(2020, 1, 1))]
    assert rules.governing_years(versions, dt.date(2012, 3, 1)) == 30
    assert rules.governing_years(versions, dt.date(2021, 3, 1)) == 10


@pytest.mark.django_db
def test_accounting_voucher_of_2012_follows_the_2016_thirty_year_rule():
    # ZJ02.01 had 15 years under the 2009 attachment and 30 under order No. 79 (2016).
    record = factories.record(stage_code="ZJ02.01", formed_on=dt.date(2012, 3, 1))
    assert record.retention.code == "D"
    assert record.appraisal_due_on == dt.date(2043, 1, 1)


@pytest.mark.django_db
def test_a_g_record_formed_mid_2009_is_due_for_appraisal_on_2015_01_01(officer):
    from catalog.models import Category
    from catalog.services import stage_create
    stage_create(actor=officer, category=Category.objects.get(code="JH"), code="JH99",
                 name="稽核工作底稿(本地)", years=5, effective_from=dt.date(2000, 1, 1))
    record = factories.record(stage_code="JH99", formed_on=dt.date(2009, 6, 15))
    assert record.retention.code == "G"
    assert record.appraisal_due_on == dt.date(2015, 1, 1)
    assert record not in Record.objects.due_for_appraisal(dt.date(2014, 12, 31))
    assert record in Record.objects.due_for_appraisal(dt.date(2015, 1, 1))


@pytest.mark.django_db
def test_a_retention_below_the_plan_minimum_is_refused():
    with pytest.raises(RetentionError) as exc:
        factories.record(stage_code="GL02", retention=factories.retention("G"))
    assert (exc.value.field, exc.value.rule) == ("retention", "below_minimum")


@pytest.mark.django_db
def test_changing_a_stage_retention_is_a_new_version_and_keeps_filed_records_codes(officer):
    stage = factories.stage("GL04")  # F, 10 years
    old = factories.record(stage_code="GL04", formed_on=dt.date(2018, 5, 1))
    assert (old.retention.code, old.appraisal_due_on) == ("F", dt.date(2029, 1, 1))
    versions_before = stage.retention_versions.count()

    stage_retention_change(actor=officer, stage=stage, years=30, effective_from=dt.date(2025, 1, 1),
                           basis="本地细则(2025)")

    assert factories.stage("GL04").retention_versions.count() == versions_before + 1
    old.refresh_from_db()
    assert old.retention.code == "F"  # the code written on the folder stays
    assert old.appraisal_due_on == dt.date(2049, 1, 1)  # the longer version governs
    new = factories.record(stage_code="GL04", formed_on=dt.date(2025, 6, 1))
    assert new.retention.code == "D"


@pytest.mark.django_db
def test_a_schedule_version_is_never_rewritten():
    stage = factories.stage("GL04")
    date = stage.retention_versions.first().effective_from
    with pytest.raises(RetentionError) as exc:
        stage_retention_change(actor=None, stage=stage, years=50, effective_from=date)
    assert exc.value.rule == "version_exists"
