"""The production settings (docker-compose.yml's environment) pass ``manage.py check --deploy``."""

import os
import re
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest
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


# --- the runtime Debian packages: one list for scripts/run, system-packages and the image ----

def _runtime_list() -> list[str]:
    lines = (ROOT / "scripts" / "runtime-packages.txt").read_text().splitlines()
    return [p for p in (line.split("#", 1)[0].strip() for line in lines) if p]


def _system_packages(*args: str, env: dict | None = None, user: str | None = None):
    command = [str(ROOT / "scripts" / "system-packages"), *args]
    if user:
        command = ["setpriv", f"--reuid={user}", "--regid=nogroup", "--clear-groups", *command]
    return subprocess.run(command, capture_output=True, text=True, timeout=60, check=False,
                          env={"PATH": "/usr/bin:/bin", **(env or {})})


def test_scripts_run_the_test_packages_and_the_image_install_the_same_runtime_packages():
    runtime = _runtime_list()
    assert {"tesseract-ocr", "tesseract-ocr-chi-sim", "tesseract-ocr-eng", "fonts-noto-cjk",
            "libpango-1.0-0"} <= set(runtime)
    assert _system_packages("--list", "--runtime").stdout.split() == runtime
    everything = _system_packages("--list").stdout.split()
    assert everything[:len(runtime)] == runtime
    assert {"postgresql", "redis-server", "chromium", "curl"} <= set(everything[len(runtime):])
    run = (ROOT / "scripts" / "run").read_text()
    assert run.index("scripts/system-packages --runtime") < run.index("scripts/bootstrap")
    dockerfile = (ROOT / "Dockerfile").read_text()
    copy = re.search(r"^COPY scripts/runtime-packages\.txt (\S+)$", dockerfile, re.MULTILINE)
    install = re.search(r"^RUN apt-get update.*?(sed .*?)\s*\\\n\s*\| xargs apt-get install",
                        dockerfile, re.MULTILINE | re.DOTALL)
    assert copy and install and copy.start() < install.start()
    listed = subprocess.run(["sh", "-c", install.group(1).replace(copy.group(1), "$0"),
                             str(ROOT / "scripts" / "runtime-packages.txt")],
                            capture_output=True, text=True, check=True).stdout.split()
    assert listed == runtime
    code = "\n".join(line for line in dockerfile.splitlines() if not line.startswith("#"))
    assert not [p for p in runtime if p in code], "the Dockerfile names packages of its own"


@pytest.mark.skipif(os.geteuid() != 0 or shutil.which("setpriv") is None,
                    reason="needs root to run the script as an unprivileged user")
def test_without_root_or_sudo_the_missing_packages_and_the_apt_get_command_are_named():
    with tempfile.TemporaryDirectory(dir="/tmp") as folder:  # readable by nobody, unlike tmp_path
        os.chmod(folder, 0o755)
        packages = Path(folder) / "runtime-packages.txt"
        packages.write_text("# as the real list\ncoreutils\narchive-test-no-such-package\n")
        packages.chmod(0o644)
        result = _system_packages("--runtime", env={"RUNTIME_PACKAGES_FILE": str(packages)},
                                  user="nobody")
    assert result.returncode == 1
    assert "missing Debian packages: archive-test-no-such-package\n" in result.stderr
    assert ("apt-get install -y --no-install-recommends archive-test-no-such-package"
            in result.stderr)
    assert "coreutils" not in result.stderr


def test_bootstrap_without_python_3_11_stops_saying_what_to_install(tmp_path):
    shutil.copytree(ROOT / "scripts", tmp_path / "scripts")
    result = subprocess.run([str(tmp_path / "scripts" / "bootstrap")], capture_output=True,
                            text=True, timeout=60, check=False,
                            env={"PATH": "/usr/bin:/bin", "PYTHON": shutil.which("false")})
    assert result.returncode == 1
    assert "Python 3.11 is needed" in result.stderr
    assert "apt-get install python3 python3-venv" in result.stderr
    assert not (tmp_path / ".venv").exists()


def test_the_readme_points_only_inside_the_repository():
    readme = (ROOT / "README.md").read_text()
    assert "../" not in readme
    assert "/work/" not in readme
    named = set(re.findall(r"`((?:archive|benchmarks|catalog|config|ingest|kernel|retention|"
                           r"scripts|search|tests)/[^`\s]*)`", readme))
    assert "scripts/runtime-packages.txt" in named
    assert sorted(path for path in named if not (ROOT / path).exists()) == []
