"""The Production side as the program registers it: role, trust, policy, attachment, bucket guard."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from access import documents
from access.model import AccessModel
from offline.mock_run import StackRun
from tests.conftest import run_with_model

ROLE = "aws:iam/role:Role"


def test_role_carries_the_tutorial_trust(prod_run: StackRun, tutorial: AccessModel) -> None:
    role = prod_run.named(ROLE, "UpdateApp")
    assert role.inputs["name"] == "UpdateApp" and role.inputs["path"] == "/"
    assert role.inputs["maxSessionDuration"] == 3600
    assert role.inputs["assumeRolePolicy"] == documents.to_json(documents.trust_policy(tutorial,
                                                                                       tutorial.role("UpdateApp")))
    assert prod_run.named("cross-account-access:trusting:CrossAccountRole", "UpdateApp").urn == role.parent


def test_managed_policy_is_read_write_app_bucket_and_attached(prod_run: StackRun, tutorial: AccessModel) -> None:
    policy = prod_run.named("aws:iam/policy:Policy", "read-write-app-bucket")
    assert policy.inputs["name"] == "read-write-app-bucket"
    assert json.loads(policy.inputs["policy"]) == documents.bucket_access_policy(tutorial, tutorial.role("UpdateApp"))
    (attachment,) = prod_run.of_type("aws:iam/rolePolicyAttachment:RolePolicyAttachment")
    assert attachment.inputs == {"role": "UpdateApp",
                                 "policyArn": "arn:aws:iam::999999999999:policy/read-write-app-bucket"}


def test_bucket_is_referenced_not_created_and_guarded(prod_run: StackRun) -> None:
    assert prod_run.of_type("aws:s3/bucket:Bucket") == []
    (block,) = prod_run.of_type("aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock")
    assert block.inputs == {"bucket": "productionapp", "blockPublicAcls": True, "blockPublicPolicy": True,
                            "ignorePublicAcls": True, "restrictPublicBuckets": True}
    (policy,) = prod_run.of_type("aws:s3/bucketPolicy:BucketPolicy")
    assert json.loads(policy.inputs["policy"]) == documents.bucket_policy("arn:aws:s3:::productionapp")
    assert block.urn in policy.dependencies


def test_prod_stack_touches_nothing_of_development(prod_run: StackRun) -> None:
    assert not [r for r in prod_run.resources if r.type.startswith("aws:iam/group")]


def test_options_reach_the_role(raw: dict[str, Any], tmp_path: Path) -> None:
    raw["roles"][0].update(requireMfa=True, mfaMaxAgeSeconds=900, maxSessionDuration=7200, path="/apps/",
                           permissionsBoundaryArn="arn:aws:iam::999999999999:policy/Boundary",
                           description="d", tags={"team": "platform"}, trustActions=["sts:AssumeRole",
                                                                                    "sts:SetSourceIdentity"])
    raw["buckets"][0]["create"] = True
    run = run_with_model("prod", raw, tmp_path)
    role = run.named(ROLE, "UpdateApp").inputs
    assert (role["path"], role["maxSessionDuration"], role["description"]) == ("/apps/", 7200, "d")
    assert role["permissionsBoundary"] == "arn:aws:iam::999999999999:policy/Boundary"
    assert role["tags"] == {"team": "platform"}
    statement = json.loads(role["assumeRolePolicy"])["Statement"][0]
    assert statement["Action"] == ["sts:AssumeRole", "sts:SetSourceIdentity"]
    assert statement["Condition"]["NumericLessThan"] == {"aws:MultiFactorAuthAge": "900"}
    (bucket,) = run.of_type("aws:s3/bucket:Bucket")
    assert bucket.inputs["bucket"] == "productionapp"
    assert run.outputs["roles"]["UpdateApp"]["arn"] == "arn:aws:iam::999999999999:role/apps/UpdateApp"
