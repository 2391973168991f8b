"""The back office and the counter speak Chinese: every page, every role, no English left.

The pages are found, not listed: the admin menu as each role sees it (every level), the
index of every viewset of the archive's apps (and of Wagtail's that the menu offers), one
object's inspect and edit pages of each, and the pages reached from those (batch, review,
counter). Pages added later are walked without touching this file.
"""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.contrib.auth.models import Group
from django.test import Client, RequestFactory
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from wagtail.admin.menu import admin_menu, settings_menu
from wagtail.admin.viewsets import viewsets
from wagtail.admin.viewsets.model import ModelViewSet

from archive.counter import services as counter
from archive.models import AuditEvent
from archive.roles import ROLES, group_name
from catalog import services as catalog
from catalog.models import Record
from ingest.core import services as core
from ingest.inline import process_records
from ingest.models import Batch, BusinessType, CoreClient, CoreDocument
from ingest.services import Source, batch_create, file_ingest
from retention import services as retention
from tests.archive import factories as pages
from tests.archive.visible_text import english_words, visible_text
from tests.catalog import factories
from tests.ingest import factories as ingest_factories
from tests.ingest import samples
from tests.search.conftest import tantivy_search  # noqa: F401 (a fixture)

pytestmark = pytest.mark.django_db

ARCHIVE_APPS = {"catalog", "archive", "ingest", "retention", "search", "kernel"}
ID = factories.citizen_id()
FORMED_AT_UTC = dt.datetime(2026, 3, 1, 17, 30, tzinfo=dt.UTC)  # 2026-03-02 01:30 in Shanghai


@pytest.fixture
def archive(local_store, django_user_model, settings):
    """One of everything, made through the services as officers and ingest make them."""
    clerk = role_user(django_user_model, "counter_staff", "li.na")
    member = catalog.member_create(actor=None, id_number=ID, name="张三")
    unit = catalog.unit_create(actor=None, name="某某科技有限公司",
                               credit_code=factories.credit_code())
    record = factories.record(stage_code="YL01", formed_on=dt.date(2015, 3, 2),
                              title="养老保险待遇核定表", members=[member], units=[unit])
    pages.page(record, ["养老保险待遇核定表", f"公民身份号码 {ID}"])
    factories.volume()
    batch = batch_create(actor=None, source="upload", label="三月扫描")
    item = file_ingest(actor=None, batch=batch, metadata={"stage": "GL01", "date": "2013-04-01"},
                       source=Source("reg.pdf", samples.born_digital_pdf([samples.REGISTRATION])),
                       queue=False)
    process_records([item.record_id], processes=1)
    _, token = ingest_factories.core_client(callback_url="http://127.0.0.1:9/callback")
    pushed = ingest_factories.push(Client(), token)
    assert pushed.status_code in (200, 201, 202), pushed.content
    process_records([pushed.json()["id"]], processes=1)
    core.callbacks_for_status(record=Record.objects.get(pk=pushed.json()["id"]), status="ready")
    visit = counter.visit_start(actor=clerk, purpose="own_enquiry", detail="本人持证查询")
    counter.record_consult(actor=clerk, visit=visit, record=record)
    Record.objects.filter(pk=record.pk).update(created_at=FORMED_AT_UTC)
    holder = role_user(django_user_model, "archive_officer", "hold.officer")
    retention.hold_place(actor=holder, name="稽核冻结", kind="audit", reason="稽核未结",
                         records=[record])
    from tests.retention.batches import closed_batch
    from tests.retention.factories import due_record
    officer = role_user(django_user_model, "archive_officer", "wang.fang")
    retention.register_build(actor=officer, batch=closed_batch(
        [due_record(title="社会保险登记证管理材料")], members=[officer]))
    _appraisal_batch(django_user_model)
    return {"record": record, "member": member, "unit": unit, "batch": batch}


def _appraisal_batch(django_user_model):
    """An appraisal batch under way (retention), its group named in Chinese."""
    from retention import services as retention
    from tests.retention.factories import due_record

    group = []
    for username, last, first, post in (("jd.zhou", "周", "敏", "head"),
                                        ("jd.sun", "孙", "丽", "business"),
                                        ("jd.wu", "吴", "刚", "archivist")):
        user = role_user(django_user_model, "appraisal_member", username)
        user.last_name, user.first_name = last, first
        user.save()
        group.append((user, post, not group))
    opener = role_user(django_user_model, "archive_officer", "jd.officer")
    due_record(title="社会保险登记证核发材料")
    opened = retention.appraisal_open(actor=opener, title="到期档案鉴定", due_by=dt.date(2026, 12, 1),
                                      members=group)
    retention.appraisal_submit(actor=opener, batch=opened)


