"""The deployment files keep the promises docs/deployment.md makes.

No Docker engine is needed: docker-compose.yml is validated against the Compose specification's
JSON schema and read for its structure (it scales, it migrates before serving, its environment is
the one settings.py reads), deploy/nginx.conf is parsed for the proxying it promises, and the
Dockerfile for the process it starts.
"""

import fnmatch
import json
import re
import shlex
from dataclasses import dataclass
from pathlib import Path

import dj_database_url
import pytest
import yaml
from django.conf import settings
from django.contrib.staticfiles import finders
from jsonschema import Draft7Validator

from tests.deploy.test_settings import settings_env_vars
from treffpunkt import serve

ROOT = Path(settings.BASE_DIR)
COMPOSE_FILE = ROOT / "docker-compose.yml"
COMPOSE_SCHEMA = Path(__file__).resolve().parents[1] / "schemas" / "compose-spec.json"
NGINX_CONF = ROOT / "deploy" / "nginx.conf"
DOCKERFILE = ROOT / "Dockerfile"
DOCKERIGNORE = ROOT / ".dockerignore"
ENV_EXAMPLE = ROOT / ".env.example"
DEPLOYMENT_DOC = ROOT / "docs" / "deployment.md"

A_SECRET_KEY = "k" * 20 + "e" * 20 + "y" * 20 + "12345"


# --- docker-compose.yml ------------------------------------------------------------------------

_VARIABLE = re.compile(r"\$(?:\$|\{(?P<name>\w+)(?:(?P<op>:?[-?])(?P<arg>[^}]*))?\}|(?P<bare>\w+))")


class MissingVariable(Exception):
    pass


def interpolate(text, env):
    """Compose's variable substitution: ${VAR}, ${VAR:-default}, ${VAR-default}, ${VAR:?error},
    ${VAR?error}, $VAR and $$."""

    def replace(match):
        if match.group(0) == "$$":
            return "$"
        name = match.group("name") or match.group("bare")
        op, arg, value = match.group("op") or "", match.group("arg"), env.get(name)
        missing = value is None or (value == "" and op.startswith(":"))
        if op.endswith("-"):
            return arg if missing else value
        if op.endswith("?"):
            if missing:
                raise MissingVariable(f"required variable {name} is missing a value: {arg}")
            return value
        return value or ""

    return _VARIABLE.sub(replace, text)


def _interpolated(node, env):
    if isinstance(node, dict):
        return {key: _interpolated(value, env) for key, value in node.items()}
    if isinstance(node, list):
        return [_interpolated(item, env) for item in node]
    if isinstance(node, str):
        return interpolate(node, env)
    return node


def raw_compose():
    return yaml.safe_load(COMPOSE_FILE.read_text())


def load_compose(**env):
    """docker-compose.yml as `docker compose` sees it with this environment (SECRET_KEY given)."""
    return _interpolated(raw_compose(), {"SECRET_KEY": A_SECRET_KEY, **env})


def compose_variables():
    """Every variable docker-compose.yml substitutes from the shell or .env."""
    return {
        match.group("name") or match.group("bare")
        for match in _VARIABLE.finditer(COMPOSE_FILE.read_text())
        if match.group(0) != "$$"
    }


def as_dict(entries):
    """`environment:` and `depends_on:` come as a mapping or as a list."""
    if isinstance(entries, dict):
        return {key: "" if value is None else str(value) for key, value in entries.items()}
    return dict(entry.split("=", 1) if "=" in entry else (entry, "") for entry in entries or [])


def app_environment(service, **env):
    """The environment of an application service, after substitution."""
    return as_dict(load_compose(**env)["services"][service].get("environment", {}))


def volume_mounts(service_config):
    """{target: source} of a service's volumes (short syntax or long)."""
    mounts = {}
    for volume in service_config.get("volumes", []):
        if isinstance(volume, str):
            source, target = volume.split(":")[:2]
        else:
            source, target = volume.get("source"), volume["target"]
        mounts[target] = source
    return mounts


@pytest.fixture(scope="module")
def compose():
    return load_compose()


@pytest.fixture(scope="module")
def services(compose):
    return compose["services"]


def test_compose_file_is_valid_per_the_compose_specification(compose):
    schema = json.loads(COMPOSE_SCHEMA.read_text())
    assert "draft-07" in schema["$schema"]  # so Draft7Validator, not the newest draft
    Draft7Validator.check_schema(schema)
    errors = [
        f"{'/'.join(map(str, error.absolute_path)) or '(root)'}: {error.message}"
        for error in Draft7Validator(schema).iter_errors(compose)
    ]
    assert errors == []
    # The file as written, before substitution, is valid too.
    assert list(Draft7Validator(schema).iter_errors(raw_compose())) == []


