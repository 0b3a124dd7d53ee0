"""Careless and hostile input through `python -m preview`, as issue 10 tried it: each is refused with exit 2,
naming the key, and no output (terminal, --json, --markdown) shows a secret or a file's content."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
import yaml

from access.model_file import MODEL_DIR_ENV
from offline.stack_config import SECRET_PLACEHOLDER
from preview.__main__ import main
from tests.access.test_yaml_source import billion_laughs
from tests.conftest import PROJECT_DIR

MODEL_KEY = "cross-account-access:model"
FILES = ("Pulumi.yaml", "Pulumi.prod.yaml", "Pulumi.dev.yaml", "__main__.py", "access-model.yaml")


def project_copy(directory: Path) -> Path:
    for name in FILES:
        shutil.copy(PROJECT_DIR / name, directory / name)
    return directory


def edit_yaml(path: Path, change: Callable[[dict], None]) -> None:
    data = yaml.safe_load(path.read_text())
    change(data)
    path.write_text(yaml.safe_dump(data, sort_keys=False))


def model(change: Callable[[dict], None]) -> Callable[[Path], None]:
    return lambda project: edit_yaml(project / "access-model.yaml", change)


def stack_config(**values: object) -> Callable[[Path], None]:
    return lambda project: edit_yaml(project / "Pulumi.prod.yaml", lambda data: data["config"].update(values))


def appended(file: str, text: str) -> Callable[[Path], None]:
    return lambda project: (project / file).write_text((project / file).read_text() + text)


def role(data: dict) -> dict:
    return data["roles"][0]


SECRET = {"secure": "v1:c2VjcmV0"}  # offline, every secure value reads as SECRET_PLACEHOLDER
VARIANTS: dict[str, tuple[Callable[[Path], None], str]] = {
    "second groups block": (appended("access-model.yaml", "groups:\n  - name: Developers\n    account: development\n"
                                                          "    canAssume: [UpdateApp]\n"), MODEL_KEY),
    "account id given twice": (lambda p: (p / "access-model.yaml").write_text(
        (p / "access-model.yaml").read_text().replace('    id: "111111111111"\n',
                                                      '    id: "111111111111"\n    id: "999999999999"\n')),
        MODEL_KEY),
    "alias bomb": (lambda p: (p / "access-model.yaml").write_text(billion_laughs()), MODEL_KEY),
    "model /etc/passwd": (stack_config(**{MODEL_KEY: "/etc/passwd"}), MODEL_KEY),
    "model /dev/zero": (stack_config(**{MODEL_KEY: "/dev/zero"}), MODEL_KEY),
    "model /dev/stdin": (stack_config(**{MODEL_KEY: "/dev/stdin"}), MODEL_KEY),
    "model ../": (stack_config(**{MODEL_KEY: "../access-model.yaml"}), MODEL_KEY),
    "fullwidth account id": (model(lambda d: d["accounts"][0].update(id="\uff19" * 12)), "accounts[0].id"),
    "account id and newline": (model(lambda d: d["accounts"][0].update(id="999999999999\n")), "accounts[0].id"),
    "region and newline": (model(lambda d: d["accounts"][0].update(region="us-east-1\n")), "accounts[0].region"),
    "path with *": (model(lambda d: role(d).update(path="/*/")), "roles[0].path"),
    "wildcard principal": (model(lambda d: role(d).update(trustedPrincipalArns=["arn:aws:iam::111111111111:role/*"])),
                           "roles[0].trustedPrincipalArns[0]"),
    "role in two accounts": (model(lambda d: d["roles"].append({**role(d), "account": "development",
                                                                 "trustedAccounts": ["production"], "grants": [],
                                                                 "policyName": "p2", "groupPolicySuffix": "s2"})),
                             "roles[1].name"),
    "group policy names collide": (model(lambda d: d["roles"].append({
        "name": "Other", "account": "production", "trustedAccounts": ["development"],
        "groupPolicySuffix": "S3-role-in-production"})), "roles[1].groupPolicySuffix"),
    "bucket .mrap": (model(lambda d: (d["buckets"][0].update(name="app.mrap"),
                                      role(d)["grants"][0].update(bucket="app.mrap"))), "buckets[0].name"),
    "default providers as a map": (lambda p: edit_yaml(p / "Pulumi.yaml", lambda d: d["config"].update(
        {"pulumi:disable-default-providers": {"value": {"aws": True}}})), "pulumi:disable-default-providers"),
    "ExternalId as plain config": (lambda p: (model(lambda d: role(d).update(externalIdSecret="eid"))(p),
                                              stack_config(**{"cross-account-access:eid": "plain-eid"})(p)),
                                   "cross-account-access:eid"),
    "profile with control characters": (stack_config(**{"cross-account-access:profile": "admin\x1b[2J\n```"}),
                                        "cross-account-access:profile"),
    "misspelt secret key": (stack_config(**{"cross-account-access:profil": SECRET}), "cross-account-access:profil"),
    "secret account": (stack_config(**{"cross-account-access:account": SECRET}), "cross-account-access:account"),
    "secret assumeRoleArn": (stack_config(**{"cross-account-access:assumeRoleArn": SECRET}),
                             "cross-account-access:assumeRoleArn"),
    "secret model": (stack_config(**{MODEL_KEY: SECRET}), MODEL_KEY),
    "50 MB description": (lambda p: (p / "access-model.yaml").write_text((p / "access-model.yaml").read_text().replace(
        "description: ", "description: " + "d" * 50_000_000)), MODEL_KEY),
    "900 KB description": (model(lambda d: role(d).update(description="d" * 900_000)), "roles[0].description"),
}
NEVER_SHOWN = (SECRET_PLACEHOLDER, "root:x:0:0", "plain-eid", "\x1b[2J", "d" * 200)
# Where a secret or a file's content would show if anything did: also checked in the terminal and Markdown.
EVERY_OUTPUT = ("model /etc/passwd", "ExternalId as plain config", "profile with control characters",
                "misspelt secret key", "secret account", "secret assumeRoleArn", "secret model", "900 KB description")


def preview_of(variant: str, project: Path, output: list[str], capsys: pytest.CaptureFixture[str]) -> str:
    """What `python -m preview` prints for the project changed by `variant` (which it must refuse, exit 2)."""
    assert main(["--project-dir", str(project), "--stacks", "prod", *output]) == 2
    captured = capsys.readouterr()
    return captured.out + captured.err


@pytest.fixture
def changed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Callable[[str], Path]:
    """A copy of the project changed by a variant; no model directory is allowed beyond the project."""
    monkeypatch.delenv(MODEL_DIR_ENV)

    def change(variant: str) -> Path:
        VARIANTS[variant][0](project_copy(tmp_path))
        return tmp_path
    return change


@pytest.mark.parametrize("variant", VARIANTS)
def test_refused_with_exit_2_naming_the_key_and_showing_nothing_secret(
        variant: str, changed: Callable[[str], Path], capsys: pytest.CaptureFixture[str]) -> None:
    text = preview_of(variant, changed(variant), ["--json"], capsys)
    error = json.loads(text)["error"]
    assert error["key"] == VARIANTS[variant][1]
    assert "\n" not in error["message"] and len(error["message"]) < 500
    assert not any(hidden in text for hidden in NEVER_SHOWN)


@pytest.mark.parametrize("output", [[], ["--markdown"]], ids=["terminal", "markdown"])
@pytest.mark.parametrize("variant", EVERY_OUTPUT)
def test_no_output_format_shows_a_secret_or_a_files_content(
        variant: str, output: list[str], changed: Callable[[str], Path], capsys: pytest.CaptureFixture[str]) -> None:
    text = preview_of(variant, changed(variant), output, capsys)
    assert VARIANTS[variant][1] in text
    assert not any(hidden in text for hidden in NEVER_SHOWN)


def test_python_m_preview_exits_2_on_a_duplicate_key(tmp_path: Path) -> None:
    appended("access-model.yaml", "groups: []\n")(project_copy(tmp_path))
    result = subprocess.run([sys.executable, "-m", "preview", "--project-dir", str(tmp_path)], cwd=PROJECT_DIR,
                            capture_output=True, text=True, check=False)
    assert result.returncode == 2
    assert "the key 'groups' is given twice" in result.stderr and result.stdout == ""
