"""Signed callbacks to the core when its documents are ready or failed, retried with backoff."""

from __future__ import annotations

import hashlib
import hmac
import time
from collections import Counter

import pytest
from django.db import connection

from archive.models import AuditEvent
from catalog.models import Record, RecordStatus
from ingest.core.models import CallbackDelivery, DeliveryState
from ingest.core.services import CallbackFailed, callback_deliver, callbacks_for_status
from ingest.core.tasks import deliver_callback
from ingest.inline import process_records
from ingest.pipeline import fail_record
from tests.catalog import factories as catalog_factories
from tests.conftest import required_env, start_worker, stop_worker
from tests.ingest import factories as f
from tests.ingest.callback_receiver import Receiver


def _verified(call: dict, secret: str) -> bool:
    headers = call["headers"]
    expected = hmac.new(secret.encode(), headers["X-Archive-Timestamp"].encode() + b"." +
                        call["body"], hashlib.sha256).hexdigest()
    return hmac.compare_digest(headers["X-Archive-Signature"], f"sha256={expected}")


@pytest.fixture
def setup(local_store):
    catalog_factories.fonds()


@pytest.mark.django_db
def test_a_ready_document_is_announced_once_with_a_valid_signature(client, setup,
                                                                   django_capture_on_commit_callbacks):
    with Receiver() as receiver:
        core_client, token = f.core_client(callback_url=receiver.url)
        record_id = f.push(client, token).json()["id"]
        with django_capture_on_commit_callbacks() as queued:
            process_records([record_id], processes=1)
        delivery = CallbackDelivery.objects.get()
        assert delivery.event == "document.ready" and delivery.state == DeliveryState.PENDING
        assert queued, "the delivery is queued when the status change commits"
        callback_deliver(delivery_id=delivery.pk)
        callback_deliver(delivery_id=delivery.pk)  # a re-delivered task sends nothing more
    assert len(receiver.calls) == 1
    call = receiver.calls[0]
    assert _verified(call, core_client.callback_secret)
    assert call["headers"]["X-Archive-Event"] == "document.ready"
    assert call["headers"]["X-Archive-Delivery"] == str(delivery.pk)
    document = call["json"]["document"]
    assert document["id"] == record_id and document["status"] == "ready"
    assert document["archive_code"] == Record.objects.get(pk=record_id).archive_code
    assert document["declaration_id"] == "SB202610000123" and document["idempotency_key"] == "key-1"
    delivery.refresh_from_db()
    assert delivery.state == DeliveryState.DELIVERED and delivery.attempts == 1
    assert AuditEvent.objects.filter(action="core_callback_delivered").count() == 1


@pytest.mark.django_db
def test_a_tampered_body_fails_the_signature(client, setup):
    with Receiver() as receiver:
        core_client, token = f.core_client(callback_url=receiver.url)
        record_id = f.push(client, token).json()["id"]
        fail_record(record_id, "the scanner's file was cut short")
        callback_deliver(delivery_id=CallbackDelivery.objects.get().pk)
    call = receiver.calls[0]
    assert call["json"]["event"] == "document.failed"
    assert call["json"]["document"]["errors"] == ["the scanner's file was cut short"]
    assert _verified(call, core_client.callback_secret)
    call["body"] = call["body"].replace(b"failed", b"ready")
    assert not _verified(call, core_client.callback_secret)
    assert not _verified(receiver.calls[0] | {"body": receiver.calls[0]["body"]}, "wrong secret")


@pytest.mark.django_db
def test_a_refused_callback_is_retried_then_given_up_with_the_reason(client, setup, settings):
    settings.CORE_CALLBACK_BACKOFF_SECONDS = 0
    settings.CORE_CALLBACK_MAX_RETRIES = 2
    with Receiver(replies=[503, 500, 502, 500]) as receiver:
        _, token = f.core_client(callback_url=receiver.url)
        record_id = f.push(client, token).json()["id"]
        fail_record(record_id, "unreadable")
        delivery = CallbackDelivery.objects.get()
        with pytest.raises(CallbackFailed):
            callback_deliver(delivery_id=delivery.pk)
        # The task retries (eagerly here) up to the limit, then gives up.
        deliver_callback.apply(args=[delivery.pk])
    delivery.refresh_from_db()
    assert len(receiver.calls) == 4                    # one by hand, then 1 + 2 retries
    assert delivery.state == DeliveryState.GAVE_UP and delivery.attempts == 4
    assert "HTTP 500" in delivery.last_error
    assert AuditEvent.objects.filter(action="core_callback_gave_up").count() == 1


