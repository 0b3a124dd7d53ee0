"""The plan tree's shape and properties, and what the renderers keep or leave out."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from access.aws_managed import MANAGED_POLICIES, managed_policy
from offline.mock_run import StackRun
from preview import render
from preview.matrix import Cell, Matrix
from preview.plan import TreeNode, plan_tree
from preview.report import Report
from preview.values import REDACTED
from tests.conftest import run_with_model


def find(node: TreeNode, kind: str, name: str) -> TreeNode:
    if (node.kind, node.name) == (kind, name):
        return node
    return next(found for child in node.children if (found := _find_or_none(child, kind, name)))


def _find_or_none(node: TreeNode, kind: str, name: str) -> TreeNode | None:
    try:
        return find(node, kind, name)
    except StopIteration:
        return None


def test_prod_tree_is_stack_account_component_resource(prod_run: StackRun) -> None:
    tree = plan_tree(prod_run)
    account = tree.children[0]
    assert (tree.kind, tree.name, account.kind, account.name) == ("stack", "prod", "account", "production")
    component = find(tree, "cross-account-access:trusting:CrossAccountRole", "UpdateApp")
    assert [c.kind for c in component.children] == [
        "aws:iam/policy:Policy", "aws:iam/role:Role", "aws:iam/rolePolicyAttachment:RolePolicyAttachment"]
    assert account.children[0].kind == "pulumi:providers:aws"
    role = find(tree, "aws:iam/role:Role", "UpdateApp-role")
    assert role.properties["maxSessionDuration"] == "3600"
    assert role.properties["trusts"] == "arn:aws:iam::111111111111:root"
    provider = find(tree, "pulumi:providers:aws", "production-999999999999")
    assert provider.properties["allowedAccountIds"] == "999999999999"


def test_dev_tree_shows_each_group_policy_with_its_effect(dev_run: StackRun) -> None:
    tree = plan_tree(dev_run)
    allow = find(tree, "aws:iam/groupPolicy:GroupPolicy", "Developers-allow-assume-S3-role-in-production")
    deny = find(tree, "aws:iam/groupPolicy:GroupPolicy", "Testers-deny-assume-S3-role-in-production")
    assert (allow.properties["effect"], deny.properties["effect"]) == ("Allow", "Deny")
    assert deny.properties["name"] == "deny-assume-S3-role-in-production"


def test_a_secret_trust_policy_is_redacted_in_the_tree(raw: dict[str, Any], tmp_path: Path) -> None:
    raw["roles"][0]["externalIdSecret"] = "updateAppExternalId"
    run = run_with_model("prod", raw, tmp_path, **{"cross-account-access:updateAppExternalId": "s3cr3t-id"})
    tree = plan_tree(run)
    assert find(tree, "aws:iam/role:Role", "UpdateApp-role").properties["trusts"] == REDACTED
    assert "s3cr3t-id" not in json.dumps(tree.to_dict())


def fake_cell(ok: bool, principal: str = "Mallory | admin") -> Cell:
    return Cell("assume", principal, "UpdateApp", "sts:AssumeRole", "arn:aws:iam::999999999999:role/UpdateApp", "",
                False, not ok, "not in any group", "Allow in admin")


def test_markdown_escapes_table_cells() -> None:
    report = Report([], [], Matrix([fake_cell(ok=False)]))
    markdown = render.to_markdown(report)
    assert "| Mallory \\| admin | UpdateApp | - | no | yes | WRONG |" in markdown
    assert markdown.splitlines()[2].startswith(":x: Preview FAILED")


@pytest.mark.parametrize("to_text", [render.to_markdown, lambda report: render_terminal(report)])
def test_large_matrices_list_only_their_wrong_cells(to_text: Any, capsys: pytest.CaptureFixture[str]) -> None:
    cells = [fake_cell(ok=True, principal=f"user{i}") for i in range(render.MAX_ROWS)] + [fake_cell(ok=False)]
    text = to_text(Report([], [], Matrix(cells)))
    assert "201 cells, 200 as intended: listing the other 1" in " ".join(text.split())
    assert "user7" not in text and "Mallory" in text


def render_terminal(report: Report) -> str:
    """What the terminal renderer prints, captured (rich writes to stdout)."""
    import io
    from contextlib import redirect_stdout
    with redirect_stdout(io.StringIO()) as out:
        render.print_terminal(report)
    return out.getvalue()


def test_json_keeps_every_cell() -> None:
    cells = [fake_cell(ok=True, principal=f"user{i}") for i in range(render.MAX_ROWS + 1)]
    assert len(json.loads(render.to_json(Report([], [], Matrix(cells))))["access"]) == render.MAX_ROWS + 1


def test_managed_policy_texts_match_awss_published_versions() -> None:
    # moto (a dev requirement) carries AWS's managed policies as published; ours must not drift from them.
    from moto.iam.aws_managed_policies import aws_managed_policies_data
    published = json.loads(aws_managed_policies_data)
    for name, document in MANAGED_POLICIES.items():
        assert document == published[name]["Document"], name
    assert managed_policy("arn:aws:iam::aws:policy/PowerUserAccess") is MANAGED_POLICIES["PowerUserAccess"]
    assert managed_policy("arn:aws:iam::aws:policy/service-role/Unknown") is None
