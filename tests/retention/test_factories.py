import datetime as dt

from tests.retention.factories import due_record


def test_due_record_is_ready_and_due(db):
    record = due_record()
    assert record.status == "ready"
    assert record.appraisal_due_on == dt.date(2021, 1, 1)
    assert record.retention.code == "F"