@pytest.mark.django_db
def test_a_callback_that_fails_first_is_delivered_on_retry(client, setup, settings):
    settings.CORE_CALLBACK_BACKOFF_SECONDS = 0
    with Receiver(replies=[500]) as receiver:
        _, token = f.core_client(callback_url=receiver.url)
        record_id = f.push(client, token).json()["id"]
        fail_record(record_id, "unreadable")
        delivery = CallbackDelivery.objects.get()
        assert deliver_callback.apply(args=[delivery.pk]).get() == DeliveryState.DELIVERED
    delivery.refresh_from_db()
    assert len(receiver.calls) == 2 and delivery.attempts == 2 and delivery.last_status == 200


@pytest.mark.django_db
def test_an_unreachable_callback_url_is_recorded_not_raised_past_the_task(client, setup, settings):
    settings.CORE_CALLBACK_MAX_RETRIES = 0
    _, token = f.core_client(callback_url="http://127.0.0.1:9/closed")
    record_id = f.push(client, token).json()["id"]
    fail_record(record_id, "unreadable")
    delivery = CallbackDelivery.objects.get()
    assert deliver_callback.apply(args=[delivery.pk]).get() == DeliveryState.GAVE_UP
    delivery.refresh_from_db()
    assert "ConnectionError" in delivery.last_error and delivery.last_status is None


@pytest.mark.django_db
def test_no_callback_without_a_url_or_for_other_statuses(client, setup):
    _, token = f.core_client()
    record_id = f.push(client, token).json()["id"]
    process_records([record_id], processes=1)
    assert not CallbackDelivery.objects.exists()
    assert callbacks_for_status(record=Record.objects.get(pk=record_id),
                                status=RecordStatus.PROCESSING) == []


@pytest.fixture
def s3_store(settings):
    """The S3 server from scripts/services, shared by this process and the worker."""
    env = {"ARCHIVE_STORAGE": "s3", "S3_ENDPOINT": required_env("TEST_S3_ENDPOINT"),
           "S3_ACCESS_KEY": required_env("TEST_S3_ACCESS_KEY"),
           "S3_SECRET_KEY": required_env("TEST_S3_SECRET_KEY"), "S3_BUCKET": "core-intake"}
    settings.ARCHIVE_STORAGE = {"BACKEND": "archive.storage.s3.S3ObjectStore", "OPTIONS": {
        "endpoint": env["S3_ENDPOINT"], "access_key": env["S3_ACCESS_KEY"],
        "secret_key": env["S3_SECRET_KEY"], "bucket": "core-intake"}}
    return env


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_pushed_documents_become_ready_on_real_workers_and_each_is_announced_once(
        live_server, s3_store, empty_broker):
    """Through HTTP, S3, Redis and a real Celery worker: push, extract and index, callback."""
    if connection.vendor != "postgresql":
        pytest.skip("workers share the test database only on PostgreSQL")
    from ingest.core.client import CoreAPIClient

    catalog_factories.fonds()
    worker = start_worker(env={**s3_store, "CORE_CALLBACK_BACKOFF_SECONDS": "1"})
    try:
        with Receiver(replies=[500]) as receiver:      # the first delivery is refused once
            core_client, token = f.core_client(callback_url=receiver.url)
            api = CoreAPIClient(live_server.url, token)
            ids = []
            for n in range(3):
                answer = api.push(key=f"k-{n}", metadata=f.metadata(declaration_id=f"SB-{n}"),
                                  file_name=f"sb-{n}.pdf", data=f.pdf(f"SB-{n}"))
                assert answer.status == 201, answer.body
                ids.append(answer.body["id"])
            deadline = time.monotonic() + 120
            while time.monotonic() < deadline and len(
                    {c["json"]["document"]["id"] for c in receiver.calls
                     if c["headers"]["X-Archive-Event"] == "document.ready"}) < 3:
                time.sleep(0.5)
            time.sleep(2)  # anything sent twice would arrive now
    finally:
        stop_worker(worker)
    assert [api.document(i).body["status"] for i in ids] == ["ready"] * 3
    delivered = [c for c in receiver.calls if c["json"]["document"]["status"] == "ready"]
    per_document = Counter(c["json"]["document"]["id"] for c in delivered)
    # Each document announced once; the one the receiver refused came once more.
    assert set(per_document) == set(ids) and sorted(per_document.values()) == [1, 1, 2]
    assert all(_verified(c, core_client.callback_secret) for c in delivered)
    assert CallbackDelivery.objects.filter(state=DeliveryState.DELIVERED).count() == 3
