"""The counter against the real database and object store: visits, access, audit, copies."""

import datetime as dt
import io

import pypdfium2 as pdfium
import pytest
from django.urls import reverse

from archive.models import AuditEvent, CounterVisit, UseKind, UseRegisterEntry
from catalog import services
from catalog.models import Sensitivity
from tests.archive import factories as pages
from tests.catalog import factories
from tests.search.conftest import tantivy_search  # noqa: F401  (fixture)

pytestmark = pytest.mark.django_db
ID = factories.citizen_id()  # 11010519491231002X
LINES = ["养老保险待遇核定表", f"公民身份号码 {ID}", "姓名 张三", "核定日期 2015年3月2日"]


@pytest.fixture
def member(local_store):
    return services.member_create(actor=None, id_number=ID, name="张三")


@pytest.fixture
def unit(local_store):
    return services.unit_create(actor=None, name="某某科技有限公司", credit_code=factories.credit_code())


@pytest.fixture
def records(member, unit):
    """Three records of the member across two categories, one restricted."""
    pension = factories.record(stage_code="YL01", formed_on=dt.date(2015, 3, 2),
                               title="养老保险待遇核定表", members=[member], units=[unit])
    pages.page(pension, LINES, number=1)
    pages.page(pension, ["第二页", "附件 工资明细"], number=2)
    registration = factories.record(stage_code="GL01", formed_on=dt.date(2013, 4, 1),
                                    title="参保登记表", members=[member])
    pages.page(registration, ["参保登记表", f"公民身份号码 {ID}"])
    injury = factories.record(stage_code="GS01", formed_on=dt.date(2016, 7, 9),
                              title="工伤认定决定书", members=[member],
                              sensitivity=Sensitivity.RESTRICTED)
    pages.page(injury, ["工伤认定决定书"])
    return {"pension": pension, "registration": registration, "injury": injury}


def start_visit(client, user, purpose="own_enquiry", detail="本人持证查询"):
    client.force_login(user)
    response = client.post(reverse("counter:home"), {"purpose": purpose, "detail": detail})
    assert response.status_code == 302, response.content.decode()[:2000]
    return CounterVisit.objects.open().get(user=user)


def events(action):
    return list(AuditEvent.objects.filter(action=action).order_by("sequence"))


def test_every_counter_page_asks_the_purpose_first(client, clerk, records):
    client.force_login(clerk)
    url = reverse("counter:member", args=[records["pension"].members.first().pk])
    response = client.get(url)
    assert response.status_code == 302 and response["Location"].startswith(reverse("counter:home"))
    form = client.get(response["Location"])
    assert "本次查档目的" in form.content.decode()
    response = client.post(reverse("counter:home"), {"purpose": "own_enquiry", "detail": "",
                                                     "next": url})
    assert response["Location"] == url
    assert client.get(url).status_code == 200


def test_other_purpose_needs_details_and_unknown_purpose_is_refused(client, clerk):
    client.force_login(clerk)
    page = client.post(reverse("counter:home"), {"purpose": "other", "detail": " "})
    assert page.status_code == 200 and "说明调阅档案的用途" in page.content.decode()
    page = client.post(reverse("counter:home"), {"purpose": "curiosity"})
    assert page.status_code == 200 and not CounterVisit.objects.exists()


def test_an_id_number_goes_to_the_member_with_records_grouped_and_the_number_masked(
        client, clerk, records, member):
    start_visit(client, clerk)
    response = client.get(reverse("counter:find"), {"q": ID.lower()})
    assert response.status_code == 302
    page = client.get(response["Location"])
    html = page.content.decode()
    assert "110105********002X" in html and ID not in html.replace(f"q={ID}", "")
    groups = page.context["groups"]
    assert [g.code for g in groups] == ["GL", "YL"]  # plan order; the restricted GS record is left out
    assert page.context["total"] == 2
    assert "工伤认定决定书" not in html
    assert "某某科技有限公司" in html and "在库" in html
    viewed = events("counter_view_member")[-1]
    assert viewed.actor_name == "li.na" and viewed.object_id == str(member.pk)
    assert viewed.details["purpose_text"] == "本人查询：本人持证查询"
    lookup = events("counter_lookup")[-1]
    assert (lookup.details["text"], lookup.details["kind"]) == (ID.lower(), "citizen_id")


