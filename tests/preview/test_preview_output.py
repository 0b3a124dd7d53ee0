"""The plan tree's shape and properties, and what the renderers keep or leave out."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from access.aws_managed import MANAGED_POLICIES, managed_policy
from offline.mock_run import StackRun
from policypack.iameval.estate import RoleEstate
from policypack.iameval.results import Analysis, Assumer, Finding, RoleAnalysis
from preview import render
from preview.plan import TreeNode, plan_tree
from preview.proof import Proof
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


def role(name: str, wrong: bool = False) -> RoleAnalysis:
    analysed = RoleAnalysis(RoleEstate(f"arn:aws:iam::999999999999:role/{name}", name, None),
                            assumers=[Assumer("David (Developers)", "arn:aws:iam::111111111111:user/David", "user")])
    if wrong:
        analysed.findings.append(Finding(name, "assume", "Mallory | admin", ("sts:AssumeRole",), (analysed.role.arn,),
                                         "", True, False, "allowed: Allow in statement 0 of policy admin",
                                         "nothing in the intent lets it assume it"))
    return analysed


def report_of(*roles: RoleAnalysis) -> Report:
    return Report([], [], Proof(Analysis(list(roles), "222222222222", "a catalogue", "2026-09-26", 20000)))


def test_markdown_escapes_and_puts_the_verdict_first() -> None:
    markdown = render.to_markdown(report_of(role("UpdateApp", wrong=True)))
    assert markdown.splitlines()[2].startswith(":x: Preview FAILED")
    assert "- :x: UpdateApp: Mallory \\| admin may assume it: granted, not intended" in markdown


@pytest.mark.parametrize("to_text", [render.to_markdown, lambda report: render_terminal(report)])
def test_many_roles_list_only_those_with_findings(to_text: Any) -> None:
    roles = [role(f"Role{i:03d}") for i in range(render.MAX_ROLES)] + [role("Wrong", wrong=True)]
    text = to_text(report_of(*roles))
    assert f"{render.MAX_ROLES} more role(s) as intended" in text
    assert "Role007" not in text and "Mallory" in text


def test_the_terminal_lists_wrong_entries_first() -> None:
    text = render_terminal(report_of(role("UpdateApp", wrong=True)))
    lines = [line.strip() for line in text.splitlines()]
    start = lines.index("UpdateApp (arn:aws:iam::999999999999:role/UpdateApp)")
    assert lines[start + 1].startswith("WRONG: UpdateApp: Mallory | admin may assume it")
    assert lines[start + 2] == "may assume: David (Developers); nobody else"


def render_terminal(report: Report) -> str:
    """What the terminal renderer prints."""
    import io
    out = io.StringIO()
    render.print_terminal(report, out)
    return out.getvalue()


def test_json_holds_every_role_with_counts() -> None:
    roles = [role(f"Role{i:03d}") for i in range(render.MAX_ROLES + 1)]
    report = json.loads(render.to_json(report_of(*roles)))
    assert len(report["access"]["roles"]) == render.MAX_ROLES + 1
    assert report["access"]["roles"][0]["mayAssume"][0]["principal"] == "David (Developers)"


def test_managed_policy_texts_match_awss_published_versions() -> None:
    # moto (a dev requirement) carries AWS's managed policies as published; ours must not drift from them.
    from moto.iam.aws_managed_policies import aws_managed_policies_data
    published = json.loads(aws_managed_policies_data)
    for name, document in MANAGED_POLICIES.items():
        assert document == published[name]["Document"], name
    assert managed_policy("arn:aws:iam::aws:policy/PowerUserAccess") is MANAGED_POLICIES["PowerUserAccess"]
    assert managed_policy("arn:aws:iam::aws:policy/service-role/Unknown") is None
