"""Fuzz the published OpenAPI schema with schemathesis against the running app: no 5xx."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.catalog import factories as catalog_factories
from tests.conftest import ARTIFACTS
from tests.ingest import factories as f

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def test_fuzzing_the_schema_finds_no_server_error(live_server, local_store):
    catalog_factories.fonds()
    _, token = f.core_client("fuzzer", rate_limit=1_000_000)
    ARTIFACTS.mkdir(exist_ok=True)
    report = ARTIFACTS / "schemathesis.xml"
    st = Path(sys.executable).with_name("st")
    run = subprocess.run(
        [str(st), "run", f"{live_server.url}/api/v1/schema/",
         "--header", f"Authorization: Bearer {token}",
         "--checks", "not_a_server_error", "--max-examples", os.environ.get("FUZZ_EXAMPLES", "60"),
         "--phases", "examples,coverage,fuzzing", "--workers", "1", "--seed", "20261125",
         "--generation-database", "none", "--request-timeout", "30", "--no-color",
         "--report", "junit", "--report-junit-path", str(report)],
        capture_output=True, text=True, timeout=900, env={**os.environ, "NO_COLOR": "1"})
    output = run.stdout + run.stderr
    assert run.returncode == 0, output[-6000:]
    # It really ran every operation and sent requests (not an empty run that passes).
    for operation in ("POST /api/v1/core/documents/", "GET /api/v1/core/documents/{record_id}/",
                      "GET /api/v1/core/links/", "GET /api/v1/search/"):
        assert operation in output, output[-3000:]
