"""The core intake API: push, idempotency, status, links, clients, scopes, limits, audit."""

from __future__ import annotations

import pytest

from archive.models import AuditEvent
from catalog.models import Member, Record, RecordStatus, RetentionPeriod, Unit
from ingest.core.models import BusinessType, CoreDocument
from ingest.core.services import core_client_revoke
from ingest.inline import process_records
from tests.catalog import factories as catalog_factories
from tests.ingest import factories as f

pytestmark = pytest.mark.django_db


@pytest.fixture
def setup(local_store):
    catalog_factories.fonds()


@pytest.fixture
def core(setup):
    """The core system's client with both scopes, and its token."""
    return f.core_client()


def test_push_files_the_record_at_once_and_answers_with_its_archive_code(client, core):
    _, token = core
    response = f.push(client, token)
    assert response.status_code == 201, response.json()
    body = response.json()
    record = Record.objects.get(pk=body["id"])
    assert body["archive_code"] == record.archive_code == "0211-ZJ·2026-C-0001"
    assert body["category"] == {"code": "ZJ", "name": "社会保险费征缴类"}
    assert body["stage"]["code"] == "ZJ03"
    assert body["retention"] == {"code": "C", "years": 50, "name": "50年"}
    assert body["status"] == "received" and body["duplicate"] is False
    assert body["status_url"].endswith(f"/api/v1/core/documents/{record.pk}/")
    assert response.headers["Location"] == body["status_url"]
    # Accepted without waiting for text: no page has been extracted yet.
    assert record.status == RecordStatus.RECEIVED and not record.pages.exists()
    assert record.title == "2026年10月社会保险费申报表"
    assert str(record.formed_on) == "2026-11-03" and record.appraisal_due_on is not None
    assert {(m.id_number, m.name) for m in record.members.all()} == {
        (f.MEMBER_A, "王芳"), (f.MEMBER_B, "李强")}
    unit = record.units.get()
    assert (unit.credit_code, unit.computer_code, unit.ss_code, unit.name) == (
        f.UNIT_CREDIT, "3501001234", "35010012345", "福州某某科技有限公司")
    document = CoreDocument.objects.get()
    assert (document.declaration_id, document.period, document.payment_nature,
            document.declaration_kind) == ("SB202610000123", "202610", "正常申报", "正常")


def test_document_becomes_ready_through_the_pipeline_and_its_status_says_so(client, core):
    _, token = core
    record_id = f.push(client, token).json()["id"]
    process_records([record_id], processes=1)
    body = f.get(client, token, f"documents/{record_id}/").json()
    assert body["status"] == "ready", body
    assert body["pages"] == body["pages_done"] == 1
    assert body["four_properties_passed"] is True
    assert body["declarations"][0]["business_type"] == "contribution_declaration"
    assert {m["id_number"] for m in body["members"]} == {f.MEMBER_A, f.MEMBER_B}
    assert "SB202610000123" in Record.objects.get(pk=record_id).pages.get().text


def test_a_repeat_with_the_same_key_returns_the_first_answer(client, core):
    _, token = core
    first = f.push(client, token, key="SB202610000123-1")
    again = f.push(client, token, key="SB202610000123-1")
    assert again.status_code == first.status_code == 201
    assert again.json() == first.json()
    assert again.headers["Idempotent-Replayed"] == "true"
    assert Record.objects.count() == 1 and CoreDocument.objects.count() == 1


@pytest.mark.parametrize("change", ["metadata", "file"])
def test_the_same_key_with_a_different_payload_is_refused(client, core, change):
    _, token = core
    f.push(client, token, key="k-1")
    if change == "metadata":
        response = f.push(client, token, key="k-1", meta=f.metadata(period="202609"))
    else:
        response = f.push(client, token, key="k-1", data=f.pdf("another document"))
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "Idempotency-Key"
    assert response.json()["errors"][0]["rule"] == "key_reused"
    assert Record.objects.count() == 1


