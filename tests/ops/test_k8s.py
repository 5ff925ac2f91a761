"""The Kubernetes manifests validate strictly against a pinned version, and agree with the
app (probe paths), the image (port, user, graceful shutdown) and the settings (env names)."""

from __future__ import annotations

import secrets
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml
from fastapi.routing import iter_route_contexts
from fastapi.testclient import TestClient
from pydantic import ValidationError
from typer.testing import CliRunner

from service.api.app import create_app
from service.cli import app as cli_app
from service.settings import Settings
from tests.ops.repo_files import (
    K8S,
    dockerfile_cmd,
    dockerfile_final_stage,
    manifest,
    manifests,
    option,
)

# The Kubernetes version the manifests target; kubernetes-validate bundles its schemas.
KUBERNETES_VERSION = "1.30.0"
SECRET_TEMPLATE = "secret.template.yaml"


def _manifest_files() -> list[Path]:
    return sorted(path for path in K8S.glob("*.yaml") if path.name != "kustomization.yaml")


def _validate(paths: list[Path]) -> None:
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "kubernetes_validate",
            "--strict",
            "--kubernetes-version",
            KUBERNETES_VERSION,
            *map(str, paths),
        ],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    # An unknown apiVersion/kind is only a WARN with exit code 0: require a pass per object.
    lines = output.splitlines()
    assert all(line.startswith("INFO") and " passed " in line for line in lines), output
    assert len(lines) == sum(len(manifests(path)) for path in paths), output


def test_every_manifest_validates_strictly() -> None:
    _validate(_manifest_files())


def test_kustomization_lists_every_manifest_but_the_secret_template() -> None:
    kustomization = yaml.safe_load((K8S / "kustomization.yaml").read_text(encoding="utf-8"))
    listed = set(kustomization["resources"])
    assert listed == {p.name for p in _manifest_files()} - {SECRET_TEMPLATE}


def test_kustomize_build_validates(tmp_path: Path) -> None:
    kubectl = shutil.which("kubectl")
    if kubectl is None:
        pytest.skip("kubectl not installed; the manifests are still validated one by one")
    rendered = subprocess.run(
        [kubectl, "kustomize", str(K8S)], capture_output=True, text=True, timeout=60, check=True
    ).stdout
    out = tmp_path / "rendered.yaml"
    out.write_text(rendered, encoding="utf-8")
    _validate([out])
    for doc in manifests(out):
        if doc["kind"] != "Namespace":
            assert doc["metadata"]["namespace"] == "calling"


def _api_container() -> dict[str, Any]:
    deployment = manifest("Deployment", "calling-api")
    (container,) = deployment["spec"]["template"]["spec"]["containers"]
    return dict(container)


def _container_port(container: dict[str, Any], port: int | str) -> int:
    if isinstance(port, int):
        return port
    (match,) = [p["containerPort"] for p in container["ports"] if p["name"] == port]
    return int(match)


def test_probes_hit_real_routes_on_the_served_port() -> None:
    container = _api_container()
    app = create_app(Settings(database_url="sqlite://"))
    # The probes are routes of the app (kept out of the integrators' spec on purpose).
    paths: dict[str, dict[str, bool]] = {}
    for context in iter_route_contexts(app.routes):
        path = str(context.path_format or context.path)
        paths.setdefault(path, {}).update({m.lower(): True for m in context.methods or ()})
    served_port = int(option(dockerfile_cmd(), "--port"))
    assert container["livenessProbe"]["httpGet"]["path"] == "/livez"
    assert container["startupProbe"]["httpGet"]["path"] == "/livez"
    assert container["readinessProbe"]["httpGet"]["path"] == "/readyz"
    for probe in ("startupProbe", "livenessProbe", "readinessProbe"):
        http_get = container[probe]["httpGet"]
        assert "get" in paths[http_get["path"]], f"{probe}: no GET {http_get['path']}"
        assert _container_port(container, http_get["port"]) == served_port
    exposed = [args for keyword, args in dockerfile_final_stage() if keyword == "EXPOSE"]
    assert exposed == [str(served_port)]
    service = manifest("Service", "calling-api")
    (service_port,) = service["spec"]["ports"]
    assert _container_port(container, service_port["targetPort"]) == served_port
    policy = manifest("NetworkPolicy", "calling-api")
    assert {p["port"] for rule in policy["spec"]["ingress"] for p in rule["ports"]} == {served_port}


def test_readiness_probe_waits_longer_than_the_database_check() -> None:
    probe = _api_container()["readinessProbe"]
    assert probe["timeoutSeconds"] > Settings().readiness_timeout_seconds