def test_an_officer_sees_the_full_number_and_the_restricted_record(client, officer, records):
    start_visit(client, officer, purpose="benefit", detail="")
    page = client.get(reverse("counter:member", args=[records["injury"].members.first().pk]))
    html = page.content.decode()
    assert ID in html and page.context["total"] == 3 and "工伤认定决定书" in html


def test_a_wrong_check_digit_is_explained_and_nearest_offered_only_to_officers(
        client, clerk, officer, member):
    wrong = ID[:17] + "5"
    start_visit(client, clerk)
    html = client.get(reverse("counter:find"), {"q": wrong}).content.decode()
    assert "不是有效的公民身份号码" in html and "MOD 11-2" in html
    assert reverse("counter:member", args=[member.pk]) not in html
    client.logout()
    start_visit(client, officer)
    html = client.get(reverse("counter:find"), {"q": wrong}).content.decode()
    assert reverse("counter:member", args=[member.pk]) in html and ID in html


def test_a_counter_clerk_is_refused_a_restricted_record_and_the_attempt_is_logged(
        client, clerk, records):
    start_visit(client, clerk)
    injury = records["injury"]
    response = client.get(reverse("counter:record", args=[injury.pk]))
    assert response.status_code == 403 and "限制利用" in response.content.decode()
    image = client.get(reverse("counter:page-image", args=[injury.pages.get().pk]))
    assert image.status_code == 403 and image["Content-Type"].startswith("text/html")
    refused = events("counter_refused")
    assert len(refused) == 2 and refused[0].details["reason"] == "restricted"
    assert not UseRegisterEntry.objects.filter(record=injury).exists()


def test_the_record_view_shows_pages_text_and_the_hits_as_boxes(client, clerk, records):
    start_visit(client, clerk)
    pension = records["pension"]
    page = client.get(reverse("counter:record", args=[pension.pk]), {"q": ID})
    assert page.status_code == 200
    first, second = page.context["pages"]
    assert first.boxes and not second.boxes and page.context["start"] == 1
    left, top, width, height = first.boxes[0]
    assert 0 < left < 100 and 0 < top < 100 and width > 0 and height > 0
    assert f"<mark>{ID}</mark>" in first.text_html
    html = page.content.decode()
    assert "ct-hit-box" in html and "第二页" in html
    consult = UseRegisterEntry.objects.get(record=pension)
    assert consult.kind == UseKind.CONSULT and consult.purpose == "本人查询：本人持证查询"
    client.get(reverse("counter:record", args=[pension.pk]))  # again in the same visit
    assert UseRegisterEntry.objects.filter(record=pension).count() == 1
    assert len(events("counter_view_record")) == 2


def test_page_images_are_served_watermarked_and_each_view_is_audited(client, clerk, records):
    from PIL import Image, ImageChops, ImageStat

    from archive.storage import object_store

    start_visit(client, clerk)
    stored = records["pension"].pages.get(number=1)
    response = client.get(reverse("counter:page-image", args=[stored.pk]), {"w": 800})
    assert response.status_code == 200 and response["Content-Type"] == "image/jpeg"
    assert "no-store" in response["Cache-Control"]
    served = Image.open(io.BytesIO(response.content))
    assert served.width == 800 and served.height > 800 * stored.height / stored.width  # + band
    original = Image.open(io.BytesIO(object_store().get(stored.object_sha256))).convert("L")
    page_part = served.crop((0, 0, 800, round(800 * stored.height / stored.width)))
    expected = original.resize(page_part.size)
    diff = ImageChops.difference(page_part.convert("L"), expected)
    changed = sum(1 for v in diff.getdata() if v > 25) / (diff.width * diff.height)
    assert changed > 0.01, "the diagonal watermark is missing from the page"
    # The band under the page names the viewer, the time and the purpose.
    import pytesseract
    band = served.crop((0, page_part.height + 1, served.width, served.height))
    band = band.resize((band.width * 3, band.height * 3))
    text = pytesseract.image_to_string(band, lang="chi_sim+eng")
    assert "li.na" in text.replace(" ", "")
    assert ImageStat.Stat(band).mean[0] > 200  # a light band with dark type
    assert events("counter_view_page")[-1].details["page"] == 1


