"""Answers carrying personal data are never cached; every page carries the CSP and the
security headers; the project's own templates hold no inline script."""

import re
from pathlib import Path

import pytest
from django.urls import reverse

from tests.archive.test_counter import member, records, start_visit, unit  # noqa: F401
from tests.ingest import factories as ingest_factories
from tests.search.conftest import tantivy_search  # noqa: F401  (fixture)

pytestmark = pytest.mark.django_db
ROOT = Path(__file__).resolve().parents[2]


def _not_stored(response):
    assert response.status_code == 200, response.status_code
    directives = {d.strip() for d in response["Cache-Control"].split(",")}
    assert {"no-store", "private"} <= directives, response["Cache-Control"]


def test_counter_member_page_and_page_image_are_never_cached(client, clerk, records):
    start_visit(client, clerk)
    _not_stored(client.get(reverse("counter:member", args=[records["pension"].members.first().pk])))
    page = records["pension"].pages.get(number=1)
    _not_stored(client.get(reverse("counter:page-image", args=[page.pk]), {"w": 800}))
    _not_stored(client.get(reverse("counter:record", args=[records["pension"].pk])))


def test_the_admins_record_page_is_never_cached(client, officer, records):
    client.force_login(officer)
    _not_stored(client.get(f"/admin/record/inspect/{records['pension'].pk}/"))
    _not_stored(client.get("/admin/"))


def test_core_and_search_api_answers_are_never_cached(client, clerk, tantivy_search, local_store):
    from tests.catalog import factories
    factories.fonds()
    _, token = ingest_factories.core_client()
    assert ingest_factories.push(client, token).status_code == 201
    _not_stored(ingest_factories.get(client, token, "links/", member=ingest_factories.MEMBER_A))
    client.force_login(clerk)
    _not_stored(client.get("/api/v1/search/", {"q": "参保"}))


def _policy(response) -> dict[str, set[str]]:
    return {part.split()[0]: set(part.split()[1:])
            for part in response["Content-Security-Policy"].split(";") if part.strip()}


def test_the_counter_and_the_admin_allow_no_inline_script(client, clerk, records):
    start_visit(client, clerk)
    counter = client.get(reverse("counter:record", args=[records["pension"].pk]))
    admin = client.get("/admin/")
    for response in (counter, admin):
        policy = _policy(response)
        assert policy["script-src"] == {"'self'"}
        assert policy["object-src"] == {"'none'"} and policy["frame-ancestors"] == {"'none'"}
        assert policy["base-uri"] == {"'self'"} and policy["form-action"] == {"'self'"}
        assert response["X-Frame-Options"] == "DENY"
        assert response["X-Content-Type-Options"] == "nosniff"
        assert response["Referrer-Policy"] == "same-origin"
        assert response["Cross-Origin-Opener-Policy"] == "same-origin"
    assert _policy(counter)["style-src"] == {"'self'"}
    # Wagtail's admin sets style attributes itself.
    assert _policy(admin)["style-src"] == {"'self'", "'unsafe-inline'"}


INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*application/json)[^>]*>", re.I)
INLINE_HANDLER = re.compile(r"<[^>]+\son[a-z]+\s*=", re.I)


def test_the_projects_own_templates_hold_no_inline_script_nor_handler():
    templates = [p for p in ROOT.glob("**/templates/**/*.html") if ".venv" not in p.parts]
    assert templates
    offending = [str(p.relative_to(ROOT)) for p in templates
                 if INLINE_SCRIPT.search(p.read_text()) or INLINE_HANDLER.search(p.read_text())]
    assert offending == []
