"""The production description, checked offline: the Compose file against the Compose
specification's JSON schema (deploy/compose-spec.schema.json, from the docker-compose
1.29.2 wheel on PyPI), the nginx configs with ``nginx -t``, and the Dockerfile's sources."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import jsonschema
import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
DEPLOY = ROOT / "deploy"
sys.path.insert(0, str(ROOT / "scripts"))
import production  # noqa: E402

NGINX = shutil.which("nginx") or ("/usr/sbin/nginx" if Path("/usr/sbin/nginx").exists() else None)


def compose() -> dict:
    return yaml.safe_load((DEPLOY / "compose.yml").read_text(encoding="utf-8"))


def schema_errors(doc: dict) -> list[str]:
    schema = json.loads((DEPLOY / "compose-spec.schema.json").read_text(encoding="utf-8"))
    return [e.message for e in jsonschema.Draft201909Validator(schema).iter_errors(doc)]


def test_the_compose_file_follows_the_compose_specification():
    assert schema_errors(compose()) == []


def test_the_schema_check_can_fail():
    broken = compose()
    broken["services"]["nginx"]["ports"] = {"not": "a list"}
    broken["services"]["rasa-1"]["restart"] = 3
    assert len(schema_errors(broken)) >= 2


def test_two_rasa_and_two_action_servers_and_only_nginx_is_published():
    services = compose()["services"]
    assert {"rasa-1", "rasa-2", "actions-1", "actions-2", "postgres", "redis", "nginx"} <= set(
        services
    )
    assert [name for name, s in services.items() if s.get("ports")] == ["nginx"]
    for name in ("rasa-1", "rasa-2"):
        env = services[name]["environment"]
        assert env["ACTION_ENDPOINT_URL"] == "http://nginx:5050/webhook"
        assert "endpoints.production.yml" in services[name]["command"]
    assert compose()["networks"]["internal"]["internal"] is True


def test_every_secret_comes_from_the_environment():
    def walk(node, key=""):
        if isinstance(node, dict):
            for k, v in node.items():
                yield from walk(v, str(k))
        elif isinstance(node, list):
            for v in node:
                yield from walk(v, key)
        else:
            yield key, str(node)

    secrets = [
        (k, v)
        for k, v in walk(compose())
        if re.search(r"PASSWORD|TOKEN|SECRET|_KEY$", k) or "://" in v and "@" in v
    ]
    assert secrets
    for key, value in secrets:
        literal = re.sub(r"\$\{[^}]+\}|\$\$[A-Z_]+", "", value)
        assert not re.search(r":[^/@:]+@", literal), (key, value)
        if re.search(r"PASSWORD|TOKEN|_KEY$", key) and value:
            assert value.startswith("${"), (key, value)


def test_the_dockerfile_copies_only_what_exists_and_trains_inside():
    text = (DEPLOY / "Dockerfile").read_text(encoding="utf-8")
    for line in re.findall(r"^COPY (?!--from)(.+)$", text, flags=re.M):
        *sources, _dest = line.split()
        for source in sources:
            assert (ROOT / source).exists(), source
    assert "python -m bot understanding train" in text and "rasa train" in text
    assert re.search(r"^USER (?!root)", text, flags=re.M)


@pytest.mark.skipif(NGINX is None, reason="nginx not installed (.ci/run installs it)")
def test_the_local_nginx_config_passes_nginx_t(tmp_path):
    plan = production.Plan(run_dir=tmp_path, public_listen="127.0.0.1:18080")
    conf = tmp_path / "nginx.conf"
    conf.write_text(production.render_nginx(plan), encoding="utf-8")
    check = subprocess.run([NGINX, "-t", "-c", str(conf)], capture_output=True, text=True)
    assert check.returncode == 0, check.stderr
    assert (
        "server 127.0.0.1:5005" in conf.read_text() and "server 127.0.0.1:5006" in conf.read_text()
    )


def test_the_compose_nginx_config_is_current_and_passes_nginx_t(tmp_path):
    rendered = production.render_nginx(production.Plan(), compose=True)
    assert (DEPLOY / "nginx.compose.conf").read_text(encoding="utf-8") == rendered, (
        "run: .venv/bin/python scripts/production.py nginx-conf --compose > deploy/nginx.compose.conf"
    )
    if NGINX is None:
        pytest.skip("nginx not installed")
    # The service names only resolve inside Compose's network: check the rest here.
    local = re.sub(r"server (rasa|actions)-\d:|server web:", "server 127.0.0.1:", rendered)
    local = local.replace("/tmp/", f"{tmp_path}/").replace(
        "listen 8080;", "listen 127.0.0.1:18081;"
    )
    conf = tmp_path / "nginx.conf"
    conf.write_text(local, encoding="utf-8")
    check = subprocess.run([NGINX, "-t", "-c", str(conf)], capture_output=True, text=True)
    assert check.returncode == 0, check.stderr


def test_the_public_server_proxies_no_rasa_api_path():
    conf = production.render_nginx(production.Plan())
    public = conf.split("server {")[1]
    to_rasa = re.findall(r"location ([^{]+)\{[^}]*proxy_pass http://rasa;", public)
    assert sorted(p.strip() for p in to_rasa) == ["/socket.io/", "= /webhooks/rest/webhook"]


def test_up_refuses_to_start_without_its_secrets():
    assert set(production.missing_settings({})) >= {"RASA_AUTH_TOKEN", "POSTGRES_PASSWORD"}
    env = production.env_from_database_url(
        {"LEERPUNT_DATABASE_URL": "postgresql+psycopg2://u:pw@db:5433/lp"}
    )
    assert (env["POSTGRES_HOST"], env["POSTGRES_PORT"], env["POSTGRES_DB"]) == ("db", "5433", "lp")
    assert env["POSTGRES_PASSWORD"] == "pw"