def test_thumbnails_load_only_for_a_record_opened_in_this_visit(client, clerk, records):
    start_visit(client, clerk)
    stored = records["pension"].pages.get(number=1)
    url = reverse("counter:page-thumbnail", args=[stored.pk])
    assert client.get(url).status_code == 403
    client.get(reverse("counter:record", args=[records["pension"].pk]))
    thumb = client.get(url)
    assert thumb.status_code == 200 and thumb["Content-Type"] == "image/jpeg"


def test_a_width_outside_the_allowed_ones_is_refused(client, clerk, records):
    start_visit(client, clerk)
    stored = records["pension"].pages.get(number=1)
    response = client.get(reverse("counter:page-image", args=[stored.pk]), {"w": 9000})
    assert response.status_code == 400 and "1600" in response.content.decode()


def test_a_destroyed_record_shows_its_tombstone_and_no_pages(client, clerk, records):
    registration = records["registration"]
    factories.destroyed(registration, register=factories.RegisterStandIn(
        number="XH-2026-001"))
    start_visit(client, clerk)
    page = client.get(reverse("counter:record", args=[registration.pk]))
    html = page.content.decode()
    assert page.status_code == 200 and "已销毁" in html and "XH-2026-001" in html
    assert "ct-viewer" not in html
    image = client.get(reverse("counter:page-image", args=[registration.pages.get().pk]))
    assert image.status_code == 410
    member_page = client.get(reverse("counter:member", args=[registration.members.get().pk]))
    assert "ct-destroyed" in member_page.content.decode()


def test_a_certified_copy_carries_code_pages_statement_and_is_registered(client, clerk, records):
    visit = start_visit(client, clerk)
    pension = records["pension"]
    response = client.post(reverse("counter:copy", args=[pension.pk]), {"pages": [2]})
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    entry = UseRegisterEntry.objects.get(kind=UseKind.COPY)
    assert entry.pages == [2] and entry.visit == visit and entry.copy_number.startswith("FZ")
    assert entry.copy_number in response["Content-Disposition"]
    pdf = pdfium.PdfDocument(response.content)
    assert len(pdf) == 2  # the certificate, then page 2
    text = "".join("".join(pdf[i].get_textpage().get_text_range().split())
                   for i in range(len(pdf)))
    for expected in (pension.archive_code, entry.copy_number, "与档案原件内容一致", "档案第2页",
                     "复制件第1/1页", "li.na", "本人查询"):
        assert expected in text, expected
    copied = events("certified_copy")[-1]
    assert copied.details["copy_number"] == entry.copy_number and copied.details["pages"] == [2]
    # Making a PDF must not leave Pillow accepting truncated scans (WeasyPrint sets that).
    from PIL import ImageFile
    assert ImageFile.LOAD_TRUNCATED_IMAGES is False


def test_a_copy_needs_the_permission_and_a_page(client, auditor, clerk, records):
    start_visit(client, auditor, purpose="official", detail="审计检查")
    response = client.get(reverse("counter:copy", args=[records["pension"].pk]))
    assert response.status_code == 403
    client.logout()
    start_visit(client, clerk)
    page = client.post(reverse("counter:copy", args=[records["pension"].pk]), {"pages": []})
    assert page.status_code == 200 and not UseRegisterEntry.objects.filter(kind="copy").exists()


def test_a_failed_render_leaves_no_register_line_nor_event(clerk, records):
    from archive.counter import services as counter

    visit = counter.visit_start(actor=clerk, purpose="own_enquiry")
    before = AuditEvent.objects.count()

    def broken(entry, pages):
        raise OSError("disk full")

    with pytest.raises(OSError):
        counter.certified_copy_make(actor=clerk, visit=visit, record=records["pension"],
                                    pages=list(records["pension"].pages.all()), render=broken)
    assert not UseRegisterEntry.objects.exists() and AuditEvent.objects.count() == before


