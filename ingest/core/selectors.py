"""Reads of the core intake, limited to what the calling client may see."""

from __future__ import annotations

import hashlib
import hmac
import re

from django.db.models import Count, Prefetch, Q, QuerySet

from catalog.models import Record, Sensitivity

from .models import BusinessType, CoreClient, CoreDocument, Scope

TOKEN_PATTERN = re.compile(r"^core_([0-9a-f]{8})_[A-Za-z0-9_-]{20,}$")


def token_digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def client_for_token(token: str) -> CoreClient | None:
    """The client holding ``token``, revoked or not; None when no client holds it."""
    match = TOKEN_PATTERN.match(token)
    if not match:
        return None
    client = CoreClient.objects.select_related("user").filter(token_prefix=match.group(1)).first()
    if client is None or not hmac.compare_digest(client.token_sha256, token_digest(token)):
        return None
    return client


def documents_for(*, client: CoreClient) -> QuerySet[CoreDocument]:
    """Every pushed document for a client that reads links; otherwise only its own pushes."""
    documents = CoreDocument.objects.all()
    if not client.has_scope(Scope.READ):
        documents = documents.filter(client=client)
    return documents


def records_seen_by(*, client: CoreClient) -> QuerySet[Record]:
    """Records a client may read: created by a push it may see (201), and not restricted.

    A duplicate push (200) links its declaration to a record that a scan or
    another client created; that link alone shows the client nothing of it.
    """
    origins = documents_for(client=client).filter(response_status=201)
    return (Record.objects.filter(core_documents__in=origins)
            .exclude(sensitivity=Sensitivity.RESTRICTED).distinct())


def client_may_see(*, client: CoreClient, record: Record) -> bool:
    return records_seen_by(client=client).filter(pk=record.pk).exists()


def document_for_key(*, client: CoreClient, key: str) -> CoreDocument | None:
    return CoreDocument.objects.filter(client=client, idempotency_key=key).first()


def record_for(*, client: CoreClient, record_id: int) -> Record | None:
    """The record behind a pushed document, if the client may see it."""
    documents = documents_for(client=client).filter(record_id=record_id)
    return (Record.objects.with_plan().filter(pk=record_id, core_documents__in=documents)
            .annotate(page_total=Count("pages", distinct=True),
                      pages_done=Count("pages", filter=Q(pages__text_done_at__isnull=False),
                                       distinct=True))
            .prefetch_related("members", "units",
                              Prefetch("core_documents", queryset=documents.select_related(
                                  "business_type", "client").order_by("created_at")))
            .first())


def links_find(*, client: CoreClient, declaration_id: str = "", unit: str = "",
               member: str = "") -> QuerySet[CoreDocument]:
    """Pushed documents of a declaration, a unit (any of its codes) or a member, newest first."""
    documents = documents_for(client=client).filter(
        record__in=records_seen_by(client=client).values("pk"))
    if declaration_id:
        documents = documents.filter(declaration_id=declaration_id)
    if unit:
        documents = documents.filter(
            Q(record__units__credit_code=unit) | Q(record__units__computer_code=unit)
            | Q(record__units__ss_code=unit) | Q(record__units__org_code=unit))
    if member:
        documents = documents.filter(record__members__id_number=member)
    return (documents.distinct().select_related("business_type", "record__category",
                                                "record__stage", "record__retention")
            .order_by("-created_at", "-pk"))


def document_response(*, record: Record, business_type: BusinessType, declaration_id: str,
                      status_url: str, duplicate: bool, seen: bool = True) -> dict:
    """The answer to an accepted push (kept, and given again for a repeated request).

    ``seen`` False (a duplicate of a record the client may not read) keeps
    only the record's id and the client's own declaration.
    """
    if not seen:
        return {"id": record.pk, "archive_code": None, "category": None, "stage": None,
                "retention": None, "status": None, "business_type": business_type.code,
                "declaration_id": declaration_id, "duplicate": duplicate,
                "status_url": status_url}
    return {
        "id": record.pk,
        "archive_code": record.archive_code,
        "category": _code_name(record.category),
        "stage": _code_name(record.stage),
        "retention": _retention(record.retention),
        "status": record.status,
        "business_type": business_type.code,
        "declaration_id": declaration_id,
        "duplicate": duplicate,
        "status_url": status_url,
    }


def document_detail(*, record: Record, status_url: str, client: CoreClient) -> dict:
    """Status and metadata of a pushed document's record, as far as ``client`` may see it.

    For a record the client only linked by a duplicate push, only its own
    declarations are shown: nothing of the record, its members or its units.
    """
    if not client_may_see(client=client, record=record):
        return {
            "id": record.pk, "archive_code": None, "title": None, "status": None, "errors": [],
            "formed_on": None, "year": None, "category": None, "stage": None, "retention": None,
            "pages": None, "pages_done": None, "four_properties_passed": None,
            "members": [], "units": [],
            "declarations": [link_item(document=d, status_url=status_url, with_record=False)
                             for d in record.core_documents.all() if d.client_id == client.pk],
            "status_url": status_url, "updated_at": None,
        }
    check = getattr(record, "four_properties", None)
    return {
        "id": record.pk,
        "archive_code": record.archive_code,
        "title": record.title,
        "status": record.status,
        "errors": list(record.errors or []),
        "formed_on": record.formed_on,
        "year": record.year,
        "category": _code_name(record.category),
        "stage": _code_name(record.stage),
        "retention": _retention(record.retention),
        "pages": record.page_total,
        "pages_done": record.pages_done,
        "four_properties_passed": check.passed if check else None,
        "members": [{"id_number": m.id_number, "name": m.name} for m in record.members.all()],
        "units": [{"name": u.name, "credit_code": u.credit_code or "",
                   "computer_code": u.computer_code, "ss_code": u.ss_code}
                  for u in record.units.all()],
        "declarations": [link_item(document=d, status_url=status_url, with_record=False)
                         for d in record.core_documents.all()],
        "status_url": status_url,
        "updated_at": record.updated_at,
    }


def link_item(*, document: CoreDocument, status_url: str, with_record: bool = True) -> dict:
    item = {
        "declaration_id": document.declaration_id,
        "business_type": document.business_type.code,
        "business_type_name": document.business_type.name,
        "period": document.period,
        "payment_nature": document.payment_nature,
        "declaration_kind": document.declaration_kind,
        "accepted_at": document.created_at,
    }
    if with_record:
        record = document.record
        item = {"id": record.pk, "archive_code": record.archive_code, "title": record.title,
                "status": record.status, "formed_on": record.formed_on,
                "category": record.category.code if record.category_id else None,
                "stage": record.stage.code if record.stage_id else None,
                "retention": record.retention.code if record.retention_id else None,
                **item, "status_url": status_url}
    return item


def _code_name(obj) -> dict | None:
    return {"code": obj.code, "name": obj.name} if obj is not None else None


def _retention(retention) -> dict | None:
    return {**_code_name(retention), "years": retention.years} if retention is not None else None