def test_liveness_does_not_touch_the_database() -> None:
    # Nothing listens on port 1: readiness fails, liveness does not.
    settings = Settings(
        database_url="postgresql://postgres@127.0.0.1:1/none", readiness_timeout_seconds=1
    )
    with TestClient(create_app(settings), raise_server_exceptions=False) as client:
        assert client.get("/livez").status_code == 200
        assert client.get("/readyz").status_code == 503


def test_termination_grace_covers_prestop_and_uvicorn_drain() -> None:
    pod = manifest("Deployment", "calling-api")["spec"]["template"]["spec"]
    pre_stop = _api_container()["lifecycle"]["preStop"]["exec"]["command"]
    assert pre_stop[0] == "sleep"
    drain = int(option(dockerfile_cmd(), "--timeout-graceful-shutdown"))
    assert pod["terminationGracePeriodSeconds"] > int(pre_stop[1]) + drain


def test_rollout_keeps_capacity() -> None:
    deployment = manifest("Deployment", "calling-api")
    assert deployment["spec"]["replicas"] >= 2
    assert deployment["spec"]["strategy"]["rollingUpdate"]["maxUnavailable"] == 0
    assert manifest("HorizontalPodAutoscaler")["spec"]["minReplicas"] >= 2
    resources = _api_container()["resources"]
    assert {"cpu", "memory"} <= set(resources["requests"]) & set(resources["limits"])


@pytest.mark.parametrize(("kind", "name"), [("Deployment", "calling-api"), ("Job", None)])
def test_pods_are_locked_down_as_the_image_user(kind: str, name: str | None) -> None:
    (image_user,) = [args for keyword, args in dockerfile_final_stage() if keyword == "USER"]
    uid = int(image_user.split(":")[0])
    pod = manifest(kind, name)["spec"]["template"]["spec"]
    assert pod["automountServiceAccountToken"] is False
    assert pod["securityContext"]["runAsNonRoot"] is True
    assert pod["securityContext"]["seccompProfile"]["type"] == "RuntimeDefault"
    for container in pod["containers"]:
        context = container["securityContext"]
        assert context["runAsUser"] == uid
        assert context["runAsNonRoot"] is True
        assert context["readOnlyRootFilesystem"] is True
        assert context["allowPrivilegeEscalation"] is False
        assert context["capabilities"]["drop"] == ["ALL"]
        assert context["seccompProfile"]["type"] == "RuntimeDefault"
        mounts = {m["mountPath"]: m["name"] for m in container["volumeMounts"]}
        (tmp,) = [v for v in pod["volumes"] if v["name"] == mounts["/tmp"]]
        assert "emptyDir" in tmp


def test_migration_job_runs_the_migrate_command() -> None:
    job = manifest("Job")
    (container,) = job["spec"]["template"]["spec"]["containers"]
    assert container["command"] == ["calling", "migrate"]
    assert CliRunner().invoke(cli_app, ["migrate", "--help"]).exit_code == 0
    assert container["image"] == _api_container()["image"]


def _env(kind: str) -> dict[str, str]:
    doc = manifest(kind)
    return {**doc.get("data", {}), **doc.get("stringData", {})}


def test_config_names_only_real_settings_and_secrets_stay_out_of_it() -> None:
    known = {f"CALLING_{name.upper()}" for name in Settings.model_fields}
    config, secret = _env("ConfigMap"), _env("Secret")
    assert set(config) <= known
    assert set(secret) == {"CALLING_DATABASE_URL", "CALLING_SECRET_KEY"}
    assert not set(config) & set(secret)
    values = {k.removeprefix("CALLING_").lower(): v for k, v in config.items()}
    Settings(**values, secret_key=secrets.token_hex(32))  # every value parses


def test_the_secret_template_cannot_go_live() -> None:
    values = {**_env("ConfigMap"), **_env("Secret")}
    assert values["CALLING_ENVIRONMENT"] == "production"
    with pytest.raises(ValidationError, match="CALLING_SECRET_KEY"):
        Settings(**{k.removeprefix("CALLING_").lower(): v for k, v in values.items()})


def test_the_worker_runs_the_worker_command_locked_down() -> None:
    deployment = manifest("Deployment", "calling-worker")
    pod = deployment["spec"]["template"]["spec"]
    (container,) = pod["containers"]
    assert container["command"] == ["calling", "worker"]
    assert container["image"] == _api_container()["image"]
    assert pod["automountServiceAccountToken"] is False
    assert container["securityContext"]["readOnlyRootFilesystem"] is True
    result = CliRunner().invoke(cli_app, ["worker", "--help"])
    assert result.exit_code == 0, result.output
    policy = manifest("NetworkPolicy", "calling-worker")
    assert "ingress" not in policy["spec"] and "Ingress" in policy["spec"]["policyTypes"]
