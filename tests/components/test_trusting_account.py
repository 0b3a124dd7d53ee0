"""The Production side: as the program registers it (the tutorial's documents, byte for byte), and as any
program can use the components on their own, with flat inputs and no access model."""

from __future__ import annotations

import ast
import json
from pathlib import Path
from typing import Any

import pytest

from access import documents
from components.trusting_account import (
    BucketGrantArgs,
    CrossAccountRole,
    CrossAccountRoleArgs,
    ProtectedBucket,
    ProtectedBucketArgs,
)
from offline.mock_run import StackRun
from tests.components.conftest import run_program
from tests.conftest import PROJECT_DIR, run_with_model

ROLE = "aws:iam/role:Role"
POLICY = "aws:iam/policy:Policy"
COMPONENT = "cross-account-access:trusting:CrossAccountRole"
PUBLIC_ACCESS_BLOCK = "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock"
TUTORIAL_TRUST = """{
  "Version": "2012-10-17",
  "Statement": [
    {
      "Effect": "Allow",
      "Principal": {
        "AWS": "arn:aws:iam::111111111111:root"
      },
      "Action": "sts:AssumeRole"
    }
  ]
}"""


def test_role_carries_the_tutorial_trust_byte_for_byte(prod_run: StackRun) -> None:
    role = prod_run.named(ROLE, "UpdateApp-role")
    assert role.inputs["name"] == "UpdateApp" and role.inputs["path"] == "/"
    assert role.inputs["maxSessionDuration"] == 3600
    assert role.inputs["assumeRolePolicy"] == TUTORIAL_TRUST
    assert prod_run.named(COMPONENT, "UpdateApp").urn == role.parent


def test_managed_policy_is_read_write_app_bucket_and_attached(prod_run: StackRun) -> None:
    policy = prod_run.named(POLICY, "UpdateApp-policy")
    assert policy.inputs["name"] == "read-write-app-bucket"
    assert policy.inputs["description"] == "What UpdateApp may do: read-write on productionapp"
    assert policy.inputs["policy"] == documents.to_json(documents.bucket_access_policy(
        [("arn:aws:s3:::productionapp", documents.BucketAccess.READ_WRITE)]))
    attachment = prod_run.named("aws:iam/rolePolicyAttachment:RolePolicyAttachment", "UpdateApp-policy-attachment")
    assert attachment.inputs == {"role": "UpdateApp",
                                 "policyArn": "arn:aws:iam::999999999999:policy/read-write-app-bucket"}


def test_bucket_is_referenced_not_created_and_guarded(prod_run: StackRun) -> None:
    assert prod_run.of_type("aws:s3/bucket:Bucket") == []
    block = prod_run.named(PUBLIC_ACCESS_BLOCK, "productionapp-public-access-block")
    assert block.inputs == {"bucket": "productionapp", "blockPublicAcls": True, "blockPublicPolicy": True,
                            "ignorePublicAcls": True, "restrictPublicBuckets": True}
    policy = prod_run.named("aws:s3/bucketPolicy:BucketPolicy", "productionapp-policy")
    assert policy.inputs["policy"] == documents.to_json(documents.bucket_policy("arn:aws:s3:::productionapp"))
    assert block.urn in policy.dependencies


def test_prod_stack_touches_nothing_of_development(prod_run: StackRun) -> None:
    assert not [r for r in prod_run.resources if r.type.startswith(("aws:iam/group", "aws:iam/user"))]


