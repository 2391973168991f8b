"""The due list leaves out held and batched records; a rule hold catches records filed later."""

import datetime as dt

from retention import selectors, services
from tests.catalog import factories as catalog
from tests.retention.factories import due_record
from tests.retention.holds import hold


def test_due_list_excludes_records_chosen_into_an_active_hold(officer):
    held, free = due_record(), due_record()
    hold(officer, records=[held])
    due = set(selectors.due_records(as_of=dt.date(2026, 12, 1)))
    assert free in due and held not in due
    assert selectors.holds_covering(held) and not selectors.holds_covering(free)


def test_rule_hold_covers_a_record_filed_after_it_was_placed(officer):
    placed = hold(officer, category=catalog.stage("GL04").category, year_from=2009, year_to=2011)
    later = due_record()
    other_year = due_record(formed_on=dt.date(2008, 3, 1))
    assert selectors.holds_covering(later) == [placed]
    assert set(selectors.records_held()) == {later}
    assert other_year in set(selectors.due_records(as_of=dt.date(2026, 12, 1)))


def test_released_hold_no_longer_covers(officer):
    record = due_record()
    placed = hold(officer, records=[record])
    services.hold_release(actor=officer, hold=placed, reason="稽核已结")
    assert selectors.holds_covering(record) == []
    assert record in set(selectors.due_records(as_of=dt.date(2026, 12, 1)))