def role_user(django_user_model, role: str, username: str = ""):
    user = django_user_model.objects.create_user(username=username or f"user.{role}",
                                                 password="correct-horse-42")
    user.groups.add(Group.objects.get(name=group_name(role)))
    return user


def menu_urls(user) -> list[str]:
    """Return the address of every menu item ``user`` is shown, submenus included."""
    request = RequestFactory().get("/admin/")
    request.user = user
    urls, menus = [], [admin_menu, settings_menu]
    while menus:
        for item in menus.pop().menu_items_for_request(request):
            if hasattr(item, "menu"):
                menus.append(item.menu)
            elif item.url and item.url.startswith("/"):
                urls.append(item.url)
    return urls


def _url(name: str, *args) -> str | None:
    try:
        return reverse(name, args=args)
    except NoReverseMatch:
        return None


def viewset_urls(shown: set[str]) -> list[str]:
    """Return each walked viewset's index and one object's inspect and edit pages."""
    urls = []
    for viewset in viewsets.viewsets:
        if not isinstance(viewset, ModelViewSet):
            continue
        index = _url(viewset.get_url_name("index"))
        if viewset.model._meta.app_label not in ARCHIVE_APPS and index not in shown:
            continue
        urls.append(index)
        obj = viewset.model._default_manager.order_by("pk").first()
        assert obj is not None, f"seed one {viewset.model.__name__} in the archive fixture"
        for action in ("inspect", "edit"):
            if url := _url(viewset.get_url_name(action), obj.pk):
                urls.append(url)
    return urls


def reached_urls(archive) -> list[str]:
    record, batch = archive["record"], archive["batch"]
    return [reverse("wagtailadmin_home"), reverse("wagtailadmin_account"),
            reverse("archive_search") + "?q=养老",
            reverse("archive_search") + f"?q={ID}",
            reverse("archive_search") + "?q=没有的词",
            reverse("ingest_upload"), reverse("ingest_batch", args=[batch.pk]),
            reverse("ingest_review", args=[batch.items.first().record_id]),
            reverse("record:index") + "?q=没有的词",
            reverse("counter:home"), reverse("counter:find") + f"?q={ID}",
            reverse("counter:find") + "?q=张三", reverse("counter:find") + "?q=没有的人",
            reverse("counter:member", args=[archive["member"].pk]),
            reverse("counter:unit", args=[archive["unit"].pk]),
            reverse("counter:record", args=[record.pk]),
            reverse("counter:copy", args=[record.pk])]


def known_values(archive, user) -> set[str]:
    """Codes and names that are data, not language: 档号, user names, digests, file names."""
    values = {user.username, "reg.pdf", "reg"}  # the file name, and the title it gave at receipt
    values.update(Record.objects.values_list("archive_code", flat=True))
    values.update(Record.objects.values_list("title", flat=True))
    values.update(BusinessType.objects.values_list("code", flat=True))  # the core's codes
    values.update(CoreDocument.objects.values_list("idempotency_key", flat=True))  # the client's
    values.update(CoreClient.objects.values_list("token_prefix", flat=True))
    values.update(AuditEvent.objects.values_list("actor_name", flat=True))
    values.update(type(user).objects.values_list("username", flat=True))  # sign-in names are data
    values.update(Batch.objects.values_list("label", flat=True))
    values.update(["hexin", "correct-horse-42"])
    return {value for value in values if value}


def walk(client, user, archive) -> dict[str, list[str]]:
    """Sign in as ``user``, open every page and return the English found on each."""
    client.force_login(user)
    client.post(reverse("counter:home"), {"purpose": "own_enquiry", "detail": "本人持证查询"})
    shown = set(menu_urls(user))
    urls = list(dict.fromkeys([*shown, *viewset_urls(shown), *reached_urls(archive)]))
    allowed = known_values(archive, user)
    found, walked = {}, 0
    for url in urls:
        response = client.get(url)
        if response.status_code in (302, 403, 404) or "html" not in response.get(
                "Content-Type", ""):
            continue
        assert response.status_code == 200, f"{url}: {response.status_code}"
        walked += 1
        lines = [line for line in visible_text(response.content.decode()).splitlines()
                 if english_words(line, allowed=allowed)]
        if lines:
            found[url] = lines
    assert walked >= 5, f"only {walked} pages opened: the walk is broken"
    return found