def test_model_options_reach_the_role(raw: dict[str, Any], tmp_path: Path) -> None:
    raw["roles"][0].update(requireMfa=True, mfaMaxAgeSeconds=900, maxSessionDuration=7200, path="/apps/",
                           permissionsBoundaryArn="arn:aws:iam::999999999999:policy/Boundary",
                           description="d", tags={"team": "platform"}, trustActions=["sts:AssumeRole",
                                                                                    "sts:SetSourceIdentity"])
    raw["buckets"][0]["create"] = True
    run = run_with_model("prod", raw, tmp_path)
    role = run.named(ROLE, "UpdateApp-role").inputs
    assert (role["path"], role["maxSessionDuration"], role["description"]) == ("/apps/", 7200, "d")
    assert role["permissionsBoundary"] == "arn:aws:iam::999999999999:policy/Boundary"
    assert role["tags"] == {"team": "platform"}
    statement = json.loads(role["assumeRolePolicy"])["Statement"][0]
    assert statement["Action"] == ["sts:AssumeRole", "sts:SetSourceIdentity"]
    assert statement["Condition"]["NumericLessThan"] == {"aws:MultiFactorAuthAge": "900"}
    assert run.named("aws:s3/bucket:Bucket", "productionapp-bucket").inputs["bucket"] == "productionapp"
    assert run.outputs["roles"]["UpdateApp"]["arn"] == "arn:aws:iam::999999999999:role/apps/UpdateApp"


def standalone_program() -> None:
    """A program of its own: a created bucket, and a role trusting one role ARN of another account."""
    bucket = ProtectedBucket("reports", ProtectedBucketArgs(bucket="acme-reports", create=True))
    CrossAccountRole("auditor", CrossAccountRoleArgs(
        role_name="Auditor",
        trusted_principal_arns=["arn:aws:iam::222222222222:role/Auditing"],
        external_id="shared-with-the-auditors",
        trust_conditions={"StringEquals": {"aws:PrincipalOrgID": "o-abc123"},
                          "StringLike": {"sts:RoleSessionName": "${aws:username}"}},
        grants=[BucketGrantArgs(bucket_arn=bucket.arn, access="read-only")],
    ))


def test_components_work_without_the_model() -> None:
    run = run_program(standalone_program)
    role = run.named(ROLE, "auditor-role")
    statement = json.loads(role.inputs["assumeRolePolicy"])["Statement"][0]
    assert statement["Principal"] == {"AWS": "arn:aws:iam::222222222222:role/Auditing"}
    assert statement["Condition"] == {
        "StringEquals": {"sts:ExternalId": "shared-with-the-auditors", "aws:PrincipalOrgID": "o-abc123"},
        "StringLike": {"sts:RoleSessionName": "${aws:username}"},
    }
    policy = run.named(POLICY, "auditor-policy").inputs
    assert policy["name"] == "Auditor-bucket-access"
    assert policy["description"] == "What Auditor may do: read-only on acme-reports"
    assert json.loads(policy["policy"])["Statement"][2] == {
        "Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::acme-reports/*"}
    assert run.named("aws:s3/bucket:Bucket", "reports-bucket").inputs["bucket"] == "acme-reports"


def test_external_id_is_secret_even_when_given_plain() -> None:
    role = run_program(standalone_program).named(ROLE, "auditor-role")
    assert role.secret_inputs == frozenset({"assumeRolePolicy"})


def test_children_are_named_from_the_component() -> None:
    run = run_program(standalone_program)
    children = sorted(r.name for r in run.resources if r.custom)
    assert children == ["auditor-policy", "auditor-policy-attachment", "auditor-role",
                        "reports-bucket", "reports-policy", "reports-public-access-block"]


@pytest.mark.parametrize(("change", "message"), [
    ({"trusted_account_ids": [], "trusted_principal_arns": []}, "needs trusted_account_ids or trusted_principal_arns"),
])
def test_role_args_refuse_a_trust_with_nobody(change: dict[str, Any], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        CrossAccountRoleArgs(role_name="R", **change)


def test_grant_refuses_an_unknown_access_level() -> None:
    with pytest.raises(ValueError, match="access must be one of read-only, read-write"):
        BucketGrantArgs(bucket_arn="arn:aws:s3:::b", access="full")


def test_components_do_not_import_the_model() -> None:
    """Any Pulumi program can use the components: they know flat inputs, not this project's model or config."""
    for path in sorted((PROJECT_DIR / "components").glob("*.py")):
        imported = {node.module for node in ast.walk(ast.parse(path.read_text()))
                    if isinstance(node, ast.ImportFrom)}
        assert not imported & {"access.model", "access.config", "access.adapter"}, path.name