def test_keys_belong_to_their_client(client, core):
    _, token = core
    _, other = f.core_client("jiheshi")
    f.push(client, token, key="k-1")
    response = f.push(client, other, key="k-1", data=f.pdf("audit notice"),
                      meta=f.metadata(business_type="audit_notice", declaration_id="JH2026-7"))
    assert response.status_code == 201
    assert CoreDocument.objects.count() == 2


def test_the_same_bytes_under_a_new_key_give_the_record_already_archived(client, core):
    _, token = core
    first = f.push(client, token, key="k-1").json()
    second = f.push(client, token, key="k-2", meta=f.metadata(declaration_id="SB-AGAIN"))
    assert second.status_code == 200
    assert second.json()["id"] == first["id"] and second.json()["duplicate"] is True
    assert Record.objects.count() == 1
    # Both declarations list it.
    assert f.get(client, token, "links/", declaration_id="SB-AGAIN").json()["count"] == 1


def test_a_refused_request_does_not_use_up_its_key(client, core):
    _, token = core
    bad = f.push(client, token, key="k-1", meta=f.metadata(period="202613"))
    assert bad.status_code == 400
    assert f.push(client, token, key="k-1").status_code == 201


def test_the_mapping_decides_stage_and_a_longer_retention(client, core, officer):
    _, token = core
    from ingest.core.services import business_type_update
    mapping = BusinessType.objects.get(code="backpay_notice")
    assert mapping.stage.code == "ZJ05"
    business_type_update(actor=officer, businesstype=mapping, name=mapping.name,
                         stage=mapping.stage, retention=RetentionPeriod.objects.get(code="D"))
    body = f.push(client, token, meta=f.metadata(business_type="backpay_notice",
                                                 payment_nature="稽核补缴")).json()
    assert (body["stage"]["code"], body["retention"]["code"]) == ("ZJ05", "D")
    assert AuditEvent.objects.filter(action="core_mapping_update", actor=officer).exists()


def test_a_mapping_below_the_file_plans_minimum_is_refused(officer, setup):
    from ingest.core.services import CoreError, business_type_update
    mapping = BusinessType.objects.get(code="audit_report")  # JH01: 30 years
    with pytest.raises(CoreError) as refused:
        business_type_update(actor=officer, businesstype=mapping, name=mapping.name,
                             stage=mapping.stage, retention=RetentionPeriod.objects.get(code="F"))
    assert refused.value.field == "retention" and refused.value.rule == "below_minimum"


def test_the_seeded_mapping_covers_the_cores_documents(setup):
    stages = dict(BusinessType.objects.values_list("name", "stage__code"))
    assert stages == {
        "社会保险登记表": "GL01", "社会保险变更登记表": "GL01", "参保人员增减登记表": "GL02",
        "参保人员变更登记表": "GL02", "社会保险费申报表": "ZJ03", "社会保险费申报明细表": "ZJ03",
        "缴费基数核定表": "ZJ01", "社会保险费征收核定表": "ZJ01", "核定征收通知书": "ZJ01",
        "政策性补缴审批表": "ZJ01", "补缴通知书": "ZJ05", "限期补缴通知书": "ZJ05",
        "缴费证明": "ZJ06", "稽核通知书": "JH01", "稽核报告": "JH01"}


# --- validation ---------------------------------------------------------------------------

WRONG_CHECK_ID = f.MEMBER_B[:17] + ("0" if f.MEMBER_B[17] != "0" else "1")
WRONG_CREDIT = f.UNIT_CREDIT[:17] + ("0" if f.UNIT_CREDIT[17] != "0" else "1")
VALID_UNIT = {"credit_code": f.UNIT_CREDIT}

