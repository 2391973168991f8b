"""Settings from the environment: bad values stop the start naming the variable;
the embedded default keeps everything under one data directory."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def manage(*args: str, env: dict, timeout: int = 300) -> subprocess.CompletedProcess:
    """Run manage.py in a clean environment: nothing but PATH, HOME and ``env``."""
    base = {"PATH": os.environ["PATH"], "HOME": os.environ.get("HOME", "/tmp"), "LANG": "C.UTF-8"}
    return subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env={**base, **env},
                          capture_output=True, text=True, timeout=timeout)


@pytest.mark.parametrize("name, value", [
    ("DATABASE_URL", "mysql://root@localhost/archive"),
    ("DATABASE_URL", "postgres://user@localhost:notaport/archive"),
    ("DJANGO_DEBUG", "maybe"),
    ("ARCHIVE_STORAGE", "ftp"),
    ("CELERY_BROKER_URL", "amqp://guest@localhost//"),
    ("CELERY_VISIBILITY_TIMEOUT", "soon"),
    ("ARCHIVE_CODE_TEMPLATE_ITEM", "{fonds}-{drawer}"),
])
def test_a_bad_value_fails_at_start_naming_the_variable(tmp_path, name, value):
    env = {"ARCHIVE_DATA_DIR": str(tmp_path), name: value}
    if name == "CELERY_VISIBILITY_TIMEOUT":
        env["CELERY_BROKER_URL"] = "redis://127.0.0.1:1/0"
    result = manage("check", env=env)
    assert result.returncode != 0
    assert name in result.stderr


def test_s3_storage_without_its_endpoint_names_the_missing_variable(tmp_path):
    result = manage("check", env={"ARCHIVE_DATA_DIR": str(tmp_path), "ARCHIVE_STORAGE": "s3"})
    assert result.returncode != 0 and "S3_ENDPOINT" in result.stderr


def test_an_unwritable_data_directory_is_refused(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("not a directory")
    result = manage("check", env={"ARCHIVE_DATA_DIR": str(blocker / "var")})
    assert result.returncode != 0 and "ARCHIVE_DATA_DIR" in result.stderr


def test_two_embedded_instances_with_two_data_directories_never_see_each_other(tmp_path):
    first, second = tmp_path / "first", tmp_path / "second"
    for data_dir in (first, second):
        assert manage("migrate", "--noinput", env={"ARCHIVE_DATA_DIR": str(data_dir)}).returncode == 0
    setup = manage("archive_setup", "--fonds-code", "0211", env={"ARCHIVE_DATA_DIR": str(first)})
    assert "administrator created" in setup.stdout

    again = manage("archive_setup", "--fonds-code", "0399", env={"ARCHIVE_DATA_DIR": str(second)})
    assert "fonds 0399" in again.stdout and "administrator created" in again.stdout
    plan = manage("fileplan", "--json", env={"ARCHIVE_DATA_DIR": str(second)})
    assert json.loads(plan.stdout)["stage_count"] == 118
    for data_dir in (first, second):
        assert (data_dir / "archive.sqlite3").is_file()
        assert (data_dir / "broker" / "queue").is_dir()
        assert (data_dir / "secret_key").is_file()
    assert (first / "secret_key").read_text() != (second / "secret_key").read_text()
    fonds = manage("shell", "-c", "from catalog.models import Fonds;"
                   "print(list(Fonds.objects.values_list('code', flat=True)))",
                   env={"ARCHIVE_DATA_DIR": str(first)})
    assert fonds.stdout.strip().endswith("['0211']")