def test_a_visit_ends_once_and_the_next_person_is_asked_again(client, clerk):
    from archive.counter import services as counter

    visit = start_visit(client, clerk)
    client.post(reverse("counter:visit-end"))
    visit.refresh_from_db()
    assert visit.ended_at is not None
    with pytest.raises(counter.CounterError) as refused:
        counter.visit_end(actor=clerk, visit=visit)
    assert refused.value.rule == "ended"
    assert client.get(reverse("counter:find"), {"q": "张三"}).status_code == 302
    assert [e.action for e in AuditEvent.objects.filter(object_type="archive.CounterVisit")] == [
        "counter_visit_start", "counter_visit_end"]


def test_a_name_lists_the_members_of_that_name_and_words_search_the_text(
        client, clerk, records, member, tantivy_search):
    from search.services import index_pending_process
    index_pending_process()
    start_visit(client, clerk)
    page = client.get(reverse("counter:find"), {"q": "张三"})
    assert [m.pk for _, m in page.context["members"]] == [member.pk]
    page = client.get(reverse("counter:find"), {"q": "养老保险待遇"})
    assert [h.record_id for h in page.context["results"].hits] == [records["pension"].pk]
    page = client.get(reverse("counter:find"), {"q": "工伤认定"})
    assert page.context["results"].total == 0  # restricted: not even counted for a clerk


def test_a_full_width_number_finds_the_member_and_arabic_indic_digits_are_refused():
    from archive.counter import lookup

    wide = "".join(chr(ord(ch) + 0xFEE0) for ch in ID)
    assert (lookup.recognise(wide).kind, lookup.recognise(wide).value) == (lookup.CITIZEN_ID, ID)
    arabic = ID[:2] + ID[2:17].translate({ord(d): chr(0x0660 + int(d)) for d in "0123456789"}) + "X"
    found = lookup.recognise(arabic)
    assert found.kind == lookup.BAD_CITIZEN_ID and found.rule == "characters"


def test_a_page_image_requested_directly_registers_the_consult_once(client, clerk, records):
    visit = start_visit(client, clerk)
    pension = records["pension"]
    first, second = pension.pages.get(number=1), pension.pages.get(number=2)
    assert client.get(reverse("counter:page-image", args=[first.pk])).status_code == 200
    lines = UseRegisterEntry.objects.filter(visit=visit, record=pension)
    assert [(line.kind, line.user, line.archive_code) for line in lines] == [
        (UseKind.CONSULT, clerk, pension.archive_code)]
    assert client.get(reverse("counter:page-image", args=[second.pk])).status_code == 200
    client.get(reverse("counter:record", args=[pension.pk]))
    assert UseRegisterEntry.objects.filter(visit=visit, record=pension).count() == 1
    assert len(events("counter_view_page")) == 2


def test_a_page_image_of_another_visit_gets_its_own_consult_line(client, clerk, records):
    pension = records["pension"]
    page = pension.pages.get(number=1)
    start_visit(client, clerk)
    client.get(reverse("counter:page-image", args=[page.pk]))
    client.post(reverse("counter:visit-end"))
    second = start_visit(client, clerk, purpose="own_enquiry", detail="本人再次查询")
    client.get(reverse("counter:page-image", args=[page.pk]))
    assert UseRegisterEntry.objects.filter(record=pension, kind=UseKind.CONSULT).count() == 2
    assert UseRegisterEntry.objects.filter(visit=second, record=pension).count() == 1


@pytest.mark.parametrize("page", ["100000000", str(2**63 - 1)])
def test_find_ignores_a_page_parameter_and_searches_the_first_window(
        client, clerk, records, tantivy_search, page):
    from search.services import index_pending_process
    index_pending_process()
    start_visit(client, clerk)
    response = client.get(reverse("counter:find"), {"q": "养老保险待遇", "page": page})
    assert response.status_code == 200
    assert response.context["results"].query.page == 1
    assert response.context["results"].total == 1
