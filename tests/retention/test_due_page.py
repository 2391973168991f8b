"""The due list page: counts and records the viewer may see, and a batch opened from it."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse

from retention.models import AppraisalBatch, AppraisalItem, BatchState
from tests.archive.test_ui_language import menu_urls
from tests.retention.admin_helpers import english_on, page_text
from tests.retention.factories import due_record

pytestmark = pytest.mark.django_db


def test_the_due_list_counts_and_lists_what_fell_due_in_chinese(client, officer):
    first, second = due_record(), due_record(formed_on=dt.date(2009, 6, 1))
    client.force_login(officer)
    response = client.get(reverse("retention_due_list"), {"due_by": "2026-12-01"})
    text = page_text(response)
    assert "到期鉴定" in text and "开启鉴定" in text
    assert first.archive_code in text and second.archive_code in text
    assert "GL04" in text and "2010" in text and "2009" in text
    assert not english_on(response), english_on(response)
    filtered = page_text(client.get(reverse("retention_due_list"),
                                    {"due_by": "2026-12-01", "year": "2009"}))
    assert first.archive_code not in filtered and second.archive_code in filtered


def test_the_due_list_is_in_the_appraisal_submenu_for_officers_only(officer, clerk, appraisers):
    assert reverse("retention_due_list") in menu_urls(officer)
    assert reverse("appraisalbatch:index") in menu_urls(officer)
    assert reverse("retention_due_list") not in menu_urls(clerk)
    assert reverse("retention_due_list") not in menu_urls(appraisers[0])
    assert reverse("appraisalbatch:index") in menu_urls(appraisers[0])


def test_the_due_list_shows_only_records_the_viewer_may_see(client, django_user_model):
    plain, restricted = due_record(), due_record(sensitivity="restricted")
    viewer = django_user_model.objects.create_user("qian.hui", password="correct-horse-42")
    viewer.user_permissions.add(*Permission.objects.filter(
        codename__in=["open_appraisal", "access_admin"]))
    client.force_login(viewer)
    text = page_text(client.get(reverse("retention_due_list"), {"due_by": "2026-12-01"}))
    assert plain.archive_code in text and restricted.archive_code not in text


def test_counter_staff_cannot_open_the_due_list(client, clerk):
    record = due_record()
    client.force_login(clerk)
    response = client.get(reverse("retention_due_list"), {"due_by": "2026-12-01"})
    assert response.status_code in (302, 403)
    assert record.archive_code not in response.content.decode()


def _open_form(appraisers, **extra):
    data = {"title": "2026年度到期档案鉴定", "due_by": "2026-12-01",
            "member": [str(u.pk) for u in appraisers], "leader": str(appraisers[1].pk)}
    for user, post in zip(appraisers, ("head", "archivist", "business")):
        data[f"post_{user.pk}"] = post
    data.update(extra)
    return data


def test_an_officer_opens_a_batch_from_the_records_chosen(client, officer, appraisers):
    chosen, left = due_record(), due_record()
    client.force_login(officer)
    form = client.get(reverse("retention_due_open"),
                      {"due_by": "2026-12-01", "scope": "selected", "records": [chosen.pk]})
    text = page_text(form)
    assert "鉴定小组" in text and "zhou.min" in text
    assert not english_on(form), english_on(form)
    response = client.post(reverse("retention_due_open"),
                           _open_form(appraisers, scope="selected", records=[str(chosen.pk)]))
    batch = AppraisalBatch.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("appraisalbatch:inspect", args=[batch.pk])
    assert batch.state == BatchState.DRAFT
    assert list(AppraisalItem.objects.values_list("record_id", flat=True)) == [chosen.pk]
    leader = batch.members.get(is_leader=True)
    assert leader.user == appraisers[1] and leader.post == "archivist"
    assert left.pk not in set(AppraisalItem.objects.values_list("record_id", flat=True))


def test_all_matching_the_filters_and_a_short_group_refused(client, officer, appraisers):
    due_record(), due_record()
    client.force_login(officer)
    refused = client.post(reverse("retention_due_open"),
                          _open_form(appraisers[:2], scope="all"), follow=True)
    assert "members_min_three" in page_text(refused)
    assert not AppraisalBatch.objects.exists()
    client.post(reverse("retention_due_open"), _open_form(appraisers, scope="all"))
    assert AppraisalBatch.objects.get().items.count() == 2
