"""What the appraisal admin tests share: reading a page's text, opening a batch as an officer."""

from __future__ import annotations

import datetime as dt

from django.contrib.auth import get_user_model

from catalog.models import Record
from retention import services
from retention.models import AppraisalBatch
from tests.archive.visible_text import english_words, visible_text

AS_OF = dt.date(2026, 12, 1)


def page_text(response) -> str:
    assert response.status_code == 200, response.status_code
    return visible_text(response.content.decode())


def english_on(response) -> list[str]:
    """Return the English left on the page once codes, names and titles are taken out."""
    allowed = set(Record.objects.values_list("archive_code", flat=True))
    allowed |= set(Record.objects.values_list("title", flat=True))
    allowed |= set(get_user_model().objects.values_list("username", flat=True))
    allowed |= set(AppraisalBatch.objects.values_list("number", flat=True))
    allowed |= set(AppraisalBatch.objects.values_list("items_sha256", flat=True))
    return english_words(page_text(response), allowed={v for v in allowed if v})


def open_submitted(officer, appraisers, **kwargs) -> AppraisalBatch:
    members = [(user, post, index == 0) for index, (user, post) in
               enumerate(zip(appraisers, ("head", "business", "archivist")))]
    batch = services.appraisal_open(actor=officer, title="2026年度到期档案鉴定", due_by=AS_OF,
                                    members=members, **kwargs)
    return services.appraisal_submit(actor=officer, batch=batch)
