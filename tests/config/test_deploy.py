"""The production settings (docker-compose.yml's environment) pass ``manage.py check --deploy``."""

import re
from pathlib import Path

import yaml
from cryptography.fernet import Fernet

from tests.config.test_settings import manage

ROOT = Path(__file__).resolve().parents[2]
# What an agency puts in .env beside docker-compose.yml (README.md, "Production").
DOT_ENV = {
    "DJANGO_SECRET_KEY": "k3Jx9-vQ2_mZ8pL4rT6wY1nB5hC7dF0gS3aE9uI2oP8lK4jH6zX1cV5bN7mQ",
    "ARCHIVE_FIELD_KEY": Fernet.generate_key().decode(),
    "POSTGRES_PASSWORD": "pg-password",
    "MINIO_ROOT_PASSWORD": "minio-password",
    "DJANGO_ALLOWED_HOSTS": "archive.example.local",
}


def _substitute(value: str) -> str:
    """Expand compose's ``${NAME}``, ``${NAME:-default}`` and ``${NAME:?message}`` from DOT_ENV."""
    def one(match):
        name, op, word = match.group(1), match.group(2), match.group(3) or ""
        if name in DOT_ENV:
            return DOT_ENV[name]
        assert op != ":?", f"docker-compose.yml requires {name}, which DOT_ENV lacks"
        return word if op == ":-" else ""
    return re.sub(r"\$\{(\w+)(?:(:[-?])([^}]*))?\}", one, str(value))


def compose_web_env(data_dir: Path) -> dict[str, str]:
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    env = {name: _substitute(value)
           for name, value in compose["services"]["web"]["environment"].items()}
    return {**env, "ARCHIVE_DATA_DIR": str(data_dir)}


def test_the_production_settings_pass_the_deploy_check_without_a_warning(tmp_path):
    env = compose_web_env(tmp_path)
    assert env.get("DJANGO_DEBUG", "0").lower() in {"0", "false", "no", "off"}
    result = manage("check", "--deploy", "--fail-level", "WARNING", env=env)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_production_answers_carry_hsts_and_secure_cookies_and_redirect_plain_http(tmp_path):
    script = ("from django.conf import settings as s; "
              "print(s.SECURE_SSL_REDIRECT, s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, "
              "s.SECURE_HSTS_SECONDS >= 31536000, s.SECURE_PROXY_SSL_HEADER, "
              "bool(s.ARCHIVE_TRUSTED_PROXIES))")
    result = manage("shell", "-v", "0", "-c", script, env=compose_web_env(tmp_path))
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["True", "True", "True", "True",
                                     "('HTTP_X_FORWARDED_PROTO',", "'https')", "True"]


def test_the_embedded_default_keeps_plain_http_on_loopback_working(tmp_path):
    script = ("from django.conf import settings as s; "
              "print(s.SECURE_SSL_REDIRECT, s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, "
              "s.SECURE_HSTS_SECONDS, s.SECURE_PROXY_SSL_HEADER)")
    result = manage("shell", "-v", "0", "-c", script, env={"ARCHIVE_DATA_DIR": str(tmp_path)})
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["False", "False", "False", "0", "None"]
