"""The core clients' callback signing secrets are kept encrypted with a key outside the database."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from cryptography.fernet import Fernet
from django.conf import settings
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from ingest.core.models import CoreClient
from kernel.fieldcrypt import FieldKeyError
from tests.ingest import factories as f

BEFORE = [("ingest", "0004_seed_core_business_types")]
AFTER = [("ingest", "0005_seal_callback_secret")]
ROOT = Path(__file__).resolve().parents[2]


def _stored_row(client) -> list:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT * FROM {CoreClient._meta.db_table} WHERE id = %s", [client.pk])
        return list(cursor.fetchone())


@pytest.mark.django_db
def test_the_database_row_does_not_hold_the_callback_secret():
    client, _ = f.core_client(callback_url="http://127.0.0.1:9/callback")
    secret = CoreClient.objects.get(pk=client.pk).callback_secret
    assert len(secret) == 64
    assert not any(secret in str(value) for value in _stored_row(client))
    assert client.callback_secret_sealed.startswith("gAAAA")  # Fernet text


@pytest.mark.django_db
def test_a_client_without_callback_url_has_no_secret():
    client, _ = f.core_client(callback_url="")
    assert client.callback_secret == "" and client.callback_secret_sealed == ""


@pytest.mark.django_db
def test_a_wrong_key_gives_an_error_naming_the_key_setting(settings):
    client, _ = f.core_client(callback_url="http://127.0.0.1:9/callback")
    secret = client.callback_secret
    old_keys = list(settings.ARCHIVE_FIELD_KEYS)
    new_key = Fernet.generate_key().decode()
    settings.ARCHIVE_FIELD_KEYS = [new_key]
    stored = CoreClient.objects.get(pk=client.pk)
    with pytest.raises(FieldKeyError, match="ARCHIVE_FIELD_KEY") as caught:
        stored.callback_secret
    assert "hexin" in str(caught.value) and secret not in str(caught.value)
    settings.ARCHIVE_FIELD_KEYS = [new_key, *old_keys]  # rotation: the old key still reads
    assert stored.callback_secret == secret


def _start(data_dir, **env) -> subprocess.CompletedProcess:
    environ = {k: v for k, v in os.environ.items() if k != "ARCHIVE_FIELD_KEY"}
    environ.update(ARCHIVE_DATA_DIR=str(data_dir), DJANGO_SETTINGS_MODULE="config.settings", **env)
    return subprocess.run([sys.executable, "-c", "import django; django.setup()"], cwd=ROOT,
                          env=environ, capture_output=True, text=True, timeout=120)


def test_a_malformed_key_stops_the_start_naming_the_variable_not_its_value(tmp_path):
    result = _start(tmp_path, ARCHIVE_FIELD_KEY="not-a-fernet-key-but-a-secret")
    assert result.returncode != 0
    assert "ARCHIVE_FIELD_KEY is invalid" in result.stderr
    assert "not-a-fernet-key-but-a-secret" not in result.stderr


def test_the_embedded_default_makes_a_private_key_file_once(tmp_path):
    assert _start(tmp_path).returncode == 0
    key_file = tmp_path / "field_key"
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    key = key_file.read_bytes()
    Fernet(key)
    assert _start(tmp_path).returncode == 0 and key_file.read_bytes() == key
    key_file.write_text("garbage")
    result = _start(tmp_path)
    assert result.returncode != 0 and "field_key" in result.stderr
    assert "ARCHIVE_FIELD_KEY" in result.stderr and "garbage" not in result.stderr


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_data_migration_encrypts_a_plaintext_secret_and_reverses_it():
    plaintext = "ab" * 32
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    try:
        old_apps = executor.loader.project_state(BEFORE).apps
        User = old_apps.get_model(settings.AUTH_USER_MODEL)
        OldClient = old_apps.get_model("ingest", "CoreClient")
        user = User.objects.create(username="core.legacy")
        OldClient.objects.create(name="legacy", user_id=user.pk, token_prefix="0a0b0c0d",
                                 token_sha256="0" * 64, scopes=["push"],
                                 callback_url="http://127.0.0.1:9/cb", callback_secret=plaintext)
        executor = MigrationExecutor(connection)
        executor.migrate(AFTER)
        client = CoreClient.objects.get(name="legacy")
        assert client.callback_secret == plaintext
        assert not any(plaintext in str(value) for value in _stored_row(client))

        executor = MigrationExecutor(connection)
        executor.migrate(BEFORE)
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT callback_secret FROM {CoreClient._meta.db_table} "
                           "WHERE name = 'legacy'")
            assert cursor.fetchone()[0] == plaintext
    finally:
        executor = MigrationExecutor(connection)
        executor.migrate(executor.loader.graph.leaf_nodes())