def test_secret_key_is_required_with_a_clear_error():
    for env in ({}, {"SECRET_KEY": ""}):
        with pytest.raises(MissingVariable, match="SECRET_KEY"):
            _interpolated(raw_compose(), env)


def test_the_services_exist(services):
    assert {"postgres", "redis", "migrate", "web", "proxy"} <= set(services)
    assert services["postgres"]["image"].startswith("postgres:16")
    assert services["redis"]["image"].startswith("redis:7")
    assert services["proxy"]["image"].startswith("nginx:1.27")


def test_postgres_and_redis_report_health_and_the_database_persists(compose, services):
    assert "pg_isready" in " ".join(services["postgres"]["healthcheck"]["test"])
    assert "ping" in " ".join(services["redis"]["healthcheck"]["test"])
    data = volume_mounts(services["postgres"])["/var/lib/postgresql/data"]
    assert data in compose["volumes"]  # a named volume, not the container's own layer


def test_web_scales(services):
    web = services["web"]
    assert "container_name" not in web  # one fixed name would stop a second replica
    assert "ports" not in web  # one fixed host port would, too; the proxy publishes instead
    assert "build" in web or "image" in web


def test_migrate_runs_once_before_the_web_processes(services):
    migrate = services["migrate"]
    command = migrate["command"]
    if isinstance(command, list) and command[:2] == ["sh", "-c"]:
        command = command[2]
    command = " ".join(shlex.split(command if isinstance(command, str) else shlex.join(command)))
    migrate_at = command.index("manage.py migrate --noinput")
    seed_at = command.index("manage.py seed_demo --if-empty")
    assert migrate_at < command.index("&&") < seed_at  # the seed only after a successful migrate
    assert migrate["restart"] == "no"
    assert migrate["depends_on"]["postgres"]["condition"] == "service_healthy"
    assert migrate["depends_on"]["redis"]["condition"] == "service_healthy"
    assert services["web"]["depends_on"]["migrate"]["condition"] == (
        "service_completed_successfully"
    )


def test_web_runs_the_images_daphne_command(services):
    command = services["web"].get("command")
    assert command is None or "daphne" in str(command)


def test_proxy_publishes_a_port_and_uses_the_repositorys_nginx_conf(services):
    proxy = services["proxy"]
    (mapping,) = proxy["ports"]
    host_port, container_port = str(mapping).rsplit(":", 1)
    assert host_port == "8080"
    assert int(container_port) in nginx_listen_ports()
    assert volume_mounts(proxy)["/etc/nginx/nginx.conf"] == "./deploy/nginx.conf"


@pytest.mark.parametrize("service", ["migrate", "web"])
def test_the_environment_is_the_one_settings_reads(service, services):
    environment = app_environment(service)
    assert {"DATABASE_URL", "REDIS_URL", "SECRET_KEY", "ALLOWED_HOSTS", "DEBUG"} <= set(environment)
    unknown = set(environment) - settings_env_vars()
    assert not unknown, f"settings.py never reads {sorted(unknown)}"
    assert environment["SECRET_KEY"] == A_SECRET_KEY
    assert environment["ALLOWED_HOSTS"]


def test_web_runs_in_production_mode_behind_tls_termination(monkeypatch):
    from treffpunkt.settings import env_bool

    environment = app_environment("web")
    for name in ("DEBUG", "SECURE_SSL_REDIRECT"):
        monkeypatch.setenv(name, environment[name])
        assert env_bool(name, True) is False, name
    assert "CSRF_TRUSTED_ORIGINS" in environment


def test_database_and_redis_urls_point_at_the_compose_services(services):
    environment = app_environment("web", POSTGRES_PASSWORD="s3cret")
    database = dj_database_url.parse(environment["DATABASE_URL"])
    postgres = as_dict(
        load_compose(POSTGRES_PASSWORD="s3cret")["services"]["postgres"]["environment"]
    )
    assert database["ENGINE"] == "django.db.backends.postgresql"
    assert database["HOST"] in services
    assert (database["NAME"], database["USER"], database["PASSWORD"]) == (
        postgres["POSTGRES_DB"],
        postgres["POSTGRES_USER"],
        "s3cret",
    )
    assert re.fullmatch(r"redis://redis:6379/\d+", environment["REDIS_URL"])
    assert "redis" in services