@pytest.mark.parametrize("role", sorted(ROLES))
def test_every_page_a_role_reaches_is_chinese(client, django_user_model, archive, role):
    found = walk(client, role_user(django_user_model, role), archive)
    assert not found, "English on the page:\n" + "\n".join(
        f"{url}: {' | '.join(lines)}" for url, lines in found.items())


def test_the_sign_in_page_is_the_archives(client):
    text = visible_text(client.get(reverse("wagtailadmin_login")).content.decode())
    assert "社会保险业务档案管理系统" in text
    assert "Wagtail" not in text
    assert not english_words(text)


def test_the_wagtail_cms_leftovers_are_gone_from_the_menu(django_user_model, archive):
    admin = django_user_model.objects.create_superuser("root", password="correct-horse-42")
    urls = menu_urls(admin)
    for leftover in ("workflows", "collections", "/admin/search/"):
        assert not any(leftover in url for url in urls), (leftover, urls)
    html = visible_text(_home(admin))
    assert html.count("窗口查档") <= 1
    assert "Wagtail" not in html


def _home(user) -> str:
    client = Client()
    client.force_login(user)
    return client.get(reverse("wagtailadmin_home")).content.decode()


def test_the_walk_catches_english_and_python_leftovers():
    text = visible_text('<p title="Delete">档号</p><td>None</td><script>var x = "Hi"</script>'
                        '<input placeholder="Search">GL01 0211-GL·2013-Y-0001 SHA-256')
    assert english_words(text) == ["Delete", "None", "Search", "None"]


def test_times_show_in_the_archives_time_zone(client, django_user_model, archive):
    user = role_user(django_user_model, "archive_officer")
    client.force_login(user)
    record = archive["record"]
    shanghai = timezone.localtime(FORMED_AT_UTC)
    assert shanghai.hour == 1  # +08:00
    inspect = visible_text(client.get(reverse("record:inspect", args=[record.pk]))
                           .content.decode())
    assert "2026-03-02 01:30" in inspect or "2026年3月2日 01:30" in inspect, inspect
    assert "17:30" not in inspect
    client.force_login(role_user(django_user_model, "auditor"))
    event = AuditEvent.objects.order_by("sequence").first()
    listing = visible_text(client.get(reverse("auditevent:index")).content.decode())
    wall = timezone.localtime(event.occurred_at)
    assert re.search(f"{wall:%Y}.{wall.month}.{wall.day}.*{wall:%H:%M}|{wall:%Y-%m-%d %H:%M}",
                     listing), listing[:3000]


@pytest.fixture
def indexed(archive, tantivy_search):
    from search.documents import iter_documents
    tantivy_search.rebuild(iter_documents())
    return archive


def test_facets_and_hits_show_names_beside_codes(client, django_user_model, indexed):
    client.force_login(role_user(django_user_model, "archive_officer"))
    search = visible_text(client.get(reverse("archive_search"), {"q": "养老"}).content.decode())
    assert "YL 社会保险待遇类" in search or re.search(r"\bYL [\u4e00-\u9fff]+", search), search
    assert re.search(r"\bYL01 [\u4e00-\u9fff]+", search), search
    client.post(reverse("counter:home"), {"purpose": "own_enquiry", "detail": "本人持证查询"})
    find = visible_text(client.get(reverse("counter:find"), {"q": "养老"}).content.decode())
    assert re.search(r"\bYL [\u4e00-\u9fff]+", find), find
    record = visible_text(client.get(reverse("counter:record", args=[indexed["record"].pk]))
                          .content.decode())
    assert re.search(r"\bYL01 [\u4e00-\u9fff]+", record), record
    # The listing's filters sit in a drawer that opens on a click: read its choices in the HTML.
    listing = client.get(reverse("record:index")).content.decode()
    assert re.search(r">\s*YL [\u4e00-\u9fff]+", listing)
    assert re.search(r">\s*YL01 [\u4e00-\u9fff]+", listing)


def test_an_officer_who_chose_english_reads_english(client, django_user_model):
    from wagtail.users.models import UserProfile
    user = role_user(django_user_model, "archive_officer")
    profile = UserProfile.get_for_user(user)
    profile.preferred_language = "en"
    profile.save()
    client.force_login(user)
    text = visible_text(client.get(reverse("archive_search")).content.decode())
    assert "Archive search" in text and "档案检索" not in text
