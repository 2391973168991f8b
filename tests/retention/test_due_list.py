"""The daily due list: counted by category, stage and year, stored for the dashboard, audited."""

import datetime as dt

import pytest
from django.core.cache import cache
from django.urls import reverse

from archive.models import AuditEvent
from retention import selectors, services
from retention.services.due import CACHE_KEY
from retention.tasks import due_list_task
from tests.archive.visible_text import visible_text
from tests.retention.factories import due_record
from tests.retention.holds import hold

AS_OF = dt.date(2026, 12, 1)


@pytest.fixture(autouse=True)
def no_stored_list():
    cache.delete(CACHE_KEY)
    yield
    cache.delete(CACHE_KEY)


@pytest.fixture
def due(officer):
    records = {"gl": [due_record(), due_record(), due_record(formed_on=dt.date(2009, 6, 1))],
               "restricted": due_record(sensitivity="restricted"),
               "zj": due_record(stage_code="ZJ02.02", formed_on=dt.date(2010, 6, 1)),
               "held": due_record(),
               "fresh": due_record(formed_on=dt.date(2024, 1, 1))}
    hold(officer, records=[records["held"]])
    return records


def test_refresh_counts_by_category_stage_and_year_and_audits(due):
    stored = services.due_list_refresh(actor=None, as_of=AS_OF)
    summary = selectors.due_summary_for(None, stored["rows"])
    counts = {(r["category"], r["stage"], r["year"]): r["count"] for r in summary}
    assert counts[("GL", "GL04", 2010)] == 3  # two normal, one restricted; the held one left out
    assert counts[("GL", "GL04", 2009)] == 1
    assert sum(counts.values()) == 5
    assert cache.get(CACHE_KEY)["as_of"] == "2026-12-01"
    event = AuditEvent.objects.get(action="retention_due_list")
    assert event.actor_id is None and event.actor_name == "system"
    assert event.details["due"] == 5 and event.details["held"] == 1
    assert event.details["by_category"]["GL"] == 4


def test_a_user_sees_only_the_counts_of_records_they_may_see(due, clerk, officer):
    rows = services.due_list_refresh(as_of=AS_OF)["rows"]
    officer_total = sum(r["count"] for r in selectors.due_summary_for(officer, rows))
    clerk_total = sum(r["count"] for r in selectors.due_summary_for(clerk, rows))
    assert officer_total - clerk_total == 1  # the restricted record


def test_the_beat_task_runs_the_service_and_the_schedule_names_it(due, settings):
    answer = due_list_task.apply().get()
    assert answer["due"] >= 5
    assert AuditEvent.objects.filter(action="retention_due_list").count() == 1
    entry = settings.CELERY_BEAT_SCHEDULE["retention-due-list-daily"]
    assert entry["task"] == "retention.tasks.due_list_task" and entry["schedule"] >= 60


def test_the_dashboard_panel_shows_an_officer_the_counts_by_category(client, due, officer,
                                                                     auditor):
    services.due_list_refresh(as_of=AS_OF)
    for user in (officer, auditor):
        client.force_login(user)
        html = client.get(reverse("wagtailadmin_home")).content.decode()
        text = visible_text(html)
        assert "到期待鉴定" in text, text
        assert "GL 社会保险管理类" in text
        assert "/retention/due/" in html
    panel = text[text.index("到期待鉴定"):]
    assert "5 件档案到期待鉴定" in panel.replace("\n", " ")


def test_the_dashboard_panel_is_not_shown_to_a_clerk(client, due, clerk):
    services.due_list_refresh(as_of=AS_OF)
    client.force_login(clerk)
    text = visible_text(client.get(reverse("wagtailadmin_home")).content.decode())
    assert "到期待鉴定" not in text and "GL 社会保险管理类" not in text


def test_without_a_stored_list_the_panel_counts_on_the_spot(client, due, officer):
    client.force_login(officer)
    text = visible_text(client.get(reverse("wagtailadmin_home")).content.decode())
    assert "到期待鉴定" in text and "GL 社会保险管理类" in text
    assert not AuditEvent.objects.filter(action="retention_due_list").exists()