METADATA_ERRORS = [
    ({"business_type": "pension_claim"}, "metadata.business_type", "unknown_business_type"),
    ({"business_type": None}, "metadata.business_type", "null"),
    ({"declaration_id": "SB 123"}, "metadata.declaration_id", "format"),
    ({"declaration_id": ""}, "metadata.declaration_id", "blank"),
    ({"unit": {"credit_code": WRONG_CREDIT}}, "metadata.unit.credit_code", "check_digit"),
    ({"unit": {"credit_code": "91350100M0001000IA"}}, "metadata.unit.credit_code", "characters"),
    ({"unit": {"name": "某单位"}}, "metadata.unit.credit_code", "required"),
    ({"unit": {"computer_code": "35 01"}}, "metadata.unit.computer_code", "format"),
    ({"members": [{"id_number": f.MEMBER_A}, {"id_number": WRONG_CHECK_ID}]},
     "metadata.members.1.id_number", "check_digit"),
    ({"members": [{"id_number": "110105194902301234"}]}, "metadata.members.0.id_number",
     "birth_date"),
    ({"members": [{"id_number": "11010519491231002"}]}, "metadata.members.0.id_number", "length"),
    ({"members": [{"id_number": f.MEMBER_A}, {"id_number": f.MEMBER_A.lower()}]},
     "metadata.members", "duplicate"),
    ({"members": [{"name": "王芳"}]}, "metadata.members.0.id_number", "required"),
    ({"unit": None, "members": []}, "metadata.unit", "required"),
    ({"period": "202613"}, "metadata.period", "format"),
    ({"period": "2026-10"}, "metadata.period", "format"),
    ({"period": "198512"}, "metadata.period", "range"),
    ({"period": "202612"}, "metadata.period", "range"),
    ({"payment_nature": "正常"}, "metadata.payment_nature", "invalid_choice"),
    ({"declaration_kind": "补报"}, "metadata.declaration_kind", "invalid_choice"),
    ({"formed_at": "2026-02-30"}, "metadata.formed_at", "format"),
    ({"formed_at": "next tuesday"}, "metadata.formed_at", "format"),
    ({"formed_at": "2099-01-01"}, "metadata.formed_at", "future"),
    ({"formed_at": "1900-01-01", "period": ""}, "metadata.formed_at", "range"),
    ({"title": "题" * 501}, "metadata.title", "max_length"),
]


@pytest.mark.parametrize("change,field,rule", METADATA_ERRORS,
                         ids=[f"{e[1]}-{e[2]}" for e in METADATA_ERRORS])
def test_each_metadata_error_names_its_field_and_rule(client, core, change, field, rule):
    _, token = core
    meta = f.metadata(**change)
    response = f.push(client, token, meta=meta)
    assert response.status_code == 400, response.json()
    errors = response.json()["errors"]
    assert (field, rule) in {(e["field"], e["rule"]) for e in errors}, errors
    assert all(e["message"] for e in errors)
    assert not Record.objects.exists() and not CoreDocument.objects.exists()


def test_an_unknown_business_type_is_answered_with_the_known_ones(client, core):
    _, token = core
    BusinessType.objects.filter(code="audit_report").update(active=False)
    response = f.push(client, token, meta=f.metadata(business_type="audit_report"))
    message = response.json()["errors"][0]["message"]
    assert "'audit_report'" in message                       # what was sent
    assert "contribution_declaration (社会保险费申报表)" in message  # what is known
    assert "unit_registration (社会保险登记表)" in message
    assert "audit_report (稽核报告)" not in message             # switched off, so not offered


def test_prepayment_may_declare_a_later_period(client, core):
    _, token = core
    response = f.push(client, token, meta=f.metadata(period="202612", payment_nature="预缴"))
    assert response.status_code == 201, response.json()


FILE_ERRORS = [
    (b"MZ\x90\x00 program", "file", "file_type"),
    (b"just some text", "file", "file_type"),
    (b"%PDF-1.4\n garbage that is no PDF", "file", "broken_pdf"),
    (b"", "file", "empty"),
]


@pytest.mark.parametrize("data,field,rule", FILE_ERRORS, ids=[e[2] for e in FILE_ERRORS])
def test_each_file_error_names_the_file(client, core, data, field, rule):
    _, token = core
    response = f.push(client, token, data=data)
    assert response.status_code == 400
    assert (field, rule) in {(e["field"], e["rule"]) for e in response.json()["errors"]}, \
        response.json()
    assert not Record.objects.exists()


def test_an_encrypted_pdf_is_refused(client, core):
    from tests.ingest import samples
    _, token = core
    response = f.push(client, token, data=samples.encrypted_pdf())
    assert response.status_code == 400
    assert response.json()["errors"][0]["field"] == "file"