def test_uploads_live_on_a_volume_the_proxy_serves(compose, services):
    media_root = app_environment("web")["MEDIA_ROOT"]
    volume = volume_mounts(services["web"])[media_root]
    assert volume in compose["volumes"]
    proxy_mounts = {source: target for target, source in volume_mounts(services["proxy"]).items()}
    assert nginx_location("/media/").get("alias") == [proxy_mounts[volume].rstrip("/") + "/"]


# --- deploy/nginx.conf ---------------------------------------------------------------------


@dataclass
class Directive:
    name: str
    args: list
    block: list | None = None

    def get(self, name):
        """Arguments of the first child directive with this name (None when absent)."""
        for child in self.block or []:
            if child.name == name:
                return child.args
        return None

    def all(self, name):
        return [child for child in self.block or [] if child.name == name]


_NGINX_TOKEN = re.compile(r"\"(?:[^\"\\]|\\.)*\"|'(?:[^'\\]|\\.)*'|[{};]|[^\s{};\"']+")


def parse_nginx(text):
    text = re.sub(r"(?m)^\s*#.*$|\s#.*$", "", text)
    tokens = _NGINX_TOKEN.findall(text)

    def block(position):
        directives, words = [], []
        while position < len(tokens):
            token = tokens[position]
            position += 1
            if token == ";":
                directives.append(Directive(words[0], words[1:]))
                words = []
            elif token == "{":
                children, position = block(position)
                directives.append(Directive(words[0], words[1:], children))
                words = []
            elif token == "}":
                return directives, position
            else:
                words.append(token[1:-1] if token[0] in "\"'" else token)
        assert not words, f"unterminated directive {words}"
        return directives, position

    return Directive("main", [], block(0)[0])


def nginx():
    return parse_nginx(NGINX_CONF.read_text())


def nginx_http():
    (http,) = nginx().all("http")
    return http


def nginx_server():
    (server,) = nginx_http().all("server")
    return server


def nginx_listen_ports():
    return {int(listen.args[0].rsplit(":", 1)[-1]) for listen in nginx_server().all("listen")}


def nginx_location(path):
    for location in nginx_server().all("location"):
        if location.args == [path]:
            return location
    raise AssertionError(f"no `location {path}` in {NGINX_CONF}")


def effective(path, name):
    """A directive's values in a location as nginx applies them: the innermost level (location,
    server, http) that sets it wins, and that level's list replaces the outer ones entirely."""
    for level in (nginx_location(path), nginx_server(), nginx_http()):
        found = level.all(name)
        if found:
            return [directive.args for directive in found]
    return []


def proxied_headers(path):
    return {args[0].lower(): args[1] for args in effective(path, "proxy_set_header")}


def upstream_of(path):
    """Where a location proxies to, with `set $var value;` variables substituted."""
    (target,) = nginx_location(path).get("proxy_pass")
    variables = {}
    for level in (nginx_http(), nginx_server(), nginx_location(path)):
        variables.update({d.args[0]: d.args[1] for d in level.all("set")})
    for name, value in variables.items():
        target = target.replace(name, value)
    return target, "$" in nginx_location(path).get("proxy_pass")[0]


def seconds(duration):
    units = {"ms": 0.001, "s": 1, "m": 60, "h": 3600, "d": 86400}
    return sum(
        int(number) * units[unit or "s"]
        for number, unit in re.findall(r"(\d+)(ms|s|m|h|d)?", duration)
    )


def test_the_websocket_upgrade_is_forwarded_on_ws():
    upgrade_map = next(m for m in nginx_http().all("map") if m.args[0] == "$http_upgrade")
    connection_variable = upgrade_map.args[1]
    assert upgrade_map.get("default") == ["upgrade"]
    assert upgrade_map.get("") == ["close"]

    headers = proxied_headers("/ws/")
    assert headers["upgrade"] == "$http_upgrade"
    assert headers["connection"] == connection_variable
    assert effective("/ws/", "proxy_http_version") == [["1.1"]]
    (read_timeout,) = effective("/ws/", "proxy_read_timeout")
    assert seconds(read_timeout[0]) >= 600  # idle sockets are normal; the default 60 s is not


@pytest.mark.parametrize("path", ["/ws/", "/"])
def test_http_and_websockets_go_to_every_web_replica(path):
    target, through_a_variable = upstream_of(path)
    assert target == "http://web:8000"
    if through_a_variable:
        # Re-resolved at run time by Docker's DNS, so scaled replicas join the rotation.
        (resolver,) = nginx_http().all("resolver")
        assert resolver.args[0] == "127.0.0.11"
        assert any(arg.startswith("valid=") for arg in resolver.args)


