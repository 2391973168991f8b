"""The appraisal batch screens: listing, batch page, buttons, a member's opinions, in Chinese."""

from __future__ import annotations

import pytest
from django.urls import NoReverseMatch, reverse

from retention import services
from retention.models import AppraisalItem, AppraisalOpinion, BatchState
from tests.retention.admin_helpers import AS_OF, english_on, open_submitted, page_text
from tests.retention.factories import due_record

pytestmark = pytest.mark.django_db


def _draft(officer, appraisers, records):
    members = [(user, post, index == 0) for index, (user, post) in
               enumerate(zip(appraisers, ("head", "business", "archivist")))]
    return services.appraisal_open(actor=officer, title="2026年度到期档案鉴定", due_by=AS_OF,
                                   members=members, records=records)


def test_the_listing_and_batch_page_are_chinese_for_officer_appraiser_and_auditor(
        client, officer, appraisers, auditor):
    first, second = due_record(), due_record()
    batch = open_submitted(officer, appraisers)
    services.appraisal_opinion(actor=appraisers[0], batch=batch, decision="destroy")
    for user in (officer, appraisers[0], auditor):
        client.force_login(user)
        listing = client.get(reverse("appraisalbatch:index"))
        text = page_text(listing)
        assert batch.number in text and "鉴定中" in text
        assert "wang.fang" in text  # no name set: the person is shown by user name
        assert not english_on(listing), (user, english_on(listing))
        inspect = client.get(reverse("appraisalbatch:inspect", args=[batch.pk]))
        text = page_text(inspect)
        assert first.archive_code in text and second.archive_code in text
        assert "鉴定小组" in text and "2 / 2" in text and "0 / 2" in text
        assert not english_on(inspect), (user, english_on(inspect))


def test_buttons_follow_the_workflow_and_the_group(client, officer, appraisers, auditor):
    due_record()
    batch = _draft(officer, appraisers, None)
    submit = reverse("appraisalbatch:transition", args=[batch.pk, "appraisal_submit"])
    close = reverse("appraisalbatch:transition", args=[batch.pk, "appraisal_close"])
    opinion = reverse("appraisalbatch:opinion", args=[batch.pk])
    pdf = reverse("appraisalbatch:report", args=[batch.pk, "pdf"])

    def buttons(user) -> set[str]:
        client.force_login(user)
        html = client.get(reverse("appraisalbatch:inspect", args=[batch.pk])).content.decode()
        return {url for url in (submit, close, opinion, pdf) if f'href="{url}"' in html}

    assert buttons(officer) == {submit}
    assert "提交鉴定" in page_text(client.get(reverse("appraisalbatch:inspect", args=[batch.pk])))
    assert "提交鉴定" in page_text(client.get(submit))
    client.post(submit)
    batch.refresh_from_db()
    assert batch.state == BatchState.SUBMITTED
    assert buttons(officer) == {close, pdf}
    assert buttons(appraisers[0]) == {opinion, pdf}
    assert buttons(auditor) == {pdf}


def test_closing_too_early_shows_the_rule_and_changes_nothing(client, officer, appraisers):
    due_record()
    batch = open_submitted(officer, appraisers)
    client.force_login(officer)
    close = reverse("appraisalbatch:transition", args=[batch.pk, "appraisal_close"])
    text = page_text(client.post(close, follow=True))
    assert "opinions_missing" in text and "还缺 3 条意见" in text
    batch.refresh_from_db()
    assert batch.state == BatchState.SUBMITTED


def test_a_member_gives_a_bulk_opinion_and_exceptions_on_the_page(client, officer, appraisers):
    kept, gone = due_record(), due_record()
    batch = open_submitted(officer, appraisers)
    url = reverse("appraisalbatch:opinion", args=[batch.pk])
    client.force_login(appraisers[1])
    page = client.get(url)
    assert kept.archive_code in page_text(page)
    assert not english_on(page), english_on(page)
    client.post(url, {"form": "bulk", "decision": "destroy", "reason": ""})
    assert AppraisalOpinion.objects.filter(member__user=appraisers[1]).count() == 2
    refused = client.post(url, {"form": "items", f"decision_{kept.pk}": "extend",
                                f"retention_{kept.pk}": "G", f"reason_{kept.pk}": "查考"},
                          follow=True)
    assert "extension_not_longer" in page_text(refused)
    client.post(url, {"form": "items", f"decision_{kept.pk}": "extend",
                      f"retention_{kept.pk}": "D", f"reason_{kept.pk}": "待遇争议未了",
                      f"decision_{gone.pk}": ""})
    mine = dict(AppraisalOpinion.objects.filter(member__user=appraisers[1])
                .values_list("item__record_id", "decision"))
    assert mine == {kept.pk: "extend", gone.pk: "destroy"}
    searched = page_text(client.get(url, {"q": gone.archive_code}))
    assert gone.archive_code in searched and kept.archive_code not in searched
    for member in (appraisers[0], appraisers[2]):
        services.appraisal_opinion(actor=member, batch=batch, decision="destroy")
    client.force_login(officer)
    client.post(reverse("appraisalbatch:transition", args=[batch.pk, "appraisal_close"]))
    decided = dict(AppraisalItem.objects.filter(batch=batch).values_list("record_id", "decision"))
    assert decided == {kept.pk: "extend", gone.pk: "destroy"}
    text = page_text(client.get(reverse("appraisalbatch:inspect", args=[batch.pk])))
    assert "待遇争议未了" in text and "延长保管期限" in text
    assert not english_on(client.get(reverse("appraisalbatch:inspect", args=[batch.pk])))


def test_only_members_reach_the_opinion_page(client, officer, appraisers, auditor):
    due_record()
    batch = open_submitted(officer, appraisers)
    url = reverse("appraisalbatch:opinion", args=[batch.pk])
    for outsider in (officer, auditor):
        client.force_login(outsider)
        assert client.get(url).status_code in (302, 403)
        client.post(url, {"form": "bulk", "decision": "destroy"})
    assert not AppraisalOpinion.objects.exists()


def test_a_batch_has_no_delete_or_edit(client, officer, appraisers):
    due_record()
    batch = open_submitted(officer, appraisers)
    for action in ("delete", "edit", "add"):
        try:
            url = reverse(f"appraisalbatch:{action}", args=[batch.pk] if action != "add" else [])
        except NoReverseMatch:
            continue
        client.force_login(officer)
        assert client.get(url).status_code in (302, 403, 404), action
    listing = client.get(reverse("appraisalbatch:index")).content.decode()
    assert "/delete/" not in listing
