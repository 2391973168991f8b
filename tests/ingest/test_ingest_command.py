"""``manage.py ingest --wait`` without a worker: the records it makes are searchable, and a
run with a failed record exits non-zero naming it."""

from io import StringIO

import pytest
from django.core.management import call_command

from catalog.models import Record, RecordStatus
from search.backends.base import search_backend
from search.models import IndexQueue
from search.query import SearchQuery
from tests.catalog import factories
from tests.config.test_settings import manage
from tests.ingest import samples
from tests.search.conftest import use_backend

pytestmark = pytest.mark.django_db

HOSTNAME_WARNING = "No hostname was supplied"


@pytest.fixture(autouse=True)
def archive(local_store, settings, tmp_path):
    factories.fonds()
    use_backend(settings, {"BACKEND": "search.backends.tantivy.TantivyBackend",
                           "OPTIONS": {"path": str(tmp_path / "search")}})
    return local_store


def _ingest(*args) -> tuple[int, str, str]:
    out, err = StringIO(), StringIO()
    try:
        call_command("ingest", *args, wait=True, processes=1, stdout=out, stderr=err)
        code = 0
    except SystemExit as exc:
        code = exc.code
    return code, out.getvalue(), err.getvalue()


def test_ingest_wait_without_a_worker_leaves_the_record_found_by_search(tmp_path):
    scan = tmp_path / "reg.pdf"
    scan.write_bytes(samples.born_digital_pdf([samples.REGISTRATION]))
    code, out, err = _ingest(str(scan), "--stage", "GL01")
    assert code == 0, out + err
    record = Record.objects.get()
    assert record.status in (RecordStatus.READY, RecordStatus.NEEDS_REVIEW)
    hits = search_backend().search(SearchQuery(text="某某科技")).hits
    assert [hit.record_id for hit in hits] == [record.pk]
    assert not IndexQueue.objects.filter(record_id=record.pk).exists()


def test_ingest_wait_exits_non_zero_and_names_each_failed_record_with_its_error(tmp_path):
    good = tmp_path / "reg.pdf"
    good.write_bytes(samples.born_digital_pdf([samples.REGISTRATION]))
    cut = tmp_path / "cut.png"
    cut.write_bytes(samples.encode([samples.page_image(samples.REGISTRATION)], "PNG")[:4000])
    code, _, err = _ingest(str(good), str(cut), "--stage", "GL01")
    assert code == 1
    failed = Record.objects.get(status=RecordStatus.FAILED)
    assert failed.errors
    failure_lines = [line for line in err.splitlines() if "cut.png" in line]
    assert len(failure_lines) == 1 and failed.errors[0] in failure_lines[0]
    assert "reg.pdf" not in err


def test_a_manage_command_prints_no_kombu_hostname_warning_on_the_file_broker(tmp_path):
    script = ("from search.tasks import index_pending_task; index_pending_task.delay(); "
              "from celery import current_app; current_app.control.ping(timeout=0.2); "
              "print(current_app.conf.broker_url)")
    result = manage("shell", "-v", "0", "-c", script, env={"ARCHIVE_DATA_DIR": str(tmp_path)})
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("filesystem://")
    assert len(list((tmp_path / "broker" / "queue").iterdir())) == 1  # the task was queued
    assert HOSTNAME_WARNING not in result.stderr
