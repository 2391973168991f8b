"""Writes of the core intake: clients, accepting a pushed document, signed callbacks."""

from __future__ import annotations

import functools
import hashlib
import hmac
import operator
import json
import secrets
import time
from dataclasses import dataclass

import requests
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from archive.audit import AuditSubject, audit_batch, audit_log
from archive.services import stored_object_put
from catalog import services as catalog
from catalog.errors import RetentionError
from catalog.models import Fonds, Member, Record, RecordStatus, Unit
from kernel.errors import DomainError
from kernel.locks import xact_lock
from kernel.transitions import TransitionRefused

from ..formats import MIME
from ..tasks import process_record
from . import selectors
from .lifecycle import CALLBACK_LIFECYCLE
from .selectors import token_digest
from .models import (BusinessType, CallbackDelivery, CoreClient, CoreDocument, DeliveryState,
                     Scope)

NOTIFIED_STATUSES = {RecordStatus.READY: "document.ready", RecordStatus.FAILED: "document.failed"}


class CoreError(DomainError):
    """A refused request of the core intake; ``field`` and ``rule`` say what was wrong."""


class KeyReused(CoreError):
    """The idempotency key was used before for a different request."""

    def __init__(self, document: CoreDocument):
        self.document = document
        super().__init__(
            f"Idempotency-Key {document.idempotency_key!r} was used on "
            f"{timezone.localtime(document.created_at):%Y-%m-%d %H:%M:%S} for a different request "
            f"(record {document.record_id}); use a new key for a new document",
            field="Idempotency-Key", rule="key_reused")


class CallbackFailed(Exception):
    """The client's callback URL did not take the notification; it will be tried again."""


# --- clients -------------------------------------------------------------------------------

@transaction.atomic
def core_client_create(*, actor, name: str, scopes: list[str], rate_limit: int = 600,
                       callback_url: str = "") -> tuple[CoreClient, str]:
    """Register a calling system; return it and its token, which is shown this once only.

    The token is random (256 bits), so a plain SHA-256 of it is stored: there is
    nothing to guess and a lookup must stay fast on every call.
    """
    name = name.strip()
    try:
        CoreClient._meta.get_field("name").run_validators(name)
    except ValidationError:
        raise CoreError(f"{name!r} is not a client name: up to 64 letters, digits, '.', '-', '_'",
                        field="name", rule="format") from None
    if CoreClient.objects.filter(name=name).exists():
        raise CoreError(f"a client named {name} exists already", field="name", rule="unique")
    unknown = sorted(set(scopes) - set(Scope.values))
    if not scopes or unknown:
        raise CoreError(f"scopes must be some of {', '.join(Scope.values)}; got "
                        f"{', '.join(scopes) or 'none'}", field="scopes", rule="choice")
    if rate_limit < 1:
        raise CoreError("the rate limit is at least 1 request per minute", field="rate_limit",
                        rule="min_value")
    if callback_url:
        try:
            URLValidator(schemes=["http", "https"])(callback_url)
        except ValidationError:
            raise CoreError(f"{callback_url!r} is not an http(s) URL", field="callback_url",
                            rule="url") from None
    prefix = secrets.token_hex(4)
    while CoreClient.objects.filter(token_prefix=prefix).exists():
        prefix = secrets.token_hex(4)
    token = f"core_{prefix}_{secrets.token_urlsafe(32)}"
    user = get_user_model().objects.create_user(username=f"core.{name}", password=None)
    client = CoreClient(
        name=name, user=user, token_prefix=prefix, token_sha256=token_digest(token),
        scopes=sorted(set(scopes)), rate_limit=rate_limit, callback_url=callback_url)
    client.set_callback_secret(secrets.token_hex(32) if callback_url else "")
    client.save(force_insert=True)
    audit_log(actor=actor, action="core_client_create", obj=client, scopes=client.scopes,
              rate_limit=rate_limit, callback_url=callback_url)
    return client, token


@transaction.atomic
def core_client_revoke(*, actor, client: CoreClient) -> CoreClient:
    """Revoke a client's token at once; its documents stay in the archive."""
    client = CoreClient.objects.select_for_update().get(pk=client.pk)
    if client.is_revoked:
        raise CoreError(f"client {client.name} was revoked on {client.revoked_at:%Y-%m-%d}",
                        field="name", rule="already_revoked")
    client.revoked_at = timezone.now()
    client.save(update_fields=["revoked_at"])
    type(client.user).objects.filter(pk=client.user_id).update(is_active=False)
    audit_log(actor=actor, action="core_client_revoke", obj=client)
    return client