def test_a_file_over_the_limit_is_refused(client, core, settings):
    _, token = core
    settings.CORE_MAX_FILE_MB = 1
    response = f.push(client, token, data=f.pdf() + b"\n%" + b"0" * (1024 * 1024))
    assert response.status_code == 400
    assert response.json()["errors"][0]["rule"] == "too_large"


@pytest.mark.parametrize("body,field,rule", [
    ({"meta": "{not json"}, "metadata", "json"),
    ({"meta": "[1, 2]"}, "metadata", "json"),
    ({"data": False}, "file", "required"),
    ({"key": None}, "Idempotency-Key", "required"),
    ({"key": "has space"}, "Idempotency-Key", "format"),
    ({"key": "k" * 129}, "Idempotency-Key", "format"),
])
def test_malformed_requests_name_what_is_missing(client, core, body, field, rule):
    _, token = core
    response = f.push(client, token, **body)
    assert response.status_code == 400
    assert (field, rule) in {(e["field"], e["rule"]) for e in response.json()["errors"]}, \
        response.json()


# --- clients: tokens, scopes, revocation, limits, audit -------------------------------------

def test_calls_without_a_valid_token_are_refused(client, core):
    for headers in ({}, {"Authorization": "Bearer core_0000abcd_" + "x" * 43},
                    {"Authorization": "Bearer nonsense"}, {"Authorization": "Bearer a b"}):
        response = client.get("/api/v1/core/links/", {"member": f.MEMBER_A}, headers=headers)
        assert response.status_code == 401, headers
        assert response.headers["WWW-Authenticate"].startswith("Bearer")


def test_a_revoked_token_is_refused_at_once(client, core):
    core_client, token = core
    assert f.push(client, token, key="k-1").status_code == 201
    core_client_revoke(actor=None, client=core_client)
    response = f.push(client, token, key="k-2", data=f.pdf("later"))
    assert response.status_code == 401 and response.json()["code"] == "revoked"
    assert f.get(client, token, "links/", member=f.MEMBER_A).status_code == 401


def test_a_token_is_stored_only_as_its_hash(core):
    core_client, token = core
    assert token not in str(list(type(core_client).objects.values()))
    assert core_client.token_sha256 != token and len(core_client.token_sha256) == 64


def test_scopes_limit_what_a_client_may_call(client, setup):
    pusher, push_token = f.core_client("pusher", scopes=["push"])
    reader, read_token = f.core_client("reader", scopes=["read"])
    _, other_token = f.core_client("other", scopes=["push"])
    own = f.push(client, push_token).json()["id"]
    other = f.push(client, other_token, key="o-1", data=f.pdf("other")).json()["id"]
    refused = f.push(client, read_token, key="r-1", data=f.pdf("reader"))
    assert refused.status_code == 403 and "push" in refused.json()["detail"]
    assert f.get(client, push_token, "links/", member=f.MEMBER_A).status_code == 403
    assert f.get(client, push_token, f"documents/{own}/").status_code == 200
    assert f.get(client, push_token, f"documents/{other}/").status_code == 404
    assert f.get(client, read_token, f"documents/{other}/").status_code == 200
    assert f.get(client, read_token, "links/", member=f.MEMBER_A).json()["count"] == 2


def test_the_rate_limit_answers_429_with_retry_after(client, setup):
    _, token = f.core_client("limited", rate_limit=3)
    codes = [f.get(client, token, "links/", member=f.MEMBER_A).status_code for _ in range(4)]
    assert codes == [200, 200, 200, 429]
    response = f.get(client, token, "links/", member=f.MEMBER_A)
    assert 1 <= int(response.headers["Retry-After"]) <= 60


