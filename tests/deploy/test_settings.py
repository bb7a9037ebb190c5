"""Settings as deployed: each case starts a fresh Python process with a chosen environment.

The settings module reads the environment once, at import, so the only honest test of a
configuration is a new process. Every subprocess gets a clean environment: none of the variables
settings.py reads leaks in from the shell that runs the suite (CI sets DATABASE_URL and REDIS_URL).
"""

import ast
import json
import os
import re
import secrets
import subprocess
import sys
from functools import cache
from pathlib import Path

import pytest
from django.conf import settings

ROOT = Path(settings.BASE_DIR)
SETTINGS_FILE = ROOT / "treffpunkt" / "settings.py"

# What settings.py reads variables through, with the variable's name as first argument.
_READERS = {"os.environ.get", "os.getenv", "env_bool", "env_list", "required"}


@cache
def settings_env_vars():
    """Every environment variable settings.py reads, found in its source (not a hand-kept list)."""
    names = set()
    for node in ast.walk(ast.parse(SETTINGS_FILE.read_text())):
        if isinstance(node, ast.Call) and node.args:
            if ast.unparse(node.func) in _READERS:
                names.add(node.args[0])
        elif isinstance(node, ast.Subscript) and ast.unparse(node.value) == "os.environ":
            names.add(node.slice)
    names = {node.value for node in names if isinstance(node, ast.Constant)}
    names = {name for name in names if isinstance(name, str)}
    return frozenset(names)


def clean_env(**values):
    """os.environ without anything settings.py reads, plus the given values."""
    env = {key: value for key, value in os.environ.items() if key not in settings_env_vars()}
    env["DJANGO_SETTINGS_MODULE"] = "treffpunkt.settings"
    env.update(values)
    return env


def production_env(tmp_path, **overrides):
    values = {
        "DEBUG": "0",
        "SECRET_KEY": secrets.token_urlsafe(48),  # 64 characters
        "ALLOWED_HOSTS": "congress.example.org",
        "CSRF_TRUSTED_ORIGINS": "https://congress.example.org",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
    }
    values.update(overrides)
    return clean_env(**{key: value for key, value in values.items() if value is not None})


def manage(env, *args):
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def check_deploy(env):
    return manage(env, "check", "--deploy", "--fail-level", "WARNING")


_PRINT_SETTINGS = """
import json
from treffpunkt import settings as s
print(json.dumps({
    "DEBUG": s.DEBUG,
    "DATABASE": s.DATABASES["default"],
    "CACHE": s.CACHES["default"],
    "CHANNEL_LAYER": s.CHANNEL_LAYERS["default"],
}, default=str))
"""