def core_call_log(*, client: CoreClient | None, method: str, path: str, status: int,
                  details: dict) -> None:
    """Write the audit event of one API call (every call, refused ones included)."""
    audit_log(actor=client.user if client else None, action="core_api_call",
              obj=client if client else AuditSubject(type="ingest.CoreClient"),
              method=method, path=path, status=status, **details)


# --- the mapping table ---------------------------------------------------------------------

def _mapping_checked(*, stage, retention) -> None:
    """A mapped retention may lengthen the file plan's period, never shorten it."""
    if retention is None:
        return
    try:
        catalog.retention_check_minimum(stage=stage, retention=retention)
    except RetentionError as exc:
        raise CoreError(exc.message, field=exc.field, rule=exc.rule) from None


@transaction.atomic
def business_type_create(*, actor, code: str, name: str, stage, retention=None,
                         active: bool = True, sort_order: int = 0) -> BusinessType:
    _mapping_checked(stage=stage, retention=retention)
    if BusinessType.objects.filter(code=code).exists():
        raise CoreError(f"business type {code} exists already", field="code", rule="unique")
    mapping = BusinessType.objects.create(code=code, name=name, stage=stage, retention=retention,
                                          active=active, sort_order=sort_order)
    audit_log(actor=actor, action="core_mapping_create", obj=mapping, stage=stage.code,
              retention=retention.code if retention else None)
    return mapping


@transaction.atomic
def business_type_update(*, actor, businesstype: BusinessType, name: str, stage, retention=None,
                         active: bool = True, sort_order: int = 0, **_ignored) -> BusinessType:
    """Change where a business type is filed; records already filed keep their 档号."""
    _mapping_checked(stage=stage, retention=retention)
    mapping = BusinessType.objects.select_for_update().get(pk=businesstype.pk)
    before = {"name": mapping.name, "stage": mapping.stage.code,
              "retention": mapping.retention.code if mapping.retention else None,
              "active": mapping.active, "sort_order": mapping.sort_order}
    mapping.name, mapping.stage, mapping.retention = name, stage, retention
    mapping.active, mapping.sort_order = active, sort_order
    mapping.save()
    after = {"name": name, "stage": stage.code, "retention": retention.code if retention else None,
             "active": active, "sort_order": sort_order}
    changed = {k: [before[k], after[k]] for k in after if before[k] != after[k]}
    if changed:
        audit_log(actor=actor, action="core_mapping_update", obj=mapping, changed=changed)
    return mapping


# --- accepting a document ------------------------------------------------------------------

def request_fingerprint(*, metadata: dict, data: bytes) -> str:
    """Hash what makes two requests the same: the metadata as JSON values and the file."""
    canonical = json.dumps(metadata, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8") + b"\n" +
                          hashlib.sha256(data).hexdigest().encode()).hexdigest()


@dataclass
class Acceptance:
    document: CoreDocument
    status: int
    body: dict
    replayed: bool = False


def core_document_replay(*, document: CoreDocument, fingerprint: str) -> Acceptance:
    """The first answer given under this key, or ``KeyReused`` for a different request."""
    if document.request_sha256 != fingerprint:
        raise KeyReused(document)
    return Acceptance(document, document.response_status, document.response, replayed=True)


def core_document_accept(*, client: CoreClient, idempotency_key: str, fingerprint: str,
                         submission: dict, file_name: str, data: bytes, kind: str,
                         status_url, call_log=None) -> Acceptance:
    """Store the original, file the record with its 档号, link it, and queue its processing.

    ``submission`` is the validated metadata (``business_type`` a BusinessType,
    ``formed_on`` a date). The same bytes pushed again under another key give
    the record already archived (200, ``duplicate``), never a second one. Under
    the same key, the first answer is returned (or the request refused when it
    differs), also when two such requests race: the key is locked and looked up
    again before the original is stored, so a refused request stores nothing.
    ``call_log(status, **details)`` writes the API call's own audit event in the
    same transaction.
    """
    def earlier() -> CoreDocument | None:
        return CoreDocument.objects.filter(client=client, idempotency_key=idempotency_key).first()

    try:
        # One transaction and one append to the audit chain for the whole acceptance.
        with transaction.atomic(), audit_batch():
            xact_lock("core_document_key", f"{client.pk}:{idempotency_key}")
            if (first := earlier()) is not None:
                return core_document_replay(document=first, fingerprint=fingerprint)
            # Written before any row names it; one left by a request refused later is swept.
            stored = stored_object_put(actor=client.user, data=data, content_type=MIME[kind])
            acceptance = _accept(client, idempotency_key, fingerprint, submission, file_name,
                                 stored.sha256, status_url)
            if call_log is not None:
                call_log(acceptance.status, record=acceptance.document.record_id,
                         replayed=False)
            return acceptance
    except IntegrityError:
        if (first := earlier()) is None:
            raise
        return core_document_replay(document=first, fingerprint=fingerprint)