def test_every_call_is_an_audit_event_refused_ones_too(client, core):
    core_client, token = core
    before = AuditEvent.objects.filter(action="core_api_call").count()
    f.push(client, token, key="k-1")                                    # 201
    f.push(client, token, key="k-1")                                    # replay
    f.push(client, token, key="k-2", meta=f.metadata(period="1"))       # 400
    f.get(client, token, "links/", member=f.MEMBER_A)                   # 200
    f.get(client, "core_00000000_" + "y" * 43, "links/", member=f.MEMBER_A)  # 401
    events = list(AuditEvent.objects.filter(action="core_api_call").order_by("sequence"))[before:]
    assert [e.details["status"] for e in events] == [201, 201, 400, 200, 401]
    assert events[0].actor == core_client.user and events[0].details["idempotency_key"] == "k-1"
    assert events[1].details["replayed"] is True
    assert events[3].details["query"] == {"member": f.MEMBER_A} and events[3].details["count"] == 1
    assert events[4].actor is None and events[4].details["token_prefix"].startswith("core_0000")
    accepted = AuditEvent.objects.get(action="core_document_accept")
    assert accepted.actor == core_client.user


# --- status and links -----------------------------------------------------------------------

def test_an_unknown_document_is_404(client, core):
    _, token = core
    assert f.get(client, token, "documents/999999/").status_code == 404


def test_links_by_declaration_unit_code_or_member(client, core):
    _, token = core
    first = f.push(client, token, key="k-1").json()["id"]
    second = f.push(client, token, key="k-2", data=f.pdf("detail"), meta=f.metadata(
        business_type="contribution_declaration_detail", declaration_id="SB202610000124",
        members=[{"id_number": f.MEMBER_B, "name": "李强"}])).json()["id"]
    other_unit = catalog_factories.credit_code(org_body="M0002000")
    third = f.push(client, token, key="k-3", data=f.pdf("other unit"), meta=f.metadata(
        declaration_id="SB202610000999", unit={"credit_code": other_unit, "name": "另一单位"},
        members=[])).json()["id"]

    def ids(**params):
        response = f.get(client, token, "links/", **params)
        assert response.status_code == 200, response.json()
        return [item["id"] for item in response.json()["results"]]

    assert ids(declaration_id="SB202610000123") == [first]
    assert ids(unit=f.UNIT_CREDIT) == [second, first]
    assert ids(unit="3501001234") == [second, first]            # 电脑编码
    assert ids(unit="35010012345") == [second, first]           # 社保编码
    assert ids(unit=other_unit) == [third]
    assert ids(member=f.MEMBER_A.lower()) == [first]
    assert ids(member=f.MEMBER_B) == [second, first]
    assert ids(unit=f.UNIT_CREDIT, member=f.MEMBER_A) == [first]
    paged = f.get(client, token, "links/", unit=f.UNIT_CREDIT, per_page=1).json()
    assert paged["count"] == 2 and len(paged["results"]) == 1 and paged["next"]
    item = paged["results"][0]
    assert item["declaration_id"] == "SB202610000124" and item["stage"] == "ZJ03"


@pytest.mark.parametrize("params,field,rule", [
    ({}, "declaration_id", "required"),
    ({"member": WRONG_CHECK_ID}, "member", "check_digit"),
    ({"declaration_id": "a b"}, "declaration_id", "format"),
    ({"unit": "x" * 40}, "unit", "max_length"),
    ({"member": f.MEMBER_A, "per_page": 0}, "per_page", "min_value"),
])
def test_links_errors_name_the_parameter(client, core, params, field, rule):
    _, token = core
    response = f.get(client, token, "links/", **params)
    assert response.status_code == 400
    assert (field, rule) in {(e["field"], e["rule"]) for e in response.json()["errors"]}


def test_the_core_fills_in_what_the_archive_lacks_but_never_overwrites(client, core):
    _, token = core
    # The archive knows the unit by its tax computer code only, the member by number only.
    Unit.objects.create(name="档案里的名称", computer_code="3501001234")
    Member.objects.create(id_number=f.MEMBER_A, name="")
    f.push(client, token)
    unit = Unit.objects.get(computer_code="3501001234")
    assert (unit.name, unit.credit_code, unit.ss_code) == ("档案里的名称", f.UNIT_CREDIT,
                                                           "35010012345")
    assert Member.objects.get(id_number=f.MEMBER_A).name == "王芳"
    assert Unit.objects.count() == 1