def loaded_settings(env):
    result = subprocess.run(
        [sys.executable, "-c", _PRINT_SETTINGS],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_the_variable_scan_finds_what_settings_reads():
    assert {
        "DEBUG",
        "SECRET_KEY",
        "ALLOWED_HOSTS",
        "CSRF_TRUSTED_ORIGINS",
        "DATABASE_URL",
        "DATABASE_POOL",
        "DATABASE_POOL_SIZE",
        "REDIS_URL",
        "MEDIA_ROOT",
        "LOG_LEVEL",
        "SECURE_SSL_REDIRECT",
        "SECURE_HSTS_SECONDS",
    } <= settings_env_vars()


def test_production_values_pass_check_deploy_without_a_warning(tmp_path):
    result = check_deploy(production_env(tmp_path))
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert "System check identified no issues" in output, output
    assert "WARNINGS" not in output and "(security." not in output, output


@pytest.mark.parametrize("secret_key", [None, "", "short-and-guessable"])
def test_debug_off_refuses_to_start_without_a_real_secret_key(tmp_path, secret_key):
    result = check_deploy(production_env(tmp_path, SECRET_KEY=secret_key))
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert "SECRET_KEY" in result.stderr


def test_debug_off_refuses_to_start_without_allowed_hosts(tmp_path):
    result = check_deploy(production_env(tmp_path, ALLOWED_HOSTS=None))
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert "ALLOWED_HOSTS" in result.stderr


def test_nothing_set_gives_the_embedded_defaults():
    loaded = loaded_settings(clean_env())
    assert loaded["DEBUG"] is True
    assert loaded["DATABASE"]["ENGINE"] == "django.db.backends.sqlite3"
    assert loaded["DATABASE"]["NAME"] == str(ROOT / "db.sqlite3")
    assert "journal_mode=WAL" in loaded["DATABASE"]["OPTIONS"]["init_command"]
    assert loaded["CACHE"]["BACKEND"] == "django.core.cache.backends.locmem.LocMemCache"
    assert loaded["CHANNEL_LAYER"]["BACKEND"] == "channels.layers.InMemoryChannelLayer"


def test_redis_url_switches_cache_and_channel_layer_to_redis():
    loaded = loaded_settings(clean_env(REDIS_URL="redis://cache.internal:6379/2"))
    assert loaded["CACHE"]["BACKEND"] == "treffpunkt.cache.RedisCache"
    assert loaded["CACHE"]["LOCATION"] == "redis://cache.internal:6379/2"
    layer = loaded["CHANNEL_LAYER"]
    assert layer["BACKEND"] == "channels_redis.pubsub.RedisPubSubChannelLayer"
    (host,) = layer["CONFIG"]["hosts"]
    assert host["address"] == "redis://cache.internal:6379/2"
    assert host["max_connections"] > 0


def test_postgres_url_gives_psycopg_with_a_connection_pool():
    url = "postgres://treffpunkt:secret@db.internal:5432/treffpunkt"
    database = loaded_settings(clean_env(DATABASE_URL=url))["DATABASE"]
    # Django's PostgreSQL backend that fails fast while the database is known to be down.
    assert database["ENGINE"] == "treffpunkt.db.postgresql"
    assert (database["HOST"], database["PORT"], database["NAME"]) == (
        "db.internal",
        5432,
        "treffpunkt",
    )
    assert database["OPTIONS"]["pool"]["max_size"] == 10
    assert database["CONN_MAX_AGE"] == 0  # Django refuses persistent connections with a pool

    sized = loaded_settings(clean_env(DATABASE_URL=url, DATABASE_POOL_SIZE="25"))["DATABASE"]
    assert sized["OPTIONS"]["pool"]["max_size"] == 25

    unpooled = loaded_settings(clean_env(DATABASE_URL=url, DATABASE_POOL="0"))["DATABASE"]
    assert "pool" not in unpooled.get("OPTIONS", {})


def test_the_compose_environment_passes_check_deploy_but_for_the_ssl_redirect(tmp_path):
    """docker-compose.yml's settings are production settings; the one deliberate difference is
    SECURE_SSL_REDIRECT=0, because TLS terminates in front of the proxy."""
    from tests.deploy.test_compose import app_environment

    environment = app_environment("web", SECRET_KEY=secrets.token_urlsafe(48))
    result = check_deploy(clean_env(**environment))
    output = result.stdout + result.stderr
    assert "ImproperlyConfigured" not in output, output
    assert re.findall(r"\(security\.\w+\)", output) == ["(security.W008)"], output


def test_production_refuses_the_public_demo_password(tmp_path):
    result = manage(production_env(tmp_path, DEMO_PASSWORD="treffpunkt"), "check")

    assert result.returncode != 0
    assert "DEMO_PASSWORD must not be the public demo password." in result.stderr


_PRINT_DEMO_PASSWORD = """
import django; django.setup()
from demo.congress import demo_password
print(demo_password() == demo_password(), demo_password() != "treffpunkt", len(demo_password()))
"""


def test_production_demo_password_is_random_unless_configured(tmp_path):
    result = subprocess.run(
        [sys.executable, "-c", _PRINT_DEMO_PASSWORD],
        cwd=ROOT,
        env=production_env(tmp_path),
        capture_output=True,
        text=True,
        timeout=60,
    )

    assert result.stdout.split() == ["True", "True", "16"], result.stderr


def test_a_mistyped_outbound_network_stops_the_start(tmp_path):
    result = check_deploy(
        production_env(tmp_path, OUTBOUND_ALLOWED_NETWORKS="10.20.0.0/16,intranet")
    )
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert "OUTBOUND_ALLOWED_NETWORKS: 'intranet'" in result.stderr
    assert (
        check_deploy(production_env(tmp_path, OUTBOUND_ALLOWED_NETWORKS="10.20.0.0/16")).returncode
        == 0
    )
