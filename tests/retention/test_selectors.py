"""The due list leaves out held and batched records; a rule hold catches records filed later."""

import datetime as dt

from retention import selectors
from retention.models import Hold, HoldKind, HoldRecord
from tests.catalog import factories as catalog
from tests.retention.factories import due_record


def _hold(officer, **rule) -> Hold:
    return Hold.objects.create(number=f"DJ-{Hold.objects.count() + 1}", name="稽核", reason="稽核中",
                               kind=HoldKind.AUDIT, placed_by=officer, **rule)


def test_due_list_excludes_records_chosen_into_an_active_hold(officer):
    held, free = due_record(), due_record()
    HoldRecord.objects.create(hold=_hold(officer), record=held)
    due = set(selectors.due_records(as_of=dt.date(2026, 12, 1)))
    assert free in due and held not in due
    assert selectors.holds_covering(held) and not selectors.holds_covering(free)


def test_rule_hold_covers_a_record_filed_after_it_was_placed(officer):
    hold = _hold(officer, category=catalog.stage("GL04").category, year_from=2009, year_to=2011)
    later = due_record()
    other_year = due_record(formed_on=dt.date(2008, 3, 1))
    assert selectors.holds_covering(later) == [hold]
    assert set(selectors.records_held()) == {later}
    assert other_year in set(selectors.due_records(as_of=dt.date(2026, 12, 1)))


def test_released_hold_no_longer_covers(officer):
    record = due_record()
    hold = _hold(officer)
    HoldRecord.objects.create(hold=hold, record=record)
    Hold.objects.filter(pk=hold.pk).update(state="released")
    assert selectors.holds_covering(record) == []
    assert record in set(selectors.due_records(as_of=dt.date(2026, 12, 1)))