def _accept(client, key, fingerprint, submission, file_name, sha256, status_url) -> Acceptance:
    actor = client.user
    business_type: BusinessType = submission["business_type"]
    fonds = Fonds.objects.order_by("pk").first()
    if fonds is None:
        raise CoreError("the archive has no fonds yet (manage.py archive_setup)", rule="setup")
    title = submission.get("title") or f"{business_type.name} {submission['declaration_id']}"
    record, created = catalog.record_receive(
        actor=actor, fonds=fonds, title=title, original_sha256=sha256, source_name=file_name,
        formed_on=submission["formed_on"])
    unit = None
    if created:
        unit = _unit(actor, submission.get("unit"))
        if unit is not None:
            catalog.record_link_unit(actor=actor, record=record, unit=unit)
        for given in submission.get("members") or []:
            catalog.record_link_member(actor=actor, record=record, member=_member(
                actor, given["id_number"], given.get("name", "")))
        # Filing numbers the item under a lock on the fonds, held until the commit: it comes
        # last, so concurrent pushes wait for each other only that long.
        record = catalog.record_file(actor=actor, record=record, stage=business_type.stage,
                                     formed_on=submission["formed_on"],
                                     retention=business_type.retention, confidence=1.0)
    # A duplicate links only its declaration (the CoreDocument below): the record, filed or
    # waiting for an officer, is not changed, and its answer shows what the client may see.
    status = 201 if created else 200
    body = selectors.document_response(
        record=record, business_type=business_type, declaration_id=submission["declaration_id"],
        status_url=status_url(record.pk), duplicate=not created,
        seen=created or selectors.client_may_see(client=client, record=record))
    document = CoreDocument.objects.create(
        client=client, idempotency_key=key, request_sha256=fingerprint, record=record,
        business_type=business_type, declaration_id=submission["declaration_id"],
        period=submission.get("period") or "", payment_nature=submission.get("payment_nature") or "",
        declaration_kind=submission.get("declaration_kind") or "", unit=unit,
        metadata=submission["raw"], response_status=status, response=body)
    audit_log(actor=actor, action="core_document_accept",
              obj=AuditSubject(type="ingest.CoreDocument", id=document.pk,
                               label=str(record.archive_code or record.pk)),
              record=record.pk, archive_code=record.archive_code,
              declaration_id=document.declaration_id, business_type=business_type.code,
              idempotency_key=key, duplicate=not created)
    if created:
        transaction.on_commit(lambda: process_record.delay(record.pk))
    return Acceptance(document, status, body)


def _unit(actor, given: dict | None) -> Unit | None:
    """The unit the core names, found by any of its codes or registered; blanks filled in."""
    if not given:
        return None
    credit = given.get("credit_code") or None
    computer, ss, name = given.get("computer_code", ""), given.get("ss_code", ""), given.get("name", "")
    codes = [(name, value) for name, value in (
        ("credit_code", credit), ("computer_code", computer), ("ss_code", ss)) if value]
    unit = None
    if codes:
        # One query for every code; the first code in this order that finds a unit decides.
        found = list(Unit.objects.filter(functools.reduce(
            operator.or_, (Q(**{name: value}) for name, value in codes))).order_by("pk"))
        unit = next((u for name, value in codes for u in found if getattr(u, name) == value),
                    None)
    if unit is None:
        if credit:
            return catalog.unit_get_or_create(actor=actor, credit_code=credit, name=name,
                                              computer_code=computer, ss_code=ss)
        return catalog.unit_create(actor=actor, name=name, computer_code=computer, ss_code=ss)
    # The archive's own values win; the core only fills in what the archive lacks.
    fill = {"name": unit.name or name, "credit_code": unit.credit_code or credit,
            "org_code": unit.org_code, "computer_code": unit.computer_code or computer,
            "ss_code": unit.ss_code or ss}
    if fill["credit_code"] != unit.credit_code and Unit.objects.filter(
            credit_code=fill["credit_code"]).exists():
        fill["credit_code"] = unit.credit_code
    return catalog.unit_update(actor=actor, unit=unit, **fill)


def _member(actor, id_number: str, name: str) -> Member:
    member = catalog.member_get_or_create(actor=actor, id_number=id_number, name=name)
    if name and not member.name:
        member = catalog.member_update(actor=actor, member=member, name=name)
    return member


# --- callbacks -----------------------------------------------------------------------------