@pytest.mark.parametrize("path", ["/ws/", "/"])
def test_the_proxy_passes_host_and_forwarded_headers(path):
    headers = proxied_headers(path)
    # With the port: the gateway compares Origin with Host, Django checks Host in ALLOWED_HOSTS.
    assert headers["host"] == "$http_host"
    assert "x-forwarded-for" in headers
    assert "x-forwarded-proto" in headers  # what SECURE_PROXY_SSL_HEADER reads with DEBUG off


# --- Dockerfile and .dockerignore ----------------------------------------------------------


def dockerfile_instructions():
    text = re.sub(r"\\\n", " ", DOCKERFILE.read_text())
    instructions = []
    for line in text.splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            keyword, _, rest = line.partition(" ")
            instructions.append((keyword.upper(), rest.strip()))
    return instructions


def dockerfile(keyword):
    return [rest for name, rest in dockerfile_instructions() if name == keyword]


def test_the_image_starts_daphne_on_the_asgi_application():
    assert dockerfile("FROM")[0] == "python:3.11-slim"
    (cmd,) = dockerfile("CMD")
    # Exec form, and treffpunkt.serve runs daphne in its own process: daphne is PID 1 and gets
    # the stop signal.
    argv = json.loads(cmd)
    assert argv[:3] == ["python", "-m", "treffpunkt.serve"]
    options = serve.arguments(argv[3:])
    module, attribute = settings.ASGI_APPLICATION.rsplit(".", 1)
    assert options.application == f"{module}:{attribute}" == "treffpunkt.asgi:application"
    # All interfaces, port 8000, a listen backlog for reconnect storms; no endpoint of daphne's
    # own beside the socket it is handed.
    assert (options.host, options.port, options.fd) == ("0.0.0.0", 8000, None)
    assert options.backlog >= 1024
    assert options.daphne_options == []
    assert dockerfile("EXPOSE") == ["8000"]
    assert upstream_of("/")[0].endswith(":8000")


def test_the_image_installs_the_project_collects_static_files_and_drops_root():
    runs = dockerfile("RUN")
    assert any(re.search(r"pip install .*(-e )?\.$", run) for run in runs)
    assert any("manage.py collectstatic --noinput" in run for run in runs)
    names = [name for name, _ in dockerfile_instructions()]
    users = dockerfile("USER")
    assert users and users[-1] not in {"root", "0"}
    assert max(i for i, name in enumerate(names) if name == "USER") < names.index("CMD")


def test_the_healthcheck_asks_for_a_static_file_that_exists():
    (healthcheck,) = dockerfile("HEALTHCHECK")
    (path,) = re.findall(r"'(/[^']+)'", healthcheck)
    assert path.startswith(settings.STATIC_URL)
    assert finders.find(path.removeprefix(settings.STATIC_URL))


def test_dockerignore_keeps_secrets_and_local_state_out_but_the_project_in():
    patterns = [
        line.strip()
        for line in DOCKERIGNORE.read_text().splitlines()
        if line.strip() and not line.startswith("#")
    ]
    assert {".git", ".venv", ".env", "db.sqlite3*"} <= set(patterns)
    needed = ["pyproject.toml", "manage.py", "locale", "treffpunkt", "congress", "expo"]
    needed += ["matchmaking", "web"]
    for path in needed:
        excluding = [p for p in patterns if not p.startswith("!") and fnmatch.fnmatch(path, p)]
        assert not excluding, f"{path} is excluded by {excluding}"


# --- .env.example and docs/deployment.md -----------------------------------------------------


def env_example():
    """{name: value} of .env.example, commented-out assignments included."""
    values = {}
    for line in ENV_EXAMPLE.read_text().splitlines():
        match = re.match(r"^#?\s*([A-Z][A-Z0-9_]*)=(.*)$", line.strip())
        if match:
            values[match.group(1)] = match.group(2).strip()
    return values


def test_env_example_names_only_real_variables_and_every_compose_one():
    example = env_example()
    unknown = set(example) - settings_env_vars() - compose_variables()
    assert not unknown, f"neither settings.py nor docker-compose.yml reads {sorted(unknown)}"
    assert compose_variables() <= set(example)
    assert example["SECRET_KEY"] == ""  # a copied, unedited file must not run with a known key


def test_the_deployment_guide_documents_every_variable():
    guide = DEPLOYMENT_DOC.read_text()
    missing = sorted(
        name for name in settings_env_vars() | compose_variables() if f"`{name}`" not in guide
    )
    assert not missing, f"docs/deployment.md does not explain {missing}"
    assert "docker compose up -d --scale web=3" in guide
    assert "check --deploy" in guide
