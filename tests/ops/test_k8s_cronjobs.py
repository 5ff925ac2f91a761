"""The reporting-period CronJobs: they run real `calling` commands, one at a time, locked
down like every other pod, on the API's image and configuration."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from service.cli import app as cli_app
from tests.ops.repo_files import dockerfile_final_stage, manifest


@pytest.mark.parametrize(
    ("name", "command"),
    [("calling-close-periods", "close-periods"), ("calling-purge", "purge")],
)
def test_cronjob_runs_its_command_locked_down(name: str, command: str) -> None:
    cron = manifest("CronJob", name)
    assert cron["spec"]["concurrencyPolicy"] == "Forbid"
    assert cron["spec"]["timeZone"] == "Etc/UTC"
    pod = cron["spec"]["jobTemplate"]["spec"]["template"]["spec"]
    (container,) = pod["containers"]
    assert container["command"] == ["calling", command]
    assert CliRunner().invoke(cli_app, [command, "--help"]).exit_code == 0
    api = manifest("Deployment", "calling-api")["spec"]["template"]["spec"]["containers"][0]
    assert container["image"] == api["image"]
    assert container["envFrom"] == api["envFrom"]
    (image_user,) = [args for keyword, args in dockerfile_final_stage() if keyword == "USER"]
    assert pod["automountServiceAccountToken"] is False
    assert pod["securityContext"]["runAsNonRoot"] is True
    context = container["securityContext"]
    assert context["runAsUser"] == int(image_user.split(":")[0])
    assert context["readOnlyRootFilesystem"] is True
    assert context["allowPrivilegeEscalation"] is False
    assert context["capabilities"]["drop"] == ["ALL"]
