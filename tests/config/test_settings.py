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
    ("ARCHIVE_AUDIT_KEY", "too-short"),
    ("AUDIT_CHECKPOINT_INTERVAL_SECONDS", "5"),
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


def _loose(path: Path) -> list[str]:
    """Return every path under ``path`` (itself included) that others can read or enter."""
    found = [path, *path.rglob("*")]
    return [f"{p.relative_to(path.parent)} {oct(p.stat().st_mode & 0o777)}"
            for p in found if p.stat().st_mode & 0o077]


def test_the_embedded_data_directory_is_private_to_the_archive_user(tmp_path):
    data_dir = tmp_path / "var"
    assert manage("migrate", "--noinput", env={"ARCHIVE_DATA_DIR": str(data_dir)}).returncode == 0
    object_put = manage("shell", "-c", "from archive.storage import object_store;"
                        "print(object_store().put(b'scan').sha256)",
                        env={"ARCHIVE_DATA_DIR": str(data_dir)})
    assert object_put.returncode == 0, object_put.stderr
    setup = manage("archive_setup", "--fonds-code", "0211", env={"ARCHIVE_DATA_DIR": str(data_dir)})
    assert setup.returncode == 0, setup.stderr
    anchored = manage("audit_verify", "--checkpoint", env={"ARCHIVE_DATA_DIR": str(data_dir)})
    assert anchored.returncode == 0 and "written" in anchored.stdout, anchored.stderr
    assert (data_dir / "audit_key").stat().st_mode & 0o777 == 0o600
    assert (data_dir / "audit" / "checkpoints.log").stat().st_mode & 0o777 == 0o600
    assert (data_dir / "archive.sqlite3").stat().st_mode & 0o777 == 0o600
    assert (data_dir / "secret_key").stat().st_mode & 0o777 == 0o600
    assert data_dir.stat().st_mode & 0o777 == 0o700
    assert _loose(data_dir) == []


def test_a_world_readable_data_directory_is_made_private_at_start(tmp_path):
    data_dir = tmp_path / "var"
    (data_dir / "broker").mkdir(parents=True)
    (data_dir / "archive.sqlite3").write_bytes(b"")
    (data_dir / "secret_key").write_text("k" * 50)
    for path, mode in ((data_dir, 0o755), (data_dir / "broker", 0o755),
                       (data_dir / "archive.sqlite3", 0o644), (data_dir / "secret_key", 0o644)):
        path.chmod(mode)
    assert manage("check", env={"ARCHIVE_DATA_DIR": str(data_dir)}).returncode == 0
    assert data_dir.stat().st_mode & 0o777 == 0o700
    assert (data_dir / "broker").stat().st_mode & 0o777 == 0o700
    assert (data_dir / "archive.sqlite3").stat().st_mode & 0o777 == 0o600
    assert (data_dir / "secret_key").stat().st_mode & 0o777 == 0o600
