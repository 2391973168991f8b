"""xact_lock: held until the transaction ends, refused outside one."""

import pytest
from django.db import transaction

from kernel.locks import xact_lock


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_lock_outside_a_transaction_is_refused():
    with pytest.raises(RuntimeError):
        xact_lock("test", "value")


@pytest.mark.django_db
def test_a_lock_inside_a_transaction_is_taken_and_may_be_taken_again():
    with transaction.atomic():
        xact_lock("test", "value")
        xact_lock("test", "value")  # re-entrant within one transaction