def callbacks_for_status(*, record: Record, status: str) -> list[CallbackDelivery]:
    """Write one signed notification per core document of ``record`` that became ready/failed.

    Called inside the status change's transaction, so a status reached once
    makes its notifications once; the caller queues their delivery after commit.
    """
    event = NOTIFIED_STATUSES.get(status)
    if event is None:
        return []
    deliveries = []
    for document in (CoreDocument.objects.filter(record_id=record.pk)
                     .exclude(client__callback_url="").filter(client__revoked_at__isnull=True)
                     .select_related("client", "business_type")):
        if not selectors.client_may_see(client=document.client, record=record):
            continue  # a duplicate's link to a record the client may not read tells it nothing
        delivery = CallbackDelivery.objects.create(
            document=document, event=event, url=document.client.callback_url,
            payload={"event": event, "occurred_at": timezone.now().isoformat(),
                     "document": {"id": record.pk, "archive_code": record.archive_code,
                                  "status": status, "errors": list(record.errors or []),
                                  "declaration_id": document.declaration_id,
                                  "business_type": document.business_type.code,
                                  "idempotency_key": document.idempotency_key}})
        deliveries.append(delivery)
    return deliveries


def callback_signature(*, secret: str, timestamp: str, body: bytes) -> str:
    """HMAC-SHA256 over ``timestamp.body``, hex: what X-Archive-Signature carries after sha256=."""
    return hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256).hexdigest()


def callback_deliver(*, delivery_id: int) -> CallbackDelivery:
    """POST one notification; raise ``CallbackFailed`` if the client did not answer 2xx.

    A delivery already made is not made again. Receivers should still treat
    ``X-Archive-Delivery`` as a key: a worker dying between the POST and the
    bookkeeping sends it once more.
    """
    delivery = CallbackDelivery.objects.select_related("document__client").get(pk=delivery_id)
    if delivery.state != DeliveryState.PENDING:
        return delivery
    client = delivery.document.client
    body = json.dumps(delivery.payload, ensure_ascii=False, sort_keys=True).encode("utf-8")
    timestamp = str(int(time.time()))
    headers = {"Content-Type": "application/json; charset=utf-8",
               "User-Agent": "si-archive-callback/1",
               "X-Archive-Event": delivery.event, "X-Archive-Delivery": str(delivery.pk),
               "X-Archive-Timestamp": timestamp,
               "X-Archive-Signature": "sha256=" + callback_signature(
                   secret=client.callback_secret, timestamp=timestamp, body=body)}
    status, error = None, ""
    try:
        response = requests.post(delivery.url, data=body, headers=headers, allow_redirects=False,
                                 timeout=settings.CORE_CALLBACK_TIMEOUT_SECONDS)
        status = response.status_code
        if not 200 <= status < 300:
            error = f"HTTP {status}"
    except requests.RequestException as exc:
        error = f"{type(exc).__name__}: {exc}"[:1000]
    with transaction.atomic():
        delivery = CallbackDelivery.objects.select_for_update().get(pk=delivery_id)
        if delivery.state != DeliveryState.PENDING:
            return delivery  # another worker finished it meanwhile
        if error:
            delivery.attempts += 1
            delivery.last_status, delivery.last_error = status, error
            delivery.save(update_fields=["attempts", "last_status", "last_error"])
        else:
            delivery = CALLBACK_LIFECYCLE.apply(
                delivery, "core_callback_delivered", actor=None,
                details={"event": delivery.event, "attempts": delivery.attempts + 1,
                         "record": delivery.payload["document"]["id"]},
                attempts=delivery.attempts + 1, last_status=status, last_error="",
                delivered_at=timezone.now())
    if error:
        raise CallbackFailed(f"{delivery.url}: {error}")
    return delivery


@transaction.atomic
def callback_give_up(*, delivery_id: int, reason: str) -> CallbackDelivery:
    """Stop retrying a delivery; it stays listed (with why) for an administrator to follow up."""
    delivery = CallbackDelivery.objects.get(pk=delivery_id)
    if delivery.state != DeliveryState.PENDING:
        return delivery
    try:
        return CALLBACK_LIFECYCLE.apply(
            delivery, "core_callback_gave_up", actor=None, last_error=reason[:1000],
            details={"event": delivery.event, "attempts": delivery.attempts,
                     "reason": reason[:300]})
    except TransitionRefused:  # delivered or given up by another worker meanwhile
        return CallbackDelivery.objects.get(pk=delivery_id)


def callback_backoff(attempt: int) -> float:
    """Seconds before retry number ``attempt`` (0-based): doubling, capped, with jitter."""
    base = settings.CORE_CALLBACK_BACKOFF_SECONDS * (2 ** attempt)
    capped = min(base, settings.CORE_CALLBACK_BACKOFF_MAX_SECONDS)
    return capped * (0.8 + 0.4 * secrets.randbelow(1000) / 1000)


