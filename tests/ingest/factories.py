"""Factories of the ingest tests: core clients, valid core metadata, small PDFs, pushes."""

from __future__ import annotations

import json
from functools import lru_cache

from django.core.files.uploadedfile import SimpleUploadedFile

from ingest.core.services import core_client_create
from tests.catalog import factories as catalog_factories
from tests.ingest import samples

UNIT_CREDIT = catalog_factories.credit_code()
MEMBER_A = catalog_factories.citizen_id()                       # 11010519491231002X
MEMBER_B = catalog_factories.citizen_id(born="19800101", seq="123")


def core_client(name: str = "hexin", *, scopes=("push", "read"), rate_limit: int = 600,
                callback_url: str = ""):
    """A registered core client and its token."""
    return core_client_create(actor=None, name=name, scopes=list(scopes), rate_limit=rate_limit,
                              callback_url=callback_url)


def metadata(**overrides) -> dict:
    """Valid metadata of a monthly contribution declaration (ZJ03)."""
    base = {
        "business_type": "contribution_declaration",
        "declaration_id": "SB202610000123",
        "unit": {"computer_code": "3501001234", "ss_code": "35010012345",
                 "credit_code": UNIT_CREDIT, "name": "福州某某科技有限公司"},
        "members": [{"id_number": MEMBER_A, "name": "王芳"},
                    {"id_number": MEMBER_B, "name": "李强"}],
        "period": "202610",
        "payment_nature": "正常申报",
        "declaration_kind": "正常",
        "formed_at": "2026-11-03T10:15:00+08:00",
        "title": "2026年10月社会保险费申报表",
    }
    base.update(overrides)
    return base


@lru_cache(maxsize=64)
def pdf(marker: str = "SB202610000123") -> bytes:
    """A one-page born-digital PDF, different for every marker."""
    return samples.born_digital_pdf([["社会保险费申报表", f"申报单号 {marker}",
                                      f"统一社会信用代码 {UNIT_CREDIT}", "费款所属期 202610"]])


def push(client, token: str, *, key: str | None = "key-1", meta: dict | str | None = None,
         data: bytes | None = None, name: str = "declaration.pdf"):
    """POST documents/ with the Django test client, as the core would."""
    body = {}
    if data is not False:
        body["file"] = SimpleUploadedFile(name, pdf() if data is None else data,
                                          content_type="application/pdf")
    meta = metadata() if meta is None else meta
    body["metadata"] = meta if isinstance(meta, str) else json.dumps(meta, ensure_ascii=False)
    headers = {"Authorization": f"Bearer {token}"}
    if key is not None:
        headers["Idempotency-Key"] = key
    return client.post("/api/v1/core/documents/", body, headers=headers)


def get(client, token: str, path: str, **params):
    return client.get(f"/api/v1/core/{path}", params, headers={"Authorization": f"Bearer {token}"})


